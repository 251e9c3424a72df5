import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAppeal, type AppealType } from '../core/appeals/index.ts';
import { listAudit } from '../core/audit/index.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { Browser, startAdmin, type AdminHarness } from './support/admin-harness.ts';
import { orgInput } from './fixtures/orgs.ts';

/** Appeal settings in admin (issue 7, items 2–4) over real HTTP and PostgreSQL: what they change, and who may. */
const PASSWORD = 'correct horse battery';
const S = '/admin/appeals/settings';
/** Monday 2026-11-30, 10:00 in Moscow. */
const MONDAY_10 = new Date('2026-11-30T07:00:00Z');
const MIN = 60_000;

let test: TestDatabase;
let admin: AdminHarness;
let browser: Browser;
const north = { orgId: '', users: {} as Record<string, string> };
const south = { orgId: '', teamId: '', ruleId: '', cannedId: '', userId: '', connectionId: '' };

const sql = <T = Record<string, unknown>>(orgId: string, text: string, params: unknown[] = []) =>
  test.db.withTenant(orgId, (em) => em.execute<T[]>(text, params));
const appeal = async (id: string) => (await sql<Record<string, unknown>>(north.orgId, 'select * from appeals where id = ?', [id]))[0]!;
const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
const file = (type: AppealType, now: Date) => test.db.withTenant(north.orgId, (em) => fileAppeal(em, { orgId: north.orgId, type, text: 'Вопрос по квитанции', now }));
const teamIdOf = async (name: string) => (await sql<{ id: string }>(north.orgId, 'select id from teams where org_id = ? and name = ?', [north.orgId, name]))[0]?.id;
const actions = async (orgId: string, action: string) =>
  (await test.db.withTenant(orgId, (em) => listAudit(em, orgId, { action }, { limit: 50, offset: 0 }))).rows;

async function org(slug: string, people: string[]): Promise<{ orgId: string; users: Record<string, string> }> {
  const made = await admin.orgs.createOrganization(orgInput(slug));
  if (!made.ok) throw new Error(JSON.stringify(made.error));
  for (const [i, name] of people.entries()) {
    await admin.orgs.addStaffUser(made.value.id, { email: `${name}@${slug}.test`, fullName: name, password: PASSWORD }, i === 0 ? 'admin' : 'operator');
  }
  const staff = await admin.orgs.listStaff(made.value.id);
  return { orgId: made.value.id, users: Object.fromEntries(staff.map((s) => [s.email.split('@')[0]!, s.userId])) };
}

async function signedIn(email: string): Promise<Browser> {
  const b = new Browser(admin.url);
  expect(await b.signIn(email, PASSWORD)).toBe(303);
  await b.get('/admin/accounts'); // a page every role reads: the session's CSRF token
  return b;
}

beforeAll(async () => {
  test = await openTestDatabase();
  admin = await startAdmin(test.db);
  admin.clock.set(MONDAY_10);
  Object.assign(north, await org('north', ['admin', 'anna', 'boris', 'vera', 'oleg']));
  const s = await org('south', ['admin', 'sasha']);
  south.orgId = s.orgId;
  south.userId = s.users.sasha!;
  // South's own settings, made through the same services: the ids north's admin will try to reach.
  const southAdmin = await signedIn('admin@south.test');
  expect((await southAdmin.post(`${S}/teams`, { name: 'Диспетчеры юга', leadId: '' })).status).toBe(303);
  [{ id: south.teamId }] = await sql<{ id: string }>(south.orgId, 'select id from teams where org_id = ?', [south.orgId]) as [{ id: string }];
  await southAdmin.post(`${S}/teams/${south.teamId}/members`, { userId: south.userId });
  await southAdmin.post(`${S}/routing`, { type: 'emergency', category: '', buildingId: '', teamId: south.teamId, autoAssign: '1' });
  [{ id: south.ruleId }] = await sql<{ id: string }>(south.orgId, 'select id from routing_rules where org_id = ?', [south.orgId]) as [{ id: string }];
  await southAdmin.post(`${S}/canned`, { title: 'Спасибо', text: 'Спасибо за обращение.' });
  [{ id: south.cannedId }] = await sql<{ id: string }>(south.orgId, 'select id from canned_answers where org_id = ?', [south.orgId]) as [{ id: string }];
  const bot = await admin.connections.add(south.orgId, { channel: 'telegram', title: 'south bot', token: '123456:south-token-value' });
  if (!bot.ok) throw new Error('bot fixture');
  south.connectionId = bot.value.id;
  browser = await signedIn('admin@north.test');
});
afterAll(async () => { await admin?.close(); await test?.drop(); });

describe('teams and routing', () => {
  it('routes a filed appeal to the least loaded member on duty of a team built in admin, never to one off duty', async () => {
    expect((await browser.post(`${S}/teams`, { name: 'Абонентский отдел', leadId: north.users.oleg! })).status).toBe(303);
    const teamId = (await teamIdOf('Абонентский отдел'))!;
    for (const who of ['anna', 'boris', 'vera']) {
      expect((await browser.post(`${S}/teams/${teamId}/members`, { userId: north.users[who]! })).status).toBe(303);
    }
    expect((await browser.post(`${S}/teams/${teamId}/members/${north.users.vera}/duty`, { onDuty: '0' })).status).toBe(303);
    expect((await browser.post(`${S}/routing`, { type: 'question', category: '', buildingId: '', teamId, autoAssign: '1' })).status).toBe(303);
    const page = await browser.get(`${S}/teams`);
    expect(page.text).toContain('Абонентский отдел');
    expect(page.text).toContain('не на смене');

    const filed = [];
    for (let i = 0; i < 4; i++) filed.push(await file('question', new Date(MONDAY_10.getTime() + i * MIN)));
    const assignees = (await Promise.all(filed.map((f) => appeal(f.id)))).map((a) => a.assignee_id);
    expect(assignees.filter((a) => a === north.users.anna)).toHaveLength(2);
    expect(assignees.filter((a) => a === north.users.boris)).toHaveLength(2);
    expect(assignees).not.toContain(north.users.vera);
    expect((await actions(north.orgId, 'appealSettings.')).map((r) => r.action)).toEqual(expect.arrayContaining([
      'appealSettings.team.create', 'appealSettings.member.add', 'appealSettings.member.duty', 'appealSettings.rule.add',
    ]));
  });

  it('keeps rule positions 1…n through moves and deletions', async () => {
    const teamId = (await teamIdOf('Абонентский отдел'))!;
    for (const type of ['complaint', 'meter_issue']) await browser.post(`${S}/routing`, { type, category: '', buildingId: '', teamId, autoAssign: '1' });
    const rules = () => sql<{ id: string; position: number; type: string }>(north.orgId, 'select id, position, type from routing_rules where org_id = ? order by position', [north.orgId]);
    const [, , last] = await rules();
    expect((await browser.post(`${S}/routing/${last!.id}/move`, { direction: 'up' })).status).toBe(303);
    expect((await rules()).map((r) => r.type)).toEqual(['question', 'meter_issue', 'complaint']);
    const page = (await browser.get(`${S}/routing`)).text;
    expect(page.indexOf('Вопрос по счётчику')).toBeLessThan(page.indexOf('Жалоба'));
    const [, middle] = await rules();
    expect((await browser.post(`${S}/routing/${middle!.id}/delete`)).status).toBe(303);
    expect((await rules()).map((r) => [r.position, r.type])).toEqual([[1, 'question'], [2, 'complaint']]);
  });

  it('refuses to delete a team a rule points to, naming the team, and deletes it once free', async () => {
    expect((await browser.post(`${S}/teams`, { name: 'Инженеры', leadId: '' })).status).toBe(303);
    const teamId = (await teamIdOf('Инженеры'))!;
    await browser.post(`${S}/routing`, { type: 'emergency', category: 'lift', buildingId: '', teamId, autoAssign: '' });
    const refused = await browser.post(`${S}/teams/${teamId}/delete`);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Группу «Инженеры» нельзя удалить');
    const [rule] = await sql<{ id: string }>(north.orgId, 'select id from routing_rules where org_id = ? and team_id = ?', [north.orgId, teamId]);
    await browser.post(`${S}/routing/${rule!.id}/delete`);
    expect((await browser.post(`${S}/teams/${teamId}/delete`)).status).toBe(303);
    expect(await teamIdOf('Инженеры')).toBeUndefined();
  });

  it('refuses a second team of the same name and a category for a type that has none', async () => {
    const taken = await browser.post(`${S}/teams`, { name: 'абонентский отдел', leadId: '' });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('уже есть');
    const teamId = (await teamIdOf('Абонентский отдел'))!;
    const bad = await browser.post(`${S}/routing`, { type: 'question', category: 'leak', buildingId: '', teamId, autoAssign: '1' });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="f-category"[^>]*aria-invalid="true"/);
  });
});

describe('deadlines', () => {
  it('recomputes an open appeal when its SLA policy changes, and back when reset to default', async () => {
    const { id } = await file('complaint', MONDAY_10);
    expect(iso((await appeal(id)).resolution_due_at)).toBe('2026-12-03T07:00:00.000Z'); // three working days
    admin.clock.set(new Date(MONDAY_10.getTime() + 10 * MIN));
    const saved = await browser.post(`${S}/sla`, { type: 'complaint', category: '', mode: 'business', responseMin: '60', resolutionMin: '1080' });
    expect(saved.status).toBe(303);
    expect(iso((await appeal(id)).resolution_due_at)).toBe('2026-12-02T07:00:00.000Z'); // now two working days of 540 minutes
    const events = await sql<{ data: { retarget: boolean } }>(north.orgId, "select data from appeal_events where appeal_id = ? and kind = 'sla_recomputed'", [id]);
    expect(events.map((e) => e.data.retarget)).toEqual([true]);
    const page = await browser.get(`${S}/sla`);
    expect(page.text).toContain('настроено организацией');
    expect(page.text).toContain('по умолчанию');
    expect(page.text).toContain('минут');
    expect((await browser.post(`${S}/sla/reset`, { type: 'complaint', category: '' })).status).toBe(303);
    expect(iso((await appeal(id)).resolution_due_at)).toBe('2026-12-03T07:00:00.000Z');
    admin.clock.set(MONDAY_10);
  });

  it('explains a target out of range beside its field', async () => {
    const res = await browser.post(`${S}/sla`, { type: 'question', category: '', mode: 'business', responseMin: '0', resolutionMin: '9 дней' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="f-responseMin"[^>]*aria-invalid="true"/);
    expect(res.text).toMatch(/id="f-resolutionMin"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('целое число минут');
  });

  it('sets after how many days an answered appeal closes by itself, and names the field of a bad value', async () => {
    const bad = await browser.post(`${S}/sla/auto-close`, { autoCloseDays: '0' });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="f-autoCloseDays"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('от 1 до 90');
    expect((await browser.post(`${S}/sla/auto-close`, { autoCloseDays: '3' })).status).toBe(303);
    const [row] = await test.db.withTenant(north.orgId, (em) => em.execute<{ auto_close_days: number }[]>('select auto_close_days from appeal_settings where org_id = ?', [north.orgId]));
    expect(Number(row!.auto_close_days)).toBe(3);
    expect((await browser.get(`${S}/sla`)).text).toMatch(/id="f-autoCloseDays"[^>]*value="3"/);
  });

  it('moves a business deadline when tomorrow becomes a holiday, and records sla_recomputed', async () => {
    const { id } = await file('question', MONDAY_10);
    expect(iso((await appeal(id)).response_due_at)).toBe('2026-12-01T07:00:00.000Z'); // one working day: Tuesday 10:00
    expect((await browser.post(`${S}/calendar/days`, { date: '2026-12-01', kind: 'holiday' })).status).toBe(303);
    expect(iso((await appeal(id)).response_due_at)).toBe('2026-12-02T07:00:00.000Z'); // Tuesday is off: Wednesday 10:00
    const kinds = await sql<{ kind: string; data: { retarget: boolean } }>(north.orgId, 'select kind, data from appeal_events where appeal_id = ? order by id', [id]);
    expect(kinds.filter((e) => e.kind === 'sla_recomputed').map((e) => e.data.retarget)).toEqual([false]);
    const page = await browser.get(`${S}/calendar?year=2026`);
    expect(page.text).toMatch(/id="day-2026-12-01"/);
    expect(page.text).toMatch(/id="day-2026-01-07"/); // a seeded holiday is listed too
    expect((await browser.post(`${S}/calendar/days/remove`, { date: '2026-12-01' })).status).toBe(303);
    expect(iso((await appeal(id)).response_due_at)).toBe('2026-12-01T07:00:00.000Z');
    expect((await actions(north.orgId, 'appealSettings.calendar')).map((r) => r.action).sort()).toEqual(['appealSettings.calendar.remove', 'appealSettings.calendar.set']);
  });

  it('names the weekday whose hours are wrong, and saves a good week', async () => {
    const week = Object.fromEntries([0, 1, 2, 3, 4, 5, 6].flatMap((d) => d < 5
      ? [[`day${d}.start`, '08:00'], [`day${d}.end`, '17:00']] : [[`day${d}.off`, '1']]));
    const bad = await browser.post(`${S}/calendar/week`, { ...week, 'day2.start': '25:00' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Среда: укажите время');
    expect(bad.text).toMatch(/id="f-day2\.start"[^>]*aria-invalid="true"/);
    const backwards = await browser.post(`${S}/calendar/week`, { ...week, 'day4.end': '07:00' });
    expect(backwards.text).toContain('Пятница: конец рабочего дня должен быть позже начала');
    const none = await browser.post(`${S}/calendar/week`, Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [`day${d}.off`, '1'])));
    expect(none.text).toContain('нет ни одного рабочего дня');
    expect((await browser.post(`${S}/calendar/week`, week)).status).toBe(303);
    const [row] = await sql<{ working_week: unknown }>(north.orgId, 'select working_week from appeal_settings where org_id = ?', [north.orgId]);
    expect(row!.working_week).toEqual([[480, 1020], [480, 1020], [480, 1020], [480, 1020], [480, 1020], null, null]);
    expect((await browser.get(`${S}/sla`)).text).toContain('540 мин');
  });
});

describe('canned answers and the dispatcher chat', () => {
  it('creates, edits and deletes a canned answer; a duplicate title is named', async () => {
    expect((await browser.post(`${S}/canned`, { title: 'Показания', text: 'Передайте показания до 25 числа.' })).status).toBe(303);
    const dup = await browser.post(`${S}/canned`, { title: 'Показания', text: 'Другой текст' });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('Шаблон «Показания» уже есть');
    const [{ id }] = await sql<{ id: string }>(north.orgId, 'select id from canned_answers where org_id = ?', [north.orgId]) as [{ id: string }];
    expect((await browser.post(`${S}/canned/${id}`, { title: 'Показания счётчиков', text: 'До 25 числа.' })).status).toBe(303);
    expect((await browser.get(`${S}/canned`)).text).toContain('Показания счётчиков');
    expect((await browser.post(`${S}/canned/${id}/delete`)).status).toBe(303);
    expect(await sql(north.orgId, 'select 1 from canned_answers where org_id = ?', [north.orgId])).toHaveLength(0);
  });

  it('takes a Telegram group id only as a negative number of one of the organisation\'s bots', async () => {
    const bot = await admin.connections.add(north.orgId, { channel: 'telegram', title: 'Бот УК', token: '123456:north-token-value' });
    if (!bot.ok) throw new Error('bot');
    expect((await browser.get(`${S}/dispatch`)).text).toContain('Бот УК');
    const positive = await browser.post(`${S}/dispatch`, { connectionId: bot.value.id, chatId: '1234567890' });
    expect(positive.status).toBe(422);
    expect(positive.text).toContain('Номер группы Telegram — отрицательное число');
    expect((await browser.post(`${S}/dispatch`, { connectionId: bot.value.id, chatId: '-1001234567890' })).status).toBe(303);
    const [row] = await sql<{ dispatcher_connection_id: string; dispatcher_chat_id: string }>(north.orgId, 'select * from appeal_settings where org_id = ?', [north.orgId]);
    expect([row!.dispatcher_connection_id, row!.dispatcher_chat_id]).toEqual([bot.value.id, '-1001234567890']);
  });
});

describe('who may change the settings', () => {
  it('answers 403 to staff who are not admins', async () => {
    const operator = await signedIn('anna@north.test');
    expect((await operator.get(`${S}/teams`)).status).toBe(403);
    expect((await operator.post(`${S}/teams`, { name: 'Чужая группа', leadId: '' })).status).toBe(403);
    expect(await teamIdOf('Чужая группа')).toBeUndefined();
  });

  it('needs the CSRF token of the session', async () => {
    const res = await browser.request('POST', `${S}/teams`, { _csrf: 'forged', name: 'Без токена', leadId: '' });
    expect(res.status).toBe(403);
    expect(await teamIdOf('Без токена')).toBeUndefined();
  });

  it("answers 404 for another organisation's ids and refuses its staff, team and bot in forms", async () => {
    const teamId = (await teamIdOf('Абонентский отдел'))!;
    const before = await sql(south.orgId, 'select (select count(*) from teams) t, (select count(*) from team_members) m, (select count(*) from routing_rules) r, (select count(*) from canned_answers) c');
    for (const [path, form] of [
      [`${S}/teams/${south.teamId}`, { name: 'Взлом', leadId: '' }], [`${S}/teams/${south.teamId}/delete`, {}],
      [`${S}/teams/${south.teamId}/members`, { userId: north.users.anna! }], [`${S}/teams/${south.teamId}/members/${south.userId}/duty`, { onDuty: '0' }],
      [`${S}/teams/${south.teamId}/members/${south.userId}/remove`, {}], [`${S}/routing/${south.ruleId}/move`, { direction: 'up' }],
      [`${S}/routing/${south.ruleId}/delete`, {}], [`${S}/canned/${south.cannedId}`, { title: 'Взлом', text: 'Взлом' }], [`${S}/canned/${south.cannedId}/delete`, {}],
    ] as const) {
      expect((await browser.post(path, form)).status, path).toBe(404);
    }
    expect((await browser.post(`${S}/teams/${teamId}/members`, { userId: south.userId })).status).toBe(422);
    expect((await browser.post(`${S}/routing`, { type: '', category: '', buildingId: '', teamId: south.teamId, autoAssign: '1' })).status).toBe(422);
    expect((await browser.post(`${S}/dispatch`, { connectionId: south.connectionId, chatId: '-100123' })).status).toBe(422);
    expect(await sql(south.orgId, 'select (select count(*) from teams) t, (select count(*) from team_members) m, (select count(*) from routing_rules) r, (select count(*) from canned_answers) c')).toEqual(before);
    expect((await browser.post(`${S}/teams/not-a-uuid/delete`)).status).toBe(404);
  });
});
