import type { Em } from '../infra/database/database.ts';
import type { AppealType } from './appeals.entity.ts';
import type { CalendarDayKind } from './routing.entity.ts';
import { RU_CALENDAR } from './ru-calendar.calc.ts';
import type { PolicyRow } from './sla-policy.calc.ts';
import { DEFAULT_WEEK, type DayKind, type WorkCalendar, type WorkingWeek } from './work-calendar.calc.ts';

/**
 * The organisation's working time: its zone, its working week (default Mon–Fri 09:00–18:00) and the Russian
 * calendar of holidays and moved days with the organisation's own changes over it ('ordinary' undoes a seeded day).
 */
export async function loadWorkCalendar(em: Em, orgId: string): Promise<WorkCalendar> {
  const [row] = await em.execute<{ tz: string; week: WorkingWeek | string | null; days: { date: string; kind: CalendarDayKind }[] | string | null }[]>(
    `select o.time_zone as tz, s.working_week as week,
       (select json_agg(json_build_object('date', d.date, 'kind', d.kind)) from calendar_days d where d.org_id = o.id) as days
     from organizations o left join appeal_settings s on s.org_id = o.id where o.id = ?`, [orgId]);
  if (!row) throw new Error('organisation not found');
  const week = (typeof row.week === 'string' ? JSON.parse(row.week) : row.week) as WorkingWeek | null;
  const own = (typeof row.days === 'string' ? JSON.parse(row.days) : row.days ?? []) as { date: string; kind: CalendarDayKind }[];
  return { tz: row.tz, week: week ?? DEFAULT_WEEK, days: mergeDays(RU_CALENDAR, own) };
}

export function mergeDays(seeded: ReadonlyMap<string, DayKind>, own: readonly { date: string; kind: CalendarDayKind }[]): ReadonlyMap<string, DayKind> {
  if (own.length === 0) return seeded;
  const days = new Map(seeded);
  for (const d of own) {
    if (d.kind === 'ordinary') days.delete(d.date);
    else days.set(d.date, d.kind);
  }
  return days;
}

export async function loadPolicies(em: Em, orgId: string): Promise<PolicyRow[]> {
  const rows = await em.execute<{ type: AppealType; category: string; mode: 'business' | 'always'; response_min: number | null; resolution_min: number | null }[]>(
    'select type, category, mode, response_min, resolution_min from sla_policies where org_id = ?', [orgId]);
  return rows.map((r) => ({ type: r.type, category: r.category, mode: r.mode, responseMin: r.response_min, resolutionMin: r.resolution_min }));
}

export type Route = { readonly teamId: string | null; readonly assigneeId: string | null; readonly autoAssign: boolean };

/**
 * The first rule by position that fits the appeal (a null field fits anything), and with auto-assignment the
 * member on duty with the fewest open appeals (the longest without a new one breaks ties). Only active members
 * of the organisation count. Row locks on the team's members keep two appeals routed at once from both going to
 * the same «least loaded» person.
 */
export async function routeAppeal(em: Em, orgId: string, facts: { type: AppealType; category: string | null; buildingId: string | null }): Promise<Route> {
  const [rule] = await em.execute<{ team_id: string; auto_assign: boolean }[]>(
    `select team_id, auto_assign from routing_rules
     where org_id = ? and (type is null or type = ?) and (category is null or category = ?) and (building_id is null or building_id = ?)
     order by position, id limit 1`, [orgId, facts.type, facts.category ?? '', facts.buildingId]);
  if (!rule) return { teamId: null, assigneeId: null, autoAssign: false };
  if (!rule.auto_assign) return { teamId: rule.team_id, assigneeId: null, autoAssign: false };
  return { teamId: rule.team_id, assigneeId: await leastLoaded(em, orgId, rule.team_id), autoAssign: true };
}

export async function leastLoaded(em: Em, orgId: string, teamId: string): Promise<string | null> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`team-assign:${teamId}`]);
  const [member] = await em.execute<{ user_id: string }[]>(
    `select tm.user_id from team_members tm
       join memberships m on m.user_id = tm.user_id and m.org_id = tm.org_id and m.active
       join users u on u.id = tm.user_id and u.active
     where tm.org_id = ? and tm.team_id = ? and tm.on_duty
     order by (select count(*) from appeals a where a.org_id = tm.org_id and a.assignee_id = tm.user_id and a.status in ('new', 'assigned', 'waiting')),
       (select max(a.assigned_at) from appeals a where a.org_id = tm.org_id and a.assignee_id = tm.user_id) nulls first, tm.user_id
     limit 1`, [orgId, teamId]);
  return member?.user_id ?? null;
}
