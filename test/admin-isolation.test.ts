import { kopecks } from '../core/shared/index.ts';
import { addCollector } from '../core/payments/index.ts';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_TABLES_WITH_ORG_ID } from '../core/infra/database/roles.ts';
import { HASH_PARAMS, ID_PARAMS } from '../admin/admin.router.tsx';
import { SYSTEM_ACTOR } from '../core/audit/index.ts';
import { createApiKey, listApiKeys } from '../core/orgs/index.ts';
import { linkResident } from '../core/accounts/index.ts';
import { openTurn } from '../core/conversations/index.ts';
import { addMember, addRule, createCanned, createTeam } from '../core/appeals/index.ts';
import { fileAppeal, saveAppealAttachment } from '../core/appeals/index.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { Browser, startAdmin, type AdminHarness } from './support/admin-harness.ts';
import { orgInput } from './fixtures/orgs.ts';

/**
 * RELIABILITY.md A1 at the HTTP layer. Every route and method is read from the admin router itself, so a route
 * added later is covered without touching this test. Organisation A's staff call each one with organisation B's
 * ids (in the path and in every id-like form field): each answers 404 (403 where a role check stops it first),
 * and B's data is byte-for-byte the same afterwards.
 */
const PASSWORD = 'correct horse battery';
type Org = { orgId: string; recipientId: string; serviceId: string; accountId: string; membershipId: string; importId: string; keyId: string; sha256: string; paymentId: string; collectorId: string;
  teamId: string; memberId: string; ruleId: string; cannedId: string;
  appealId: string; fileId: string; noticeId: string;
  connectionId: string; personId: string };

let test: TestDatabase;
let admin: AdminHarness;
const orgs: Record<'a' | 'b', Org> = {} as never;

async function fill(slug: string): Promise<Org> {
  const org = await admin.orgs.createOrganization(orgInput(slug));
  if (!org.ok) throw new Error(JSON.stringify(org.error));
  const orgId = org.value.id;
  const recipient = await admin.orgs.addRecipient(orgId, { ...orgInput(slug), name: 'Водоканал' });
  const service = recipient.ok ? await admin.orgs.addService(orgId, { code: 'HVS', name: 'Холодная вода', unit: 'м³', kind: 'cold_water', recipientId: recipient.value.id }) : null;
  await admin.orgs.addStaffUser(orgId, { email: `admin@${slug}.test`, fullName: 'Админ', password: PASSWORD }, 'admin');
  await admin.orgs.addStaffUser(orgId, { email: `operator@${slug}.test`, fullName: 'Оператор', password: PASSWORD }, 'operator');
  const building = await admin.accounts.addBuilding(orgId, { address: `г. Пермь, ул. ${slug}, д. 1` });
  const premise = building.ok ? await admin.accounts.addPremise(orgId, { buildingId: building.value.id, number: '1', area: '40' }) : null;
  const account = premise?.ok ? await admin.accounts.openAccount(orgId, { premiseId: premise.value.id, payerName: 'Петров П. П.' }) : null;
  const staff = await admin.orgs.listStaff(orgId);
  if (!service?.ok || !account?.ok || !recipient.ok) throw new Error('fixture');
  // An imported registry (its own bytes per organisation) and an API key: the registry pages' ids.
  const file = `ЛС;ФИО;Адрес;Кв;Период;Код услуги;Услуга;К оплате\n3000001;Сидоров;г. Пермь, ул. ${slug}, д. 2;5;03.2026;HVS;Холодная вода;100,00\n`;
  const stored = await admin.registries.store(orgId, { name: `${slug}.csv`, content: Buffer.from(file) });
  const report = await admin.registries.importStored(orgId, stored.sha256, { source: 'cli', actor: SYSTEM_ACTOR });
  const key = await createApiKey(test.db, admin.clock, orgId, SYSTEM_ACTOR, `key ${slug}`);
  if (!report?.importId || !key.ok) throw new Error(`registry fixture: ${JSON.stringify(report?.errors)}`);
  const paymentId = await paidPayment(orgId, account.value.id);
  const collector = await test.db.withTenant(orgId, (em) => addCollector(em, orgId, { name: 'Контролёр', code: '' }, { actor: SYSTEM_ACTOR, at: new Date() }));
  if (!collector.ok) throw new Error('collector fixture');
  // A bot and a resident linked to the account: the channels and residents pages' ids.
  const bot = await admin.connections.add(orgId, { channel: 'telegram', title: `bot ${slug}`, token: `123456:${slug}-token-value` });
  const person = await test.db.withTenant(orgId, async (em) => {
    const who = await openTurn(em, { orgId, channel: 'telegram', externalId: `tg-${slug}`, phone: '+79120000001', locale: 'ru', eventKey: null, initial: { flow: 'menu', step: 'main', version: 1 }, now: new Date() });
    await linkResident(em, orgId, who.personId, account.value.id, 'bill_code', new Date());
    return who;
  });
  if (!bot.ok || !person) throw new Error('channels fixture');
  // A team with the operator in it, a routing rule to it and a canned answer: the appeal settings pages' ids.
  const appeal = await test.db.withTenant(orgId, async (em) => {
    const s = { orgId, actor: SYSTEM_ACTOR, now: new Date() };
    const team = await createTeam(em, s, { name: `Диспетчеры ${slug}`, leadId: staff[0]!.userId });
    if (!team.ok) throw new Error('team fixture');
    const member = await addMember(em, s, team.value, staff[1]!.userId);
    const rule = await addRule(em, s, { type: 'emergency', category: '', buildingId: building.ok ? building.value.id : '', teamId: team.value, autoAssign: true });
    const canned = await createCanned(em, s, { title: `Ответ ${slug}`, text: 'Спасибо за обращение.' });
    if (!member.ok || !rule.ok || !canned.ok) throw new Error('appeal settings fixture');
    return { teamId: team.value, memberId: staff[1]!.userId, ruleId: rule.value, cannedId: canned.value };
  });
  return {
    orgId, recipientId: recipient.value.id, serviceId: service.value.id, accountId: account.value.id, membershipId: staff[1]!.membershipId,
    importId: report.importId, keyId: key.value.id, sha256: stored.sha256, paymentId, collectorId: collector.value.id,
    connectionId: bot.value.id, personId: person.personId,
    ...appeal,
    // The inbox's ids are B's only (beforeAll): the report tests below count A's appeals.
    appealId: '', fileId: '', noticeId: '',
  };
}

/** An emergency with a photo, routed to the operator (who is told): the appeals inbox's ids. */
async function inboxFixture(orgId: string, accountId: string): Promise<Pick<Org, 'appealId' | 'fileId' | 'noticeId'>> {
  return test.db.withTenant(orgId, async (em) => {
    const photo = await saveAppealAttachment(em, orgId, { name: 'leak.jpg', data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32)]) }, new Date());
    if (!photo.ok) throw new Error('attachment fixture');
    const filed = await fileAppeal(em, { orgId, type: 'emergency', category: 'leak', accountId, text: 'Течёт с потолка', attachments: [photo.value], now: new Date() });
    const [notice] = await em.execute<{ id: string }[]>('select id from staff_notifications where org_id = ? and appeal_id = ?', [orgId, filed.id]);
    if (!notice) throw new Error('notification fixture');
    return { appealId: filed.id, fileId: photo.value, noticeId: String(notice.id) };
  });
}

/** A payment paid through the sandbox bank: the payment pages' id (refundable, so the refund route is reached). */
async function paidPayment(orgId: string, accountId: string): Promise<string> {
  const created = await admin.payments.create({ orgId, accountId, amount: kopecks(10_000), method: 'sbp', source: 'link' });
  if (!created.ok) throw created.error;
  const p = created.value;
  await admin.payments.sandbox.decide(p.providerPaymentId!, 'confirm');
  const body = JSON.stringify({ OrderId: p.id, PaymentId: p.providerPaymentId, Status: 'CONFIRMED', Amount: p.gross });
  if ((await admin.payments.hook('sandbox', Buffer.from(body), { 'x-sandbox-signature': admin.payments.sandbox.sign(body) })).outcome !== 'applied') throw new Error('payment fixture');
  return p.id;
}

/** Every tenant row of an organisation, as its own staff would see it, hashed. */
async function fingerprint(orgId: string): Promise<string> {
  const tables = await test.db.withoutTenant((em) => em.execute<{ table_name: string }[]>(
    `select distinct table_name from information_schema.columns where table_schema = 'public' and column_name = 'org_id' order by 1`));
  const names = ['organizations', ...tables.map((t) => t.table_name).filter((t) => !PLATFORM_TABLES_WITH_ORG_ID.includes(t))];
  const dump = await test.db.withTenant(orgId, async (em) => {
    const out: Record<string, unknown> = {};
    for (const t of names) out[t] = await em.execute(`select * from "${t}" order by 1`);
    out.users = await em.execute(`select u.* from users u join memberships m on m.user_id = u.id order by u.id`);
    return out;
  });
  return createHash('sha256').update(JSON.stringify(dump)).digest('hex');
}

type RouteInfo = { method: string; path: string };
function routesOf(): RouteInfo[] {
  const stack = (admin.router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack;
  return stack.flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((m) => ({ method: m.toUpperCase(), path: layer.route!.path })) : []));
}

const idOf: Record<string, keyof Org> = {
  accountId: 'accountId', recipientId: 'recipientId', serviceId: 'serviceId', membershipId: 'membershipId', importId: 'importId', keyId: 'keyId', sha256: 'sha256', paymentId: 'paymentId', collectorId: 'collectorId',
  teamId: 'teamId', memberId: 'memberId', ruleId: 'ruleId', cannedId: 'cannedId',
  appealId: 'appealId', fileId: 'fileId',
  connectionId: 'connectionId', personId: 'personId',
};
const OTHER_PARAMS: Record<string, string> = { lang: 'ru', file: 'admin.css' };

function withIdsOf(path: string, target: Org): string {
  return path.replace(/:(\w+)/g, (_all, name: string) => (idOf[name] ? target[idOf[name]!] : OTHER_PARAMS[name] ?? name));
}

/** A form that tries to point at B everywhere an id could go, with otherwise plausible values. */
function hostileForm(target: Org): Record<string, string> {
  const { commission: _none, ...requisites } = orgInput('intruded');
  return {
    ...(requisites as Record<string, string>), timeZone: 'Europe/Moscow',
    orgId: target.orgId, recipientId: target.recipientId, serviceId: target.serviceId, accountId: target.accountId,
    membershipId: target.membershipId, active: '0', role: 'lawyer', name: 'Взлом', shortName: 'Взлом', code: 'HACK', unit: 'шт', kind: 'other',
    teamId: target.teamId, userId: target.memberId, leadId: target.memberId, connectionId: target.connectionId, chatId: '-1001234567890',
    email: 'intruder@evil.test', fullName: 'Злоумышленник', adminEmail: 'intruder@evil.test',
    assigneeId: target.memberId, id: target.noticeId, cannedId: target.cannedId, note: 'Взлом', then: 'closed',
  };
}

/** Sign-out and password routes end the caller's session; they go last so every other route is tried signed in. */
const LAST = new Set(['/admin/logout', '/admin/password/set']);

beforeAll(async () => {
  test = await openTestDatabase();
  admin = await startAdmin(test.db);
  orgs.a = await fill('alpha');
  orgs.b = await fill('beta');
  Object.assign(orgs.b, await inboxFixture(orgs.b.orgId, orgs.b.accountId));
});
afterAll(async () => { await admin.close(); await test.drop(); });

describe('tenant isolation over HTTP (RELIABILITY.md A1)', () => {
  it('finds the routes to check in the router itself', () => {
    const routes = routesOf();
    expect(routes.length).toBeGreaterThanOrEqual(12);
    expect(routes.some((r) => ID_PARAMS.some((p) => r.path.includes(`:${p}`)))).toBe(true);
  });

  it.each([['admin'], ['operator']] as const)("lets A's %s neither read nor change B through any route", async (role) => {
    const before = await fingerprint(orgs.b.orgId);
    const browser = new Browser(admin.url);
    expect(await browser.signIn(`${role}@alpha.test`, PASSWORD)).toBe(303);
    const routes = routesOf().sort((x, y) => Number(LAST.has(x.path)) - Number(LAST.has(y.path)));
    const outcomes: string[] = [];
    for (const { method, path } of routes) {
      const url = withIdsOf(path, orgs.b);
      const res = method === 'GET' ? await browser.get(url) : await browser.post(url, hostileForm(orgs.b));
      const targetsB = [...ID_PARAMS, ...HASH_PARAMS].some((p) => path.includes(`:${p}`)) || path === '/admin/org';
      const leaked = res.text.includes(orgs.b.accountId) || res.text.includes('beta.test') || res.text.includes('ул. beta');
      outcomes.push(`${method} ${path} → ${res.status}${leaked ? ' LEAK' : ''}`);
      if (targetsB) expect(`${method} ${path} → ${res.status}`).toMatch(/→ 40[34]$/);
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
      expect(leaked, `${method} ${path} shows B's data`).toBe(false);
    }
    expect(await fingerprint(orgs.b.orgId), outcomes.join('\n')).toBe(before);
    // api_keys is a platform table (outside the fingerprint): B's key must still work.
    expect((await listApiKeys(test.db, orgs.b.orgId)).every((k) => k.revokedAt === null)).toBe(true);
  });

  it('answers 404 for ids that are not UUIDs instead of failing in SQL', async () => {
    const browser = new Browser(admin.url);
    await browser.signIn('admin@alpha.test', PASSWORD);
    expect((await browser.get("/admin/accounts/1' or '1'='1")).status).toBe(404);
  });
});

describe('appeal SLA reports across organisations (RELIABILITY.md A1)', () => {
  /** One appeal with the organisation's building, a team of its own and, optionally, a staff member as assignee. */
  const fileAppeal = (org: Org, team: string, assigneeEmail: string | null) => test.db.withTenant(org.orgId, async (em) => {
    const [row] = await em.execute<{ id: string }[]>('insert into teams (id, org_id, name, created_at) values (gen_random_uuid(), ?, ?, now()) returning id', [org.orgId, team]);
    await em.execute(
      `insert into appeals (id, org_id, number, type, text, team_id, building_id, assignee_id, created_at, updated_at)
       values (gen_random_uuid(), ?, coalesce((select max(number) from appeals where org_id = ?), 0) + 1, 'question', 'Текст', ?,
         (select id from buildings where org_id = ? limit 1), (select id from users where email = ?), now(), now())`,
      [org.orgId, org.orgId, row!.id, org.orgId, assigneeEmail]);
  });

  beforeAll(async () => {
    await fileAppeal(orgs.a, 'Группа alpha', null);
    await fileAppeal(orgs.b, 'Группа beta', 'operator@beta.test');
  });

  it.each(['type', 'team', 'assignee', 'building'])("counts and names only A's appeals when grouped by %s", async (by) => {
    const browser = new Browser(admin.url);
    await browser.signIn('operator@alpha.test', PASSWORD);
    const query = `from=2020-01-01&to=2099-12-31&by=${by}`;
    const page = await browser.get(`/admin/appeals/reports?${query}`);
    const csv = await browser.get(`/admin/appeals/reports.csv?${query}`);
    expect([page.status, csv.status]).toEqual([200, 200]);
    for (const text of [page.text, csv.text]) expect(text).not.toMatch(/beta/);
    // The header, A's one group, the total of one appeal, the final line break.
    const lines = csv.text.split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^[^;]+;1;/);
  });
});
