import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../core/infra/database/database.ts';
import { accountDebt, makePaymentsService, type PaymentRecord, type PaymentsService } from '../core/payments/index.ts';
import { kopecks, settableClock } from '../core/shared/index.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';

/** Issue 5 «Notifications», RELIABILITY.md P1 and M3: each operation applied once, in any order, ledger balanced. */
const FULL = process.env.FULL === '1';
const PAYMENTS = FULL ? 2_000 : 120;
const DELIVERIES = 5;
const CONCURRENCY = 50;

let test: TestDatabase;
let db: Database;
let payments: PaymentsService;
let org: PaymentsOrg;
const clock = settableClock(new Date('2026-11-26T09:00:00Z'));

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  org = await makePaymentsOrg(db, 'notify', { accounts: 70, services: 5, chargedAt: new Date('2026-11-20T09:00:00Z') });
  payments = makePaymentsService({ db, clock, secretKey: 'k'.repeat(40), provider: 'sandbox', publicUrl: () => 'http://127.0.0.1:9', sandboxRetryMs: [0] });
}, 120_000);
afterAll(async () => {
  payments?.close();
  await test?.drop();
});

/** A delivery exactly as the sandbox bank sends it: the JSON body and its signature header. */
function delivery(payment: PaymentRecord, status: string, amount = payment.gross) {
  const body = JSON.stringify({ TerminalKey: 'sandbox', OrderId: payment.id, PaymentId: payment.providerPaymentId, Status: status, Success: status !== 'REJECTED', ErrorCode: '0', Amount: amount });
  return { body: Buffer.from(body), headers: { 'x-sandbox-signature': payments.sandbox.sign(body) } };
}

async function newPayment(accountIndex: number, amount: number, method: 'sbp' | 'card' = 'sbp'): Promise<PaymentRecord> {
  const created = await payments.create({ orgId: org.orgId, accountId: org.accounts[accountIndex % org.accounts.length]!.id, amount: kopecks(amount), method, source: 'link' });
  if (!created.ok) throw created.error;
  return created.value;
}

async function inParallel<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  }));
  return results;
}

const shuffle = <T>(list: T[], seed = 42): T[] => {
  let s = seed;
  for (let i = list.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
};

const one = async <T>(sql: string, params: unknown[] = []): Promise<T> =>
  db.withTenant(org.orgId, async (em) => (await em.execute<T[]>(sql, params))[0]!);

describe('bank notifications', () => {
  it(`credits each of ${PAYMENTS} payments once when every notification arrives ${DELIVERIES} times, shuffled, ${CONCURRENCY} at once, reversals first`, async () => {
    const created = await inParallel(Array.from({ length: PAYMENTS }, (_, i) => () => newPayment(i % 60, 10_000 + i * 37)), 10);
    const reversed = new Set(created.filter((_, i) => i % 10 === 0).map((p) => p.id));
    const jobs = shuffle(created.flatMap((p) => Array.from({ length: DELIVERIES }, () => [
      delivery(p, 'CONFIRMED'), ...(reversed.has(p.id) ? [delivery(p, 'REFUNDED')] : []),
    ]).flat()));
    const outcomes = await inParallel(jobs.map((d) => () => payments.hook('sandbox', d.body, d.headers)), CONCURRENCY);
    expect(outcomes.every((o) => o.status === 200 && o.body === 'OK')).toBe(true);
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(PAYMENTS + reversed.size);
    const counts = await db.withTenant(org.orgId, (em) => em.execute<{ payment_id: string; kind: string; n: string }[]>(
      `select payment_id, kind, count(distinct transfer_id) as n from ledger_entries where payment_id in (select id from payments where id::text = any(string_to_array(?, ','))) group by payment_id, kind`, [created.map((p) => p.id).join(',')]));
    const credits = counts.filter((c) => c.kind === 'payment');
    expect(credits).toHaveLength(PAYMENTS);
    expect(credits.every((c) => Number(c.n) === 1)).toBe(true);
    expect(counts.filter((c) => c.kind === 'refund').map((c) => c.payment_id).sort()).toEqual([...reversed].sort());
    const statuses = await db.withTenant(org.orgId, (em) => em.execute<{ status: string; n: string }[]>(
      `select status, count(*) as n from payments where id::text = any(string_to_array(?, ',')) group by status order by status`, [created.map((p) => p.id).join(',')]));
    expect(Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]))).toEqual({ paid: PAYMENTS - reversed.size, refunded: reversed.size });
    const ledger = await one<{ sum: string }>('select coalesce(sum(amount), 0) as sum from ledger_entries where org_id = ?', [org.orgId]);
    expect(Number(ledger.sum)).toBe(0);
    // Every paid payment's split adds up to its amount; every refunded one's to zero.
    const splits = await db.withTenant(org.orgId, (em) => em.execute<{ id: string; amount: string; status: string; split: string }[]>(
      `select p.id, p.amount, p.status, coalesce(sum(s.amount), 0) as split from payments p left join payment_splits s on s.payment_id = p.id
       where p.id::text = any(string_to_array(?, ',')) group by p.id`, [created.map((p) => p.id).join(',')]));
    for (const s of splits) expect(Number(s.split)).toBe(s.status === 'refunded' ? 0 : Number(s.amount));
  }, 600_000);

  it('refuses a forged, altered or unsigned delivery without changing anything', async () => {
    const p = await newPayment(3, 12_345);
    const good = delivery(p, 'CONFIRMED');
    const altered = Buffer.from(good.body.toString().replace(`"Amount":${p.gross}`, `"Amount":${p.gross + 1}`));
    const flipped = Buffer.from(good.body);
    flipped[10] = flipped[10]! ^ 1;
    for (const [body, headers] of [
      [altered, good.headers], [flipped, good.headers], [good.body, {}], [good.body, { 'x-sandbox-signature': 'a'.repeat(64) }],
      [good.body, { 'x-sandbox-signature': good.headers['x-sandbox-signature'].slice(1) }], [Buffer.from('[]'), { 'x-sandbox-signature': payments.sandbox.sign('[]') }],
    ] as const) {
      const answer = await payments.hook('sandbox', body, headers);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    expect((await one<{ status: string }>('select status from payments where id = ?', [p.id])).status).toBe('pending');
    expect(Number((await one<{ n: string }>('select count(*) as n from payment_inbox where payment_id = ?', [p.id])).n)).toBe(0);
  });

  it('does not credit a signed confirmation whose amount differs from what was asked', async () => {
    const p = await newPayment(4, 20_000);
    const answer = await payments.hook('sandbox', delivery(p, 'CONFIRMED', p.gross - 100).body, delivery(p, 'CONFIRMED', p.gross - 100).headers);
    expect(answer.outcome).toBe('mismatch');
    expect((await one<{ status: string }>('select status from payments where id = ?', [p.id])).status).toBe('pending');
  });

  it('answers 404 for an order it does not know, so the bank keeps it for someone who does', async () => {
    const p = await newPayment(5, 20_000);
    const body = JSON.stringify({ OrderId: '00000000-0000-4000-8000-000000000000', PaymentId: p.providerPaymentId, Status: 'CONFIRMED', Amount: p.gross });
    expect((await payments.hook('sandbox', Buffer.from(body), { 'x-sandbox-signature': payments.sandbox.sign(body) })).status).toBe(404);
  });

  it('shows the debt less a payment at once, paying the oldest period first', async () => {
    const account = org.accounts[66]!;
    const before = await db.withTenant(org.orgId, (em) => accountDebt(em, org.orgId, account.id));
    const oldestPeriod = before.lines.filter((l) => l.kind === 'principal').map((l) => l.period).sort()[0]!;
    const oldest = { amount: before.lines.filter((l) => l.kind === 'principal' && l.period === oldestPeriod).reduce((s, l) => s + l.amount, 0) };
    clock.advance(1_000);
    const p = await newPayment(66, oldest.amount);
    await payments.hook('sandbox', delivery(p, 'CONFIRMED').body, delivery(p, 'CONFIRMED').headers);
    const after = await db.withTenant(org.orgId, (em) => accountDebt(em, org.orgId, account.id));
    expect(after.total).toBe(before.total - oldest.amount);
    expect(after.lines.some((l) => l.period === oldestPeriod && l.kind === 'principal')).toBe(false);
  });

  it('refunds in pieces through the bank, restoring the debt and balancing the ledger', async () => {
    const account = org.accounts[67]!;
    const before = await db.withTenant(org.orgId, (em) => accountDebt(em, org.orgId, account.id));
    clock.advance(1_000);
    const p = await newPayment(67, 30_001, 'card');
    // The bank's own books say confirmed (its HTTP delivery has nowhere to go here); we deliver its notification.
    await payments.sandbox.decide(p.providerPaymentId!, 'confirm');
    await payments.hook('sandbox', delivery(p, 'CONFIRMED').body, delivery(p, 'CONFIRMED').headers);
    const actor = { userId: null, label: 'test' };
    const first = await payments.refund({ orgId: org.orgId, paymentId: p.id, amount: kopecks(10_000), reason: 'ошибка в сумме', actor });
    if (!first.ok) throw first.error;
    expect(first.value.status).toBe('partially_refunded');
    const tooMuch = await payments.refund({ orgId: org.orgId, paymentId: p.id, amount: kopecks(p.gross), reason: 'ещё', actor });
    expect(!tooMuch.ok && tooMuch.error.code).toBe('PAYMENTS.REFUND_TOO_LARGE');
    const rest = await payments.refund({ orgId: org.orgId, paymentId: p.id, amount: kopecks(p.gross - 10_000), reason: 'остаток', actor });
    expect(rest.ok && rest.value.status).toBe('refunded');
    const after = await db.withTenant(org.orgId, (em) => accountDebt(em, org.orgId, account.id));
    expect(after.total).toBe(before.total);
    const sums = await one<{ ledger: string; fee: string }>(
      `select sum(e.amount) as ledger, sum(e.amount) filter (where a.kind = 'fee_income') as fee from ledger_entries e join ledger_accounts a on a.id = e.ledger_account_id where e.payment_id = ?`, [p.id]);
    expect(Number(sums.ledger)).toBe(0);
    expect(Number(sums.fee)).toBe(0);
  });

  it('finds a payment the bank never reported by asking for its state', async () => {
    const p = await newPayment(8, 15_000);
    await db.withoutTenant((em) => em.execute(`update sandbox_payments set status = 'CONFIRMED' where id = ?`, [p.providerPaymentId]));
    clock.advance(16 * 60_000);
    const summary = await payments.reconcile();
    expect(summary.applied).toBeGreaterThanOrEqual(1);
    expect((await one<{ status: string }>('select status from payments where id = ?', [p.id])).status).toBe('paid');
    const late = await payments.hook('sandbox', delivery(p, 'CONFIRMED').body, delivery(p, 'CONFIRMED').headers);
    expect(late.outcome).toBe('duplicate');
  });
});
