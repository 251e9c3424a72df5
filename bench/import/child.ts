/**
 * One import in a process of its own, so its peak RSS is the import's: `node --import tsx bench/import/child.ts
 * DB_URL FILE SLUG` prints one JSON line.
 */
import path from 'node:path';
import { openDatabase } from '../../core/infra/database/database.ts';
import { makeOrgsService } from '../../core/orgs/index.ts';
import { makeRegistriesService } from '../../core/registries/index.ts';
import { systemClock } from '../../core/shared/index.ts';
import { orgInput } from '../../test/fixtures/orgs.ts';

const [url, file, slug] = process.argv.slice(2) as [string, string, string];
const db = await openDatabase({ databaseUrl: url, migrate: false, poolMax: 2 });
const orgs = makeOrgsService({ db, clock: systemClock });
const actor = { userId: null, label: 'bench' };
const org = await orgs.createOrganization(orgInput(slug));
if (!org.ok) throw new Error(JSON.stringify(org.error));
await orgs.addRecipient(org.value.id, { ...orgInput(slug), name: 'УК' }, actor);
const registries = makeRegistriesService({ db, clock: systemClock });
const started = performance.now();
const report = await registries.importPath(org.value.id, file, path.basename(file), { source: 'cli', actor });
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, status: report.status, rows: report.rows, lines: report.lines, errors: report.errors.slice(0, 3), phases: report.phases, maxRssKiB: process.resourceUsage().maxRSS }));
await db.close();
