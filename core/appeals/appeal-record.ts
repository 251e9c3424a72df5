import type { Em } from '../infra/database/database.ts';
import type { AppealAuthor, AppealEventKind, AppealStatus, AppealType, SlaMode } from './appeals.entity.ts';
import { clockMoments, type ClockColumns } from './appeal-clocks.calc.ts';
import type { NotificationKind } from './routing.entity.ts';
import type { WorkCalendar } from './work-calendar.calc.ts';
import type { ClockSource } from './inbox-clock.calc.ts';

/** An appeal as the workflow reads and changes it: its routing, its status and its clocks. */
export type AppealState = ClockColumns & {
  readonly id: string;
  readonly orgId: string;
  readonly number: number;
  readonly type: AppealType;
  readonly category: string | null;
  readonly status: AppealStatus;
  readonly urgent: boolean;
  readonly personId: string | null;
  readonly identityId: string | null;
  readonly buildingId: string | null;
  readonly teamId: string | null;
  readonly assigneeId: string | null;
  readonly assignedAt: Date | null;
  readonly takenAt: Date | null;
  readonly alertedAt: Date | null;
  readonly closedAt: Date | null;
  readonly createdAt: Date;
};

const COLUMNS = `id, org_id, number, type, category, status, urgent, person_id, identity_id, building_id, team_id, assignee_id, assigned_at,
  taken_at, alerted_at, closed_at, created_at, sla_mode, clock_since, response_target_min, response_elapsed_s, responded_at, response_met,
  resolution_target_min, resolution_elapsed_s, resolved_at, resolution_met, escalated`;

type Row = Record<string, unknown>;
/** A timestamp as the driver returns it (a Date from pg, a string from PGlite's JSON), or null. */
export const dateOf = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));

export function stateOf(r: Row): AppealState {
  return {
    id: String(r.id), orgId: String(r.org_id), number: Number(r.number), type: r.type as AppealType, category: (r.category as string | null) ?? null,
    status: r.status as AppealStatus, urgent: r.urgent === true, personId: (r.person_id as string | null) ?? null,
    identityId: (r.identity_id as string | null) ?? null, buildingId: (r.building_id as string | null) ?? null, teamId: (r.team_id as string | null) ?? null,
    assigneeId: (r.assignee_id as string | null) ?? null, assignedAt: dateOf(r.assigned_at), takenAt: dateOf(r.taken_at), alertedAt: dateOf(r.alerted_at),
    closedAt: dateOf(r.closed_at), createdAt: dateOf(r.created_at)!,
    slaMode: r.sla_mode as SlaMode, clockSince: dateOf(r.clock_since),
    responseTargetMin: r.response_target_min === null ? null : Number(r.response_target_min), responseElapsedS: Number(r.response_elapsed_s),
    respondedAt: dateOf(r.responded_at), responseMet: (r.response_met as boolean | null) ?? null,
    resolutionTargetMin: r.resolution_target_min === null ? null : Number(r.resolution_target_min), resolutionElapsedS: Number(r.resolution_elapsed_s),
    resolvedAt: dateOf(r.resolved_at), resolutionMet: (r.resolution_met as boolean | null) ?? null, escalated: Number(r.escalated),
  };
}

/** An appeal row's clocks with the due instants stored beside them (what the inbox and the card show). */
export const clockSourceOf = (r: Row): AppealState & ClockSource =>
  ({ ...stateOf(r), responseDueAt: dateOf(r.response_due_at), resolutionDueAt: dateOf(r.resolution_due_at) });

/** The appeal, locked until the transaction ends: changes of one appeal apply one at a time. */
export async function lockAppeal(em: Em, orgId: string, appealId: string): Promise<AppealState | null> {
  const [row] = await em.execute<Row[]>(`select ${COLUMNS} from appeals where org_id = ? and id = ? for update`, [orgId, appealId]);
  return row ? stateOf(row) : null;
}

/** Writes what the workflow changed, with the due instants and the next escalation check derived from the clocks. */
export async function saveAppeal(em: Em, a: AppealState, cal: WorkCalendar, now: Date): Promise<void> {
  const m = clockMoments(a, cal);
  await em.execute(
    `update appeals set type = ?, category = ?, status = ?, urgent = ?, team_id = ?, assignee_id = ?, assigned_at = ?, taken_at = ?, alerted_at = ?,
       closed_at = ?, sla_mode = ?, clock_since = ?, response_target_min = ?, response_elapsed_s = ?, responded_at = ?, response_met = ?,
       resolution_target_min = ?, resolution_elapsed_s = ?, resolved_at = ?, resolution_met = ?, escalated = ?,
       response_due_at = ?, resolution_due_at = ?, next_check_at = ?, updated_at = ?
     where org_id = ? and id = ?`,
    [a.type, a.category, a.status, a.urgent, a.teamId, a.assigneeId, a.assignedAt, a.takenAt, a.alertedAt, a.closedAt, a.slaMode, a.clockSince,
      a.responseTargetMin, a.responseElapsedS, a.respondedAt, a.responseMet, a.resolutionTargetMin, a.resolutionElapsedS, a.resolvedAt,
      a.resolutionMet, a.escalated, m.responseDueAt, m.resolutionDueAt, m.nextCheckAt, now, a.orgId, a.id]);
}

export async function addEvent(
  em: Em, e: { orgId: string; appealId: string; kind: AppealEventKind; actorId?: string | null; data?: Record<string, unknown>; now: Date },
): Promise<void> {
  await em.execute('insert into appeal_events (org_id, appeal_id, kind, actor_id, data, at) values (?, ?, ?, ?, ?::jsonb, ?)',
    [e.orgId, e.appealId, e.kind, e.actorId ?? null, JSON.stringify(e.data ?? {}), e.now]);
}

export async function addMessage(
  em: Em, m: { orgId: string; appealId: string; author: AppealAuthor; staffUserId: string | null; text: string; attachments: readonly string[]; internal?: boolean; now: Date },
): Promise<string> {
  const [row] = await em.execute<{ id: string }[]>(
    `insert into appeal_messages (org_id, appeal_id, author, staff_user_id, text, attachments, internal, created_at) values (?, ?, ?, ?, ?, ?::jsonb, ?, ?) returning id`,
    [m.orgId, m.appealId, m.author, m.staffUserId, m.text, JSON.stringify(m.attachments), m.internal ?? false, m.now]);
  if (!m.internal) {
    await em.execute('update appeals set last_author = ?, last_message_at = ? where org_id = ? and id = ?', [m.author, m.now, m.orgId, m.appealId]);
  }
  return String(row!.id);
}

/** Tells staff members in admin; each row also goes out by e-mail (the worker's appeals.notify). */
export async function notifyStaff(em: Em, n: { orgId: string; appealId: string; kind: NotificationKind; userIds: readonly (string | null)[]; now: Date }): Promise<string[]> {
  const users = [...new Set(n.userIds.filter((u): u is string => !!u))];
  if (users.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(
    `insert into staff_notifications (org_id, user_id, appeal_id, kind, created_at) select ?, u, ?, ?, ? from unnest(?::uuid[]) as u returning id`,
    [n.orgId, n.appealId, n.kind, n.now, `{${users.join(',')}}`]);
  return rows.map((r) => String(r.id));
}

/** Who hears of an appeal when its assignee cannot: the team's lead, else the organisation's administrators. */
export async function escalationTargets(em: Em, orgId: string, teamId: string | null): Promise<string[]> {
  const rows = await em.execute<{ user_id: string }[]>(
    `select lead_id as user_id from teams where org_id = ? and id = ? and lead_id is not null
     union all
     select m.user_id from memberships m where m.org_id = ? and m.role = 'admin' and m.active and not exists (
       select 1 from teams t where t.org_id = ? and t.id = ? and t.lead_id is not null)`, [orgId, teamId, orgId, orgId, teamId]);
  return rows.map((r) => r.user_id);
}
