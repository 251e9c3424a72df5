import type { Em } from '../infra/database/database.ts';
import { err, isUuid, ok, type Result } from '../shared/index.ts';
import type { AppealState } from './appeal-record.ts';
import { addEvent, addMessage, saveAppeal } from './appeal-record.ts';
import { queueDelivery } from './effects.ts';
import { MAX_APPEAL_TEXT } from './appeals.service.ts';
import { openForChange, tick, type Actor, type WorkflowError } from './workflow.ts';

/** What the appeal becomes after a staff reply: still waiting for the resident, answered, or closed at once. */
export const REPLY_THEN = ['waiting', 'answered', 'closed'] as const;
export type ReplyThen = (typeof REPLY_THEN)[number];

export type ReplyInput = { readonly text: string; readonly attachments?: readonly string[]; readonly then: ReplyThen };

/**
 * A staff reply to the resident. The first one stops the first-response clock (only a person's reply counts:
 * the system's messages never do). «Waiting» pauses the clocks until the resident writes; «answered» and
 * «closed» stop the resolution clock. The message reaches the resident's chat through the outbox.
 */
export async function replyToAppeal(em: Em, actor: Actor, appealId: string, input: ReplyInput): Promise<Result<{ appeal: AppealState; messageId: string }, WorkflowError>> {
  const text = input.text.trim().slice(0, MAX_APPEAL_TEXT);
  const attachments = [...new Set(input.attachments ?? [])];
  if (!text && attachments.length === 0) return err('APPEALS.TEXT_REQUIRED');
  if (!attachments.every(isUuid)) return err('APPEALS.ATTACHMENT_NOT_FOUND');
  const c = await openForChange(em, actor.orgId, appealId);
  if (!c) return err('APPEALS.NOT_FOUND');
  if (c.appeal.status === 'closed') return err('APPEALS.CLOSED');
  if (attachments.length > 0) {
    const files = await em.execute(`select id from document_files where org_id = ? and id in (${attachments.map(() => '?').join(', ')})`, [actor.orgId, ...attachments]);
    if (files.length !== attachments.length) return err('APPEALS.ATTACHMENT_NOT_FOUND');
  }
  let a = tick(c.appeal, { kind: 'respond' }, actor.now, c.cal);
  if (!a.assigneeId) a = { ...a, assigneeId: actor.userId, assignedAt: actor.now };
  if (input.then === 'waiting') a = { ...tick(a, { kind: 'pause' }, actor.now, c.cal), status: 'waiting' };
  else a = { ...tick(a, { kind: 'resolve' }, actor.now, c.cal), status: input.then, closedAt: input.then === 'closed' ? actor.now : a.closedAt };
  await saveAppeal(em, a, c.cal, actor.now);
  const messageId = await addMessage(em, { orgId: actor.orgId, appealId, author: 'staff', staffUserId: actor.userId, text, attachments, now: actor.now });
  await addEvent(em, { orgId: actor.orgId, appealId, kind: 'replied', actorId: actor.userId, data: { messageId, then: input.then }, now: actor.now });
  await queueDelivery(em, { orgId: actor.orgId, appealId, kind: 'answer', messageId }, actor.now);
  if (input.then === 'closed') await closed(em, actor, a);
  return ok({ appeal: a, messageId });
}

/** A note for colleagues: kept with the conversation, never sent, changes no clock. */
export async function addNote(em: Em, actor: Actor, appealId: string, text: string): Promise<Result<string, WorkflowError>> {
  const note = text.trim().slice(0, MAX_APPEAL_TEXT);
  if (!note) return err('APPEALS.TEXT_REQUIRED');
  const c = await openForChange(em, actor.orgId, appealId);
  if (!c) return err('APPEALS.NOT_FOUND');
  const id = await addMessage(em, { orgId: actor.orgId, appealId, author: 'staff', staffUserId: actor.userId, text: note, attachments: [], internal: true, now: actor.now });
  await addEvent(em, { orgId: actor.orgId, appealId, kind: 'note', actorId: actor.userId, data: { messageId: id }, now: actor.now });
  return ok(id);
}

/** Closing stops both clocks whoever spoke last; the resident is asked to rate the answer. */
export async function closeAppeal(em: Em, actor: Actor, appealId: string): Promise<Result<AppealState, WorkflowError>> {
  const c = await openForChange(em, actor.orgId, appealId);
  if (!c) return err('APPEALS.NOT_FOUND');
  if (c.appeal.status === 'closed') return err('APPEALS.CLOSED');
  const a: AppealState = { ...tick(c.appeal, { kind: 'resolve' }, actor.now, c.cal), status: 'closed', closedAt: actor.now };
  await saveAppeal(em, a, c.cal, actor.now);
  await closed(em, actor, a);
  return ok(a);
}

/**
 * An answered appeal the resident did not come back to within the organisation's days closes by itself (no staff
 * member acts: the event has no actor) and the resident is asked to rate it. Only still-answered appeals close.
 */
export async function autoCloseAppeal(em: Em, orgId: string, appealId: string, now: Date): Promise<boolean> {
  const c = await openForChange(em, orgId, appealId);
  if (!c || c.appeal.status !== 'answered') return false;
  const a: AppealState = { ...tick(c.appeal, { kind: 'resolve' }, now, c.cal), status: 'closed', closedAt: now };
  await saveAppeal(em, a, c.cal, now);
  await closed(em, { orgId, userId: null, now }, a, { auto: true });
  return true;
}

async function closed(em: Em, actor: Omit<Actor, 'userId'> & { userId: string | null }, a: AppealState, extra: Record<string, unknown> = {}): Promise<void> {
  await addEvent(em, { orgId: actor.orgId, appealId: a.id, kind: 'closed', actorId: actor.userId, data: { responseMet: a.responseMet, resolutionMet: a.resolutionMet, ...extra }, now: actor.now });
  await queueDelivery(em, { orgId: actor.orgId, appealId: a.id, kind: 'rate', messageId: `${a.id}:${actor.now.getTime()}` }, actor.now);
}

/** Staff open a closed or answered appeal again: the clocks run on from where they stopped. */
export async function reopenAppeal(em: Em, actor: Actor, appealId: string): Promise<Result<AppealState, WorkflowError>> {
  const c = await openForChange(em, actor.orgId, appealId);
  if (!c) return err('APPEALS.NOT_FOUND');
  if (c.appeal.status !== 'closed' && c.appeal.status !== 'answered') return err('APPEALS.NOT_CLOSED');
  const a = reopened(c.appeal, actor.now, c.cal);
  await saveAppeal(em, a, c.cal, actor.now);
  await addEvent(em, { orgId: actor.orgId, appealId, kind: 'reopened', actorId: actor.userId, now: actor.now });
  return ok(a);
}

const reopened = (appeal: AppealState, now: Date, cal: Parameters<typeof tick>[3]): AppealState =>
  ({ ...tick(appeal, { kind: 'reopen' }, now, cal), status: appeal.assigneeId ? 'assigned' : 'new', closedAt: null });

/**
 * The resident writes again on their appeal (from the bot): a waiting appeal's clocks run again; an answered or
 * closed one reopens. The staff member on it sees it at the top of their queue.
 */
export async function residentWrites(
  em: Em, who: { orgId: string; personId: string; now: Date }, appealId: string, text: string, attachments: readonly string[] = [],
): Promise<Result<AppealState, WorkflowError>> {
  const words = text.trim().slice(0, MAX_APPEAL_TEXT);
  if (!words && attachments.length === 0) return err('APPEALS.TEXT_REQUIRED');
  const c = await openForChange(em, who.orgId, appealId);
  if (!c || c.appeal.personId !== who.personId) return err('APPEALS.NOT_FOUND');
  let a = c.appeal;
  if (a.status === 'waiting') a = { ...tick(a, { kind: 'resume' }, who.now, c.cal), status: a.assigneeId ? 'assigned' : 'new' };
  else if (a.status === 'answered' || a.status === 'closed') a = reopened(a, who.now, c.cal);
  await saveAppeal(em, a, c.cal, who.now);
  await addMessage(em, { orgId: who.orgId, appealId, author: 'resident', staffUserId: null, text: words, attachments, now: who.now });
  await addEvent(em, { orgId: who.orgId, appealId, kind: c.appeal.status === 'answered' || c.appeal.status === 'closed' ? 'reopened' : 'resident_message', data: { from: c.appeal.status }, now: who.now });
  return ok(a);
}

/** The resident's rating of a closed appeal, 1–5; the first one counts. */
export async function rateAppeal(em: Em, who: { orgId: string; personId: string; now: Date }, appealId: string, score: number): Promise<boolean> {
  if (!isUuid(appealId) || !Number.isInteger(score) || score < 1 || score > 5) return false;
  const rows = await em.execute(
    `update appeals set rating = ?, rated_at = ? where org_id = ? and id = ? and person_id = ? and status = 'closed' and rating is null returning id`,
    [score, who.now, who.orgId, appealId, who.personId]);
  if (rows.length === 0) return false;
  await addEvent(em, { orgId: who.orgId, appealId, kind: 'rated', data: { score }, now: who.now });
  return true;
}
