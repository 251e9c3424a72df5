import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billCode, linkResident } from '../core/accounts/index.ts';
import { listAudit } from '../core/audit/index.ts';
import { openTurn, voiceSettings } from '../core/conversations/index.ts';
import type { StaffRole } from '../core/orgs/index.ts';
import { localDate } from '../core/shared/index.ts';
import { Browser, startAdmin, TEST_SECRET, TEST_VOICE_SECRET, type AdminHarness } from './support/admin-harness.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

/** The bots and residents pages over real HTTP: sealed tokens, field errors, the WhatsApp QR, roles, CSRF, tenancy. */
const PASSWORD = 'correct horse battery';
const TOKEN = '7012345678:AAHx-SecretBotTokenValue_Q9zK';
const PHONE = '+79123450001';

let test: TestDatabase;
let admin: AdminHarness;
let north: PaymentsOrg;
let south: PaymentsOrg;
const people: Partial<Record<string, Browser>> = {};
const as = (email: string) => people[email]!;

const audited = async (orgId: string, action: string) =>
  (await test.db.withTenant(orgId, (em) => listAudit(em, orgId, { action }, { limit: 50, offset: 0 }))).rows.filter((r) => r.action === action);
const connectionRows = (orgId: string) => test.db.withTenant(orgId, (em) => em.execute<Record<string, unknown>[]>('select * from bot_connections order by created_at'));
const linksOf = (orgId: string, personId: string) =>
  test.db.withTenant(orgId, (em) => em.execute<{ account_id: string; proof: string }[]>('select account_id, proof from account_links where person_id = ? order by created_at', [personId]));

/** A resident who wrote to a Telegram bot, with a phone the messenger vouched for and linked accounts. */
async function resident(orgId: string, externalId: string, links: [string, string][]): Promise<string> {
  return test.db.withTenant(orgId, async (em) => {
    // As the bot meets a resident: their identity, person and dialog state.
    const who = await openTurn(em, { orgId, channel: 'telegram', externalId, phone: PHONE, locale: 'ru', eventKey: null, initial: { flow: 'menu', step: 'start', version: 1 }, now: new Date() });
    for (const [accountId, proof] of links) await linkResident(em, orgId, who.personId, accountId, proof, new Date());
    await em.execute(`update dialog_states set seq = 3, updated_at = ? where identity_id = ?`, [new Date(), who.identityId]);
    return who.personId;
  });
}

async function signIn(email: string): Promise<Browser> {
  const b = new Browser(admin.url);
  expect(await b.signIn(email, PASSWORD)).toBe(303);
  await b.get('/admin/channels'); // the CSRF token bound to the new session
  return b;
}

/** The message shown beside a field, or null. */
const fieldError = (html: string, name: string) => new RegExp(`id="e-${name}" class="error">([^<]+)<`).exec(html)?.[1] ?? null;

beforeAll(async () => {
  test = await openTestDatabase();
  admin = await startAdmin(test.db);
  [north, south] = [await makePaymentsOrg(test.db, 'north', { accounts: 3 }), await makePaymentsOrg(test.db, 'south', { accounts: 2 })];
  const staff: [string, string, StaffRole][] = [[north.orgId, 'admin@north.test', 'admin'], [north.orgId, 'buh@north.test', 'accountant'],
    [north.orgId, 'op@north.test', 'operator'], [south.orgId, 'admin@south.test', 'admin']];
  for (const [orgId, email, role] of staff) {
    const added = await admin.orgs.addStaffUser(orgId, { email, fullName: email, password: PASSWORD }, role);
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    people[email] = await signIn(email);
  }
}, 60_000);

afterAll(async () => { await admin?.close(); await test?.drop(); });

describe('bot connections', () => {
  it('connects a Telegram bot, shows only the token tail and stores the token sealed', async () => {
    const res = await as('admin@north.test').post('/admin/channels', { channel: 'telegram', title: 'Бот УК Север', token: TOKEN, baseUrl: '' });
    expect(res.status).toBe(303);
    const page = await as('admin@north.test').get('/admin/channels');
    expect(page.text).toContain('Бот УК Север');
    expect(page.text).toContain('…Q9zK');
    expect(page.text).not.toContain(TOKEN);
    const rows = await connectionRows(north.orgId);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
    expect(JSON.stringify(rows)).not.toContain('SecretBotToken');
    // Sealed, not lost: the adapters open it.
    expect((await admin.connections.find(String(rows[0]!.id)))?.token).toBe(TOKEN);
    const [entry] = await audited(north.orgId, 'channel.connect');
    expect(entry).toMatchObject({ actorLabel: 'admin@north.test', entityId: rows[0]!.id, changes: { channel: [null, 'telegram'], title: [null, 'Бот УК Север'] } });
    expect(JSON.stringify(entry)).not.toContain('SecretBotToken');
  });

  it('names the field of a bad token, an unknown messenger and a MAX address that is not https, and stores nothing', async () => {
    const before = (await connectionRows(north.orgId)).length;
    const bad = await as('admin@north.test').post('/admin/channels', { channel: 'telegram', title: 'x', token: 'short' });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'token')).toMatch(/Токен бота/);
    expect(bad.text).not.toContain('value="short"');
    const channel = await as('admin@north.test').post('/admin/channels', { channel: 'icq', title: 'x', token: TOKEN });
    expect(fieldError(channel.text, 'channel')).toMatch(/Telegram, MAX или WhatsApp/);
    const max = await as('admin@north.test').post('/admin/channels', { channel: 'max', title: 'x', token: TOKEN, baseUrl: 'http://max.example.test' });
    expect(max.status).toBe(422);
    expect(fieldError(max.text, 'baseUrl')).not.toBeNull();
    expect(max.text).toContain('value="http://max.example.test"');
    expect(await connectionRows(north.orgId)).toHaveLength(before);
  });

  it('keeps a MAX bot’s own https API address', async () => {
    const res = await as('admin@north.test').post('/admin/channels', { channel: 'max', title: 'MAX', token: 'max-token-0123456789', baseUrl: 'https://max.example.test/' });
    expect(res.status).toBe(303);
    const max = (await admin.connections.listForOrg(north.orgId)).find((c) => c.channel === 'max')!;
    expect(max.settings).toEqual({ baseUrl: 'https://max.example.test' });
  });

  it('switches a bot off and on again, each change in the audit log', async () => {
    const [bot] = await admin.connections.listForOrg(north.orgId);
    expect((await as('admin@north.test').post(`/admin/channels/${bot!.id}/active`, { active: '0' })).status).toBe(303);
    expect((await admin.connections.listForOrg(north.orgId))[0]!.active).toBe(false);
    expect((await as('admin@north.test').post(`/admin/channels/${bot!.id}/active`, { active: '1' })).status).toBe(303);
    expect((await admin.connections.listForOrg(north.orgId))[0]!.active).toBe(true);
    expect([...await audited(north.orgId, 'channel.activate'), ...await audited(north.orgId, 'channel.deactivate')].map((e) => e.changes))
      .toEqual([{ active: [false, true] }, { active: [true, false] }]);
    expect((await as('admin@north.test').post(`/admin/channels/${bot!.id}/active`, { active: 'maybe' })).status).toBe(400);
  });

  it('shows last errors newest first and the state the adapter reported', async () => {
    const [bot] = await admin.connections.listForOrg(north.orgId);
    await admin.connections.reportError(bot!.id, 'TELEGRAM.FIRST_PROBLEM');
    admin.clock.set(new Date(admin.clock.now().getTime() + 60_000));
    await admin.connections.reportError(bot!.id, 'TELEGRAM.SECOND_PROBLEM');
    await admin.connections.reportState(bot!.id, 'polling');
    const page = (await as('buh@north.test').get('/admin/channels')).text;
    expect(page.indexOf('TELEGRAM.SECOND_PROBLEM')).toBeGreaterThan(0);
    expect(page.indexOf('TELEGRAM.SECOND_PROBLEM')).toBeLessThan(page.indexOf('TELEGRAM.FIRST_PROBLEM'));
    expect(page).toContain('опрашивает мессенджер');
  });

  it('draws a waiting WhatsApp session’s login code as an inline SVG and stops asking once it is ready', async () => {
    expect((await as('admin@north.test').post('/admin/channels', { channel: 'whatsapp', title: 'WhatsApp', token: '' })).status).toBe(303);
    const wa = (await admin.connections.listForOrg(north.orgId)).find((c) => c.channel === 'whatsapp')!;
    expect(wa.tokenTail).toBe('');
    await admin.connections.reportState(wa.id, 'qr', '2@Zm9vYmFyYmF6cXV4,abcDEF123=,ghiJKL456=,mnoPQR789=');
    const page = (await as('op@north.test').get('/admin/channels')).text;
    const login = page.slice(page.indexOf(`id="login-${wa.id}"`));
    expect(login).toMatch(/^id="login-[^"]+" hx-get="\/admin\/channels\/[^"]+\/login"[^>]*>\s*<figure><div class="qr" role="img" aria-label="[^"]+"><svg width="240" height="240" /);
    expect(page).toContain('Отсканируйте в WhatsApp: Настройки → Связанные устройства');
    expect(page).not.toContain('Zm9vYmFyYmF6cXV4');
    const fragment = await as('op@north.test').get(`/admin/channels/${wa.id}/login`);
    expect([fragment.status, fragment.text.includes('<svg')]).toEqual([200, true]);
    await admin.connections.reportState(wa.id, 'ready');
    const after = await as('op@north.test').get(`/admin/channels/${wa.id}/login`);
    expect([after.text.includes('<svg'), after.text.includes('hx-get')]).toEqual([false, false]);
    const [telegram] = await admin.connections.listForOrg(north.orgId);
    expect((await as('op@north.test').get(`/admin/channels/${telegram!.id}/login`)).status).toBe(404);
  });

  it('lets accountants and operators look but not connect, switch or configure', async () => {
    const [bot] = await admin.connections.listForOrg(north.orgId);
    for (const email of ['buh@north.test', 'op@north.test']) {
      const page = await as(email).get('/admin/channels');
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('action="/admin/channels"');
      expect(page.text).not.toContain(TEST_VOICE_SECRET);
      expect((await as(email).post('/admin/channels', { channel: 'telegram', title: 'x', token: TOKEN })).status).toBe(403);
      expect((await as(email).post(`/admin/channels/${bot!.id}/active`, { active: '0' })).status).toBe(403);
      expect((await as(email).post('/admin/channels/voice', { voiceNumber: '+79990000000' })).status).toBe(403);
    }
    expect((await admin.connections.listForOrg(north.orgId))[0]!.active).toBe(true);
  });

  it('refuses a connection without the CSRF token', async () => {
    const before = (await connectionRows(north.orgId)).length;
    const res = await as('admin@north.test').request('POST', '/admin/channels', { channel: 'telegram', title: 'csrf', token: TOKEN });
    expect(res.status).toBe(403);
    expect(await connectionRows(north.orgId)).toHaveLength(before);
  });
});

describe('phone robot and web chat settings', () => {
  it('shows the robot’s address, its secret to the admin only, and the web chat link', async () => {
    const page = (await as('admin@north.test').get('/admin/channels')).text;
    expect(page).toContain(`${admin.url}/voice/turn`);
    expect(page).toContain(`${admin.url}/chat/north`);
    expect(page).toMatch(new RegExp(`<details><summary>[^<]*</summary><code class="secret">${TEST_VOICE_SECRET}</code></details>`));
    expect((await as('op@north.test').get('/admin/channels')).text).not.toContain(TEST_VOICE_SECRET);
  });

  it('names every wrong field at once and saves nothing', async () => {
    const res = await as('admin@north.test').post('/admin/channels/voice', {
      voiceNumber: '12345', operatorPhone: '8 (912) 000-00-02', dispatcherPhone: 'call me', readingDayFrom: '0', readingDayTo: '32',
    });
    expect(res.status).toBe(422);
    expect(['voiceNumber', 'dispatcherPhone', 'readingDayFrom', 'readingDayTo'].map((f) => fieldError(res.text, f) !== null)).toEqual([true, true, true, true]);
    expect(fieldError(res.text, 'operatorPhone')).toBeNull();
    const reversed = await as('admin@north.test').post('/admin/channels/voice', { readingDayFrom: '25', readingDayTo: '20' });
    expect(fieldError(reversed.text, 'readingDayTo')).not.toBeNull();
    expect(await test.db.withTenant(north.orgId, (em) => voiceSettings(em, north.orgId))).toEqual({
      voiceNumber: null, operatorPhone: null, dispatcherPhone: null, readingDayFrom: null, readingDayTo: null,
    });
  });

  it('saves phones in E.164 and the reading days, with an audit entry, and refuses another organisation’s robot number', async () => {
    const res = await as('admin@north.test').post('/admin/channels/voice', {
      voiceNumber: '8 (800) 555-35-35', operatorPhone: '+7 912 000-00-02', dispatcherPhone: '89120000003', readingDayFrom: '15', readingDayTo: '25',
    });
    expect(res.status).toBe(303);
    expect(await test.db.withTenant(north.orgId, (em) => voiceSettings(em, north.orgId))).toEqual({
      voiceNumber: '+78005553535', operatorPhone: '+79120000002', dispatcherPhone: '+79120000003', readingDayFrom: 15, readingDayTo: 25,
    });
    const [entry] = await audited(north.orgId, 'organization.voice');
    expect(entry?.changes).toMatchObject({ voiceNumber: [null, '+78005553535'], readingDayTo: [null, 25] });
    const taken = await as('admin@south.test').post('/admin/channels/voice', { voiceNumber: '+78005553535' });
    expect(taken.status).toBe(422);
    expect(fieldError(taken.text, 'voiceNumber')).not.toBeNull();
    expect((await test.db.withTenant(south.orgId, (em) => voiceSettings(em, south.orgId)))?.voiceNumber).toBeNull();
  });
});

describe('residents', () => {
  let northPerson = '';
  let southPerson = '';
  beforeAll(async () => {
    northPerson = await resident(north.orgId, '5550001', [[north.accounts[0]!.id, 'import'], [north.accounts[1]!.id, 'deep_link']]);
    // The same phone and account number in another organisation: never found from this one.
    southPerson = await resident(south.orgId, '5550002', [[south.accounts[0]!.id, 'bill_code']]);
  });

  it('finds a resident by phone, messenger id or account number, with masked ids and linked accounts', async () => {
    for (const q of ['8 (912) 345-00-01', '5550001', north.accounts[1]!.number]) {
      const page = (await as('buh@north.test').get(`/admin/residents?q=${encodeURIComponent(q)}`)).text;
      expect(page, q).toContain(`/admin/residents/${northPerson}`);
      expect(page, q).not.toContain(southPerson);
      expect(page).toContain('+7 912 ***-**-01');
      expect(page).not.toContain(PHONE);
      expect(page).toContain('по ссылке из квитанции');
    }
    const none = (await as('buh@north.test').get('/admin/residents?q=5550002')).text;
    expect(none).not.toContain('/admin/residents/');
    expect(none).toContain('никого не нашлось');
  });

  it('shows this month’s bill code and the unlink button to admins and operators only', async () => {
    const period = localDate(admin.clock.now(), 'Europe/Moscow').slice(0, 7);
    const code = billCode(TEST_SECRET, north.orgId, north.accounts[0]!.id, period);
    for (const email of ['admin@north.test', 'op@north.test']) {
      const card = (await as(email).get(`/admin/residents/${northPerson}`)).text;
      expect(card).toContain(`<code>${code}</code>`);
      expect(card).toContain(`/links/${north.accounts[0]!.id}/unlink`);
    }
    const card = await as('buh@north.test').get(`/admin/residents/${northPerson}`);
    expect(card.status).toBe(200);
    expect(card.text).not.toContain(code);
    expect(card.text).not.toContain('/unlink');
    expect((await as('buh@north.test').post(`/admin/residents/${northPerson}/links/${north.accounts[0]!.id}/unlink`)).status).toBe(403);
  });

  it('unlinks even a link a registry made, audited on the account; a second unlink is not found', async () => {
    const url = `/admin/residents/${northPerson}/links/${north.accounts[0]!.id}/unlink`;
    const res = await as('op@north.test').post(url);
    expect([res.status, res.location]).toEqual([303, `/admin/residents/${northPerson}?saved=1`]);
    expect(await linksOf(north.orgId, northPerson)).toEqual([{ account_id: north.accounts[1]!.id, proof: 'deep_link' }]);
    const [entry] = await audited(north.orgId, 'resident.unlink');
    expect(entry).toMatchObject({ actorLabel: 'op@north.test', entityType: 'account', entityId: north.accounts[0]!.id, changes: { personId: [northPerson, null], proof: ['import', null] } });
    expect((await as('op@north.test').post(url)).status).toBe(404);
    // The account's own history names the unlink; the organisation's log names every change of these pages.
    expect((await as('op@north.test').get(`/admin/accounts/${north.accounts[0]!.id}`)).text).toContain('Житель отвязан от лицевого счёта');
    const log = await as('admin@north.test').get('/admin/audit');
    expect(log.status).toBe(200);
    for (const text of ['Подключён бот', 'Бот отключён', 'Изменены телефоны и дни приёма показаний']) expect(log.text).toContain(text);
  });

  it('answers 404 for another organisation’s resident, link and bot, and changes none of them', async () => {
    const [southBot] = await Promise.all([admin.connections.add(south.orgId, { channel: 'telegram', title: 'Юг', token: TOKEN })]);
    if (!southBot.ok) throw southBot.error;
    const intruder = as('admin@north.test');
    expect((await intruder.get(`/admin/residents/${southPerson}`)).status).toBe(404);
    expect((await intruder.post(`/admin/residents/${southPerson}/links/${south.accounts[0]!.id}/unlink`)).status).toBe(404);
    expect((await intruder.post(`/admin/channels/${southBot.value.id}/active`, { active: '0' })).status).toBe(404);
    expect((await intruder.get(`/admin/channels/${southBot.value.id}/login`)).status).toBe(404);
    expect((await intruder.get('/admin/residents/not-a-uuid')).status).toBe(404);
    expect(await linksOf(south.orgId, southPerson)).toHaveLength(1);
    expect((await admin.connections.listForOrg(south.orgId))[0]!.active).toBe(true);
    expect((await intruder.get('/admin/channels')).text).not.toContain('Юг');
  });
});
