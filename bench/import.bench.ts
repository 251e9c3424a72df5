/**
 * Registries in (issue 4), on the real PostgreSQL: a 1 000 000-row TXT (windows-1251, «;», 200 000 accounts × 5
 * services), a 200 000-row XLSX and a 200 000-row DBF (40 000 accounts × 5), each imported end to end (store,
 * parse, validate, apply in one transaction) in a fresh process; rows/s, peak RSS, and in the same run the rate
 * of a raw COPY of the same rows into a scratch table. `npm run bench -- import [runs=3] [scale=1]`
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { migratePostgres } from '../core/infra/database/database.ts';
import { createScratchDatabase } from '../test/support/test-database.ts';
import { HEADER, writeDbfFile, writeTxt, writeXlsxFile } from './import/generate.ts';

const RUNS = Number(process.argv[2] ?? 3);
const SCALE = Number(process.argv[3] ?? 1);
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CHILD = new URL('./import/child.ts', import.meta.url).pathname;
const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Child = { ms: number; status: string; rows: number; lines: number; errors: unknown[]; phases: Record<string, number>; maxRssKiB: number };

async function importOnce(url: string, file: string, slug: string): Promise<Child> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, url, file, slug], { maxBuffer: 1 << 24, env: { ...process.env, LOG_LEVEL: 'warn' } });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as Child;
  if (result.status !== 'applied') throw new Error(`${path.basename(file)} was not applied: ${JSON.stringify(result.errors)}`);
  return result;
}

/** The floor: the same delimited rows COPYed as text into an unindexed scratch table, no checks at all. */
async function copyRate(url: string, txt: string, rows: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await client.query(`drop table if exists copy_baseline; create table copy_baseline (${HEADER.map((_, c) => `c${c} text`).join(', ')})`);
      const started = performance.now();
      await pipeline(createReadStream(txt), client.query(copyFrom(`COPY copy_baseline FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'WIN1251')`)));
      times.push(performance.now() - started);
    }
    return rows / (median(times) / 1000);
  } finally {
    await client.end();
  }
}

const dir = await mkdtemp(path.join(tmpdir(), 'fp-bench-import-'));
const scratch = await createScratchDatabase(SERVER);
try {
  await migratePostgres(scratch.url);
  const big = Math.round(200_000 * SCALE);
  const small = Math.round(40_000 * SCALE);
  const files = {
    txt: path.join(dir, 'accruals-1m.txt'), txtSmall: path.join(dir, 'accruals-200k.txt'),
    xlsx: path.join(dir, 'accruals-200k.xlsx'), dbf: path.join(dir, 'accruals-200k.dbf'),
  };
  let t = performance.now();
  await writeTxt(files.txt, big);
  await writeTxt(files.txtSmall, small);
  await writeXlsxFile(files.xlsx, small);
  await writeDbfFile(files.dbf, small);
  console.log(`generated in ${((performance.now() - t) / 1000).toFixed(1)} s: ${big * 5} / ${small * 5} rows`);
  const cases = [
    { name: `TXT cp1251 ;  ${big * 5} rows`, file: files.txt, rows: big * 5, copyOf: files.txt, goal: 100_000 },
    { name: `XLSX          ${small * 5} rows`, file: files.xlsx, rows: small * 5, copyOf: files.txtSmall, goal: 40_000 },
    { name: `DBF cp866     ${small * 5} rows`, file: files.dbf, rows: small * 5, copyOf: files.txtSmall, goal: 60_000 },
  ];
  for (const c of cases) {
    const results: Child[] = [];
    for (let i = 0; i < RUNS; i++) results.push(await importOnce(scratch.url, c.file, `bench-${path.extname(c.file).slice(1)}-${i}-${Date.now()}`));
    const ms = median(results.map((r) => r.ms));
    const rate = c.rows / (ms / 1000);
    const copy = await copyRate(scratch.url, c.copyOf, c.rows);
    const rss = Math.max(...results.map((r) => r.maxRssKiB)) / 1024;
    const size = (await stat(c.file)).size / 1024 / 1024;
    console.log(`${c.name} (${size.toFixed(1)} MB): median ${(ms / 1000).toFixed(2)} s = ${Math.round(rate).toLocaleString('en')} rows/s ` +
      `(goal ${c.goal.toLocaleString('en')}), peak RSS ${rss.toFixed(0)} MiB; raw COPY ${Math.round(copy).toLocaleString('en')} rows/s; ratio ${(rate / copy).toFixed(2)}` +
      `; runs ${results.map((r) => (r.ms / 1000).toFixed(2)).join(' / ')} s`);
    const middle = results.find((r) => r.ms === ms)!;
    const stored = middle.ms - Object.values(middle.phases).reduce((a, b) => a + b, 0);
    console.log(`  phases of the median run, s: store+open ${(stored / 1000).toFixed(2)}, ${Object.entries(middle.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ')}`);
  }
} finally {
  await scratch.drop();
  await rm(dir, { recursive: true, force: true });
}
