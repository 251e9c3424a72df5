import type { Em } from '../infra/database/database.ts';

/**
 * What appeals hand to the worker, through the outbox (written in the change's own transaction, so a crash can
 * neither lose nor invent them). Payloads carry ids only, never personal data.
 */
export const APPEAL_TOPICS = {
  /** A message for the resident's chat: a staff answer, an emergency taken, the rating question. */
  deliver: 'appeals.deliver',
  /** The chat could not deliver an answer: e-mail or SMS if the resident consented. */
  fallback: 'appeals.fallback',
  /** A staff notification by e-mail. */
  notify: 'appeals.notify',
  /** An emergency nobody took: the dispatcher group chat hears of it. */
  dispatch: 'appeals.dispatch',
  /** The escalation sweep (a schedule). */
  sweep: 'appeals.sweep',
} as const;

export type DeliverKind = 'answer' | 'taken' | 'rate';
export type DeliverPayload = { readonly orgId: string; readonly appealId: string; readonly kind: DeliverKind; readonly messageId?: string };

export async function queueEffect(em: Em, e: { orgId: string; topic: string; payload: Record<string, unknown>; jobId: string; now: Date }): Promise<void> {
  await em.execute('insert into outbox (org_id, topic, payload, job_id, available_at, created_at, dispatches) values (?, ?, ?, ?, ?, ?, 0)',
    [e.orgId, e.topic, JSON.stringify(e.payload), e.jobId.slice(0, 200), e.now, e.now]);
}

export const queueDelivery = (em: Em, p: DeliverPayload, now: Date): Promise<void> =>
  queueEffect(em, { orgId: p.orgId, topic: APPEAL_TOPICS.deliver, payload: { ...p }, jobId: `appeal-${p.kind}:${p.messageId ?? p.appealId}`, now });

export async function queueNotifications(em: Em, orgId: string, ids: readonly string[], now: Date): Promise<void> {
  for (const id of ids) await queueEffect(em, { orgId, topic: APPEAL_TOPICS.notify, payload: { orgId, notificationId: id }, jobId: `staff-note:${id}`, now });
}
