/**
 * Resident bots through the web chat API (issue 6 benchmark). `npm run bench -- dialogs [residents=10000] [concurrent=50]`.
 * PostgreSQL from DATABASE_URL or the local server. The server is its own process (pool of 20). Each resident:
 * /start → link by number and bill code → debt → pay the whole debt (an СБП payment through the sandbox bank) →
 * one meter reading. Prints events/s, the server's time per event (median, p95, p99), and checks that no event was
 * lost or applied out of order (every answer is the one its step expects; each resident's state counted every event).
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { billCode } from '../core/accounts/index.ts';
import { migratePostgres, openDatabase } from '../core/infra/database/database.ts';
import { ALL_FLOWS } from '../dialogs/flows/index.ts';
import { createScratchDatabase } from '../test/support/test-database.ts';
import { makePaymentsOrg } from '../test/support/payments-fixture.ts';

const RESIDENTS = Number(process.argv[2] ?? 10_000);
const CONCURRENT = Number(process.argv[3] ?? 50);
const SECRET = 'd'.repeat(64);
const dbServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const scratch = await createScratchDatabase(dbServer);
await migratePostgres(scratch.url);
const db = await openDatabase({ databaseUrl: scratch.url, migrate: false });
const withReadings = ALL_FLOWS.some((f) => f.name === 'readings');

console.log(`preparing ${RESIDENTS} accounts…`);
const org = await makePaymentsOrg(db, 'bench', { accounts: RESIDENTS });
await db.withTenant(org.orgId, async (em) => {
  // One water meter per account with last month's reading, for the reading step.
  await em.execute(`insert into meters (id, org_id, account_id, service_id, number, created_at)
    select gen_random_uuid(), org_id, id, null, 'M-' || number, now() from accounts where org_id = ?`, [org.orgId]);
  await em.execute(`insert into meter_readings (id, org_id, meter_id, period, previous_value, value, read_at, source, created_at)
    select gen_random_uuid(), org_id, id, date_trunc('month', now() - interval '1 month')::date, 90, 100, null, 'import', now() from meters where org_id = ?`, [org.orgId]);
});

// BENCH_CPU_PROFILE=dir writes the server's V8 CPU profile there, to see where the time goes.
const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
// A live database has statistics (autovacuum); freshly bulk-loaded tables have none and mislead the planner.
const owner = new pg.Client({ connectionString: scratch.url });
await owner.connect();
await owner.query('analyze');

const child = spawn(process.execPath, [...profile, '--import', 'tsx', new URL('./dialogs/server.child.ts', import.meta.url).pathname], {
  env: { ...process.env, DIALOGS_DATABASE_URL: scratch.url, DIALOGS_SECRET_KEY: SECRET, DIALOGS_POOL_MAX: '20' }, stdio: ['ignore', 'pipe', 'inherit'],
});
const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
const base = `http://127.0.0.1:${line.split(' ')[1]}`;
const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);

type Reply = { type: string; text?: string; options?: { id: string }[] };
type Step = { send: { text?: string; choice?: string }; expect: (replies: Reply[]) => boolean };
const has = (fragment: string) => (replies: Reply[]) => replies.some((r) => r.text?.includes(fragment));
const offers = (id: string) => (replies: Reply[]) => replies.some((r) => r.options?.some((o) => o.id === id));

function script(account: { id: string; number: string }): Step[] {
  return [
    { send: { text: '/start' }, expect: offers('m.link') },
    { send: { choice: 'm.link' }, expect: has('номер лицевого счёта') },
    { send: { text: account.number }, expect: offers('lp.code') },
    { send: { choice: 'lp.code' }, expect: has('6-значный код') },
    { send: { text: billCode(SECRET, org.orgId, account.id, month) }, expect: has('привязан') },
    { send: { choice: 'm.debt' }, expect: has('Долг на сегодня') },
    { send: { choice: 'd.pay' }, expect: offers('p.full') },
    { send: { choice: 'p.full' }, expect: (r) => r.some((x) => x.type === 'link') },
    ...(withReadings ? [
      { send: { choice: 'm.readings' }, expect: (r: Reply[]) => r.length > 0 },
      { send: { text: '105' }, expect: (r: Reply[]) => r.length > 0 },
    ] : []),
  ];
}

const byStep: number[][] = [];
// node:http with kept-alive sockets: the client shares the machine with the server, so it should cost little.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT });
const port = Number(new URL(base).port);
function post(path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('error', reject);
    req.end(body);
  });
}
let events = 0;
let wrong = 0;
let failed = 0;
const sample: string[] = [];
async function resident(index: number): Promise<void> {
  const account = org.accounts[index]!;
  const session = randomUUID().replaceAll('-', '');
  for (const [i, step] of script(account).entries()) {
    const t0 = performance.now();
    const res = await post('/chat/api/bench/messages', JSON.stringify({ session, id: `m${i}`, ...step.send }));
    events += 1;
    (byStep[i] ??= []).push(performance.now() - t0);
    if (res.status !== 200) { failed += 1; if (sample.length < 3) sample.push(`${res.status} ${res.body}`); return; }
    const body = JSON.parse(res.body) as { replies: Reply[] };
    if (!step.expect(body.replies)) { wrong += 1; if (sample.length < 3) sample.push(`step ${i}: ${JSON.stringify(body.replies).slice(0, 300)}`); return; }
  }
}

console.log(`running ${RESIDENTS} residents, ${CONCURRENT} at a time${withReadings ? '' : ' (no readings flow yet)'}…`);
const started = performance.now();
let next = 0;
await Promise.all(Array.from({ length: CONCURRENT }, async () => {
  while (next < RESIDENTS) await resident(next++);
}));
const seconds = (performance.now() - started) / 1000;
agent.destroy();
const { times, turns } = await (await fetch(`${base}/__stats`)).json() as { times: number[]; turns: number[] };
child.kill('SIGINT');
await new Promise((resolve) => child.once('exit', resolve));
times.sort((a, b) => a - b);
turns.sort((a, b) => a - b);
const quantile = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);
const q = (p: number) => quantile(times, p);
const [states] = await db.withTenant(org.orgId, (em) => em.execute<{ n: string; events: string; bad: string }[]>(
  `select count(*) as n, coalesce(sum(seq), 0) as events, count(*) filter (where seq <> ?) as bad from dialog_states where org_id = ?`,
  [script(org.accounts[0]!).length, org.orgId]));
const [paid] = await db.withTenant(org.orgId, (em) => em.execute<{ n: string }[]>('select count(*) as n from dialog_payments where org_id = ?', [org.orgId]));

console.log(`events: ${events} in ${seconds.toFixed(1)} s = ${(events / seconds).toFixed(0)} events/s (goal ≥ 300)`);
console.log(`server time per event, arrival to answer: median ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms (goal p99 ≤ 50 ms)`);
console.log(`engine time per event, its turn taken to its answer: median ${quantile(turns, 0.5)} ms, p95 ${quantile(turns, 0.95)} ms, p99 ${quantile(turns, 0.99)} ms`);
console.log(`residents: ${states!.n} dialog states, ${states!.events} events applied, ${states!.bad} with a count other than their script's; ${paid!.n} chat payments`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
console.log(`round trip by step (median ms): ${byStep.map((xs, i) => `${i + 1}:${median(xs)}`).join(' ')}`);
console.log(`lost or failed: ${failed}; wrong answer (reordered or broken): ${wrong}${sample.length ? `\n  ${sample.join('\n  ')}` : ''}`);
await owner.end();
await db.close();
await scratch.drop();
