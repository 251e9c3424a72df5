import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * Effects bound for a queue, written in the same transaction as the state change (ARCHITECTURE.md «Outbox»).
 * Platform infrastructure, not tenant data: the relay reads every organisation's rows, so no RLS here;
 * payloads carry ids, never personal data.
 */
export const OutboxMessage = defineEntity({
  name: 'OutboxMessage',
  tableName: 'outbox',
  indexes: [{ properties: ['completedAt', 'availableAt'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    orgId: p.uuid().nullable(),
    topic: p.string().length(100),
    payload: p.json<Record<string, unknown>>(),
    /** Passed to the queue as jobId, so a relay that crashes after enqueueing cannot enqueue twice. */
    jobId: p.string().length(200),
    availableAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** Last time the relay handed it to the queue. */
    dispatchedAt: p.datetime().nullable(),
    /** Set by the job's handler on success; until then the relay hands it over again (Redis may have lost it). */
    completedAt: p.datetime().nullable(),
    dispatches: p.integer().default(0),
    lastError: p.string().length(500).nullable(),
  }),
});
export type OutboxRow = InferEntity<typeof OutboxMessage>;

/** Effect keys already applied: a job delivered twice finds its key and does nothing (BullMQ is at-least-once). */
export const AppliedEffect = defineEntity({
  name: 'AppliedEffect',
  tableName: 'applied_effects',
  properties: (p) => ({
    key: p.string().length(200).primary(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
