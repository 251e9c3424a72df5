import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdminRouter } from '../admin/admin.router.tsx';
import { makeAccountsService } from '../core/accounts/index.ts';
import { listAudit } from '../core/audit/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { makeMailer } from '../core/infra/mail/mailer.ts';
import { hashPassword, makeOrgsService, StaffUser, type OrgsService, type StaffRole } from '../core/orgs/index.ts';
import { systemClock } from '../core/shared/index.ts';
import { makeStaffAuthService } from '../core/staff/index.ts';
import { makeHttpApp } from '../web/http-app.ts';
import { orgInput } from './fixtures/orgs.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

/** The organisation, catalogue, staff and platform pages over real HTTP: sign-in, CSRF, roles, PRG, audit. */
const SECRET = 's'.repeat(64);
const PASSWORD = 'correct horse battery';
const BAD_INN = '7707083890'; // the right length, a wrong control digit

let test: TestDatabase;
let db: Database;
let orgs: OrgsService;
let server: Server;
let base = '';
const mails: string[] = [];
const org = { north: '', south: '' };
const people = { admin: 'admin@north.test', accountant: 'buh@north.test', southAdmin: 'admin@south.test', operator: 'root@platform.test' };

/** A browser enough for these pages: a cookie jar, the last form's CSRF token, no redirects followed. */
function browser() {
  const jar = new Map<string, string>();
  let csrf = '';
  async function request(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    const headers: Record<string, string> = { 'accept-language': 'ru', cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (form) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', origin: base });
    const res = await fetch(base + path, { method, headers, redirect: 'manual', body: form ? new URLSearchParams({ _csrf: csrf, ...form }).toString() : undefined });
    for (const cookie of res.headers.getSetCookie()) {
      const [name, value] = cookie.split(';')[0]!.split('=') as [string, string];
      if (value) jar.set(name, value); else jar.delete(name);
    }
    const text = await res.text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? csrf;
    return { status: res.status, location: res.headers.get('location'), text };
  }
  return { get: (path: string) => request('GET', path), post: (path: string, form: Record<string, string>) => request('POST', path, form) };
}
type Browser = ReturnType<typeof browser>;

async function signIn(email: string, password = PASSWORD): Promise<Browser> {
  const b = browser();
  await b.get('/admin/login');
  const res = await b.post('/admin/login', { email, password, next: '' });
  expect(res.status, res.text).toBe(303);
  // The token is bound to the new session; any page carries it in its sign-out form.
  expect((await b.get('/admin/password/forgot')).text).toContain(email.toLowerCase());
  return b;
}

const inputOf = (html: string, id: string) => new RegExp(`<(?:input|select)[^>]*id="${id.replace(/\./g, '\\.')}"[^>]*>`).exec(html)?.[0] ?? '';
const invalid = (html: string, id: string) => inputOf(html, id).includes('aria-invalid="true"');
const actions = async (orgId: string, action: string) =>
  (await db.withTenant(orgId, (em) => listAudit(em, orgId, { action }, { limit: 50, offset: 0 }))).rows;

const REQUISITES = { inn: '7707083893', kpp: '773601001', ogrn: '1027700132195', bankAccount: '40702810938000000001', bik: '044525225', corrAccount: '30101810400000000225', bankName: 'ПАО Сбербанк' };

let admin: Browser;
let accountant: Browser;

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  const clock = systemClock;
  orgs = makeOrgsService({ db, clock });
  const auth = makeStaffAuthService({ db, clock, secretKey: SECRET });
  const mailer = makeMailer({ from: 'x', print: (text) => mails.push(text) });
  const deps = {
    db, clock, orgs, auth, mailer, accounts: makeAccountsService({ db, clock }), logger: makeLogger({ level: 'silent' }),
    secretKey: SECRET, secure: false, get publicUrl() { return base; },
  };
  server = makeHttpApp(deps.logger, [makeAdminRouter(deps)]).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  for (const slug of ['north', 'south'] as const) {
    const created = await orgs.createOrganization(orgInput(slug));
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    org[slug] = created.value.id;
  }
  const staff: [string, string, StaffRole][] = [[org.north, people.admin, 'admin'], [org.north, people.accountant, 'accountant'], [org.south, people.southAdmin, 'admin']];
  for (const [orgId, email, role] of staff) {
    const added = await orgs.addStaffUser(orgId, { email, fullName: `Сотрудник ${email}`, password: PASSWORD }, role);
    if (!added.ok) throw new Error(JSON.stringify(added.error));
  }
  const passwordHash = await hashPassword(PASSWORD);
  await db.withoutTenant(async (em) => { em.create(StaffUser, { email: people.operator, fullName: 'Оператор платформы', passwordHash, platformOperator: true }); });
  [admin, accountant] = await Promise.all([signIn(people.admin), signIn(people.accountant)]);
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await test?.drop();
});

describe('organisation settings', () => {
  it('shows the three forms to an admin and stores new requisites, with an audit entry', async () => {
    const page = await admin.get('/admin/settings');
    expect(page.status).toBe(200);
    for (const form of ['profile', 'requisites', 'commission']) expect(page.text).toContain(`action="/admin/settings/${form}"`);
    const res = await admin.post('/admin/settings/requisites', { ...REQUISITES, bankName: 'ПАО Сбербанк, Москва' });
    expect([res.status, res.location]).toEqual([303, '/admin/settings?saved=1']);
    expect((await orgs.getOrganization(org.north))?.bankName).toBe('ПАО Сбербанк, Москва');
    expect((await actions(org.north, 'organization.requisites'))[0]).toMatchObject({ actorLabel: people.admin, changes: { bankName: ['ПАО Сбербанк', 'ПАО Сбербанк, Москва'] } });
    expect((await admin.get('/admin/settings?saved=1')).text).toContain('Сохранено.');
    expect((await admin.get('/admin/audit')).text).toContain('Изменены реквизиты');
  });

  it('answers a wrong ИНН with 400, names the field, keeps what was typed and stores nothing', async () => {
    const before = await actions(org.north, 'organization.requisites');
    const res = await admin.post('/admin/settings/requisites', { ...REQUISITES, inn: BAD_INN, bankName: 'Другой банк' });
    expect(res.status).toBe(400);
    expect(invalid(res.text, 'f-inn')).toBe(true);
    expect(invalid(res.text, 'f-bankName')).toBe(false);
    expect(res.text).toContain('href="#f-inn"');
    expect(inputOf(res.text, 'f-bankName')).toContain('value="Другой банк"');
    expect((await orgs.getOrganization(org.north))?.inn).toBe(REQUISITES.inn);
    expect(await actions(org.north, 'organization.requisites')).toHaveLength(before.length);
  });

  it('stores the profile and reads commission rates as exact basis points', async () => {
    const profile = await admin.post('/admin/settings/profile', { name: 'ООО «УК Север»', shortName: 'УК Север', category: 'tszh', timeZone: 'Asia/Yekaterinburg' });
    expect(profile.status).toBe(303);
    expect(await orgs.getOrganization(org.north)).toMatchObject({ shortName: 'УК Север', category: 'tszh', timeZone: 'Asia/Yekaterinburg' });
    const commission = await admin.post('/admin/settings/commission', {
      'commission.sbp.mode': 'external', 'commission.sbp': '0,6', 'commission.card.mode': 'internal', 'commission.card': '1.25',
    });
    expect(commission.status).toBe(303);
    expect((await orgs.getOrganization(org.north))?.commission).toEqual({ sbp: { mode: 'external', basisPoints: 60 }, card: { mode: 'internal', basisPoints: 125 } });
    expect((await actions(org.north, 'organization.profile')).length).toBe(1);
    expect((await actions(org.north, 'organization.commission')).length).toBeGreaterThan(0);
    expect((await admin.get('/admin/settings')).text).toContain('value="0,6"');
  });

  it('refuses a rate with three decimals and leaves both methods unchanged', async () => {
    const res = await admin.post('/admin/settings/commission', {
      'commission.sbp.mode': 'internal', 'commission.sbp': '0,7', 'commission.card.mode': 'internal', 'commission.card': '0,605',
    });
    expect(res.status).toBe(400);
    expect(invalid(res.text, 'f-commission.card')).toBe(true);
    expect((await orgs.getOrganization(org.north))?.commission.sbp).toEqual({ mode: 'external', basisPoints: 60 });
  });
});

describe('an accountant', () => {
  it('reads the settings without forms and is refused every change with 403', async () => {
    const page = await accountant.get('/admin/settings');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('action="/admin/settings/profile"');
    expect(page.text).toContain('УК Север');
    const recipient = (await orgs.listRecipients(org.north))[0]?.id ?? '00000000-0000-4000-8000-000000000000';
    const posts = ['/admin/settings/profile', '/admin/settings/requisites', '/admin/settings/commission', '/admin/recipients',
      `/admin/recipients/${recipient}`, `/admin/recipients/${recipient}/active`, '/admin/services', '/admin/staff', '/admin/platform/orgs'];
    expect((await accountant.post('/admin/org', { orgId: org.north })).status).toBe(303); // the token is good: a 403 below is the role
    for (const path of posts) expect({ path, status: (await accountant.post(path, { ...REQUISITES, name: 'x', active: '0' })).status }).toEqual({ path, status: 403 });
    expect((await accountant.get('/admin/staff')).status).toBe(403);
    expect((await accountant.get('/admin/recipients')).status).toBe(200);
  });
});

describe('recipients and services', () => {
  let recipientId = '';
  let serviceId = '';

  it('creates and updates a recipient, refusing a wrong ИНН', async () => {
    expect((await admin.get('/admin/recipients/new')).status).toBe(200);
    const bad = await admin.post('/admin/recipients', { ...REQUISITES, name: 'Водоканал', inn: BAD_INN });
    expect(bad.status).toBe(400);
    expect(invalid(bad.text, 'f-inn')).toBe(true);
    expect(await orgs.listRecipients(org.north)).toHaveLength(0);

    const created = await admin.post('/admin/recipients', { ...REQUISITES, name: 'Водоканал' });
    expect([created.status, created.location]).toEqual([303, '/admin/recipients?saved=1']);
    const [recipient] = await orgs.listRecipients(org.north);
    recipientId = recipient!.id;
    expect((await actions(org.north, 'recipient.create'))[0]?.entityId).toBe(recipientId);

    expect((await admin.get(`/admin/recipients/${recipientId}`)).status).toBe(200);
    const updated = await admin.post(`/admin/recipients/${recipientId}`, { ...REQUISITES, name: 'МУП «Водоканал»' });
    expect(updated.status).toBe(303);
    expect((await orgs.findRecipient(org.north, recipientId))?.name).toBe('МУП «Водоканал»');
    expect(await actions(org.north, 'recipient.update')).toHaveLength(1);
  });

  it('creates a service for the recipient and keeps its code on edit', async () => {
    const page = await admin.get('/admin/services/new');
    expect(page.text).toContain(`value="${recipientId}"`);
    const bad = await admin.post('/admin/services', { code: '', name: 'Холодная вода', unit: 'м³', kind: 'cold_water', recipientId });
    expect(bad.status).toBe(400);
    expect(invalid(bad.text, 'f-code')).toBe(true);
    const created = await admin.post('/admin/services', { code: 'HVS', name: 'Холодная вода', unit: 'м³', kind: 'cold_water', recipientId });
    expect(created.status).toBe(303);
    serviceId = (await orgs.listServices(org.north))[0]!.id;
    expect(await actions(org.north, 'service.create')).toHaveLength(1);
    const updated = await admin.post(`/admin/services/${serviceId}`, { code: 'OTHER', name: 'ХВС', unit: 'м³', kind: 'cold_water', recipientId });
    expect(updated.status).toBe(303);
    expect(await orgs.findService(org.north, serviceId)).toMatchObject({ code: 'HVS', name: 'ХВС' });
    expect((await accountant.get(`/admin/services/${serviceId}`)).text).toContain('ХВС');
  });

  it('deactivates a recipient: kept, greyed, with «Включить»', async () => {
    const res = await admin.post(`/admin/recipients/${recipientId}/active`, { active: '0' });
    expect(res.status).toBe(303);
    expect((await orgs.findRecipient(org.north, recipientId))?.active).toBe(false);
    const list = await admin.get('/admin/recipients');
    expect(list.text).toMatch(new RegExp(`<tr class="inactive"><td><a href="/admin/recipients/${recipientId}">`));
    expect(list.text).toContain('>Включить</button>');
    expect(await actions(org.north, 'recipient.deactivate')).toHaveLength(1);
    const service = await admin.post(`/admin/services/${serviceId}/active`, { active: '0' });
    expect(service.status).toBe(303);
    expect((await admin.get('/admin/services')).text).toContain('<tr class="inactive">');
  });

  it("answers another organisation's ids with 404", async () => {
    const southAdmin = await signIn(people.southAdmin);
    const paths = [`/admin/recipients/${recipientId}`, `/admin/services/${serviceId}`];
    for (const path of paths) {
      expect((await southAdmin.get(path)).status).toBe(404);
      expect((await southAdmin.post(path, { ...REQUISITES, name: 'чужой', code: 'X', unit: 'шт', kind: 'other', recipientId })).status).toBe(404);
      expect((await southAdmin.post(`${path}/active`, { active: '1' })).status).toBe(404);
    }
    const [northAdmin] = await orgs.listStaff(org.north);
    expect((await southAdmin.post(`/admin/staff/${northAdmin!.membershipId}`, { role: 'lawyer' })).status).toBe(404);
    expect((await orgs.findRecipient(org.north, recipientId))?.active).toBe(false);
  });
});

describe('staff', () => {
  it("changes a member's role and refuses to remove the last admin", async () => {
    expect((await admin.get('/admin/staff')).text).toContain(people.accountant);
    const members = await orgs.listStaff(org.north);
    const buh = members.find((m) => m.email === people.accountant)!;
    const me = members.find((m) => m.email === people.admin)!;
    expect((await admin.post(`/admin/staff/${buh.membershipId}`, { role: 'operator', active: '1' })).status).toBe(303);
    expect((await orgs.listStaff(org.north)).find((m) => m.email === people.accountant)?.role).toBe('operator');
    expect(await actions(org.north, 'staff.update')).toHaveLength(1);

    const last = await admin.post(`/admin/staff/${me.membershipId}`, { role: 'admin' });
    expect(last.status).toBe(400);
    expect(last.text).toContain('последнего администратора');
    expect(invalid(last.text, `f-active-${me.membershipId}`)).toBe(true);
    expect((await orgs.listStaff(org.north)).find((m) => m.email === people.admin)?.active).toBe(true);
    await admin.post(`/admin/staff/${buh.membershipId}`, { role: 'accountant', active: '1' });
  });

  it('invites a new person by e-mail, and the link lets them set a password and sign in', async () => {
    const bad = await admin.post('/admin/staff', { email: 'not-an-email', fullName: 'Петрова Ольга', role: 'accountant' });
    expect(bad.status).toBe(400);
    expect(invalid(bad.text, 'f-email')).toBe(true);

    const sent = mails.length;
    const res = await admin.post('/admin/staff', { email: 'Petrova@North.test', fullName: 'Петрова Ольга', role: 'accountant' });
    expect([res.status, res.location]).toEqual([303, '/admin/staff?invited=new']);
    expect((await admin.get(res.location!)).text).toContain('Приглашение отправлено');
    const mail = mails.slice(sent).join('\n');
    expect(mail).toContain('petrova@north.test');
    const token = decodeURIComponent(/\/admin\/password\/set\?token=([^\s]+)/.exec(mail)![1]!);

    const newcomer = browser();
    expect((await newcomer.get(`/admin/password/set?token=${encodeURIComponent(token)}`)).status).toBe(200);
    expect((await newcomer.post('/admin/password/set', { token, password: 'a new long password' })).text).toContain('Пароль сохранён');
    const signedIn = await signIn('petrova@north.test', 'a new long password');
    expect((await signedIn.get('/admin/settings')).status).toBe(200);
    expect((await actions(org.north, 'staff.add'))[0]?.changes).toMatchObject({ email: [null, 'petrova@north.test'] });
  });

  it('adds someone who already works elsewhere without sending a link', async () => {
    const sent = mails.length;
    const res = await admin.post('/admin/staff', { email: people.southAdmin, fullName: '', role: 'lawyer' });
    expect(res.location).toBe('/admin/staff?invited=existing');
    expect(mails.length).toBe(sent);
    expect((await orgs.listStaff(org.north)).some((m) => m.email === people.southAdmin && m.role === 'lawyer')).toBe(true);
  });
});

describe('platform: a new organisation', () => {
  const form: Record<string, string> = {
    ...REQUISITES, slug: 'zarya', name: 'ТСЖ «Заря»', shortName: 'ТСЖ Заря', category: 'tszh', timeZone: 'Europe/Moscow',
    adminEmail: 'chair@zarya.test', adminFullName: 'Иванов Иван',
  };

  it('is only for platform operators', async () => {
    expect((await admin.get('/admin/platform/orgs/new')).status).toBe(403);
    expect((await admin.post('/admin/platform/orgs', form)).status).toBe(403);
    expect(await orgs.orgIdBySlug('zarya')).toBeNull();
  });

  it('refuses a wrong ИНН, then creates the organisation and invites its first admin', async () => {
    const operator = await signIn(people.operator);
    expect((await operator.get('/admin/platform/orgs/new')).status).toBe(200);
    const bad = await operator.post('/admin/platform/orgs', { ...form, inn: BAD_INN });
    expect(bad.status).toBe(400);
    expect(invalid(bad.text, 'f-inn')).toBe(true);
    expect(await orgs.orgIdBySlug('zarya')).toBeNull();

    const sent = mails.length;
    const res = await operator.post('/admin/platform/orgs', form);
    expect([res.status, res.location]).toEqual([303, '/admin/platform/orgs/new?created=zarya&invited=new']);
    expect((await operator.get(res.location!)).text).toContain('ТСЖ Заря');
    const orgId = (await orgs.orgIdBySlug('zarya'))!;
    expect(await orgs.listStaff(orgId)).toMatchObject([{ email: 'chair@zarya.test', role: 'admin', fullName: 'Иванов Иван' }]);
    expect(mails.slice(sent).join('\n')).toMatch(/chair@zarya\.test[\s\S]*\/admin\/password\/set\?token=/);
    expect((await actions(orgId, 'staff.add'))[0]?.actorLabel).toBe(people.operator);
  });
});
