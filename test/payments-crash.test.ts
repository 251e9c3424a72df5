import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePaymentsService, type PaymentRecord, type PaymentsService } from '../core/payments/index.ts';
import { kopecks, systemClock } from '../core/shared/index.ts';
import { postgresUrl } from './support/services.ts';
import { openTestPostgres, type TestDatabase } from './support/test-database.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';

/**
 * RELIABILITY.md P2: a 2xx answer means the payment is committed. The hook server runs as a child process and is
 * killed with SIGKILL at a random moment while notifications are in flight; every notification it acknowledged
 * must be in the database, and redelivering the rest to a new server credits each payment exactly once.
 */
const LOOPS = process.env.FULL === '1' ? 200 : 6;
const PER_LOOP = 12;
const SECRET = 's'.repeat(40);
const serverUrl = await postgresUrl();

let test: TestDatabase;
let payments: PaymentsService;
let org: PaymentsOrg;

beforeAll(async () => {
  if (!serverUrl) return;
  test = await openTestPostgres(serverUrl);
  org = await makePaymentsOrg(test.db, 'crash', { accounts: 30, services: 4 });
  payments = makePaymentsService({ db: test.db, clock: systemClock, secretKey: SECRET, provider: 'sandbox', publicUrl: () => 'http://127.0.0.1:9', sandboxRetryMs: [0] });
}, 120_000);
afterAll(async () => {
  payments?.close();
  await test?.drop();
});

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./support/hook-server.child.ts', import.meta.url).pathname], {
    env: { ...process.env, HOOK_DATABASE_URL: test.ownerUrl!, HOOK_SECRET_KEY: SECRET, HOOK_POOL_MAX: '4' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`hook server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${line.split(' ')[1]}` };
}

function delivery(p: PaymentRecord) {
  const body = JSON.stringify({ TerminalKey: 'sandbox', OrderId: p.id, PaymentId: p.providerPaymentId, Status: 'CONFIRMED', Success: true, ErrorCode: '0', Amount: p.gross });
  return { body, signature: payments.sandbox.sign(body) };
}

/** Sends one delivery; true only for the acknowledgement the bank waits for (200 and `OK`). */
async function send(url: string, p: PaymentRecord): Promise<boolean> {
  const d = delivery(p);
  try {
    const res = await fetch(`${url}/hooks/sandbox`, { method: 'POST', body: d.body, headers: { 'content-type': 'application/json', 'x-sandbox-signature': d.signature } });
    return res.status === 200 && (await res.text()) === 'OK';
  } catch {
    return false;
  }
}

const credited = async (ids: readonly string[]) => new Map((await test.db.withTenant(org.orgId, (em) => em.execute<{ id: string; status: string; transfers: string }[]>(
  `select p.id, p.status, (select count(distinct transfer_id) from ledger_entries e where e.payment_id = p.id and e.kind = 'payment') as transfers
   from payments p where p.id::text = any(string_to_array(?, ','))`, [ids.join(',')]))).map((r) => [r.id, { status: r.status, transfers: Number(r.transfers) }]));

describe.skipIf(!serverUrl)('a killed hook server', () => {
  it(`never acknowledges a notification it did not commit (${LOOPS} kills), and redelivery credits each payment once`, async () => {
    const all: PaymentRecord[] = [];
    let unacknowledged: PaymentRecord[] = [];
    let acknowledgedButMissing = 0;
    let kills = 0;
    let interrupted = 0;
    let acknowledged = 0;
    for (let loop = 0; loop < LOOPS; loop++) {
      const fresh: PaymentRecord[] = [];
      for (let i = 0; i < PER_LOOP; i++) {
        const created = await payments.create({ orgId: org.orgId, accountId: org.accounts[(loop * PER_LOOP + i) % org.accounts.length]!.id, amount: kopecks(10_000 + i), method: 'sbp', source: 'link' });
        if (!created.ok) throw created.error;
        fresh.push(created.value);
      }
      all.push(...fresh);
      const batch = [...unacknowledged, ...fresh];
      const { child, url } = await startServer();
      const acks = batch.map((p) => send(url, p).then((ok) => ({ p, ok })));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 120));
      child.kill('SIGKILL');
      kills += 1;
      const results = await Promise.all(acks);
      const state = await credited(results.filter((r) => r.ok).map((r) => r.p.id));
      acknowledgedButMissing += results.filter((r) => r.ok && state.get(r.p.id)?.status !== 'paid').length;
      unacknowledged = results.filter((r) => !r.ok).map((r) => r.p);
      interrupted += unacknowledged.length;
      acknowledged += results.length - unacknowledged.length;
    }
    const { child, url } = await startServer();
    for (const p of unacknowledged) expect(await send(url, p)).toBe(true);
    child.kill('SIGKILL');
    const final = await credited(all.map((p) => p.id));
    console.log(`P2: ${kills} kills, ${all.length} payments, ${acknowledged} deliveries acknowledged before a kill, ${interrupted} cut off (counted at each kill), ${acknowledgedButMissing} acknowledged but missing`);
    expect(kills).toBe(LOOPS);
    expect(acknowledgedButMissing).toBe(0);
    expect([...final.values()].filter((s) => s.status !== 'paid' || s.transfers !== 1)).toEqual([]);
  }, 1_800_000);
});
