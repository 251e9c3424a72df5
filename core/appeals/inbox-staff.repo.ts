import type { Em } from '../infra/database/database.ts';
import { isUuid } from '../shared/index.ts';
import type { AppealType } from './appeals.entity.ts';
import type { NotificationKind } from './routing.entity.ts';

/** What a staff member was told and has not read yet: an appeal given to them, at risk, missed, an emergency. */
export type StaffNotice = {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly appealId: string;
  readonly number: number;
  readonly type: AppealType;
  readonly createdAt: Date;
};

/** The latest unread notifications of a staff member (newest first) and how many are unread (up to 100, then «99+»). */
export async function unreadNotifications(em: Em, orgId: string, userId: string, limit = 10): Promise<{ rows: StaffNotice[]; unread: number }> {
  const rows = await em.execute<{ id: string; kind: NotificationKind; appeal_id: string; number: number; type: AppealType; created_at: Date | string }[]>(
    `select n.id, n.kind, n.appeal_id, a.number, a.type, n.created_at from staff_notifications n
       join appeals a on a.org_id = n.org_id and a.id = n.appeal_id
     where n.org_id = ? and n.user_id = ? and n.read_at is null order by n.id desc limit ?`, [orgId, userId, limit]);
  const [counted] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from (select 1 from staff_notifications where org_id = ? and user_id = ? and read_at is null limit 100) x`, [orgId, userId]);
  return {
    rows: rows.map((r) => ({ id: String(r.id), kind: r.kind, appealId: r.appeal_id, number: Number(r.number), type: r.type, createdAt: new Date(r.created_at) })),
    unread: Number(counted?.n ?? 0),
  };
}

/**
 * Marks a staff member's notifications read: one (`id`), those of one appeal (opening its card), or all of them.
 * Only the caller's own, in the organisation: another person's id changes nothing.
 */
export async function markNotificationsRead(em: Em, orgId: string, userId: string, which: { id?: string; appealId?: string }, now: Date): Promise<number> {
  const conds = ['org_id = ?', 'user_id = ?', 'read_at is null'];
  const params: unknown[] = [now, orgId, userId];
  if (which.id !== undefined) {
    if (!/^\d{1,18}$/.test(which.id)) return 0;
    conds.push('id = ?');
    params.push(which.id);
  }
  if (which.appealId !== undefined) {
    if (!isUuid(which.appealId)) return 0;
    conds.push('appeal_id = ?');
    params.push(which.appealId);
  }
  const rows = await em.execute<{ id: string }[]>(`update staff_notifications set read_at = ? where ${conds.join(' and ')} returning id`, params);
  return rows.length;
}

/** In how many teams the staff member is, and in how many of them on duty (only those get appeals automatically). */
export async function staffDuty(em: Em, orgId: string, userId: string): Promise<{ teams: number; onDuty: number }> {
  const [row] = await em.execute<{ teams: number; on_duty: number }[]>(
    'select count(*)::int as teams, count(*) filter (where on_duty)::int as on_duty from team_members where org_id = ? and user_id = ?', [orgId, userId]);
  return { teams: Number(row?.teams ?? 0), onDuty: Number(row?.on_duty ?? 0) };
}

/** «Я на смене / не на смене»: the staff member's duty in every team of theirs at once. Returns the teams changed. */
export async function setMyDuty(em: Em, orgId: string, userId: string, onDuty: boolean): Promise<number> {
  const rows = await em.execute<{ team_id: string }[]>(
    'update team_members set on_duty = ? where org_id = ? and user_id = ? and on_duty <> ? returning team_id', [onDuty, orgId, userId, onDuty]);
  return rows.length;
}

export type Named = { readonly id: string; readonly name: string };
export type StaffOption = Named & { readonly role: string };

/** The organisation's active staff, for «assignee» filters and selects. */
export async function staffOptions(em: Em, orgId: string): Promise<StaffOption[]> {
  const rows = await em.execute<{ id: string; full_name: string; role: string }[]>(
    `select u.id, u.full_name, m.role from memberships m join users u on u.id = m.user_id
     where m.org_id = ? and m.active and u.active order by u.full_name, u.id`, [orgId]);
  return rows.map((r) => ({ id: r.id, name: r.full_name, role: r.role }));
}

/** Buildings to filter by, by address; null when there are more than `limit` (the page offers a search instead). */
export async function buildingOptions(em: Em, orgId: string, limit = 500): Promise<Named[] | null> {
  const rows = await em.execute<{ id: string; address: string }[]>(
    'select id, address from buildings where org_id = ? order by address, id limit ?', [orgId, limit + 1]);
  return rows.length > limit ? null : rows.map((r) => ({ id: r.id, name: r.address }));
}
