import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrgsService } from '../core/orgs/index.ts';
import { makeAccountsService } from '../core/accounts/index.ts';
import { makeRegistriesService, storeFile } from '../core/registries/index.ts';
import { kopecks, systemClock } from '../core/shared/index.ts';
import { makePaymentsService } from '../core/payments/index.ts';
import { makeChatPending, makeConnections, recordDialogPayment } from '../core/conversations/index.ts';
import { saveDocumentFile } from '../core/documents/index.ts';
import { fileAppeal, replyToAppeal } from '../core/appeals/index.ts';
import { makeDialogEngine } from '../dialogs/engine.ts';
import { ALL_FLOWS } from '../dialogs/flows/index.ts';
import { PLATFORM_TABLES_WITH_ORG_ID } from '../core/infra/database/roles.ts';
import type { Database } from '../core/infra/database/database.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { orgInput } from './fixtures/orgs.ts';

/** RELIABILITY.md A1 at the database layer: raw SQL as the application role, tenant set or not. */
let test: TestDatabase;
let db: Database;
const orgIds: Record<'a' | 'b', string> = { a: '', b: '' };
const REGISTRY = new URL('./fixtures/registries/accruals.utf8.txt', import.meta.url).pathname;

async function fillOrganization(slug: string): Promise<string> {
  const orgs = makeOrgsService({ db, clock: systemClock });
  const accounts = makeAccountsService({ db, clock: systemClock });
  const org = await orgs.createOrganization(orgInput(slug));
  if (!org.ok) throw new Error(JSON.stringify(org.error));
  const orgId = org.value.id;
  const recipient = await orgs.addRecipient(orgId, { ...orgInput(slug), name: 'МУП «Водоканал»' });
  if (!recipient.ok) throw new Error('recipient');
  await orgs.addService(orgId, { code: 'HVS', name: 'Холодная вода', unit: 'м³', kind: 'cold_water', recipientId: recipient.value.id });
  await orgs.setCommission(orgId, 'card', { mode: 'external', basisPoints: 150 }, { userId: null, label: 'tenancy test' });
  await orgs.addStaffUser(orgId, { email: `boss@${slug}.test`, fullName: 'Иванова А. П.', password: 'correct horse battery' }, 'admin');
  const building = await accounts.addBuilding(orgId, { address: `г. Пермь, ул. Ленина, д. ${slug.length}` });
  if (!building.ok) throw new Error('building');
  const premise = await accounts.addPremise(orgId, { buildingId: building.value.id, number: '1', area: '54,3' });
  if (!premise.ok) throw new Error('premise');
  const account = await accounts.openAccount(orgId, { premiseId: premise.value.id, payerName: 'Петров Пётр Петрович' });
  if (!account.ok) throw new Error('account');
  const person = await accounts.addPerson(orgId, 'Петров Пётр Петрович');
  if (!person.ok) throw new Error('person');
  await accounts.upsertContact(orgId, person.value.id, { kind: 'phone', value: '8 912 345-67-89', consentService: true, consentSource: 'staff' });
  await accounts.linkIdentity(orgId, person.value.id, { channel: 'telegram', externalId: '100500' });
  await accounts.linkAccount(orgId, { accountId: account.value.id, personId: person.value.id, proof: 'staff' });
  await storeFile(db, systemClock, orgId, { name: 'реестр.csv', content: Buffer.from(slug) });
  // Charges, meters, readings, the import record and a saved profile.
  const registries = makeRegistriesService({ db, clock: systemClock });
  const imported = await registries.importPath(orgId, REGISTRY, 'accruals.utf8.txt', { source: 'cli', actor: { userId: null, label: 'tenancy test' }, saveProfileAs: 'Основной' });
  if (imported.status !== 'applied') throw new Error(JSON.stringify(imported.errors));
  await fillPayments(orgId, account.value.id);
  await fillConversations(orgId, account.value.id);
  await fillAppeals(orgId, account.value.id);
  return orgId;
}

/** A bot, a dialog with a handled event, a web-chat message waiting, a chat payment, a file and an appeal. */
async function fillConversations(orgId: string, accountId: string): Promise<void> {
  const payments = makePaymentsService({ db, clock: systemClock, secretKey: 't'.repeat(40), provider: 'sandbox', publicUrl: () => 'http://127.0.0.1:9', sandboxRetryMs: [0] });
  const added = await makeConnections({ db, clock: systemClock, secretKey: 't'.repeat(40) }).add(orgId, { channel: 'telegram', title: 'Бот', token: '123456:ABCDEF-tenancy' });
  if (!added.ok) throw added.error;
  const engine = makeDialogEngine({
    db, clock: systemClock, flows: ALL_FLOWS,
    services: { db, payments, secretKey: 't'.repeat(40), publicUrl: () => 'http://127.0.0.1:9', fileUrl: () => '', deliver: async () => undefined },
  });
  const reply = await engine.handle({ channel: 'webchat', orgId, connectionId: null, externalUserId: 'tenancy', chatId: 'tenancy', eventKey: 'e1', input: { kind: 'command', command: 'start' } });
  await makeChatPending({ db, clock: systemClock }).add(orgId, 'tenancy', { key: `tenancy:${orgId}`, intents: [] });
  await db.withTenant(orgId, async (em) => {
    const [payment] = await em.execute<{ id: string }[]>('select id from payments where org_id = ? limit 1', [orgId]);
    await recordDialogPayment(em, { orgId, paymentId: payment!.id, identityId: reply.identityId, channel: 'webchat', connectionId: null, chatId: 'tenancy', now: new Date() });
    const fileId = await saveDocumentFile(em, orgId, { kind: 'attachment', name: 'фото.jpg', mime: 'image/jpeg', data: Buffer.from('jpeg') }, new Date());
    const [appeal] = await em.execute<{ id: string }[]>(
      `insert into appeals (id, org_id, number, type, status, urgent, account_id, text, created_at, updated_at)
       values (gen_random_uuid(), ?, 1, 'question', 'new', false, ?, ?, now(), now()) returning id`, [orgId, accountId, 'Когда будет перерасчёт?']);
    await em.execute(`insert into appeal_messages (org_id, appeal_id, author, text, attachments, created_at) values (?, ?, 'resident', ?, ?, now())`,
      [orgId, appeal!.id, 'Когда будет перерасчёт?', JSON.stringify([fileId])]);
  });
  payments.close();
}

/** The appeal desk: a team with its member, a rule, a policy, settings, a calendar day, a canned answer, and a routed appeal answered. */
async function fillAppeals(orgId: string, accountId: string): Promise<void> {
  const [boss] = await db.withTenant(orgId, (em) => em.execute<{ user_id: string }[]>('select user_id from memberships where org_id = ? limit 1', [orgId]));
  const userId = boss!.user_id;
  await db.withTenant(orgId, async (em) => {
    const [team] = await em.execute<{ id: string }[]>(`insert into teams (id, org_id, name, lead_id, created_at) values (gen_random_uuid(), ?, 'Диспетчеры', ?, now()) returning id`, [orgId, userId]);
    await em.execute('insert into team_members (team_id, user_id, org_id, on_duty) values (?, ?, ?, true)', [team!.id, userId, orgId]);
    await em.execute(`insert into routing_rules (id, org_id, position, team_id, auto_assign) values (gen_random_uuid(), ?, 1, ?, true)`, [orgId, team!.id]);
    await em.execute(`insert into sla_policies (id, org_id, type, category, mode, response_min, resolution_min, updated_at) values (gen_random_uuid(), ?, 'question', '', 'business', 60, 600, now())`, [orgId]);
    await em.execute(`insert into appeal_settings (org_id, updated_at) values (?, now())`, [orgId]);
    await em.execute(`insert into calendar_days (org_id, date, kind, updated_at) values (?, '2026-12-30', 'short', now())`, [orgId]);
    await em.execute(`insert into canned_answers (id, org_id, title, text, created_at) values (gen_random_uuid(), ?, 'Принято', 'Заявка принята.', now())`, [orgId]);
    const appeal = await fileAppeal(em, { orgId, type: 'question', accountId, text: 'Почему выросла плата?', now: new Date() });
    const replied = await replyToAppeal(em, { orgId, userId, now: new Date() }, appeal.id, { text: 'Из-за тарифа.', then: 'waiting' });
    if (!replied.ok) throw new Error(replied.error);
  });
}

/** A collector, and a payment paid through the sandbox bank and partly refunded: every payments table gets rows. */
async function fillPayments(orgId: string, accountId: string): Promise<void> {
  const payments = makePaymentsService({ db, clock: systemClock, secretKey: 't'.repeat(40), provider: 'sandbox', publicUrl: () => 'http://127.0.0.1:9', sandboxRetryMs: [0] });
  await db.withTenant(orgId, (em) => em.execute(`insert into collectors (id, org_id, name, code, created_at) values (gen_random_uuid(), ?, 'Сидоров С. С.', '7', now())`, [orgId]));
  const created = await payments.create({ orgId, accountId, amount: kopecks(50_000), method: 'sbp', source: 'link', idempotencyKey: `tenancy-${orgId}` });
  if (!created.ok) throw created.error;
  const p = created.value;
  await payments.sandbox.decide(p.providerPaymentId!, 'confirm');
  const body = JSON.stringify({ OrderId: p.id, PaymentId: p.providerPaymentId, Status: 'CONFIRMED', Amount: p.gross });
  if ((await payments.hook('sandbox', Buffer.from(body), { 'x-sandbox-signature': payments.sandbox.sign(body) })).outcome !== 'applied') throw new Error('payment');
  const refund = await payments.refund({ orgId, paymentId: p.id, amount: kopecks(1_000), reason: 'tenancy test', actor: { userId: null, label: 'tenancy test' } });
  if (!refund.ok) throw refund.error;
  payments.close();
}

async function tenantTables(): Promise<string[]> {
  const rows = await db.withoutTenant((em) => em.execute<{ table_name: string }[]>(
    `select distinct table_name from information_schema.columns where table_schema = 'public' and column_name = 'org_id' order by 1`));
  return ['organizations', ...rows.map((r) => r.table_name).filter((t) => !PLATFORM_TABLES_WITH_ORG_ID.includes(t))];
}

const orgColumn = (table: string) => (table === 'organizations' ? 'id' : 'org_id');

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  orgIds.a = await fillOrganization('alpha');
  orgIds.b = await fillOrganization('beta');
});
afterAll(() => test.drop());

describe('row-level security between organisations', () => {
  it('acts as a role that is not a superuser and owns no table', async () => {
    const [me] = await db.withoutTenant((em) => em.execute<{ super: boolean; owned: number }[]>(
      `select r.rolsuper as super, (select count(*)::int from pg_tables where tableowner = current_user) as owned
       from pg_roles r where r.rolname = current_user`));
    expect(me).toEqual({ super: false, owned: 0 });
  });

  it('covers every table that has org_id with an enabled policy', async () => {
    const tables = await tenantTables();
    expect(tables.length).toBeGreaterThanOrEqual(12);
    const rows = await db.withoutTenant((em) => em.execute<{ relname: string; rls: boolean; policies: number }[]>(
      `select c.relname, c.relrowsecurity as rls, (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
       from pg_class c where c.relname in (${tables.map(() => '?').join(',')})`, tables));
    for (const row of rows) expect(row, row.relname).toMatchObject({ rls: true, policies: 1 });
    expect(rows).toHaveLength(tables.length);
  });

  it("shows organisation A's rows and none of B's when A is set", async () => {
    for (const table of await tenantTables()) {
      const [counts] = await db.withTenant(orgIds.a, (em) => em.execute<{ own: number; other: number; total: number }[]>(
        `select (count(*) filter (where ${orgColumn(table)} = ?))::int as own,
         (count(*) filter (where ${orgColumn(table)} = ?))::int as other, count(*)::int as total from "${table}"`, [orgIds.a, orgIds.b]));
      expect({ table, ...counts }).toEqual({ table, own: counts!.total, other: 0, total: counts!.total });
      expect(counts!.own, table).toBeGreaterThan(0);
    }
  });

  it('shows no tenant rows at all when no organisation is set', async () => {
    for (const table of await tenantTables()) {
      const [row] = await db.withoutTenant((em) => em.execute<{ n: number }[]>(`select count(*)::int as n from "${table}"`));
      expect({ table, n: row!.n }).toEqual({ table, n: 0 });
    }
  });

  it("refuses to write a row into organisation B while acting for A, and to move A's row to B", async () => {
    await expect(db.withTenant(orgIds.a, (em) => em.execute(
      `insert into persons (id, org_id, full_name, locale, created_at) values (gen_random_uuid(), ?, 'x', 'ru', now())`, [orgIds.b]),
    )).rejects.toThrow(/row-level security/);
    await expect(db.withTenant(orgIds.a, (em) => em.execute(`update persons set org_id = ?`, [orgIds.b])))
      .rejects.toThrow(/row-level security/);
  });

  it("changes nothing of B's when A updates and deletes without a filter", async () => {
    await db.withTenant(orgIds.a, (em) => em.execute(`update accounts set payer_name = 'изменено'`));
    const names = await db.withTenant(orgIds.b, (em) => em.execute<{ payer_name: string }[]>(`select payer_name from accounts`));
    expect(names.length).toBeGreaterThan(1);
    expect(names.map((n) => n.payer_name)).toContain('Петров Пётр Петрович');
    expect(names.map((n) => n.payer_name)).not.toContain('изменено');
  });

  it('resolves a public slug without a tenant, and nothing else leaks through it', async () => {
    const orgs = makeOrgsService({ db, clock: systemClock });
    expect(await orgs.orgIdBySlug('beta')).toBe(orgIds.b);
    expect(await orgs.orgIdBySlug('gamma')).toBeNull();
  });
});
