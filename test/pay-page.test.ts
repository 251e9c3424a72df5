import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../cli/demo-seed.ts';
import { makeAccountsService } from '../core/accounts/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { makeOrgsService, type OrgsService } from '../core/orgs/index.ts';
import { commissionFor, makePaymentsService, type PaymentsService } from '../core/payments/index.ts';
import { makeRegistriesService } from '../core/registries/index.ts';
import { formatRubles, kopecks, localDate, systemClock, translate } from '../core/shared/index.ts';
import { hooksRoutes } from '../web/hooks.routes.ts';
import { makeHttpApp } from '../web/http-app.ts';
import { payRoutes } from '../web/pay/pay.routes.ts';
import { sandboxRoutes } from '../web/sandbox/sandbox.routes.tsx';
import { orgInput } from './fixtures/orgs.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

/** RELIABILITY.md A2: 10 000 probes at the full figure (FULL=1), 1 000 in CI. */
const PROBES = process.env.FULL === '1' ? 10_000 : 1_000;

/** The resident's pages over real HTTP (RELIABILITY.md A2): the demo organisation, and one that charges the payer. */
let test: TestDatabase;
let db: Database;
let orgs: OrgsService;
let payments: PaymentsService;
let server: Server;
let base = '';
const demo = { orgId: '', accountId: '', token: '', plate: '' };
const other = { orgId: '', token: '', plate: '', collector: '' };
const OTHER_ADDRESS = 'г. Казань, ул. Баумана, д. 5';
const OTHER_PAYER = 'Гарипова Алия Рашидовна';
const DEMO_STREETS = ['Ленина', 'Сибирская'];
const DEMO_SURNAMES = ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Васильев', 'Петрова', 'Соколов', 'Михайлова', 'Новиков', 'Фёдорова'];

type Answer = { status: number; text: string; location: string | null };
async function call(method: 'GET' | 'POST', path: string, form?: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Answer> {
  const body = form ? new URLSearchParams(Object.entries(form).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x]))).toString() : undefined;
  const res = await fetch(base + path, {
    method, redirect: 'manual', body,
    headers: { 'accept-language': 'ru', ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: base } : {}), ...headers },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}
const idemOf = (html: string) => /name="idem" value="([^"]+)"/.exec(html)![1]!;
const countPayments = async (orgId: string) =>
  Number((await db.withTenant(orgId, (em) => em.execute<{ n: string }[]>('select count(*) as n from payments where org_id = ?', [orgId])))[0]!.n);
const signAccount = (orgId: string, subjectId: string, days?: number) => payments.links.sign({ orgId, purpose: 'account', subjectId, days });
/** Another character of the base64url alphabet at position `at`: the same length, a different token. */
const flip = (token: string, at: number) => token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
const fromIp = (ip: string) => ({ 'x-forwarded-for': ip });
const rub = (k: number) => formatRubles(kopecks(k));

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  const clock = systemClock;
  orgs = makeOrgsService({ db, clock });
  payments = makePaymentsService({ db, clock, secretKey: 'p'.repeat(64), provider: 'sandbox', publicUrl: () => base, sandboxRetryMs: [0] });
  const logger = makeLogger({ level: 'silent' });
  const app = makeHttpApp(logger, [hooksRoutes({ payments, logger }), payRoutes({ payments, clock, publicUrl: () => base }), sandboxRoutes({ sandbox: payments.sandbox, publicUrl: () => base })]);
  server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const summary = await seedDemo({ db, clock, orgs, accounts: makeAccountsService({ db, clock }), registries: makeRegistriesService({ db, clock }) });
  demo.orgId = summary.orgId;
  demo.accountId = (await db.withTenant(demo.orgId, (em) => em.execute<{ id: string }[]>("select id from accounts where number = '100001'")))[0]!.id;
  await db.withTenant(demo.orgId, (em) => em.execute("update organizations set offer_url = 'https://demo.example/offer.pdf' where id = ?", [demo.orgId]));
  demo.token = await signAccount(demo.orgId, demo.accountId);
  demo.plate = await payments.links.sign({ orgId: demo.orgId, purpose: 'plate', subjectId: null });

  const created = await orgs.createOrganization(orgInput('payer-fee', { shortName: 'УК «Комиссия»', commission: { sbp: { mode: 'external', basisPoints: 100 }, card: { mode: 'external', basisPoints: 150 } } }));
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  other.orgId = created.value.id;
  const accounts = makeAccountsService({ db, clock });
  const building = await accounts.addBuilding(other.orgId, { address: OTHER_ADDRESS });
  const premise = building.ok ? await accounts.addPremise(other.orgId, { buildingId: building.value.id, number: '7', area: '40' }) : null;
  const account = premise?.ok ? await accounts.openAccount(other.orgId, { premiseId: premise.value.id, payerName: OTHER_PAYER, residentsCount: 1 }) : null;
  if (!account?.ok) throw new Error('account of the other organisation');
  other.token = await signAccount(other.orgId, account.value.id);
  other.plate = await payments.links.sign({ orgId: other.orgId, purpose: 'plate', subjectId: null });
  other.collector = randomUUID();
  await db.withTenant(other.orgId, (em) => em.execute("insert into collectors (id, org_id, name, code, active, created_at) values (?, ?, 'Сергеев С. С.', 'c1', true, now())", [other.collector, other.orgId]));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  payments?.close();
  await test?.drop();
});

describe('the payment page', () => {
  it('shows the organisation, account, address and the debt «на дату» in the organisation’s zone, with a fee-free button', async () => {
    const page = await call('GET', `/pay/${demo.token}`);
    expect(page.status).toBe(200);
    const opened = await payments.openPage(demo.token);
    if (!opened.ok) throw opened.error;
    const [y, m, d] = localDate(opened.value.debt.asOf!, 'Asia/Yekaterinburg').split('-');
    expect(page.text).toContain('Приём платежей за услуги УК «Демо»');
    expect(page.text).toContain('>100001<');
    expect(page.text).toContain('г. Пермь, ул. Ленина, д. 10, кв. 1');
    expect(page.text).toContain(`Рекомендуемая сумма к оплате на ${d}.${m}.${y}`);
    expect(page.text).toContain(`value="${formatRubles(opened.value.debt.total, { symbol: false })}"`);
    expect(page.text).toMatch(/<input id="f-amount"[^>]*inputmode="decimal"/);
    expect(page.text).toContain('>Оплатить без комиссии</button>');
    expect(page.text).toContain('href="https://demo.example/offer.pdf"');
    expect(page.text).toContain('Добавить страницу в закладки браузера');
  });

  it('sends the strict headers: CSP without inline code, no caching, no referrer', async () => {
    const res = await fetch(`${base}/pay/${demo.token}`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'.*; frame-ancestors 'none'; base-uri 'none'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).not.toMatch(/<script>|<style|style="/);
  });

  it('shows the total and the fee on the button when the payer pays the commission', async () => {
    await orgs.setCommissions(demo.orgId, { sbp: { mode: 'external', basisPoints: 60 } });
    try {
      const page = await call('GET', `/pay/${demo.token}`);
      const opened = await payments.openPage(demo.token);
      if (!opened.ok) throw opened.error;
      const c = commissionFor(opened.value.debt.total, { mode: 'external', basisPoints: 60 });
      expect(page.text).toContain(`>Оплатить ${formatRubles(c.gross)} (комиссия ${formatRubles(c.fee)})</button>`);
    } finally {
      await orgs.setCommissions(demo.orgId, { sbp: { mode: 'internal', basisPoints: 60 } });
    }
    const unlinked = await call('GET', `/pay/${other.token}`);
    expect(unlinked.text).toContain('Задолженности нет');
    expect(unlinked.text).toContain('Ознакомлен и согласен с условиями оферты');
    expect(unlinked.text).not.toContain('target="_blank"');
  });

  it('refuses a form without agreement: 422, the message beside the field, what was typed kept, nothing created', async () => {
    const before = await countPayments(other.orgId);
    const page = await call('GET', `/pay/${other.token}`);
    const res = await call('POST', `/pay/${other.token}`, { amount: '100', method: 'sbp', idem: idemOf(page.text) });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="f-agree"[^>]*aria-invalid="true"/);
    expect(res.text).toContain(`<p class="field-error" id="e-agree">${translate('ru', 'PAYMENTS.OFFER_NOT_ACCEPTED')}</p>`);
    expect(res.text).toContain('value="100"');
    expect(res.text).toContain(`>Оплатить ${rub(10_100)} (комиссия ${rub(100)})</button>`);
    const bad = await call('POST', `/pay/${other.token}`, { amount: '12,345', method: 'cash', agree: '1', idem: idemOf(page.text) });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="e-amount">[^<]*12,345/);
    expect(bad.text).toMatch(/id="e-method">[^<]*cash/);
    expect(await countPayments(other.orgId)).toBe(before);
  });

  it('creates one payment for one key: a double click lands twice on the same status page', async () => {
    const before = await countPayments(demo.orgId);
    const idem = idemOf((await call('GET', `/pay/${demo.token}`)).text);
    const form = { amount: '250,50', method: 'sbp', agree: '1', idem };
    const [first, second] = await Promise.all([call('POST', `/pay/${demo.token}`, form), call('POST', `/pay/${demo.token}`, form)]);
    expect(first.status).toBe(303);
    expect(first.location).toMatch(/^\/pay\/p\/[0-9a-f-]{36}\?r=[\w-]{16}$/);
    expect(second.location).toBe(first.location);
    expect(await countPayments(demo.orgId)).toBe(before + 1);
    const status = await call('GET', first.location!);
    expect(status.status).toBe(200);
    expect(status.text).toContain('Ожидаем подтверждение банка');
    expect(status.text).toContain(rub(25_050));
    expect(status.text).toMatch(/<img src="\/pay\/p\/[^"]+\/qr\.svg\?r=/);
    expect((await call('GET', first.location!.replace('?', '/state.json?'))).text).toBe('{"status":"pending"}');
  });

  it('sends a phone straight to the СБП link, and refuses a post from another site', async () => {
    const idem = idemOf((await call('GET', `/pay/${demo.token}`)).text);
    const phone = await call('POST', `/pay/${demo.token}`, { amount: '10', method: 'sbp', agree: '1', idem }, { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' });
    expect(phone.status).toBe(303);
    expect(phone.location).toMatch(new RegExp(`^${base}/sandbox/pay/sbx_[0-9a-f]{24}$`));
    const before = await countPayments(demo.orgId);
    const foreign = await call('POST', `/pay/${demo.token}`, { amount: '10', method: 'sbp', agree: '1', idem: randomUUID() }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await countPayments(demo.orgId)).toBe(before);
  });

  it('goes through the sandbox bank: confirm, the signed notification, «Оплачено»', async () => {
    const idem = idemOf((await call('GET', `/pay/${demo.token}`)).text);
    const paid = await call('POST', `/pay/${demo.token}`, { amount: '100', method: 'card', agree: '1', idem });
    const statusPath = paid.location!;
    const bankUrl = /href="([^"]+)" id="bank-link"/.exec((await call('GET', statusPath)).text)![1]!;
    const bankPath = bankUrl.replace(base, '');
    const bank = await call('GET', bankPath);
    expect(bank.text).toContain('Это тестовый банк');
    expect(bank.text).toContain(rub(10_150));
    const t = /name="t" value="([^"]+)"/.exec(bank.text)![1]!;
    expect((await call('POST', bankPath, { answer: 'confirm', t: flip(t, 3) })).status).toBe(403);
    const confirmed = await call('POST', bankPath, { answer: 'confirm', t });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe(base + statusPath);
    const status = await call('GET', statusPath);
    expect(status.text).toContain('>Оплачено</h1>');
    expect(status.text).toContain('Добавить страницу в закладки браузера');
  });

  it('answers a wrong, forged or foreign payment ref with the same 404', async () => {
    const idem = idemOf((await call('GET', `/pay/${demo.token}`)).text);
    const { location } = await call('POST', `/pay/${demo.token}`, { amount: '5', method: 'sbp', agree: '1', idem });
    const [path, ref] = location!.split('?r=') as [string, string];
    for (const wrong of [`${path}?r=${flip(ref, 0)}`, `${path}`, `/pay/p/${randomUUID()}?r=${ref}`, `/pay/p/not-a-uuid?r=${ref}`]) {
      const res = await call('GET', wrong);
      expect({ wrong, status: res.status }).toEqual({ wrong, status: 404 });
      expect(res.text).toContain('Страница не найдена');
      expect(res.text).not.toContain('100001');
    }
  });

  it('speaks English by ?lang=en or Accept-Language', async () => {
    expect((await call('GET', `/pay/${demo.token}?lang=en`)).text).toContain('Payments for the services of УК «Демо»');
    expect((await call('GET', `/pay/${demo.token}`, undefined, { 'accept-language': 'en-GB,en;q=0.9' })).text).toContain('Pay with no fee');
  });
});

describe('links that must not open (RELIABILITY.md A2)', () => {
  it('answers an expired link with 410 and the translated message, a forged or misused one with 404', async () => {
    const expired = await call('GET', `/pay/${await signAccount(demo.orgId, demo.accountId, 0)}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('Срок действия ссылки на оплату истёк');
    for (const [what, path] of [
      ['a flipped MAC', `/pay/${flip(demo.token, 60)}`], ['a flipped body', `/pay/${flip(demo.token, 10)}`], ['malformed', '/pay/hello'],
      ['a plate as an account', `/pay/${demo.plate}`], ['an account as a plate', `/pay/o/${demo.token}`], ['a flipped plate', `/pay/o/${flip(demo.plate, 30)}`],
    ] as const) {
      const res = await call('GET', path);
      expect({ what, status: res.status }).toEqual({ what, status: 404 });
      expect(res.text).toContain(translate('ru', 'PAYMENTS.LINK_INVALID'));
      expect(res.text).not.toMatch(/100001|Ленина|УК «Демо»/);
    }
  });

  it('finds nothing of one organisation through another’s plate, and ignores a foreign `via`', async () => {
    const res = await call('POST', `/pay/o/${other.plate}`, { account: '100001' }, fromIp('198.51.100.1'));
    expect(res.status).toBe(422);
    expect(res.text).toContain('Лицевой счёт 100001 не найден');
    expect(res.text).not.toMatch(/Ленина|Л\*{5}/);
    const idem = idemOf((await call('GET', `/pay/${demo.token}?via=${other.plate}`)).text);
    const paid = await call('POST', `/pay/${demo.token}`, { amount: '3', method: 'sbp', agree: '1', idem, via: other.plate });
    const id = /\/pay\/p\/([0-9a-f-]{36})/.exec(paid.location!)![1]!;
    const [row] = await db.withTenant(demo.orgId, (em) => em.execute<{ source: string }[]>('select source from payments where id = ?', [id]));
    expect(row!.source).toBe('link');
  });

  it('shows a typed account masked, and its page without the address; names the collector', async () => {
    const plate = await call('GET', `/pay/o/${demo.plate}`);
    expect(plate.text).toContain('Приём платежей за услуги УК «Демо»');
    const found = await call('POST', `/pay/o/${demo.plate}`, { account: ' 100001 ' }, fromIp('198.51.100.2'));
    expect(found.status).toBe(200);
    expect(found.text).toContain('г. П****, ул. Л*****, д. 1*, кв. *');
    expect(found.text).not.toMatch(/Ленина|Пермь/);
    const next = /href="(\/pay\/[\w-]{75}\?via=[\w-]+)"/.exec(found.text)![1]!;
    const page = await call('GET', next);
    expect(page.status).toBe(200);
    expect(page.text).toContain('>100001<');
    expect(page.text).not.toMatch(/Ленина|Пермь/);
    expect(page.text).toContain('г. П****, ул. Л*****, д. 1*, кв. *');
    expect(page.text).toContain(`<input type="hidden" name="via" value="${demo.plate}"/>`);
    const paid = await call('POST', next.split('?')[0]!, { amount: '7', method: 'sbp', agree: '1', idem: idemOf(page.text), via: demo.plate });
    const id = /\/pay\/p\/([0-9a-f-]{36})/.exec(paid.location!)![1]!;
    const [row] = await db.withTenant(demo.orgId, (em) => em.execute<{ source: string }[]>('select source from payments where id = ?', [id]));
    expect(row!.source).toBe('plate');
    expect((await call('GET', `/pay/o/${await payments.links.sign({ orgId: other.orgId, purpose: 'collector', subjectId: other.collector })}`)).text).toContain('Контролёр: Сергеев С. С.');
  });

  it('limits one address to 30 lookups an hour: the 31st is 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await call('POST', `/pay/o/${demo.plate}`, { account: String(900000 + i) }, fromIp('203.0.113.31'))).status);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(422));
    expect(statuses[30]).toBe(429);
  });

  it(`reveals no address or name to ${PROBES} probes of numbers and tokens, and accepts no forged token`, async () => {
    const secrets = [OTHER_ADDRESS, OTHER_PAYER, 'Гарипова', ...DEMO_STREETS, 'Пермь', ...DEMO_SURNAMES];
    const probes: (() => Promise<Answer>)[] = [];
    const random = () => randomBytes(56).toString('base64url');
    // Lookups are the expensive probes (each one counted in the database); tokens are cheap to throw by the thousand.
    const lookups = PROBES / 4;
    for (let i = 0; i < lookups; i++) {
      const number = i % 2 ? String(100000 + Math.floor(Math.random() * 200)) : randomBytes(4).toString('hex');
      probes.push(() => call('POST', `/pay/o/${i % 3 ? demo.plate : other.plate}`, { account: number }, fromIp(`10.${i % 250}.${Math.floor(i / 250)}.${i % 7}`)));
    }
    for (let i = 0; i < PROBES * 0.4; i++) probes.push(() => call('GET', `/pay/${i % 2 ? random() : flip(demo.token, i % 75)}`));
    for (let i = 0; i < PROBES * 0.35; i++) probes.push(() => call('GET', i % 2 ? `/pay/o/${flip(demo.plate, i % 75)}` : `/pay/p/${randomUUID()}?r=${random().slice(0, 16)}`));
    const answers: Answer[] = [];
    for (let at = 0; at < probes.length; at += 10) answers.push(...await Promise.all(probes.slice(at, at + 10).map((p) => p())));
    expect(answers).toHaveLength(PROBES);
    const leaks = answers.flatMap((a) => secrets.filter((s) => a.text.includes(s)));
    expect(leaks).toEqual([]);
    expect(answers.slice(lookups).filter((a) => a.status === 200)).toEqual([]);
    expect(answers.slice(0, lookups).some((a) => a.status === 200 && a.text.includes('ул. Л*****'))).toBe(true);
  });

  it('stops opening links of a retired key', async () => {
    const kid = await payments.links.rotate();
    expect(await payments.links.retire(kid - 1)).toBe(true);
    const res = await call('GET', `/pay/${demo.token}`);
    expect(res.status).toBe(404);
    expect((await call('GET', `/pay/${await signAccount(demo.orgId, demo.accountId)}`)).status).toBe(200);
  });
});
