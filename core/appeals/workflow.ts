import type { Em } from '../infra/database/database.ts';
import { err, isUuid, ok, type Result } from '../shared/index.ts';
import type { AppealType } from './appeals.entity.ts';
import { applyClockEvent, type ClockEvent } from './appeal-clocks.calc.ts';
import { addEvent, addMessage, escalationTargets, lockAppeal, notifyStaff, saveAppeal, type AppealState } from './appeal-record.ts';
import { loadPolicies, loadWorkCalendar, routeAppeal } from './appeal-settings.repo.ts';
import { queueDelivery, queueNotifications } from './effects.ts';
import { pickPolicy } from './sla-policy.calc.ts';
import type { WorkCalendar } from './work-calendar.calc.ts';

export type WorkflowError =
  | 'APPEALS.NOT_FOUND' | 'APPEALS.CLOSED' | 'APPEALS.NOT_CLOSED' | 'APPEALS.TEXT_REQUIRED' | 'APPEALS.ATTACHMENT_NOT_FOUND'
  | 'APPEALS.ASSIGNEE_INVALID' | 'APPEALS.TEAM_NOT_FOUND' | 'APPEALS.TYPE_INVALID';

/** Who acts: a staff member (their user id) at a moment. */
export type Actor = { readonly orgId: string; readonly userId: string; readonly now: Date };

type Change = { readonly appeal: AppealState; readonly cal: WorkCalendar };

/** Locks the appeal and reads the calendar its clocks run on; not found (or another organisation's) → null. */
async function open(em: Em, orgId: string, appealId: string): Promise<Change | null> {
  if (!isUuid(appealId)) return null;
  const appeal = await lockAppeal(em, orgId, appealId);
  return appeal ? { appeal, cal: await loadWorkCalendar(em, orgId) } : null;
}

const tick = (a: AppealState, e: ClockEvent, now: Date, cal: WorkCalendar): AppealState => ({ ...a, ...applyClockEvent(a, e, now, cal) });

async function targetsOf(em: Em, orgId: string, type: AppealType, category: string | null) {
  return pickPolicy(await loadPolicies(em, orgId), type, category);
}

/** A new appeal: clocks started under its policy, routed, and the people who must act told. */
export async function startAppeal(em: Em, filed: AppealState, now: Date): Promise<void> {
  const cal = await loadWorkCalendar(em, filed.orgId);
  const started = tick(filed, { kind: 'start', targets: await targetsOf(em, filed.orgId, filed.type, filed.category) }, now, cal);
  const route = await routeAppeal(em, filed.orgId, { type: filed.type, category: filed.category, buildingId: filed.buildingId });
  const appeal: AppealState = {
    ...started, teamId: route.teamId, assigneeId: route.assigneeId, assignedAt: route.assigneeId ? now : null,
    status: route.assigneeId ? 'assigned' : 'new',
  };
  await saveAppeal(em, appeal, cal, now);
  if (route.teamId) await addEvent(em, { orgId: filed.orgId, appealId: filed.id, kind: 'routed', data: { teamId: route.teamId }, now });
  if (route.assigneeId) await addEvent(em, { orgId: filed.orgId, appealId: filed.id, kind: 'assigned', data: { assigneeId: route.assigneeId, auto: true }, now });
  // An emergency nobody on duty could take goes to the team's lead (else the administrators) at once, not at 5 minutes.
  const emergency = filed.type === 'emergency';
  const userIds = route.assigneeId ? [route.assigneeId] : emergency ? await escalationTargets(em, filed.orgId, route.teamId) : [];
  const told = await notifyStaff(em, { orgId: filed.orgId, appealId: filed.id, kind: emergency ? 'emergency' : 'assigned', userIds, now });
  await queueNotifications(em, filed.orgId, told, now);
}

/** «Take»: the staff member becomes the assignee. Taking an emergency acknowledges it (ПП 416: within 5 minutes). */
export async function takeAppeal(em: Em, actor: Actor, appealId: string): Promise<Result<AppealState, WorkflowError>> {
  const c = await open(em, actor.orgId, appealId);
  if (!c) return err('APPEALS.NOT_FOUND');
  if (c.appeal.status === 'closed') return err('APPEALS.CLOSED');
  let a: AppealState = { ...c.appeal, assigneeId: actor.userId, assignedAt: actor.now, takenAt: c.appeal.takenAt ?? actor.now, status: c.appeal.status === 'new' ? 'assigned' : c.appeal.status };
  const acknowledges = a.type === 'emergency' && a.respondedAt === null && a.responseMet === null;
  if (acknowledges) a = tick(a, { kind: 'respond' }, actor.now, c.cal);
  await saveAppeal(em, a, c.cal, actor.now);
  await addEvent(em, { orgId: actor.orgId, appealId, kind: 'taken', actorId: actor.userId, now: actor.now });
  if (acknowledges) {
    const messageId = await addMessage(em, { orgId: actor.orgId, appealId, author: 'system', staffUserId: actor.userId, text: 'appeals.taken', attachments: [], now: actor.now });
    await queueDelivery(em, { orgId: actor.orgId, appealId, kind: 'taken', messageId }, actor.now);
  }
  return ok(a);
}

/**
 * Another team or person. The deadlines are recomputed under the policy in force now (it may have been edited
 * since filing), and warnings already given may be given again for the new deadlines.
 */
export async function assignAppeal(
  em: Em, actor: Actor, appealId: string, to: { teamId: string | null; assigneeId: string | null },
): Promise<Result<AppealState, WorkflowError>> {
  const c = await open(em, actor.orgId, appealId);
  if (!c) return err('APPEALS.NOT_FOUND');
  if (c.appeal.status === 'closed') return err('APPEALS.CLOSED');
  if (to.teamId && !(isUuid(to.teamId) && (await em.execute('select 1 from teams where org_id = ? and id = ?', [actor.orgId, to.teamId])).length)) return err('APPEALS.TEAM_NOT_FOUND');
  if (to.assigneeId && !(await isActiveMember(em, actor.orgId, to.assigneeId))) return err('APPEALS.ASSIGNEE_INVALID');
  const changed = to.assigneeId !== c.appeal.assigneeId;
  let a: AppealState = {
    ...c.appeal, teamId: to.teamId, assigneeId: to.assigneeId, assignedAt: changed ? actor.now : c.appeal.assignedAt,
    status: c.appeal.status === 'new' && to.assigneeId ? 'assigned' : c.appeal.status === 'assigned' && !to.assigneeId ? 'new' : c.appeal.status,
  };
  a = tick(a, { kind: 'retarget', targets: await targetsOf(em, actor.orgId, a.type, a.category) }, actor.now, c.cal);
  await saveAppeal(em, a, c.cal, actor.now);
  await addEvent(em, { orgId: actor.orgId, appealId, kind: 'assigned', actorId: actor.userId, data: { teamId: to.teamId, assigneeId: to.assigneeId }, now: actor.now });
  if (changed && to.assigneeId && to.assigneeId !== actor.userId) {
    await queueNotifications(em, actor.orgId, await notifyStaff(em, { orgId: actor.orgId, appealId, kind: 'assigned', userIds: [to.assigneeId], now: actor.now }), actor.now);
  }
  return ok(a);
}

/** Another type or category (a «question» that is really an emergency): the policy of the new type applies. */
export async function reclassifyAppeal(
  em: Em, actor: Actor, appealId: string, to: { type: AppealType; category: string | null },
): Promise<Result<AppealState, WorkflowError>> {
  const c = await open(em, actor.orgId, appealId);
  if (!c) return err('APPEALS.NOT_FOUND');
  if (c.appeal.status === 'closed') return err('APPEALS.CLOSED');
  let a: AppealState = { ...c.appeal, type: to.type, category: to.category?.slice(0, 32) || null, urgent: to.type === 'emergency' || c.appeal.urgent };
  a = tick(a, { kind: 'retarget', targets: await targetsOf(em, actor.orgId, a.type, a.category) }, actor.now, c.cal);
  await saveAppeal(em, a, c.cal, actor.now);
  await addEvent(em, { orgId: actor.orgId, appealId, kind: 'reclassified', actorId: actor.userId, data: { from: { type: c.appeal.type, category: c.appeal.category }, to }, now: actor.now });
  return ok(a);
}

export async function isActiveMember(em: Em, orgId: string, userId: string): Promise<boolean> {
  if (!isUuid(userId)) return false;
  const rows = await em.execute('select 1 from memberships m join users u on u.id = m.user_id where m.org_id = ? and m.user_id = ? and m.active and u.active', [orgId, userId]);
  return rows.length > 0;
}

export { open as openForChange, tick };
