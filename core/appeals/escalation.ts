import type { Database, Em } from '../infra/database/database.ts';
import { ESCALATION, escalationMoments, type EscalationName } from './appeal-clocks.calc.ts';
import { addEvent, escalationTargets, lockAppeal, notifyStaff, saveAppeal, type AppealState } from './appeal-record.ts';
import { loadWorkCalendar } from './appeal-settings.repo.ts';
import { APPEAL_TOPICS, queueEffect, queueNotifications } from './effects.ts';
import type { WorkCalendar } from './work-calendar.calc.ts';
import { autoCloseAppeal } from './workflow-reply.ts';

/** How many due appeals one run takes; the next run (seconds later) takes the rest. */
const BATCH = 200;

/**
 * The escalation sweep (a schedule every few seconds, `appeals.sweep`). Each appeal carries the next moment it
 * needs a look (`next_check_at`), so the timers live in the database: a worker that restarts, or another worker,
 * finds them as they were. Each escalation is a bit on the appeal, set in the same transaction as its
 * notifications, so it is made once whichever worker runs it:
 * - at 80 % of a target the assignee is warned (the team lead, or the administrators, when nobody is assigned);
 * - at the target the team lead (else the administrators) and the assignee are told;
 * - an emergency nobody took by its acknowledgement target alerts the dispatcher group chat and is highlighted.
 */
export async function runEscalations(db: Database, now: Date): Promise<number> {
  const due = await db.withoutTenant((em) => em.execute<{ org_id: string; id: string }[]>('select org_id, id from fp_due_appeals(?, ?)', [now, BATCH]));
  const calendars = new Map<string, WorkCalendar>();
  let made = 0;
  for (const { org_id: orgId, id } of due) {
    made += await db.withTenant(orgId, async (em) => {
      const appeal = await lockAppeal(em, orgId, id);
      if (!appeal) return 0;
      let cal = calendars.get(orgId);
      if (!cal) calendars.set(orgId, cal = await loadWorkCalendar(em, orgId));
      return escalate(em, appeal, cal, now);
    });
  }
  return made;
}

async function escalate(em: Em, appeal: AppealState, cal: WorkCalendar, now: Date): Promise<number> {
  const firing = escalationMoments(appeal, cal).filter((m) => m.at <= now.getTime()).map((m) => m.name);
  // A breach makes its own risk warning pointless: only the breach is told.
  const names = firing.filter((n) => !(n.endsWith('Risk') && firing.includes(n.replace('Risk', 'Breach') as EscalationName)));
  let a: AppealState = { ...appeal, escalated: firing.reduce((bits, n) => bits | ESCALATION[n], appeal.escalated) };
  const above = names.length > 0 ? await escalationTargets(em, a.orgId, a.teamId) : [];
  for (const name of names) {
    const clock = name.startsWith('response') ? 'response' : 'resolution';
    const breach = name.endsWith('Breach');
    const users = breach ? [a.assigneeId, ...above] : a.assigneeId ? [a.assigneeId] : above;
    await addEvent(em, { orgId: a.orgId, appealId: a.id, kind: breach ? 'breached' : 'at_risk', data: { clock }, now });
    const told = await notifyStaff(em, { orgId: a.orgId, appealId: a.id, kind: breach ? 'breached' : 'at_risk', userIds: users, now });
    await queueNotifications(em, a.orgId, told, now);
    if (name === 'responseBreach' && a.type === 'emergency' && a.takenAt === null && a.alertedAt === null) {
      a = { ...a, alertedAt: now };
      await addEvent(em, { orgId: a.orgId, appealId: a.id, kind: 'alerted', data: {}, now });
      await queueEffect(em, { orgId: a.orgId, topic: APPEAL_TOPICS.dispatch, payload: { orgId: a.orgId, appealId: a.id }, jobId: `dispatch:${a.id}`, now });
    }
  }
  await saveAppeal(em, a, cal, now);
  return names.length;
}

/** Answered appeals nobody came back to within the organisation's days (7 by default) close; part of the sweep. */
export async function runAutoClose(db: Database, now: Date): Promise<number> {
  const stale = await db.withoutTenant((em) => em.execute<{ org_id: string; id: string }[]>('select org_id, id from fp_stale_answered(?, ?)', [now, BATCH]));
  let closed = 0;
  for (const { org_id: orgId, id } of stale) {
    if (await db.withTenant(orgId, (em) => autoCloseAppeal(em, orgId, id, now))) closed++;
  }
  return closed;
}
