import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignAppeal, fileAppeal, runEscalations, type AppealType } from '../core/appeals/index.ts';
import type { StaffRole } from '../core/orgs/index.ts';
import { orgInput } from './fixtures/orgs.ts';
import { Browser, startAdmin, type AdminHarness } from './support/admin-harness.ts';
import { multipart, type Part } from './support/multipart.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

/** The staff inbox for appeals (issue 7, item 5) over real HTTP and PostgreSQL: queues, filters, the card, the workflow. */
const PASSWORD = 'correct horse battery';
const MIN = 60_000;
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);

let test: TestDatabase;
let h: AdminHarness;
let orgId = '';
let southId = '';
let accountId = '';
let teamId = '';
const users: Partial<Record<StaffRole, string>> = {};
const as: Partial<Record<StaffRole, Browser>> = {};

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = [], org = orgId) => test.db.withTenant(org, (em) => em.execute<T[]>(text, params));
const appealRow = async (id: string) => (await sql<Record<string, unknown>>('select * from appeals where id = ?', [id]))[0]!;
const outbox = async (topic: string) => Number((await sql<{ n: number }>('select count(*)::int as n from outbox where topic = ?', [topic]))[0]!.n);

async function file(type: AppealType, text: string, options: { ago?: number; category?: string; org?: string } = {}) {
  const org = options.org ?? orgId;
  return test.db.withTenant(org, (em) => fileAppeal(em, {
    orgId: org, type, category: options.category ?? null, urgent: type === 'emergency', accountId: org === orgId ? accountId : null,
    address: org === orgId ? 'г. Пермь, ул. Ленина, д. 1, кв. 5' : 'ул. Южная, 2', text, channel: 'telegram',
    now: new Date(h.clock.now().getTime() - (options.ago ?? 0)),
  }));
}

async function signIn(email: string): Promise<Browser> {
  const b = new Browser(h.url);
  expect(await b.signIn(email, PASSWORD)).toBe(303);
  await b.get('/admin/appeals');
  return b;
}

/** The rows of the list in order: the appeal numbers as linked. */
const numbersIn = (html: string) => [...html.matchAll(/<td class="num"><a href="\/admin\/appeals\/[0-9a-f-]+">№(\d+)<\/a>/g)].map((m) => Number(m[1]));

async function postMultipart(b: Browser, path: string, parts: readonly Part[]) {
  const body = multipart(parts);
  const res = await fetch(h.url + path, { method: 'POST', redirect: 'manual', body: body.body, headers: { 'content-type': body.contentType, cookie: `fp_sid=${b.cookie('fp_sid')}` } });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

beforeAll(async () => {
  test = await openTestDatabase();
  h = await startAdmin(test.db);
  const north = await h.orgs.createOrganization(orgInput('north'));
  const south = await h.orgs.createOrganization(orgInput('south'));
  if (!north.ok || !south.ok) throw new Error('orgs');
  orgId = north.value.id;
  southId = south.value.id;
  for (const role of ['admin', 'operator', 'lawyer', 'accountant'] as const) {
    const added = await h.orgs.addStaffUser(orgId, { email: `${role}@north.test`, fullName: `Сотрудник ${role}`, password: PASSWORD }, role);
    if (!added.ok) throw new Error('staff');
    users[role] = added.value.id;
  }
  const building = await h.accounts.addBuilding(orgId, { address: 'г. Пермь, ул. Ленина, д. 1' });
  const premise = building.ok ? await h.accounts.addPremise(orgId, { buildingId: building.value.id, number: '5', area: '40' }) : null;
  const account = premise?.ok ? await h.accounts.openAccount(orgId, { premiseId: premise.value.id, payerName: 'Петров П. П.' }) : null;
  if (!account?.ok) throw new Error('account');
  accountId = account.value.id;
  teamId = randomUUID();
  await sql(`insert into teams (id, org_id, name, created_at) values (?, ?, 'Диспетчеры', now())`, [teamId, orgId]);
  await sql('insert into team_members (team_id, user_id, org_id, on_duty) values (?, ?, ?, true)', [teamId, users.operator, orgId]);
  for (const role of ['admin', 'operator', 'lawyer'] as const) as[role] = await signIn(`${role}@north.test`);
});
afterAll(async () => { await h?.close(); await test?.drop(); });

describe('the inbox list', () => {
  it('puts emergencies first, highlights one nobody took and runs its deadline as a live timer', async () => {
    const words = 'Почему выросла плата за отопление в этом месяце? '.repeat(3);
    const question = await file('question', words);
    const leak = await file('emergency', 'Течёт с потолка в ванной', { category: 'leak', ago: 2 * MIN });
    const page = await as.operator!.get('/admin/appeals');
    expect(page.status).toBe(200);
    const order = numbersIn(page.text);
    expect(order.indexOf(leak.number)).toBeLessThan(order.indexOf(question.number));
    const leakRow = new RegExp(`<tr class="([^"]*)"><td class="num"><a href="/admin/appeals/${leak.id}">`).exec(page.text);
    expect(leakRow?.[1]).toContain('untaken');
    // Five minutes to take an emergency, two gone: a countdown to the stored deadline, in the server's words.
    const due = new Date((await appealRow(leak.id)).response_due_at as string).toISOString();
    expect(page.text).toContain(`data-due="${due}"`);
    expect(page.text).toContain('осталось 3 мин 0 с');
    expect(page.text).toContain('Аварийная заявка · Протечка, затопление');
    expect(page.text).toContain('src="/admin/static/appeals.js"');
    // The text is cut to 80 characters.
    expect(page.text).toContain(`${words.slice(0, 80).trimEnd()}…`);
  });

  it('filters by type, by assignee and by deadlines missed or at risk', async () => {
    const late = await file('emergency', 'Нет света в подъезде', { category: 'electricity', ago: 60 * MIN });
    const fresh = await file('question', 'Как передать показания?');
    const emergencies = numbersIn((await as.admin!.get('/admin/appeals?type=emergency')).text);
    expect(emergencies).toContain(late.number);
    expect(emergencies).not.toContain(fresh.number);
    const breach = await as.admin!.get('/admin/appeals?breach=1');
    expect(numbersIn(breach.text)).toContain(late.number);
    expect(numbersIn(breach.text)).not.toContain(fresh.number);
    expect(breach.text).toMatch(/просрочено на 55 мин/);
    // The sweep alerts the dispatchers about the emergency nobody took: the row says so.
    await runEscalations(test.db, h.clock.now());
    const alerted = await as.admin!.get('/admin/appeals?breach=1');
    expect(new RegExp(`<tr class="[^"]*\\balerted\\b[^"]*"><td class="num"><a href="/admin/appeals/${late.id}">`).test(alerted.text)).toBe(true);
    expect(alerted.text).toContain('диспетчеры оповещены');
    await test.db.withTenant(orgId, (em) => assignAppeal(em, { orgId, userId: users.admin!, now: h.clock.now() }, fresh.id, { teamId, assigneeId: users.operator! }));
    const mine = numbersIn((await as.admin!.get(`/admin/appeals?assignee=${users.operator}`)).text);
    expect(mine).toEqual([fresh.number]);
    expect(numbersIn((await as.admin!.get('/admin/appeals?assignee=none')).text)).not.toContain(fresh.number);
    expect(numbersIn((await as.operator!.get('/admin/appeals?queue=mine')).text)).toEqual([fresh.number]);
  });

  it('counts every queue in its tab and answers htmx with the list alone', async () => {
    const [{ open }] = await sql<{ open: number }>(`select count(*)::int as open from appeals where status in ('new', 'assigned', 'waiting')`) as [{ open: number }];
    const page = await as.admin!.get('/admin/appeals');
    expect(page.text).toMatch(new RegExp(`Открытые <span class="count">${open}</span>`));
    expect(page.text).toMatch(/Мои <span class="count">0<\/span>/);
    const fragment = await as.admin!.request('GET', '/admin/appeals?type=emergency', undefined, { 'HX-Request': 'true' });
    expect(fragment.text.startsWith('<div id="appeals-list"')).toBe(true);
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('hx-trigger="every 20s"');
    expect(fragment.text).toContain('hx-get="/admin/appeals?type=emergency"');
  });
});

describe('the card and the workflow', () => {
  it('replies to the resident through the outbox, and keeps a note to colleagues, labelled, out of it', async () => {
    const q = await file('question', 'Когда починят домофон?');
    const deliveries = await outbox('appeals.deliver');
    const note = await as.operator!.post(`/admin/appeals/${q.id}/note`, { note: 'Звонил подрядчику, ждём запчасть' });
    expect([note.status, note.location]).toEqual([303, `/admin/appeals/${q.id}?done=note`]);
    expect(await outbox('appeals.deliver')).toBe(deliveries);
    const reply = await as.operator!.post(`/admin/appeals/${q.id}/reply`, { text: 'Мастер придёт завтра до 12:00.', then: 'waiting' });
    expect(reply.status).toBe(303);
    expect(await outbox('appeals.deliver')).toBe(deliveries + 1);
    expect(await appealRow(q.id)).toMatchObject({ status: 'waiting', assignee_id: users.operator });
    const card = await as.operator!.get(reply.location!);
    expect(card.text).toContain('Ответ отправлен');
    expect(card.text).toContain('10 раб. дн.');
    expect(card.text).toContain('Когда починят домофон?');
    expect(card.text).toMatch(/class="msg msg-staff msg-note"[^]*Заметка — жителю не видна[^]*Звонил подрядчику, ждём запчасть/);
    expect(card.text).toMatch(/class="msg msg-staff"[^]*Мастер придёт завтра до 12:00\./);
    expect(card.text).toContain('на паузе');
    expect(card.text).toContain('ответ жителю, далее — ждать ответа жителя');
  });

  it('takes, assigns, closes and reopens, each with a history line', async () => {
    const leak = await file('emergency', 'Прорвало трубу', { category: 'leak' });
    expect((await as.operator!.post(`/admin/appeals/${leak.id}/take`)).status).toBe(303);
    expect(await appealRow(leak.id)).toMatchObject({ status: 'assigned', assignee_id: users.operator, response_met: true });
    const assigned = await as.admin!.post(`/admin/appeals/${leak.id}/assign`, { teamId, assigneeId: users.admin! });
    expect(assigned.status).toBe(303);
    expect(await appealRow(leak.id)).toMatchObject({ team_id: teamId, assignee_id: users.admin });
    expect((await as.admin!.post(`/admin/appeals/${leak.id}/close`)).status).toBe(303);
    expect((await appealRow(leak.id)).status).toBe('closed');
    expect((await as.admin!.post(`/admin/appeals/${leak.id}/close`)).status).toBe(409);
    expect((await as.admin!.post(`/admin/appeals/${leak.id}/reopen`)).status).toBe(303);
    expect((await appealRow(leak.id)).status).toBe('assigned');
    const card = await as.admin!.get(`/admin/appeals/${leak.id}`);
    for (const line of ['взято в работу', 'назначено: группа «Диспетчеры», исполнитель — Сотрудник admin', 'закрыто в срок', 'открыто заново']) expect(card.text).toContain(line);
    expect(card.text).toContain('Заявка принята диспетчером');
  });

  it('changes the type, refusing a category that is not an emergency’s', async () => {
    const q = await file('question', 'Пахнет газом в подъезде');
    const wrong = await as.admin!.post(`/admin/appeals/${q.id}/type`, { type: 'complaint', category: 'gas' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/<select id="f-category"[^>]*aria-invalid="true"/);
    expect((await as.admin!.post(`/admin/appeals/${q.id}/type`, { type: 'emergency', category: 'gas' })).status).toBe(303);
    expect(await appealRow(q.id)).toMatchObject({ type: 'emergency', category: 'gas', sla_mode: 'always' });
  });

  it('refuses an empty reply beside its field, and sends a canned answer named without JavaScript', async () => {
    const q = await file('question', 'Где взять квитанцию?');
    const empty = await as.operator!.post(`/admin/appeals/${q.id}/reply`, { text: '', then: 'answered' });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/<textarea id="f-text"[^>]*aria-invalid="true"/);
    expect(empty.text).toContain('Напишите текст ответа.');
    const cannedId = randomUUID();
    await sql(`insert into canned_answers (id, org_id, title, text, created_at) values (?, ?, 'Квитанция', 'Квитанция есть в личном кабинете.', now())`, [cannedId, orgId]);
    expect((await as.operator!.get(`/admin/appeals/${q.id}`)).text).toContain('data-text="Квитанция есть в личном кабинете."');
    expect((await as.operator!.post(`/admin/appeals/${q.id}/reply`, { text: '', cannedId, then: 'answered' })).status).toBe(303);
    const [message] = await sql<{ text: string }>(`select text from appeal_messages where appeal_id = ? and author = 'staff'`, [q.id]);
    expect(message?.text).toBe('Квитанция есть в личном кабинете.');
    expect((await appealRow(q.id)).status).toBe('answered');
  });

  it('sends a JPEG with a multipart reply, links it on the card, and refuses a file that is not a picture', async () => {
    const q = await file('meter_issue', 'Счётчик не принимает показания');
    const b = as.operator!;
    const bad = await postMultipart(b, `/admin/appeals/${q.id}/reply`, [
      { name: '_csrf', value: b.csrf }, { name: 'text', value: 'См. вложение' }, { name: 'then', value: 'answered' },
      { name: 'files', filename: 'virus.exe', bytes: Buffer.from('MZ not a picture'), type: 'image/jpeg' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('не фото и не PDF');
    expect(bad.text).toContain('См. вложение');
    expect(Number((await sql<{ n: number }>('select count(*)::int as n from document_files'))[0]!.n)).toBe(0);
    const forged = await postMultipart(b, `/admin/appeals/${q.id}/reply`, [{ name: '_csrf', value: 'x'.repeat(43) }, { name: 'text', value: 'x' }]);
    expect(forged.status).toBe(403);
    const sent = await postMultipart(b, `/admin/appeals/${q.id}/reply`, [
      { name: '_csrf', value: b.csrf }, { name: 'text', value: 'Фото счётчика после замены' }, { name: 'then', value: 'answered' },
      { name: 'files', filename: 'meter.jpg', bytes: JPEG, type: 'image/jpeg' },
    ]);
    expect([sent.status, sent.location]).toEqual([303, `/admin/appeals/${q.id}?done=reply`]);
    const [message] = await sql<{ attachments: string[] }>(`select attachments from appeal_messages where appeal_id = ? and author = 'staff'`, [q.id]);
    const fileId = message!.attachments[0]!;
    const card = await b.get(`/admin/appeals/${q.id}`);
    expect(card.text).toContain(`href="/admin/appeals/${q.id}/files/${fileId}">meter.jpg</a>`);
    const download = await b.get(`/admin/appeals/${q.id}/files/${fileId}`);
    expect([download.status, download.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(download.bytes.equals(JPEG)).toBe(true);
    // The file is reachable only through an appeal it belongs to.
    const other = await file('question', 'Другое обращение');
    expect((await b.get(`/admin/appeals/${other.id}/files/${fileId}`)).status).toBe(404);
  });
});

describe('roles, tenants, notifications and duty', () => {
  it('lets a lawyer read the inbox and the card but not act (403)', async () => {
    const q = await file('complaint', 'Шумят соседи');
    expect((await as.lawyer!.get('/admin/appeals')).status).toBe(200);
    const card = await as.lawyer!.get(`/admin/appeals/${q.id}`);
    expect(card.status).toBe(200);
    expect(card.text).not.toContain(`action="/admin/appeals/${q.id}/reply"`);
    for (const action of ['take', 'reply', 'note', 'close']) {
      expect((await as.lawyer!.post(`/admin/appeals/${q.id}/${action}`, { text: 'x', note: 'x', then: 'answered' })).status).toBe(403);
    }
    expect((await appealRow(q.id)).status).toBe('new');
  });

  it("answers 404 for another organisation's appeal, to read or to act", async () => {
    const foreign = await file('question', 'Чужой вопрос', { org: southId });
    expect((await as.admin!.get(`/admin/appeals/${foreign.id}`)).status).toBe(404);
    expect((await as.admin!.post(`/admin/appeals/${foreign.id}/take`)).status).toBe(404);
    expect((await as.admin!.post(`/admin/appeals/${foreign.id}/reply`, { text: 'Взлом', then: 'closed' })).status).toBe(404);
    // With a file too: refused as not found, and the file saved on the way is rolled back with the rest.
    const files = async () => Number((await sql<{ n: number }>('select count(*)::int as n from document_files'))[0]!.n);
    const before = await files();
    const b = as.admin!;
    const upload = await postMultipart(b, `/admin/appeals/${foreign.id}/reply`, [
      { name: '_csrf', value: b.csrf }, { name: 'text', value: 'Взлом' }, { name: 'then', value: 'closed' },
      { name: 'files', filename: 'x.jpg', bytes: JPEG, type: 'image/jpeg' },
    ]);
    expect(upload.status).toBe(404);
    expect(await files()).toBe(before);
    expect((await sql<{ status: string }>('select status from appeals where id = ?', [foreign.id], southId))[0]?.status).toBe('new');
    expect((await as.admin!.get('/admin/appeals/not-a-uuid')).status).toBe(404);
  });

  it('shows a staff member their unread notifications until read, and switches their duty in every team', async () => {
    const q = await file('question', 'Переведите на меня счёт');
    await test.db.withTenant(orgId, (em) => assignAppeal(em, { orgId, userId: users.admin!, now: h.clock.now() }, q.id, { teamId, assigneeId: users.operator! }));
    const inbox = await as.operator!.get('/admin/appeals');
    expect(inbox.text).toContain(`Вам назначено обращение №${q.number}`);
    expect((await as.operator!.post('/admin/appeals/notifications/read', {})).status).toBe(303);
    expect((await as.operator!.get('/admin/appeals')).text).not.toContain(`Вам назначено обращение №${q.number}`);
    expect(inbox.text).toContain('Уйти со смены');
    expect((await as.operator!.post('/admin/appeals/duty', { onDuty: '0' })).status).toBe(303);
    expect((await sql<{ on_duty: boolean }>('select on_duty from team_members where user_id = ?', [users.operator]))[0]?.on_duty).toBe(false);
    expect((await as.operator!.get('/admin/appeals')).text).toContain('Выйти на смену');
    await as.operator!.post('/admin/appeals/duty', { onDuty: '1' });
    expect((await sql<{ on_duty: boolean }>('select on_duty from team_members where user_id = ?', [users.operator]))[0]?.on_duty).toBe(true);
  });
});
