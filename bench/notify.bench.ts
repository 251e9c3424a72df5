/**
 * Bank notifications through the real handler against a raw one-statement baseline (issue 5 benchmark).
 * `npm run bench -- notify [seconds=30] [connections=50]`; PostgreSQL from DATABASE_URL or the local server.
 * Each server is its own process (pool of 20); autocannon sends signed sandbox notifications, 10 % of them repeats,
 * for payments whose accounts owe on 3 services (3–6 split parts with carried debt and penalties). Prints
 * throughput and latency of both, their ratio, double credits and the ledger balance.
 * Then the payment page: `familypay serve` (server mode, pool of 20) answering GET /pay/<token> for accounts
 * with debt, at PAGE_CONNECTIONS (default 20) connections.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createInterface } from 'node:readline';
import { migratePostgres, openDatabase } from '../core/infra/database/database.ts';
import { createScratchDatabase } from '../test/support/test-database.ts';
import { makePaymentsOrg } from '../test/support/payments-fixture.ts';
import { makePayLinks } from '../core/payments/pay-links.ts';
import { systemClock } from '../core/shared/index.ts';

const SECONDS = Number(process.argv[2] ?? 30);
const CONNECTIONS = Number(process.argv[3] ?? 50);
const SECRET = 'b'.repeat(64);
const dbServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const scratch = await createScratchDatabase(dbServer);
await migratePostgres(scratch.url);
const db = await openDatabase({ databaseUrl: scratch.url, migrate: false });
const key = createHmac('sha256', SECRET).update('familypay/sandbox-bank/v1').digest();
const sign = (body: string) => createHmac('sha256', key).update(body).digest('hex');

async function start(script: string): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_CPU_PROFILE=dir writes each server's V8 CPU profile there, to see where the time goes.
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', new URL(script, import.meta.url).pathname], {
    env: { ...process.env, HOOK_DATABASE_URL: scratch.url, HOOK_SECRET_KEY: SECRET, HOOK_POOL_MAX: '20' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { child, url: `http://127.0.0.1:${line.split(' ')[1]}` };
}

/** Pending payments written straight in SQL (their creation is not what is measured). */
async function pendingPayments(orgId: string, accounts: readonly { id: string }[], count: number, tag: string): Promise<{ id: string; pid: string; gross: number }[]> {
  return db.withTenant(orgId, (em) => em.execute<{ id: string; pid: string; gross: number }[]>(
    `insert into payments (id, org_id, account_id, provider, provider_payment_id, method, status, amount, fee, gross, net, commission_mode, commission_bp,
       refunded, source, expires_at, created_at, updated_at)
     select gen_random_uuid(), ?, (string_to_array(?, ','))[1 + i % ?]::uuid, 'sandbox', ? || i, 'sbp', 'pending', 50000 + i % 1000, 300, 50000 + i % 1000, 49700 + i % 1000,
       'internal', 60, 0, 'link', now() + interval '1 hour', now(), now()
     from generate_series(1, ?) i returning id, provider_payment_id as pid, gross`,
    [orgId, accounts.map((a) => a.id).join(','), accounts.length, `sbx_${tag}_`, count]));
}

async function run(name: string, script: string, orgId: string, accounts: readonly { id: string }[]) {
  const payments = await pendingPayments(orgId, accounts, Math.max(2_000, SECONDS * 2_500), name);
  const bodies = payments.map((p) => JSON.stringify({ TerminalKey: 'sandbox', OrderId: p.id, PaymentId: p.pid, Status: 'CONFIRMED', Success: true, ErrorCode: '0', Amount: Number(p.gross) }));
  let next = 0;
  const sent: number[] = [];
  const pick = () => {
    // One request in ten repeats a delivery already sent (the bank's retries).
    const i = sent.length > 10 && next % 10 === 9 ? sent[(next * 7919) % sent.length]! : sent.push(next % bodies.length) && next % bodies.length;
    next += 1;
    return bodies[i]!;
  };
  const { child, url } = await start(script);
  const result = await autocannon({
    url, connections: CONNECTIONS, duration: SECONDS,
    requests: [{ method: 'POST', path: `/hooks/sandbox`, setupRequest: (req) => { const body = pick(); return { ...req, body, headers: { 'content-type': 'application/json', 'x-sandbox-signature': sign(body) } }; } }],
  });
  child.kill('SIGTERM');
  const non2xx = result.non2xx + result.errors + result.timeouts;
  console.log(`  ${name.padEnd(9)} ${String(Math.round(result.requests.average)).padStart(5)} req/s  p50 ${String(result.latency.p50).padStart(4)} ms  p99 ${String(result.latency.p99).padStart(4)} ms  (${result.requests.total} requests${non2xx ? `, ${non2xx} not 2xx` : ''})`);
  return result;
}

/** The resident's payment page, served by the real server process. */
async function pageRun(orgId: string, accounts: readonly { id: string }[]) {
  const PORT = 39_510;
  const links = makePayLinks({ db, clock: systemClock, secretKey: SECRET });
  const tokens = await Promise.all(accounts.slice(0, 500).map((a) => links.sign({ orgId, purpose: 'account', subjectId: a.id })));
  const server = spawn(process.execPath, [new URL('../cli/familypay.js', import.meta.url).pathname, 'serve'], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: scratch.url, SECRET_KEY: SECRET, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_POOL_MAX: '20' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${PORT}/health`).then((r) => r.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    let n = 0;
    const connections = Number(process.env.PAGE_CONNECTIONS ?? 20);
    const result = await autocannon({
      url: `http://127.0.0.1:${PORT}`, connections, duration: SECONDS,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/pay/${tokens[n++ % tokens.length]}` }) }],
    });
    const bad = result.non2xx + result.errors + result.timeouts;
    console.log(`  pay page  ${String(Math.round(result.requests.average)).padStart(5)} req/s  p50 ${String(result.latency.p50).padStart(4)} ms  p99 ${String(result.latency.p99).padStart(4)} ms  at ${connections} connections (goal ≥ 500 req/s, p99 ≤ 100 ms)${bad ? `, ${bad} not 2xx` : ''}`);
  } finally {
    server.kill('SIGTERM');
  }
}

try {
  const org = await makePaymentsOrg(db, 'bench-notify', { accounts: 2_000, services: 3 });
  console.log(`notify: ${SECONDS} s, ${CONNECTIONS} connections, 10 % repeats, PostgreSQL ${dbServer.replace(/\/\/[^@]*@/, '//')}`);
  const baseline = await run('baseline', './notify/baseline.child.ts', org.orgId, org.accounts);
  const real = await run('handler', '../test/support/hook-server.child.ts', org.orgId, org.accounts);
  const [check] = await db.withTenant(org.orgId, (em) => em.execute<{ doubles: string; ledger: string }[]>(
    `select (select count(*) from (select payment_id from ledger_entries where kind = 'payment' group by payment_id having count(distinct transfer_id) > 1) d) as doubles,
            (select coalesce(sum(e.amount), 0) from ledger_entries e join payments p on p.id = e.payment_id where p.provider_payment_id like 'sbx_handler_%') as ledger`));
  console.log(`  ratio     ${(real.requests.average / baseline.requests.average * 100).toFixed(0)} % of the baseline's throughput (goal ≥ 60 %), p99 ${(real.latency.p99 / baseline.latency.p99).toFixed(2)}× the baseline's (goal ≤ 2×)`);
  console.log(`  checks    double credits ${check!.doubles}, handler ledger Σ ${check!.ledger} kop (0 = balanced)`);
  await pageRun(org.orgId, org.accounts);
} finally {
  await db.close();
  await scratch.drop();
}
