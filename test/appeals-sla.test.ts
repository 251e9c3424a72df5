import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addWorkingMs, closeAppeal, runAutoClose, fileAppeal, loadWorkCalendar, recomputeOpenAppeals, reopenAppeal, replyToAppeal, residentWrites, runEscalations, takeAppeal,
} from '../core/appeals/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

let test: TestDatabase;
let db: Database;
let org: PaymentsOrg;
let otherBuilding: string;
const staff: Record<string, string> = {};

/** Monday 2026-11-30 10:00 in Moscow. */
const MONDAY_10 = new Date('2026-11-30T07:00:00Z');
const MIN = 60_000;

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db.withTenant(org.orgId, (em) => em.execute<T[]>(text, params));
const one = async (id: string) => (await sql<Record<string, unknown>>('select * from appeals where id = ?', [id]))[0]!;
const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());

async function addStaff(name: string, role = 'operator'): Promise<string> {
  const id = randomUUID();
  await db.withoutTenant((em) => em.execute(`insert into users (id, email, full_name, password_hash, active, platform_operator, created_at) values (?, ?, ?, 'x', true, false, now())`, [id, `${id}@t.test`, name]));
  await sql(`insert into memberships (id, org_id, user_id, role, active, created_at) values (?, ?, ?, ?, true, now())`, [randomUUID(), org.orgId, id, role]);
  return id;
}
async function addTeam(name: string, lead: string | null, members: [string, boolean][]): Promise<string> {
  const id = randomUUID();
  await sql('insert into teams (id, org_id, name, lead_id, created_at) values (?, ?, ?, ?, now())', [id, org.orgId, name, lead]);
  for (const [user, onDuty] of members) await sql('insert into team_members (team_id, user_id, org_id, on_duty) values (?, ?, ?, ?)', [id, user, org.orgId, onDuty]);
  return id;
}
async function addRule(position: number, teamId: string, match: { type?: string; category?: string; buildingId?: string }, autoAssign = true) {
  await sql('insert into routing_rules (id, org_id, position, type, category, building_id, team_id, auto_assign) values (?, ?, ?, ?, ?, ?, ?, ?)',
    [randomUUID(), org.orgId, position, match.type ?? null, match.category ?? null, match.buildingId ?? null, teamId, autoAssign]);
}
const file = (input: { type: 'question' | 'emergency' | 'complaint'; category?: string; account?: number | null; now: Date }) =>
  db.withTenant(org.orgId, (em) => fileAppeal(em, {
    orgId: org.orgId, type: input.type, category: input.category ?? null, urgent: input.type === 'emergency',
    accountId: input.account === null ? null : org.accounts[input.account ?? 0]!.id, text: 'Течёт кран на кухне', now: input.now,
  }));
const actor = (userId: string, now: Date) => ({ orgId: org.orgId, userId, now });

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  org = await makePaymentsOrg(db, 'appeals-sla', { accounts: 4 });
  for (const name of ['Анна', 'Борис', 'Вера', 'Глеб', 'Лида']) staff[name] = await addStaff(name);
  const questions = await addTeam('Абонентский отдел', staff['Лида']!, [[staff['Анна']!, true], [staff['Борис']!, true], [staff['Вера']!, false]]);
  const dispatchHere = await addTeam('Диспетчеры Ленина', staff['Лида']!, [[staff['Глеб']!, true]]);
  const dispatchAll = await addTeam('Диспетчеры', null, []);
  // The last account lives in another building: the building rule must not catch it.
  otherBuilding = randomUUID();
  await sql(`insert into buildings (id, org_id, address, address_key, created_at) values (?, ?, 'ул. Мира, 1', 'мира 1', now())`, [otherBuilding, org.orgId]);
  await sql(`update premises set building_id = ? where id = (select premise_id from accounts where id = ?)`, [otherBuilding, org.accounts[3]!.id]);
  const [{ building_id: lenina }] = await sql<{ building_id: string }>('select p.building_id from accounts a join premises p on p.id = a.premise_id where a.id = ?', [org.accounts[0]!.id]) as [{ building_id: string }];
  await addRule(1, dispatchHere, { type: 'emergency', buildingId: lenina });
  await addRule(2, dispatchAll, { type: 'emergency' });
  await addRule(3, questions, { type: 'question' });
});
afterAll(async () => test?.drop());

describe('routing', () => {
  it('gives questions to the least loaded member on duty, never to one off duty', async () => {
    const filed = [];
    for (let i = 0; i < 4; i++) filed.push(await file({ type: 'question', now: new Date(MONDAY_10.getTime() + i * MIN) }));
    const rows = await Promise.all(filed.map((f) => one(f.id)));
    const assignees = rows.map((r) => r.assignee_id);
    expect(assignees.filter((a) => a === staff['Анна']).length).toBe(2);
    expect(assignees.filter((a) => a === staff['Борис']).length).toBe(2);
    expect(assignees).not.toContain(staff['Вера']);
    expect(rows.every((r) => r.status === 'assigned' && r.team_id !== null)).toBe(true);
    const events = await sql<{ kind: string }>('select kind from appeal_events where appeal_id = ? order by id', [filed[0]!.id]);
    expect(events.map((e) => e.kind)).toEqual(['filed', 'routed', 'assigned']);
  });

  it('takes the first rule by position: a building rule before the general one; no rule leaves the appeal new', async () => {
    const here = await one((await file({ type: 'emergency', account: 0, now: MONDAY_10 })).id);
    const elsewhere = await one((await file({ type: 'emergency', account: 3, now: MONDAY_10 })).id);
    expect(here.assignee_id).toBe(staff['Глеб']);
    expect(elsewhere.assignee_id).toBeNull(); // the general dispatch team has nobody on duty
    expect(elsewhere.status).toBe('new');
    const complaint = await one((await file({ type: 'complaint', now: MONDAY_10 })).id);
    expect([complaint.team_id, complaint.assignee_id, complaint.status]).toEqual([null, null, 'new']);
  });
});

describe('SLA deadlines', () => {
  it('runs business targets in working hours and emergencies round the clock (ПП 416)', async () => {
    const question = await one((await file({ type: 'question', now: MONDAY_10 })).id);
    expect(iso(question.response_due_at)).toBe('2026-12-01T07:00:00.000Z'); // one working day: Tuesday 10:00
    expect(iso(question.resolution_due_at)).toBe('2026-12-14T07:00:00.000Z'); // ten working days
    const leak = await one((await file({ type: 'emergency', category: 'leak', now: MONDAY_10 })).id);
    expect(iso(leak.response_due_at)).toBe(new Date(MONDAY_10.getTime() + 5 * MIN).toISOString());
    expect(iso(leak.resolution_due_at)).toBe(new Date(MONDAY_10.getTime() + 30 * MIN).toISOString());
    const sewer = await one((await file({ type: 'emergency', category: 'sewer', now: new Date('2026-12-31T21:00:00Z') })).id);
    expect(iso(sewer.resolution_due_at)).toBe('2026-12-31T23:00:00.000Z'); // 2 h on New Year's night all the same
  });

  it('counts only a person\'s reply as a response, pauses while waiting for the resident and resumes when they write', async () => {
    const { id } = await file({ type: 'question', now: MONDAY_10 });
    const before = await one(id);
    const anna = before.assignee_id as string;
    const reply = await db.withTenant(org.orgId, (em) => replyToAppeal(em, actor(anna, new Date(MONDAY_10.getTime() + 120 * MIN)), id, { text: 'Уточните номер квартиры', then: 'waiting' }));
    expect(reply.ok).toBe(true);
    const waiting = await one(id);
    expect([waiting.status, waiting.response_met, waiting.clock_since, waiting.resolution_due_at]).toEqual(['waiting', true, null, null]);
    expect(Number(waiting.resolution_elapsed_s)).toBe(120 * 60);
    // Two working days later the resident answers: the deadline moves by exactly those two days.
    const personId = randomUUID();
    await sql(`insert into persons (id, org_id, locale, created_at) values (?, ?, 'ru', now())`, [personId, org.orgId]);
    await sql('update appeals set person_id = ? where id = ?', [personId, id]);
    const resumedAt = new Date('2026-12-02T09:00:00Z'); // Wednesday 12:00
    const wrote = await db.withTenant(org.orgId, (em) => residentWrites(em, { orgId: org.orgId, personId, now: resumedAt }, id, 'Квартира 12'));
    expect(wrote.ok).toBe(true);
    const resumed = await one(id);
    expect(resumed.status).toBe('assigned');
    expect(iso(resumed.resolution_due_at)).toBe('2026-12-16T07:00:00.000Z');
    const cal = await db.withTenant(org.orgId, (em) => loadWorkCalendar(em, org.orgId));
    expect(new Date(resumed.resolution_due_at as string).getTime()).toBe(addWorkingMs(resumedAt.getTime(), (5400 - 120) * MIN, cal));
  });

  it('stops both clocks on closing whoever spoke last, and runs them on from there when reopened', async () => {
    const { id } = await file({ type: 'question', now: MONDAY_10 });
    const lida = staff['Лида']!;
    const closed = await db.withTenant(org.orgId, (em) => closeAppeal(em, actor(lida, new Date(MONDAY_10.getTime() + 30 * MIN)), id));
    expect(closed.ok).toBe(true);
    const c = await one(id);
    expect([c.status, c.response_met, c.resolution_met, c.responded_at, c.next_check_at]).toEqual(['closed', true, true, null, null]);
    const [rate] = await sql<{ topic: string }>(`select topic from outbox where job_id like ?`, [`appeal-rate:${id}:%`]);
    expect(rate!.topic).toBe('appeals.deliver');
    const reopenAt = new Date('2026-12-01T07:00:00Z'); // Tuesday 10:00: the first day's 30 minutes stay counted
    expect((await db.withTenant(org.orgId, (em) => reopenAppeal(em, actor(lida, reopenAt), id))).ok).toBe(true);
    const r = await one(id);
    expect([r.status, r.response_met, r.resolution_met]).toEqual(['assigned', null, null]);
    // 8 h 30 min left: Tuesday's eight hours, then half an hour on Wednesday.
    expect(iso(r.response_due_at)).toBe('2026-12-02T06:30:00.000Z');
  });

  it('closes an answered appeal nobody came back to after seven days, and asks for the rating', async () => {
    const { id } = await file({ type: 'question', now: MONDAY_10 });
    const anna = (await one(id)).assignee_id as string;
    await db.withTenant(org.orgId, (em) => replyToAppeal(em, actor(anna, MONDAY_10), id, { text: 'Перерасчёт будет в декабре', then: 'answered' }));
    await runAutoClose(db, new Date(MONDAY_10.getTime() + 6 * 86_400_000));
    expect((await one(id)).status).toBe('answered');
    await runAutoClose(db, new Date(MONDAY_10.getTime() + 7 * 86_400_000 + MIN));
    const closed = await one(id);
    expect([closed.status, closed.resolution_met]).toEqual(['closed', true]);
    const [event] = await sql<{ actor_id: string | null; data: { auto: boolean } }>(`select actor_id, data from appeal_events where appeal_id = ? and kind = 'closed'`, [id]);
    expect(event).toMatchObject({ actor_id: null, data: { auto: true } });
    expect(await sql(`select 1 from outbox where job_id like ?`, [`appeal-rate:${id}:%`])).toHaveLength(1);
  });

  it('recomputes open deadlines when the calendar changes', async () => {
    const { id } = await file({ type: 'question', now: MONDAY_10 });
    await sql(`insert into calendar_days (org_id, date, kind, updated_at) values (?, '2026-12-01', 'holiday', now())`, [org.orgId]);
    try {
      await db.withTenant(org.orgId, (em) => recomputeOpenAppeals(em, org.orgId, MONDAY_10, { retarget: false }));
      expect(iso((await one(id)).response_due_at)).toBe('2026-12-02T07:00:00.000Z');
      const [event] = await sql<{ kind: string }>(`select kind from appeal_events where appeal_id = ? order by id desc limit 1`, [id]);
      expect(event!.kind).toBe('sla_recomputed');
    } finally {
      await sql(`delete from calendar_days where org_id = ?`, [org.orgId]);
      await db.withTenant(org.orgId, (em) => recomputeOpenAppeals(em, org.orgId, MONDAY_10, { retarget: false }));
    }
  });
});

describe('escalation', () => {
  const T = new Date('2026-12-05T20:00:00Z'); // a Saturday night: emergencies do not wait for Monday
  const at = (minutes: number) => new Date(T.getTime() + minutes * MIN);
  const kinds = async (id: string) => (await sql<{ kind: string }>('select kind from appeal_events where appeal_id = ? order by id', [id])).map((e) => e.kind);

  it('warns at 80 %, alerts the dispatchers at 5 minutes, once, and stops once taken', async () => {
    const alone = await file({ type: 'emergency', category: 'leak', account: 3, now: T }); // general team: no one on duty, no lead
    const taken = await file({ type: 'emergency', category: 'leak', account: 0, now: T });
    await runEscalations(db, at(3.9));
    expect(await kinds(alone.id)).toEqual(['filed', 'routed']);
    await runEscalations(db, at(4));
    expect(await kinds(alone.id)).toContain('at_risk');
    expect((await db.withTenant(org.orgId, (em) => takeAppeal(em, actor(staff['Глеб']!, at(4.5)), taken.id))).ok).toBe(true);
    await runEscalations(db, at(5));
    expect((await kinds(alone.id)).filter((k) => k === 'alerted')).toHaveLength(1);
    expect(await kinds(taken.id)).not.toContain('alerted');
    const a = await one(alone.id);
    expect(iso(a.alerted_at)).toBe(at(5).toISOString());
    const [dispatch] = await sql<{ topic: string }>(`select topic from outbox where job_id = ?`, [`dispatch:${alone.id}`]);
    expect(dispatch!.topic).toBe('appeals.dispatch');
    // With no one assigned and no team lead, the organisation's administrators hear of it (there are none here).
    await runEscalations(db, at(6));
    expect((await kinds(alone.id)).filter((k) => k === 'breached')).toHaveLength(1);
    // The taken emergency's acknowledgement is met; its resolution clock still runs (30 minutes).
    const t = await one(taken.id);
    expect([t.response_met, iso(t.next_check_at)]).toEqual([true, at(24).toISOString()]);
    const [note] = await sql<{ user_id: string; kind: string }>(`select user_id, kind from staff_notifications where appeal_id = ? and kind = 'emergency'`, [taken.id]);
    expect(note!.user_id).toBe(staff['Глеб']);
    // Nobody on duty in the general team and no lead: the administrators hear of the emergency at once (none are admins here).
    expect(await sql(`select 1 from staff_notifications where appeal_id = ? and kind = 'emergency'`, [alone.id])).toHaveLength(0);
  });

  it('tells the team lead of an emergency nobody on duty could take, as soon as it is filed', async () => {
    const teamId = randomUUID();
    await sql(`insert into teams (id, org_id, name, lead_id, created_at) values (?, ?, 'Ночная смена', ?, now())`, [teamId, org.orgId, staff['Лида']]);
    await sql('insert into team_members (team_id, user_id, org_id, on_duty) values (?, ?, ?, false)', [teamId, staff['Вера'], org.orgId]);
    await sql(`insert into routing_rules (id, org_id, position, type, category, team_id, auto_assign) values (?, ?, 0, 'emergency', 'lift', ?, true)`, [randomUUID(), org.orgId, teamId]);
    const lift = await file({ type: 'emergency', category: 'lift', now: T });
    const notes = await sql<{ user_id: string }>(`select user_id from staff_notifications where appeal_id = ? and kind = 'emergency'`, [lift.id]);
    expect(notes.map((n) => n.user_id)).toEqual([staff['Лида']]);
    expect((await one(lift.id)).assignee_id).toBeNull();
  });
});
