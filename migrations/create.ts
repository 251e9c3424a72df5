/**
 * Developer tool: `npm run migration:create -- <snake_case_name>` diffs the entities against the migrations (on a fresh
 * in-memory PGlite, which is PostgreSQL 17) and writes the difference as a new migration, then lists it in
 * migrations/index.ts. Review the generated SQL like code.
 */
import type { Migrator } from '@mikro-orm/migrations';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initPgliteOrm, newPglite } from '../core/infra/database/database.ts';
import { runMigrations } from '../core/infra/database/migrate.ts';
import { MIGRATIONS_DIR } from '../core/infra/database/orm-options.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run migration:create -- <snake_case_name>');
  process.exit(2);
}
const pg = newPglite();
const orm = await initPgliteOrm(pg);
await runMigrations(orm);
const result = await (orm.getMigrator() as Migrator).createMigration(MIGRATIONS_DIR, false, false, name);
await orm.close(true);
await pg.close();
if (!result.fileName) {
  console.log('no schema changes');
  process.exit(0);
}
const className = result.fileName.replace(/\.ts$/, '');
const indexFile = path.join(MIGRATIONS_DIR, 'index.ts');
const index = await readFile(indexFile, 'utf8');
// After the last migration import, so the list reads in the order it is applied.
const lastImport = [...index.matchAll(/^import \{ Migration\w+ \} from [^\n]*\n/gm)].at(-1);
const at = lastImport ? lastImport.index! + lastImport[0].length : index.indexOf('\n', index.indexOf("from '@mikro-orm/migrations'")) + 1;
const withImport = `${index.slice(0, at)}import { ${className} } from './${className}.ts';\n${index.slice(at)}`;
const withEntry = withImport.replace(/\] = \[([\s\S]*?)\];/, (_all, body: string) => {
  const items = body.trim() ? `${body.trimEnd()}\n` : '\n';
  return `] = [${items}  { name: '${className}', class: ${className} },\n];`;
});
await writeFile(indexFile, withEntry);
console.log(`wrote migrations/${result.fileName}`);
