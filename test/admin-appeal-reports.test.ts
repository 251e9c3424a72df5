import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slaReport, type ReportGrouping } from '../core/appeals/index.ts';
import type { StaffRole } from '../core/orgs/index.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { Browser, startAdmin, type AdminHarness } from './support/admin-harness.ts';
import { orgInput } from './fixtures/orgs.ts';

/**
 * The SLA report over real PostgreSQL and HTTP: appeals with known times are written straight into the table, and
 * the shares, medians, breaches and ratings are checked per grouping, on the page, in the CSV and in the repo.
 */
const PASSWORD = 'correct horse battery';
const NOW = new Date('2026-11-20T09:00:00Z');
const MIN = 60_000;
const EVIL_TEAM = '=HYPERLINK("http://evil.test","x")';
const ADDRESS = 'г. Пермь, ул. Ленина, д. 1; корп. "А"';

let test: TestDatabase;
let admin: AdminHarness;
const north = { orgId: '', teamA: '', teamEvil: '', building: '', olga: '', anna: '' };
let southOrgId = '';

type AppealSeed = {
  type: string; created: Date; status?: string; teamId?: string; assigneeId?: string; buildingId?: string;
  respondedAfterMin?: number; responseMet?: boolean; resolvedAfterMin?: number; resolutionMet?: boolean;
  running?: boolean; responseDueAt?: Date; resolutionDueAt?: Date; rating?: number;
};

let number = 0;
async function addAppeal(orgId: string, a: AppealSeed): Promise<void> {
  const after = (m?: number) => (m === undefined ? null : new Date(a.created.getTime() + m * MIN));
  await test.db.withTenant(orgId, (em) => em.execute(
    `insert into appeals (id, org_id, number, type, status, text, team_id, assignee_id, building_id, clock_since, responded_at, response_met,
       response_due_at, resolved_at, resolution_met, resolution_due_at, rating, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'Текст', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [randomUUID(), orgId, ++number, a.type, a.status ?? 'new', a.teamId ?? null, a.assigneeId ?? null, a.buildingId ?? null,
      a.running ? a.created : null, after(a.respondedAfterMin), a.responseMet ?? null, a.responseDueAt ?? null,
      after(a.resolvedAfterMin), a.resolutionMet ?? null, a.resolutionDueAt ?? null, a.rating ?? null, a.created, a.created]));
}

async function addTeam(orgId: string, name: string): Promise<string> {
  const id = randomUUID();
  await test.db.withTenant(orgId, (em) => em.execute('insert into teams (id, org_id, name, created_at) values (?, ?, ?, now())', [id, orgId, name]));
  return id;
}

async function staff(orgId: string, slug: string, role: StaffRole, fullName: string): Promise<string> {
  const user = await admin.orgs.addStaffUser(orgId, { email: `${role}@${slug}.test`, fullName, password: PASSWORD }, role);
  if (!user.ok) throw new Error(JSON.stringify(user.error));
  return user.value.id;
}

async function org(slug: string): Promise<string> {
  const created = await admin.orgs.createOrganization(orgInput(slug));
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  return created.value.id;
}

async function building(orgId: string, address: string): Promise<string> {
  const b = await admin.accounts.addBuilding(orgId, { address });
  if (!b.ok) throw new Error('building fixture');
  return b.value.id;
}

async function signedIn(email: string, lang?: 'en'): Promise<Browser> {
  const browser = new Browser(admin.url);
  if (lang) browser.setCookie('fp_lang', lang);
  expect(await browser.signIn(email, PASSWORD)).toBe(303);
  return browser;
}

beforeAll(async () => {
  test = await openTestDatabase();
  admin = await startAdmin(test.db);
  admin.clock.set(NOW);
  north.orgId = await org('north');
  const o = north.orgId;
  north.olga = await staff(o, 'north', 'operator', 'Ольга Оператор');
  north.anna = await staff(o, 'north', 'admin', 'Анна Админ');
  await staff(o, 'north', 'lawyer', 'Юрий Юрист');
  await staff(o, 'north', 'accountant', 'Бухгалтер');
  north.teamA = await addTeam(o, 'Аварийная служба');
  north.teamEvil = await addTeam(o, EVIL_TEAM);
  north.building = await building(o, ADDRESS);
  // 10 November, 09:00 in Moscow (the organisation's zone).
  const t0 = new Date('2026-11-10T06:00:00Z');
  const team = { teamId: north.teamA, assigneeId: north.olga, buildingId: north.building };
  await addAppeal(o, { ...team, type: 'question', created: t0, status: 'closed', respondedAfterMin: 75, responseMet: true, resolvedAfterMin: 2 * 1440, resolutionMet: true, rating: 5 });
  await addAppeal(o, { ...team, type: 'question', created: t0, status: 'closed', respondedAfterMin: 195, responseMet: false, resolvedAfterMin: 4 * 1440 + 480, resolutionMet: false, rating: 3 });
  // Running, resolution deadline an hour ago: breached now.
  await addAppeal(o, { type: 'emergency', created: t0, status: 'assigned', teamId: north.teamEvil, assigneeId: north.anna, respondedAfterMin: 10, responseMet: true,
    running: true, resolutionDueAt: new Date(NOW.getTime() - 60 * MIN) });
  // Running and not yet due; paused (waiting for the resident) with a stale deadline: neither is breached now.
  await addAppeal(o, { type: 'complaint', created: t0, buildingId: north.building, running: true, responseDueAt: new Date(NOW.getTime() + 60 * MIN), resolutionDueAt: new Date(NOW.getTime() + 1440 * MIN) });
  await addAppeal(o, { type: 'complaint', created: t0, status: 'waiting', responseDueAt: new Date(NOW.getTime() - 60 * MIN) });
  // The month's edges in Moscow: 1 Nov 00:00 and 30 Nov 23:59:59 are in; a second before and the next midnight are not.
  for (const iso of ['2026-10-31T21:00:00Z', '2026-11-30T20:59:59Z', '2026-10-31T20:59:59Z', '2026-11-30T21:00:00Z']) {
    await addAppeal(o, { type: 'meter_issue', created: new Date(iso) });
  }
  southOrgId = await org('south');
  await staff(southOrgId, 'south', 'admin', 'Южный Админ');
  const southTeam = await addTeam(southOrgId, 'Южная команда');
  const southBuilding = await building(southOrgId, 'г. Сочи, ул. Южная, д. 9');
  await addAppeal(southOrgId, { type: 'question', created: t0, teamId: southTeam, buildingId: southBuilding, status: 'closed', respondedAfterMin: 1, responseMet: true, resolvedAfterMin: 2, resolutionMet: true, rating: 1 });
}, 60_000);
afterAll(async () => { await admin.close(); await test.drop(); });

const report = (groupBy: ReportGrouping, orgId = north.orgId) =>
  test.db.withTenant(orgId, (em) => slaReport(em, orgId, { from: '2026-11-01', to: '2026-12-01', groupBy, now: NOW }));

describe('slaReport', () => {
  it('counts shares among decided clocks, medians of real time, breaches of running clocks and ratings, by type', async () => {
    const { rows, total } = await report('type');
    expect(rows.map((r) => [r.key, r.appeals])).toEqual([['question', 2], ['emergency', 1], ['complaint', 2], ['meter_issue', 2]]);
    expect(rows[0]).toMatchObject({ closed: 2, responseDecided: 2, responseMet: 1, resolutionDecided: 2, resolutionMet: 1, breachedNow: 0,
      medianResponseMin: 135, medianResolutionMin: 4560, averageRating: 4, rated: 2 });
    expect(rows[1]).toMatchObject({ responseDecided: 1, responseMet: 1, resolutionDecided: 0, breachedNow: 1, medianResponseMin: 10, medianResolutionMin: null, averageRating: null, rated: 0 });
    expect(rows[2]).toMatchObject({ responseDecided: 0, breachedNow: 0, medianResponseMin: null });
    expect(total).toMatchObject({ key: null, appeals: 7, closed: 2, responseDecided: 3, responseMet: 2, resolutionDecided: 2, resolutionMet: 1,
      breachedNow: 1, medianResponseMin: 75, medianResolutionMin: 4560, averageRating: 4, rated: 2 });
  });

  it.each([
    ['team', [['=HYPERLINK', 1], ['Аварийная служба', 2], [null, 4]]],
    ['assignee', [['Анна Админ', 1], ['Ольга Оператор', 2], [null, 4]]],
    ['building', [[ADDRESS, 3], [null, 4]]],
  ] as const)('groups by %s, the appeals without one last, with the same total', async (by, expected) => {
    const { rows, total } = await report(by);
    expect(rows.map((r) => [r.label?.startsWith('=HYPERLINK') ? '=HYPERLINK' : r.label, r.appeals])).toEqual(expected);
    expect(rows.every((r) => (r.key === null) === (r.label === null))).toBe(true);
    expect(total.appeals).toBe(7);
    expect(total.breachedNow).toBe(1);
  });

  it("sees only its own organisation's appeals", async () => {
    const { rows, total } = await report('team', southOrgId);
    expect(rows.map((r) => [r.label, r.appeals])).toEqual([['Южная команда', 1]]);
    expect(total).toMatchObject({ appeals: 1, averageRating: 1 });
  });
});

describe('GET /admin/appeals/reports', () => {
  it('shows this month in the zone by default, with percentages and readable times', async () => {
    const page = await (await signedIn('operator@north.test')).get('/admin/appeals/reports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="2026-11-01"');
    expect(page.text).toContain('value="2026-11-30"');
    const question = /<tr><td scope="row">Вопрос<\/td>(.*?)<\/tr>/.exec(page.text)?.[1] ?? '';
    expect(question).toContain('50,0\u00a0%');
    expect(question).toContain('2 ч 15 мин');
    expect(question).toContain('3 дн 4 ч');
    expect(question).toContain('4,0');
    const total = /<tfoot>(.*?)<\/tfoot>/.exec(page.text)?.[1] ?? '';
    expect(total).toContain('Итого');
    expect(total).toContain('66,7\u00a0%');
    expect(total).toContain('1 ч 15 мин');
    expect(page.text).toContain('href="/admin/appeals/reports.csv?from=2026-11-01&amp;to=2026-11-30&amp;by=type"');
  });

  it("names teams, people and buildings, and none of another organisation's", async () => {
    const browser = await signedIn('admin@north.test');
    for (const by of ['team', 'assignee', 'building']) {
      const page = await browser.get(`/admin/appeals/reports?by=${by}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('Южн');
      expect(page.text).not.toContain('Сочи');
    }
    expect((await browser.get('/admin/appeals/reports?by=team')).text).toContain('Без группы');
    expect((await browser.get('/admin/appeals/reports?by=assignee')).text).toContain('Не назначено');
    expect((await browser.get('/admin/appeals/reports?by=building')).text).toContain('Без дома');
    const south = await (await signedIn('admin@south.test')).get('/admin/appeals/reports?by=team');
    expect(south.text).toContain('Южная команда');
    expect(south.text).not.toContain('Аварийная служба');
  });

  it('takes an inclusive period and says when it holds no appeals', async () => {
    const browser = await signedIn('lawyer@north.test');
    const lastDay = await browser.get('/admin/appeals/reports?from=2026-11-30&to=2026-11-30');
    expect(/<tfoot>.*?<td class="num">(\d+)<\/td>/.exec(lastDay.text)?.[1]).toBe('1');
    const empty = await browser.get('/admin/appeals/reports?from=2026-09-01&to=2026-09-30');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('С 2026-09-01 по 2026-09-30 обращений не было.');
  });

  it.each([
    ['from=2026-13-01&to=2026-11-30', 'from', 'Начало периода'],
    ['from=2026-11-01&to=yesterday', 'to', 'Конец периода'],
    ['from=2026-11-10&to=2026-11-01', 'to', 'раньше его начала'],
    ['by=colour', 'by', 'Группировка'],
  ])('answers 400 to %s, naming the field', async (query, field, message) => {
    const browser = await signedIn('accountant@north.test');
    for (const path of [`/admin/appeals/reports?${query}`, `/admin/appeals/reports.csv?${query}`]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(400);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain(`href="#f-${field}"`);
      expect(page.text).toContain(message);
      expect(page.text).toContain(`id="f-${field}"`);
      expect(page.text).not.toContain('<table');
    }
  });
});

describe('GET /admin/appeals/reports.csv', () => {
  const lines = (bytes: Buffer) => bytes.subarray(3).toString('utf8').split('\r\n');

  it('is UTF-8 with a BOM, «;» and CRLF, with a header in Russian and an ASCII file name', async () => {
    const res = await (await signedIn('operator@north.test')).get('/admin/appeals/reports.csv?from=2026-11-01&to=2026-11-30');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?appeals-sla-2026-11\.csv"?$/);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.bytes.toString('utf8')).not.toMatch(/[^\r]\n/);
    const [header, ...rows] = lines(res.bytes);
    expect(header).toBe('Тип обращения;Обращений;Закрыто;Первый ответ в срок, %;Решено в срок, %;Просрочено сейчас;Медиана первого ответа, мин;Медиана решения, мин;Средняя оценка;Оценок');
    expect(rows).toEqual(['Вопрос;2;2;50,0;50,0;0;135;4560;4,0;2', 'Аварийная заявка;1;0;100,0;;1;10;;;0', 'Жалоба;2;0;;;0;;;;0',
      'Вопрос по счётчику;2;0;;;0;;;;0', 'Итого;7;2;66,7;50,0;1;75;4560;4,0;2', '']);
  });

  it('neutralises formulas and doubles quotes in names and addresses', async () => {
    const browser = await signedIn('admin@north.test');
    const teams = await browser.get('/admin/appeals/reports.csv?by=team');
    expect(teams.headers.get('content-disposition')).toMatch(/^attachment; filename="?appeals-sla-2026-11-team\.csv"?$/);
    expect(lines(teams.bytes)).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")";1;0;100,0;;1;10;;;0`);
    expect(lines(teams.bytes)).toContain('Без группы;4;0;;;0;;;;0');
    const buildings = await browser.get('/admin/appeals/reports.csv?by=building');
    expect(lines(buildings.bytes)[1]).toBe(`"г. Пермь, ул. Ленина, д. 1; корп. ""А""";3;2;50,0;50,0;0;135;4560;4,0;2`);
  });

  it("writes the header in the staff member's language", async () => {
    const res = await (await signedIn('admin@north.test', 'en')).get('/admin/appeals/reports.csv?by=assignee&from=2026-11-05&to=2026-11-20');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?appeals-sla-2026-11-05_2026-11-20-assignee\.csv"?$/);
    const [header, ...rows] = lines(res.bytes);
    expect(header).toBe('Assignee;Appeals;Closed;First response in time, %;Resolved in time, %;Overdue now;Median first response, min;Median resolution, min;Average rating;Ratings');
    expect(rows).toContain('Not assigned;2;0;;;0;;;;0');
    expect(rows).toContain('Total;5;2;66.7;50.0;1;75;4560;4.0;2');
  });

  it('is for signed-in staff only', async () => {
    const res = await new Browser(admin.url).get('/admin/appeals/reports.csv');
    expect(res.status).toBe(303);
    expect(res.location).toContain('/admin/login');
  });
});
