import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { createApiKey } from '../core/orgs/index.ts';
import { makePaymentsService, type PaymentsService } from '../core/payments/index.ts';
import { settableClock } from '../core/shared/index.ts';
import { paymentsApi } from '../web/api/payments.api.ts';
import { makeHttpApp } from '../web/http-app.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';

/** POST /api/v1/payments and RELIABILITY.md P4: the same idempotency key with another body writes nothing. */
const RUNS = process.env.FULL === '1' ? 1_000 : 60;
const clock = settableClock(new Date('2026-11-26T09:00:00Z'));
let test: TestDatabase;
let payments: PaymentsService;
let org: PaymentsOrg;
let other: PaymentsOrg;
let server: Server;
let base = '';
let key = '';

beforeAll(async () => {
  test = await openTestDatabase();
  org = await makePaymentsOrg(test.db, 'api-pay', { accounts: 5 });
  other = await makePaymentsOrg(test.db, 'api-pay-other', { accounts: 2 });
  const created = await createApiKey(test.db, clock, org.orgId, { userId: null, label: 'test' }, '1С');
  if (!created.ok) throw new Error('key');
  key = created.value.key;
  payments = makePaymentsService({ db: test.db, clock, secretKey: 'k'.repeat(40), provider: 'sandbox', publicUrl: () => 'http://127.0.0.1:9', sandboxRetryMs: [0] });
  const app = makeHttpApp(makeLogger({ level: 'silent' }), [paymentsApi({ db: test.db, clock, payments })]);
  server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  payments?.close();
  await test?.drop();
});

const create = (body: unknown, idempotencyKey?: string, apiKey = key) => fetch(`${base}/api/v1/payments`, {
  method: 'POST', body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
});
const count = async () => Number((await test.db.withTenant(org.orgId, (em) => em.execute<{ n: string }[]>('select count(*) as n from payments')))[0]!.n);

describe('POST /api/v1/payments', () => {
  it('creates an attempt and answers where to send the payer', async () => {
    const res = await create({ account: org.accounts[0]!.number, amount: 150_000, method: 'sbp' }, 'order-0001');
    expect(res.status).toBe(201);
    const json = await res.json() as { id: string; status: string; gross: number; sbpPayload: string; statusUrl: string };
    expect(json).toMatchObject({ status: 'pending', gross: 150_000 });
    expect(json.sbpPayload).toContain('/sandbox/pay/');
    expect(res.headers.get('location')).toBe(`/api/v1/payments/${json.id}`);
  });

  it('refuses a request without a key, without an idempotency key, or for an unknown or foreign account', async () => {
    expect((await create({ account: org.accounts[0]!.number, amount: 100 }, 'order-0002', 'fpk_nope')).status).toBe(401);
    expect((await create({ account: org.accounts[0]!.number, amount: 100 })).status).toBe(400);
    expect((await create({ account: other.accounts[0]!.number + 'x', amount: 10_000 }, 'order-0003')).status).toBe(422);
    expect((await create({ account: org.accounts[0]!.number, amount: 1.5 }, 'order-0004')).status).toBe(400);
    const small = await create({ account: org.accounts[0]!.number, amount: 99 }, 'order-0005');
    expect(small.status).toBe(422);
    expect((await small.json() as { error: { field: string } }).error.field).toBe('amount');
  });

  it(`answers the same payment for the same key and body, and writes nothing for the same key with another body (${RUNS} runs)`, async () => {
    let n = 0;
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 100, max: 10_000_000 }), fc.integer({ min: 100, max: 10_000_000 }), fc.constantFrom('sbp', 'card'), fc.constantFrom('sbp', 'card'), fc.nat(4), fc.nat(4),
      async (a1, a2, m1, m2, acc1, acc2) => {
        const idem = `p4-${n++}-${Date.now()}`;
        const first = { account: org.accounts[acc1]!.number, amount: a1, method: m1 };
        const second = { account: org.accounts[acc2]!.number, amount: a2, method: m2 };
        const r1 = await create(first, idem);
        expect(r1.status).toBe(201);
        const id = (await r1.json() as { id: string }).id;
        const before = await count();
        const again = await create(first, idem);
        expect(again.status).toBe(200);
        expect((await again.json() as { id: string }).id).toBe(id);
        const same = JSON.stringify(first) === JSON.stringify(second);
        const r2 = await create(second, idem);
        expect(r2.status).toBe(same ? 200 : 422);
        if (!same) expect((await r2.json() as { error: { code: string } }).error.code).toBe('PAYMENTS.IDEMPOTENCY_MISMATCH');
        expect(await count()).toBe(before);
      }), { numRuns: RUNS });
  }, 600_000);

  it('returns a payment with its proof of split, and nothing of another organisation', async () => {
    const res = await create({ account: org.accounts[2]!.number, amount: 345_678, method: 'card' }, 'proof-0001');
    const { id } = await res.json() as { id: string };
    const [row] = await test.db.withTenant(org.orgId, (em) => em.execute<{ provider_payment_id: string; gross: string }[]>('select provider_payment_id, gross from payments where id = ?', [id]));
    await payments.sandbox.decide(row!.provider_payment_id, 'confirm');
    const body = JSON.stringify({ OrderId: id, PaymentId: row!.provider_payment_id, Status: 'CONFIRMED', Amount: Number(row!.gross) });
    expect((await payments.hook('sandbox', Buffer.from(body), { 'x-sandbox-signature': payments.sandbox.sign(body) })).outcome).toBe('applied');
    const got = await fetch(`${base}/api/v1/payments/${id}`, { headers: { authorization: `Bearer ${key}` } });
    const json = await got.json() as { status: string; amount: number; split: { parts: { amount: number; reason: string }[]; tieRule: string } };
    expect(json.status).toBe('paid');
    expect(json.split.parts.reduce((sum, p) => sum + p.amount, 0)).toBe(json.amount);
    expect(json.split.parts.every((p) => p.reason.length > 0)).toBe(true);
    const otherKey = await createApiKey(test.db, clock, other.orgId, { userId: null, label: 'test' }, 'other');
    if (!otherKey.ok) throw new Error('key');
    expect((await fetch(`${base}/api/v1/payments/${id}`, { headers: { authorization: `Bearer ${otherKey.value.key}` } })).status).toBe(404);
    expect((await fetch(`${base}/api/v1/payments/not-a-uuid`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
  });

  it('makes one payment when the same key arrives twice at once', async () => {
    const body = { account: org.accounts[1]!.number, amount: 77_700, method: 'card' };
    const before = await count();
    const [a, b] = await Promise.all([create(body, 'race-0001'), create(body, 'race-0001')]);
    const ids = [(await a.json() as { id: string }).id, (await b.json() as { id: string }).id];
    expect(ids[0]).toBe(ids[1]);
    expect(await count()).toBe(before + 1);
  });
});
