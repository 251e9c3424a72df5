// Child process for test/registry-hostile.test.ts: opens one file with openRegistry, drains its rows and prints
// {code, vars, rows, ms, maxRssKiB} as JSON. A child, because the reader's memory must be measured without vitest's.
// Usage: node --import tsx test/support/registry-drain.ts <path> [name]
import { openRegistry } from '../../core/registries/open-registry.ts';

const [file, name] = process.argv.slice(2);
if (!file) throw new Error('usage: registry-drain.ts <path> [name]');
const started = performance.now();
let code = 'OK';
let vars: unknown = {};
let rows = 0;
try {
  const registry = await openRegistry(file, { name: name ?? file });
  for await (const _row of registry.rows()) rows++;
} catch (e) {
  const error = (e as { error?: { code?: string; vars?: unknown } }).error;
  code = error?.code ?? `UNEXPECTED ${(e as Error).stack ?? String(e)}`;
  vars = error?.vars ?? {};
}
const ms = Math.round(performance.now() - started);
// maxRSS is in KiB on Linux: the peak of the whole process, startup included.
console.log(JSON.stringify({ code, vars, rows, ms, maxRssKiB: process.resourceUsage().maxRSS }));
