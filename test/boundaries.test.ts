import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** ARCHITECTURE.md «Rings» and STYLE.md «Boundaries», checked on the source instead of trusted. */
const ROOT = path.resolve(new URL('..', import.meta.url).pathname);
const SOURCE_DIRS = ['core', 'dialogs', 'bots', 'web', 'admin', 'cli', 'migrations'];

function tsFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  try { statSync(abs); } catch { return []; }
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

const production = SOURCE_DIRS.flatMap(tsFiles).filter((f) => !f.endsWith('.test.ts'));
const importsOf = (file: string) =>
  [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
const resolved = (file: string, spec: string) => path.normalize(path.join(path.dirname(file), spec));

describe('boundaries', () => {
  it('keeps channel and web frameworks out of core/', () => {
    const bad = production.filter((f) => f.startsWith('core/')).flatMap((f) =>
      importsOf(f).filter((s) => /^(express|grammy|@grammyjs\/|whatsapp-web\.js|telegraf|playwright)/.test(s)).map((s) => `${f} → ${s}`));
    expect(bad).toEqual([]);
  });

  it('points dependencies inward: core imports no outer ring', () => {
    const bad = production.filter((f) => f.startsWith('core/')).flatMap((f) =>
      importsOf(f).filter((s) => s.startsWith('.')).map((s) => resolved(f, s))
        .filter((t) => /^(dialogs|bots|web|admin|cli)\//.test(t)).map((t) => `${f} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('enters a core module from outside only through its index.ts (entities excepted for the ORM wiring)', () => {
    const bad: string[] = [];
    for (const file of production) {
      for (const target of importsOf(file).filter((s) => s.startsWith('.')).map((s) => resolved(file, s))) {
        const m = /^core\/(\w+)\/(.+)$/.exec(target);
        // core/infra is wiring: its parts (config, database, queue…) are entered directly by the composition roots.
        if (!m || m[1] === 'infra') continue;
        const fromInside = file.startsWith(`core/${m[1]}/`);
        const viaDoor = m[2] === 'index.ts';
        const ormWiring = (file.startsWith('core/infra/database/') || file.endsWith('.entity.ts')) && m[2]!.endsWith('.entity.ts');
        if (!fromInside && !viaDoor && !ormWiring) bad.push(`${file} → ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps calculations pure: *.calc.ts imports only core/shared and other calculations', () => {
    const bad = production.filter((f) => f.endsWith('.calc.ts')).flatMap((f) =>
      importsOf(f).filter((s) => {
        if (!s.startsWith('.')) return !s.startsWith('node:');
        const t = resolved(f, s);
        return !(t.startsWith('core/shared/') || t.endsWith('.calc.ts') || t.endsWith('.entity.ts'));
      }).map((s) => `${f} → ${s}`));
    expect(bad).toEqual([]);
  });

  it('reads process.env only in the configuration and the CLI entry', () => {
    const allowed = new Set(['core/infra/config/config.ts', 'cli/main.ts']);
    const bad = production.filter((f) => !allowed.has(f) && /process\.env/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });

  it('exports by name from every index.ts (no export *)', () => {
    const bad = production.filter((f) => f.endsWith('index.ts') && /^export \*/m.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});
