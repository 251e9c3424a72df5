import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { makePaymentsService, makeTbankProvider, type PaymentRecord, type PaymentsService } from '../core/payments/index.ts';
import { kopecks, settableClock } from '../core/shared/index.ts';
import { hooksRoutes } from '../web/hooks.routes.ts';
import { makeHttpApp } from '../web/http-app.ts';
import { startFakeTbank, type FakeTbank } from './support/fake-tbank.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';

/**
 * The whole T-Bank path over HTTP: our Init to the fake bank, the bank's notifications to POST /hooks/tbank
 * (RELIABILITY.md P1 repeats) and P3: mutants of valid deliveries — a flipped byte, re-serialised JSON with a
 * changed field, a Token of another length, no Token, a replay — change nothing and never answer 5xx.
 */
const MUTANTS = process.env.FULL === '1' ? 10_000 : 500;
const TERMINAL = { terminalKey: 'FamilyPayDEMO', password: 'tbank-password-1' };
const clock = settableClock(new Date('2026-11-26T09:00:00Z'));
let test: TestDatabase;
let payments: PaymentsService;
let bank: FakeTbank;
let org: PaymentsOrg;
let server: Server;
let base = '';

beforeAll(async () => {
  test = await openTestDatabase();
  org = await makePaymentsOrg(test.db, 'hooks-tbank', { accounts: 4, services: 3 });
  bank = await startFakeTbank({ ...TERMINAL, notifyRetryMs: 20, maxNotifyAttempts: 3 });
  const tbank = makeTbankProvider({ baseUrl: `${bank.url}/v2/`, ...TERMINAL, clock });
  payments = makePaymentsService({ db: test.db, clock, secretKey: 'k'.repeat(40), provider: 'tbank', extraProviders: [tbank], publicUrl: () => base });
  const app = makeHttpApp(makeLogger({ level: 'silent' }), [hooksRoutes({ payments, logger: makeLogger({ level: 'silent' }) })]);
  server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await bank?.close();
  payments?.close();
  await test?.drop();
});

async function newPayment(amount: number, method: 'sbp' | 'card' = 'sbp'): Promise<PaymentRecord> {
  const created = await payments.create({ orgId: org.orgId, accountId: org.accounts[0]!.id, amount: kopecks(amount), method, source: 'link' });
  if (!created.ok) throw created.error;
  return created.value;
}
const post = (body: string | Buffer) => fetch(`${base}/hooks/tbank`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json' } });
const row = async (id: string) => (await test.db.withTenant(org.orgId, (em) => em.execute<{ status: string; inbox: string; transfers: string }[]>(
  `select status, (select count(*) from payment_inbox where payment_id = p.id) as inbox,
     (select count(distinct transfer_id) from ledger_entries where payment_id = p.id) as transfers from payments p where id = ?`, [id])))[0]!;

describe('T-Bank notifications over HTTP', () => {
  it('initiates through Init and GetQr, and credits once however often the bank repeats its notification', async () => {
    const p = await newPayment(250_000);
    expect(p.sbpPayload).toMatch(/^https:\/\/qr\.nspk\.ru\//);
    await bank.confirm(p.providerPaymentId!);
    await bank.deliver(p.providerPaymentId!, { times: 4 });
    const mine = bank.deliveries.filter((d) => d.paymentId === p.providerPaymentId);
    expect(mine.every((d) => d.replyStatus === 200 && d.replyBody === 'OK')).toBe(true);
    expect(await row(p.id)).toMatchObject({ status: 'paid', inbox: expect.anything(), transfers: expect.anything() });
    const r = await row(p.id);
    expect([Number(r.inbox), Number(r.transfers)]).toEqual([1, 1]);
  });

  it(`accepts none of ${MUTANTS} mutants of a valid delivery and never answers 5xx`, async () => {
    const p = await newPayment(123_456);
    await bank.authorize(p.providerPaymentId!);
    const valid = bank.deliveries.filter((d) => d.paymentId === p.providerPaymentId).at(-1)!.body;
    const before = await row(p.id);
    const json = JSON.parse(valid) as Record<string, unknown>;
    const mutant = fc.oneof(
      fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => { const b = Buffer.from(valid); b[i] = b[i]! ^ x; return b; }),
      fc.constantFrom('Status', 'Amount', 'OrderId', 'PaymentId', 'Success', 'TerminalKey').chain((k) => fc.oneof(fc.string(), fc.integer(), fc.boolean())
        .map((v) => Buffer.from(JSON.stringify({ ...json, [k]: v, Status: k === 'Status' ? v : 'CONFIRMED' })))),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 0, maxLength: 80 }).filter((t) => t.length !== 64).map((t) => Buffer.from(JSON.stringify({ ...json, Token: t }))),
      fc.constant(Buffer.from(JSON.stringify({ ...json, Token: undefined }))),
      fc.constant(Buffer.from(JSON.stringify({ ...json, Status: 'CONFIRMED' }))),
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    );
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(mutant, async (body) => {
      const res = await post(body);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status).toBeLessThan(500);
      if (!body.equals(Buffer.from(valid))) expect(res.status).toBeGreaterThanOrEqual(400);
    }), { numRuns: MUTANTS });
    expect(await row(p.id)).toEqual(before);
    // A replay of the exact delivery is a repeat: acknowledged, nothing changes.
    const replay = await post(valid);
    expect([replay.status, await replay.text()]).toEqual([200, 'OK']);
    expect(await row(p.id)).toEqual(before);
  }, 600_000);

  it('fails the attempt when the bank rejects it and refunds through Cancel', async () => {
    const rejected = await newPayment(10_000, 'card');
    await bank.reject(rejected.providerPaymentId!);
    expect((await row(rejected.id)).status).toBe('failed');
    const paid = await newPayment(40_000, 'card');
    await bank.confirm(paid.providerPaymentId!);
    const refund = await payments.refund({ orgId: org.orgId, paymentId: paid.id, amount: kopecks(15_000), reason: 'переплата', actor: { userId: null, label: 't' } });
    expect(refund.ok && refund.value.status).toBe('partially_refunded');
    const rest = await payments.refund({ orgId: org.orgId, paymentId: paid.id, amount: kopecks(paid.gross - 15_000), reason: 'остаток', actor: { userId: null, label: 't' } });
    expect(rest.ok && rest.value.status).toBe('refunded');
    const [sum] = await test.db.withTenant(org.orgId, (em) => em.execute<{ s: string }[]>('select sum(amount) as s from ledger_entries where payment_id = ?', [paid.id]));
    expect(Number(sum!.s)).toBe(0);
  });
});
