import type { Em } from '../infra/database/database.ts';
import { APPEAL_TYPES, EMERGENCY_CATEGORIES, type AppealType } from './appeals.entity.ts';
import { loadPolicies } from './appeal-settings.repo.ts';
import type { OwnDay } from './settings-form.calc.ts';
import { pickPolicy, type PolicyRow, type SlaTargets } from './sla-policy.calc.ts';
import { DEFAULT_WEEK, type WorkingWeek } from './work-calendar.calc.ts';

/** The pages' reads of the appeal settings; every query names the organisation besides RLS. */

export type StaffChoice = { readonly userId: string; readonly fullName: string; readonly email: string };
export type TeamMemberView = StaffChoice & { readonly onDuty: boolean; readonly active: boolean };
export type TeamView = {
  readonly id: string; readonly name: string; readonly leadId: string | null; readonly leadName: string | null;
  readonly members: readonly TeamMemberView[]; readonly rules: number;
};

/** Active staff of the organisation: who may join a team or lead it. */
export async function staffChoices(em: Em, orgId: string): Promise<StaffChoice[]> {
  const rows = await em.execute<{ id: string; full_name: string; email: string }[]>(
    `select u.id, u.full_name, u.email from memberships m join users u on u.id = m.user_id
     where m.org_id = ? and m.active and u.active order by u.full_name, u.email`, [orgId]);
  return rows.map((r) => ({ userId: r.id, fullName: r.full_name, email: r.email }));
}

export async function listTeams(em: Em, orgId: string): Promise<TeamView[]> {
  const teams = await em.execute<{ id: string; name: string; lead_id: string | null; lead_name: string | null; rules: number }[]>(
    `select t.id, t.name, t.lead_id, u.full_name as lead_name, (select count(*)::int from routing_rules r where r.org_id = t.org_id and r.team_id = t.id) as rules
     from teams t left join users u on u.id = t.lead_id where t.org_id = ? order by t.name`, [orgId]);
  const members = await em.execute<{ team_id: string; user_id: string; full_name: string; email: string; on_duty: boolean; active: boolean }[]>(
    `select tm.team_id, tm.user_id, u.full_name, u.email, tm.on_duty, coalesce(m.active and u.active, false) as active
     from team_members tm join users u on u.id = tm.user_id left join memberships m on m.user_id = tm.user_id and m.org_id = tm.org_id
     where tm.org_id = ? order by u.full_name, u.email`, [orgId]);
  return teams.map((t) => ({
    id: t.id, name: t.name, leadId: t.lead_id, leadName: t.lead_name, rules: Number(t.rules),
    members: members.filter((m) => m.team_id === t.id).map((m) => ({ userId: m.user_id, fullName: m.full_name, email: m.email, onDuty: m.on_duty, active: m.active })),
  }));
}

export type RuleView = {
  readonly id: string; readonly position: number; readonly type: AppealType | null; readonly category: string | null;
  readonly buildingId: string | null; readonly buildingAddress: string | null; readonly teamId: string; readonly teamName: string; readonly autoAssign: boolean;
};

export async function listRules(em: Em, orgId: string): Promise<RuleView[]> {
  const rows = await em.execute<{ id: string; position: number; type: AppealType | null; category: string | null; building_id: string | null; address: string | null; team_id: string; team_name: string; auto_assign: boolean }[]>(
    `select r.id, r.position, r.type, r.category, r.building_id, b.address, r.team_id, t.name as team_name, r.auto_assign
     from routing_rules r join teams t on t.id = r.team_id left join buildings b on b.id = r.building_id
     where r.org_id = ? order by r.position, r.id`, [orgId]);
  return rows.map((r) => ({
    id: r.id, position: Number(r.position), type: r.type, category: r.category, buildingId: r.building_id, buildingAddress: r.address,
    teamId: r.team_id, teamName: r.team_name, autoAssign: r.auto_assign,
  }));
}

/** A rule by building needs a list to pick from; past this many the list stops (the note on the page says so). */
export const BUILDING_CHOICES = 1000;

export async function buildingChoices(em: Em, orgId: string): Promise<{ id: string; address: string }[]> {
  return em.execute<{ id: string; address: string }[]>('select id, address from buildings where org_id = ? order by address limit ?', [orgId, BUILDING_CHOICES]);
}

/** Where the targets in force come from: the organisation's row, the row for the whole type, or the default. */
export type PolicySource = 'own' | 'type' | 'default';
export type PolicyLine = { readonly type: AppealType; readonly category: string; readonly targets: SlaTargets; readonly source: PolicySource };

/** Every type, and every emergency category, with the targets in force. */
export function policyTable(own: readonly PolicyRow[]): PolicyLine[] {
  const line = (type: AppealType, category: string): PolicyLine => {
    const source: PolicySource = own.some((r) => r.type === type && r.category === category) ? 'own'
      // pickPolicy prefers the organisation's row for the whole type over a default for the category.
      : category && own.some((r) => r.type === type && r.category === '') ? 'type'
      : 'default';
    return { type, category, targets: pickPolicy(own, type, category || null), source };
  };
  return APPEAL_TYPES.flatMap((type) => [line(type, ''), ...(type === 'emergency' ? EMERGENCY_CATEGORIES.map((c) => line(type, c)) : [])]);
}

export async function listPolicies(em: Em, orgId: string): Promise<PolicyLine[]> {
  return policyTable(await loadPolicies(em, orgId));
}

export type AppealSettingsView = {
  readonly week: WorkingWeek; readonly weekIsDefault: boolean; readonly timeZone: string;
  readonly dispatcherConnectionId: string | null; readonly dispatcherChatId: string | null;
  /** Days after which an answered appeal closes by itself. */
  readonly autoCloseDays: number;
};

/** Without a settings row (or its own value) answered appeals close after a week. */
export const DEFAULT_AUTO_CLOSE_DAYS = 7;

export async function appealSettings(em: Em, orgId: string): Promise<AppealSettingsView | null> {
  const [row] = await em.execute<{ tz: string; week: WorkingWeek | string | null; connection_id: string | null; chat_id: string | null; auto_close_days: number | null }[]>(
    `select o.time_zone as tz, s.working_week as week, s.dispatcher_connection_id as connection_id, s.dispatcher_chat_id as chat_id, s.auto_close_days
     from organizations o left join appeal_settings s on s.org_id = o.id where o.id = ?`, [orgId]);
  if (!row) return null;
  const week = (typeof row.week === 'string' ? JSON.parse(row.week) : row.week) as WorkingWeek | null;
  return { week: week ?? DEFAULT_WEEK, weekIsDefault: week === null, timeZone: row.tz, dispatcherConnectionId: row.connection_id, dispatcherChatId: row.chat_id,
    autoCloseDays: row.auto_close_days === null ? DEFAULT_AUTO_CLOSE_DAYS : Number(row.auto_close_days) };
}

export async function ownCalendarDays(em: Em, orgId: string): Promise<OwnDay[]> {
  return em.execute<OwnDay[]>('select date, kind from calendar_days where org_id = ? order by date', [orgId]);
}

export type CannedView = { readonly id: string; readonly title: string; readonly text: string };

export async function listCanned(em: Em, orgId: string): Promise<CannedView[]> {
  return em.execute<CannedView[]>('select id, title, text from canned_answers where org_id = ? order by title', [orgId]);
}
