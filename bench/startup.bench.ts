/**
 * Cold start of `familypay serve` in embedded mode to a healthy /health: on an empty DATA_DIR (initdb,
 * migrations, demo seed) and on an existing one. Each run is a fresh process, as a user starts it.
 * `npm run bench -- startup [runs=5]`
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const RUNS = Number(process.argv[2] ?? 5);
const BIN = new URL('../cli/familypay.js', import.meta.url).pathname;

async function startToHealthy(dataDir: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.status === 200 && ((await res.json()) as { database: { ok: boolean } }).database.ok) return performance.now() - started;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const empty: number[] = [];
const existing: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = await mkdtemp(path.join(tmpdir(), 'fp-bench-'));
  empty.push(await startToHealthy(dir, 39_000 + i));
  existing.push(await startToHealthy(dir, 39_100 + i));
  await rm(dir, { recursive: true, force: true });
}
console.log(`startup to healthy /health, embedded, ${RUNS} runs each`);
console.log(`  empty DATA_DIR:    median ${fmt(median(empty))}  (runs: ${empty.map(fmt).join(', ')})`);
console.log(`  existing DATA_DIR: median ${fmt(median(existing))}  (runs: ${existing.map(fmt).join(', ')})`);
