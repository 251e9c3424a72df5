import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../core/infra/database/database.ts';
import { makePaymentsService, type PaymentRecord, type PaymentsService } from '../core/payments/index.ts';
import { formatRubles, kopecks, parseRubles, settableClock } from '../core/shared/index.ts';
import { postTransfer, type Transfer } from '../core/payments/ledger.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';

/**
 * RELIABILITY.md M2 (no float money), M3 (the ledger balances after every step of random sequences run by
 * concurrent workers) and M4 (ledger entries and stored registries cannot be edited by the application role).
 */
const FULL = process.env.FULL === '1';
const SEQUENCES = FULL ? 10_000 : 80;
const WORKERS = 8;

let test: TestDatabase;
let db: Database;
let payments: PaymentsService;
const orgs: PaymentsOrg[] = [];
const clock = settableClock(new Date('2026-11-26T09:00:00Z'));

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  orgs.push(await makePaymentsOrg(db, 'ledger-int', { accounts: 20, services: 6, commission: { sbp: { mode: 'internal', basisPoints: 60 }, card: { mode: 'internal', basisPoints: 155 } } }));
  orgs.push(await makePaymentsOrg(db, 'ledger-ext', { accounts: 20, services: 3, splitRule: 'proportional', commission: { sbp: { mode: 'external', basisPoints: 70 }, card: { mode: 'external', basisPoints: 199 } } }));
  payments = makePaymentsService({ db, clock, secretKey: 'k'.repeat(40), provider: 'sandbox', publicUrl: () => 'http://127.0.0.1:9', sandboxRetryMs: [0] });
}, 120_000);
afterAll(async () => {
  payments?.close();
  await test?.drop();
});

const rand = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

function deliver(p: PaymentRecord, status: string, amount = p.gross) {
  const body = JSON.stringify({ OrderId: p.id, PaymentId: p.providerPaymentId, Status: status, Amount: amount });
  return payments.hook('sandbox', Buffer.from(body), { 'x-sandbox-signature': payments.sandbox.sign(body) });
}

async function ledgerSum(orgId: string): Promise<number> {
  const [row] = await db.withTenant(orgId, (em) => em.execute<{ sum: string }[]>('select coalesce(sum(amount), 0) as sum from ledger_entries where org_id = ?', [orgId]));
  return Number(row!.sum);
}

/** One random sequence: pay, then some of: repeat the confirmation, refund a part, refund the rest, the bank's full reversal. */
async function sequence(n: number): Promise<number[]> {
  const r = rand(n + 1);
  const org = orgs[n % orgs.length]!;
  const created = await payments.create({
    orgId: org.orgId, accountId: org.accounts[Math.floor(r() * org.accounts.length)]!.id, amount: kopecks(100 + Math.floor(r() * 2_000_000)),
    method: r() < 0.5 ? 'sbp' : 'card', source: 'link',
  });
  if (!created.ok) throw created.error;
  let p = created.value;
  await payments.sandbox.decide(p.providerPaymentId!, 'confirm');
  const sums: number[] = [];
  const step = async (action: () => Promise<unknown>) => {
    await action();
    sums.push(await ledgerSum(org.orgId));
  };
  await step(() => deliver(p, 'CONFIRMED'));
  for (let i = 0; i < 3; i++) {
    const roll = r();
    const fresh = (await db.withTenant(org.orgId, (em) => em.execute<{ gross: string; refunded: string; status: string }[]>('select gross, refunded, status from payments where id = ?', [p.id])))[0]!;
    const left = Number(fresh.gross) - Number(fresh.refunded);
    if (roll < 0.25) await step(() => deliver(p, 'CONFIRMED'));
    else if (roll < 0.6 && left > 1) await step(() => payments.refund({ orgId: org.orgId, paymentId: p.id, amount: kopecks(1 + Math.floor(r() * (left - 1))), reason: 'тест', actor: { userId: null, label: 'm3' } }));
    else if (roll < 0.8 && left > 0) await step(() => payments.refund({ orgId: org.orgId, paymentId: p.id, amount: kopecks(left), reason: 'тест', actor: { userId: null, label: 'm3' } }));
    else if (fresh.status === 'paid') await step(() => deliver(p, 'REFUNDED'));
    p = { ...p };
  }
  return sums;
}

describe('the ledger', () => {
  it(`balances after every step of ${SEQUENCES} random sequences run by ${WORKERS} concurrent workers`, async () => {
    let next = 0;
    const imbalances: number[] = [];
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      while (next < SEQUENCES) {
        const sums = await sequence(next++);
        imbalances.push(...sums.filter((s) => s !== 0));
      }
    }));
    expect(imbalances).toEqual([]);
    for (const org of orgs) {
      // The acquirer owes us exactly what payers paid less what went back to them.
      const [row] = await db.withTenant(org.orgId, (em) => em.execute<{ clearing: string; expected: string }[]>(
        `select (select coalesce(sum(e.amount), 0) from ledger_entries e join ledger_accounts a on a.id = e.ledger_account_id where a.kind = 'clearing') as clearing,
                (select coalesce(sum(gross - refunded), 0) from payments where status in ('paid', 'partially_refunded', 'refunded')) as expected`));
      expect(Number(row!.clearing)).toBe(Number(row!.expected));
      expect(await ledgerSum(org.orgId)).toBe(0);
    }
  }, 900_000);

  it('opens a new ledger account once when transfers create it at the same moment (300 races)', async (ctx) => {
    // Two sessions must insert the same new account at once; PGlite has one session.
    if (db.mode !== 'postgres') return ctx.skip();
    const org = orgs[0]!;
    const transfer = (recipientId: string): Transfer => ({
      orgId: org.orgId, kind: 'correction', at: new Date(),
      postings: [{ kind: 'payable', recipientId, amount: kopecks(100) }, { kind: 'advance', recipientId, amount: kopecks(-100) }],
    });
    for (let round = 0; round < 300; round++) {
      const recipientId = randomUUID();
      await Promise.all([1, 2, 3].map(() => db.withTenant(org.orgId, (em) => postTransfer(em, transfer(recipientId)))));
    }
    const [row] = await db.withTenant(org.orgId, (em) => em.execute<{ accounts: string }[]>(
      `select count(*) as accounts from ledger_accounts where kind in ('payable', 'advance') and code like ?`, ['%-%-%']));
    expect(Number(row!.accounts)).toBeGreaterThanOrEqual(600);
  });

  it('refuses to commit a transfer that does not balance', async () => {
    const org = orgs[0]!;
    await expect(db.withTenant(org.orgId, (em) => em.execute(
      `insert into ledger_entries (org_id, transfer_id, ledger_account_id, amount, kind, created_at) values (?, gen_random_uuid(), gen_random_uuid(), 100, 'correction', now())`, [org.orgId]))).rejects.toThrow(/does not balance/);
  });
});

const APPEND_ONLY = ['ledger_entries', 'ledger_accounts', 'payment_splits', 'payment_inbox', 'payment_events', 'registry_imports', 'stored_files', 'stored_file_chunks', 'file_chain', 'audit_log'];

describe('records that are never edited (M4)', () => {
  for (const table of APPEND_ONLY) {
    it(`refuses UPDATE, DELETE, TRUNCATE and disabling triggers on ${table} to the application role`, async () => {
      const org = orgs[0]!;
      for (const sql of [`update ${table} set org_id = org_id`, `delete from ${table}`, `truncate ${table}`, `alter table ${table} disable trigger all`]) {
        await expect(db.withTenant(org.orgId, (em) => em.execute(sql)), sql).rejects.toThrow();
      }
    });
  }
});

describe('money is never a float (M2)', () => {
  it('stores every money column as bigint and no column as a binary float', async () => {
    const columns = await db.withoutTenant((em) => em.execute<{ table_name: string; column_name: string; data_type: string }[]>(
      `select table_name, column_name, data_type from information_schema.columns where table_schema = 'public'`));
    expect(columns.filter((c) => ['real', 'double precision'].includes(c.data_type))).toEqual([]);
    const money = /^(amount|fee|gross|net|refunded|fee_share|debt_before|total_kop|accrued|recalculation|benefit|opening_balance|paid|to_pay|penalty)$/;
    const moneyColumns = columns.filter((c) => money.test(c.column_name));
    expect(moneyColumns.length).toBeGreaterThanOrEqual(20);
    expect(moneyColumns.filter((c) => c.data_type !== 'bigint')).toEqual([]);
  });

  it(`formats and parses ${FULL ? '100 000' : '10 000'} amounts back to the same kopecks`, () => {
    const r = rand(7);
    for (let i = 0; i < (FULL ? 100_000 : 10_000); i++) {
      const k = kopecks(Math.floor(r() * 10 ** Math.floor(1 + r() * 13)));
      const parsed = parseRubles(formatRubles(k));
      expect(parsed.ok && parsed.value).toBe(k);
    }
    expect(parseRubles('1 234,56 ₽')).toEqual({ ok: true, value: 123_456 });
  });
});
