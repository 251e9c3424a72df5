import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminRouter } from '../admin/admin.router.tsx';
import { makeAccountsService } from '../core/accounts/index.ts';
import { listAudit } from '../core/audit/index.ts';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { makeMailer } from '../core/infra/mail/mailer.ts';
import { makeOrgsService, type StaffRole } from '../core/orgs/index.ts';
import { makePaymentsService, type PaymentRecord, type PaymentsService, type PayMethod } from '../core/payments/index.ts';
import { formatRubles, kopecks, settableClock, systemClock } from '../core/shared/index.ts';
import { makeStaffAuthService } from '../core/staff/index.ts';
import { hooksRoutes } from '../web/hooks.routes.ts';
import { makeHttpApp } from '../web/http-app.ts';
import { Browser, TEST_SECRET } from './support/admin-harness.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

/**
 * The payment pages over real HTTP, with the sandbox bank's notifications going to our own /hooks/sandbox (as
 * `serve` wires it): the list and its filters, the card's proof of split and ledger, refunds by role, per-day totals.
 */
const [PASSWORD, DAY1, DAY2] = ['correct horse battery', '2026-11-20', '2026-11-21'];
const logger = makeLogger({ level: 'silent' });
let test: TestDatabase, server: Server, payments: PaymentsService, base = '';
let a: PaymentsOrg, b: PaymentsOrg, collectorId = '';
const clock = settableClock(new Date(`${DAY1}T09:00:00Z`));
const paid: Record<'sbp' | 'card' | 'pending' | 'other', PaymentRecord> = {} as never;
const as: Record<'admin' | 'accountant' | 'operator' | 'outsider', Browser> = {} as never;

async function pay(org: PaymentsOrg, account: number, rubles: number, method: PayMethod, confirm = true, collector: string | null = null): Promise<PaymentRecord> {
  const created = await payments.create({ orgId: org.orgId, accountId: org.accounts[account]!.id, amount: kopecks(rubles * 100), method, source: collector ? 'collector' : 'link', collectorId: collector });
  if (!created.ok) throw new Error(created.error.code);
  if (!confirm) return created.value;
  await payments.sandbox.decide(created.value.providerPaymentId!, 'confirm');
  const [row] = await sql<{ status: string }>(org, 'select status from payments where org_id = ? and id = ?', [org.orgId, created.value.id]);
  if (row?.status !== 'paid') throw new Error(`the sandbox's confirmation left the payment ${row?.status}`);
  return created.value;
}

const sql = <R>(org: PaymentsOrg, query: string, params: unknown[]) => test.db.withTenant(org.orgId, (em) => em.execute<R[]>(query, params));
// bigint comes back as a string from PostgreSQL and as a number from PGlite: compare numbers.
const paymentRow = async (id: string) => (await sql<{ status: string; refunded: string }>(a, 'select status, refunded from payments where org_id = ? and id = ?', [a.orgId, id]))
  .map((r) => ({ status: r.status, refunded: Number(r.refunded) }))[0];
const ledgerSum = async (id: string) => Number((await sql<{ s: string }>(a, 'select coalesce(sum(amount), 0) as s from ledger_entries where org_id = ? and payment_id = ?', [a.orgId, id]))[0]!.s);
const idsIn = (html: string) => [...html.matchAll(/href="\/admin\/payments\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
const total = (html: string, mark: 'split' | 'ledger') => new RegExp(`data-total="${mark}">([^<]+)<`).exec(html)?.[1];
const invalid = (html: string, id: string) => new RegExp(`<input[^>]*id="${id}"[^>]*aria-invalid="true"`).test(html);
const rub = (k: number) => formatRubles(kopecks(k));

async function signIn(org: PaymentsOrg, role: StaffRole, email: string): Promise<Browser> {
  const added = await makeOrgsService({ db: test.db, clock: systemClock }).addStaffUser(org.orgId, { email, fullName: `Сотрудник ${role}`, password: PASSWORD }, role);
  if (!added.ok) throw new Error(JSON.stringify(added.error));
  const browser = new Browser(base);
  expect(await browser.signIn(email, PASSWORD)).toBe(303);
  await browser.get('/admin/payments'); // the CSRF token of the new session
  return browser;
}

beforeAll(async () => {
  test = await openTestDatabase();
  const db = test.db;
  payments = makePaymentsService({ db, clock, secretKey: TEST_SECRET, provider: 'sandbox', publicUrl: () => base, sandboxRetryMs: [0] });
  const admin = makeAdminRouter({
    db, clock, payments, orgs: makeOrgsService({ db, clock: systemClock }), accounts: makeAccountsService({ db, clock: systemClock }),
    auth: makeStaffAuthService({ db, clock: systemClock, secretKey: TEST_SECRET }), secretKey: TEST_SECRET, secure: false,
    mailer: makeMailer({ from: 'test', print: () => undefined }), logger, get publicUrl() { return base; },
  });
  server = makeHttpApp(logger, [hooksRoutes({ payments, logger }), admin]).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // SBP with the fee on top (gross > amount), cards with the fee inside (gross = amount): both ledgers must balance.
  const commission = { sbp: { mode: 'external', basisPoints: 60 }, card: { mode: 'internal', basisPoints: 125 } } as const;
  a = await makePaymentsOrg(db, 'pay-alpha', { accounts: 3, commission, chargedAt: new Date('2026-11-01T00:00:00Z') });
  b = await makePaymentsOrg(db, 'pay-beta', { accounts: 1, chargedAt: new Date('2026-11-01T00:00:00Z') });
  collectorId = (await sql<{ id: string }>(a, `insert into collectors (id, org_id, name, code, created_at) values (gen_random_uuid(), ?, 'Иванов И. И.', 'C-1', now()) returning id`, [a.orgId]))[0]!.id;
  paid.sbp = await pay(a, 0, 1500, 'sbp');
  clock.set(new Date(`${DAY2}T09:00:00Z`));
  paid.card = await pay(a, 1, 800, 'card', true, collectorId);
  clock.set(new Date(`${DAY2}T10:00:00Z`));
  paid.pending = await pay(a, 2, 100, 'sbp', false);
  paid.other = await pay(b, 0, 300, 'sbp');
  [as.admin, as.accountant, as.operator, as.outsider] = await Promise.all([
    signIn(a, 'admin', 'admin@pay-alpha.test'), signIn(a, 'accountant', 'buh@pay-alpha.test'), signIn(a, 'operator', 'operator@pay-alpha.test'), signIn(b, 'admin', 'admin@pay-beta.test')]);
});

afterAll(async () => {
  payments?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  await test?.drop();
});

describe('the payments list', () => {
  it('shows the organisation’s payments newest first, with rubles and translated statuses', async () => {
    const page = await as.operator.get('/admin/payments');
    expect(page.status).toBe(200);
    expect(idsIn(page.text)).toEqual([paid.pending.id, paid.card.id, paid.sbp.id]);
    expect(page.text).toContain(rub(150_000));
    expect(page.text).toContain('>Ждёт оплаты</span>');
    expect(page.text).toContain('href="/admin/payments" aria-current="page"');
  });

  it.each([
    ['status=paid', ['card', 'sbp']], ['method=card', ['card']], ['account=500001', ['card']], ['account=5000', ['pending', 'card', 'sbp']],
    [`day=${DAY1}`, ['sbp']], [`day=${DAY2}`, ['pending', 'card']], ['status=refunded', []],
  ] as const)('narrows the list by %s', async (filter, expected) => {
    expect(idsIn((await as.admin.get(`/admin/payments?${filter}`)).text)).toEqual(expected.map((k) => paid[k].id));
  });

  it('filters by collector and names the collector', async () => {
    const page = await as.admin.get(`/admin/payments?collectorId=${collectorId}`);
    expect([idsIn(page.text), page.text.includes('Иванов И. И.')]).toEqual([[paid.card.id], true]);
  });
});

describe('the payment card', () => {
  it('proves the split: its parts add up to the payment, and the ledger sums to zero', async () => {
    const page = await as.operator.get(`/admin/payments/${paid.sbp.id}`);
    expect([page.status, page.text.includes('Доказательство расщепления')]).toEqual([200, true]);
    expect(total(page.text, 'split')).toBe(rub(paid.sbp.amount));
    expect(total(page.text, 'ledger')).toBe(rub(0));
    expect(page.text).toContain(`href="/admin/accounts/${paid.sbp.accountId}"`);
    // Our request and the bank's answer, in either order: the clock stands still here, so the events share an instant.
    for (const word of ['Init', 'CONFIRMED']) expect(page.text.split('Обмен с банком')[1]).toContain(word);
    // An operator reads the card but is offered no refund.
    expect(page.text).not.toContain(`action="/admin/payments/${paid.sbp.id}/refund"`);
  });

  it('never shows a token, a password or card data, and escapes what the bank sent', async () => {
    const data = { request: { Token: 'tok-secret-1', Password: 'pw-secret-2', nested: [{ pan: '4300000000000777' }] }, Message: '<script>alert(1)</script>' };
    await sql(a, `insert into payment_events (id, org_id, payment_id, kind, operation, data, created_at) values (gen_random_uuid(), ?, ?, 'notification', 'Probe', ?::jsonb, now())`,
      [a.orgId, paid.card.id, JSON.stringify(data)]);
    const page = (await as.admin.get(`/admin/payments/${paid.card.id}`)).text;
    expect(page).toContain('Probe');
    for (const secret of ['tok-secret-1', 'pw-secret-2', '4300000000000777', 'Token', 'Password', '<script>alert']) expect(page).not.toContain(secret);
    expect(page).toContain('&lt;script>alert(1)&lt;/script>');
  });
});

describe('day totals', () => {
  it('adds up each day and the range, the last 31 days by default', async () => {
    const page = (await as.admin.get('/admin/payments/days')).text;
    const days = [...page.matchAll(/<tr class="day"><th><a href="\/admin\/payments\?day=([\d-]+)">[\s\S]*?data-figure="amount">([^<]+)</g)].map((m) => [m[1], m[2]]);
    expect(days).toEqual([[DAY2, rub(paid.card.amount)], [DAY1, rub(paid.sbp.amount)]]);
    const grand = /<tr class="total">([\s\S]*?)<\/tr>/.exec(page)?.[1] ?? '';
    expect(grand).toContain(`data-figure="amount">${rub(paid.sbp.amount + paid.card.amount)}<`);
    expect(grand).toContain(`data-figure="gross">${rub(paid.sbp.gross + paid.card.gross)}<`);
    expect(grand).toContain(`data-figure="fee">${rub(paid.sbp.fee + paid.card.fee)}<`);
    expect((await as.admin.get(`/admin/payments/days?from=${DAY2}&to=${DAY2}`)).text).not.toContain(`?day=${DAY1}"`);
  });
});

describe('refunds', () => {
  it('refuses an operator (403) and changes nothing', async () => {
    expect((await as.operator.post(`/admin/payments/${paid.sbp.id}/refund`, { amount: '100,00', reason: 'Ошибка' })).status).toBe(403);
    expect(await paymentRow(paid.sbp.id)).toEqual({ status: 'paid', refunded: 0 });
  });

  it('answers 422 naming the fields when the amount is unreadable, too large, or the reason is missing', async () => {
    const both = await as.accountant.post(`/admin/payments/${paid.card.id}/refund`, { amount: 'сто', reason: '' });
    expect([both.status, invalid(both.text, 'f-amount'), invalid(both.text, 'f-reason')]).toEqual([422, true, true]);
    const tooMuch = await as.accountant.post(`/admin/payments/${paid.card.id}/refund`, { amount: rub(paid.card.gross + 1), reason: 'Переплата' });
    expect([tooMuch.status, invalid(tooMuch.text, 'f-amount'), invalid(tooMuch.text, 'f-reason')]).toEqual([422, true, false]);
    expect(tooMuch.text).toContain(`К возврату доступно не больше ${rub(paid.card.gross)}`);
    expect(await sql(a, 'select id from payment_refunds where org_id = ? and payment_id = ?', [a.orgId, paid.card.id])).toEqual([]);
  });

  it('lets an accountant refund part and then the rest: refunded, both listed, the ledger still at zero, audited', async () => {
    const first = await as.accountant.post(`/admin/payments/${paid.sbp.id}/refund`, { amount: '500,00', reason: 'Оплатили дважды' });
    expect([first.status, first.location]).toEqual([303, `/admin/payments/${paid.sbp.id}?refunded=1`]);
    expect(await paymentRow(paid.sbp.id)).toEqual({ status: 'partially_refunded', refunded: 50_000 });
    expect(await ledgerSum(paid.sbp.id)).toBe(0);
    const rest = paid.sbp.gross - 50_000;
    expect((await as.accountant.post(`/admin/payments/${paid.sbp.id}/refund`, { amount: rub(rest), reason: 'Остаток' })).status).toBe(303);
    expect(await paymentRow(paid.sbp.id)).toEqual({ status: 'refunded', refunded: paid.sbp.gross });
    expect(await ledgerSum(paid.sbp.id)).toBe(0);
    const card = (await as.accountant.get(`/admin/payments/${paid.sbp.id}?refunded=1`)).text;
    expect(card).toContain('Возврат проведён.');
    expect(card.match(/id="refund-/g)).toHaveLength(2);
    expect(card).toContain('>Возвращён</span>');
    expect(total(card, 'ledger')).toBe(rub(0));
    // Every part given back in full: the proof of split nets to zero as well.
    expect(Number((await sql<{ s: string }>(a, 'select sum(amount) as s from payment_splits where org_id = ? and payment_id = ?', [a.orgId, paid.sbp.id]))[0]!.s)).toBe(0);
    const audit = await test.db.withTenant(a.orgId, (em) => listAudit(em, a.orgId, { action: 'payment.refund' }, { limit: 10, offset: 0 }));
    expect(audit.rows.map((r) => [r.actorLabel, r.entityId, r.changes?.amount?.[1]])).toEqual([
      ['buh@pay-alpha.test', paid.sbp.id, rest], ['buh@pay-alpha.test', paid.sbp.id, 50_000],
    ]);
  });
});

describe('tenant isolation', () => {
  it('answers 404 to another organisation’s staff for a payment id, and lists only their own', async () => {
    expect((await as.outsider.get(`/admin/payments/${paid.card.id}`)).status).toBe(404);
    expect((await as.outsider.post(`/admin/payments/${paid.card.id}/refund`, { amount: '1,00', reason: 'Чужой' })).status).toBe(404);
    expect(idsIn((await as.outsider.get('/admin/payments')).text)).toEqual([paid.other.id]);
    expect((await as.admin.get(`/admin/payments/${paid.other.id}`)).status).toBe(404);
    expect(await paymentRow(paid.card.id)).toEqual({ status: 'paid', refunded: 0 });
  });
  it('shows on the account card the debt less a payment the moment the bank confirms it', async () => {
    const owed = (html: string) => /data-total="debt">([^<]+)</.exec(html)?.[1];
    const before = owed((await as.operator.get(`/admin/accounts/${a.accounts[2]!.id}`)).text);
    expect(before).toBeDefined();
    await pay(a, 2, 10, 'sbp');
    const after = owed((await as.operator.get(`/admin/accounts/${a.accounts[2]!.id}`)).text);
    const toKop = (text: string) => Number(text.replace(/[^\d,]/g, '').replace(',', ''));
    expect(toKop(before!) - toKop(after!)).toBe(1_000);
  });
});
