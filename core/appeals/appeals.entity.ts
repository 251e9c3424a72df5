import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization, StaffUser } from '../orgs/orgs.entity.ts';
import { Account, CHANNELS, Identity, Person } from '../accounts/accounts.entity.ts';

export const APPEAL_TYPES = ['question', 'debt_structure', 'emergency', 'complaint', 'meter_issue'] as const;
export type AppealType = (typeof APPEAL_TYPES)[number];

export const APPEAL_STATUSES = ['new', 'assigned', 'waiting', 'answered', 'closed'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

export const EMERGENCY_CATEGORIES = ['leak', 'electricity', 'sewer', 'heating', 'lift', 'gas', 'other'] as const;
export type EmergencyCategory = (typeof EMERGENCY_CATEGORIES)[number];

/** A clock that runs in working hours (the organisation's calendar) or round the clock (emergencies, ПП 416). */
export const SLA_MODES = ['business', 'always'] as const;
export type SlaMode = (typeof SLA_MODES)[number];

export const APPEAL_AUTHORS = ['resident', 'staff', 'system'] as const;
export type AppealAuthor = (typeof APPEAL_AUTHORS)[number];

/**
 * A resident's question, request or emergency, as staff see it. Numbers are per organisation for people to quote.
 *
 * Two SLA clocks: first response (stopped by the first human staff reply, or by a dispatcher taking an emergency)
 * and resolution (stopped by «answered» or «closed»). Both pause while the appeal waits for the resident
 * (`clock_since` null) and run again on reopen; `*_elapsed_s` is the working time counted up to `clock_since` (or
 * up to the stop). The due instants are stored for sorting and for the escalation sweep (`next_check_at`), and
 * recomputed whenever the policy or the calendar changes.
 */
export const Appeal = defineEntity({
  name: 'Appeal',
  tableName: 'appeals',
  uniques: [{ properties: ['org', 'number'] }],
  indexes: [
    { properties: ['org', 'status', 'createdAt'] },
    { name: 'appeals_open_due_index', expression: `create index "appeals_open_due_index" on "appeals" ("org_id", "resolution_due_at") where "status" <> 'closed'` },
    { name: 'appeals_next_check_index', expression: `create index "appeals_next_check_index" on "appeals" ("next_check_at") where "next_check_at" is not null` },
    { name: 'appeals_open_queue_index', expression: `create index "appeals_open_queue_index" on "appeals" ("org_id", ("type" = 'emergency') desc, coalesce("response_due_at", "resolution_due_at"), "number") where "status" in ('new', 'assigned', 'waiting')` },
    { name: 'appeals_closed_index', expression: `create index "appeals_closed_index" on "appeals" ("org_id", "closed_at" desc, "number" desc) where "status" = 'closed'` },
    { name: 'appeals_answered_index', expression: `create index "appeals_answered_index" on "appeals" ("resolved_at") where "status" = 'answered'` },
    { name: 'appeals_assignee_open_index', expression: `create index "appeals_assignee_open_index" on "appeals" ("assignee_id") where "status" in ('new', 'assigned', 'waiting')` },
  ],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    number: p.integer(),
    type: p.enum([...APPEAL_TYPES]),
    category: p.string().length(32).nullable(),
    status: p.enum([...APPEAL_STATUSES]).default('new'),
    urgent: p.boolean().default(false),
    person: () => p.manyToOne(Person).mapToPk().nullable(),
    identity: () => p.manyToOne(Identity).mapToPk().nullable(),
    channel: p.enum([...CHANNELS]).nullable(),
    account: () => p.manyToOne(Account).mapToPk().nullable().createForeignKeyConstraint(false),
    /** The account's building at filing, for routing, filters and reports (no constraint, as accounts have none). */
    buildingId: p.uuid().nullable(),
    address: p.string().length(500).nullable(),
    text: p.text(),
    teamId: p.uuid().nullable(),
    assignee: () => p.manyToOne(StaffUser).mapToPk().nullable(),
    assignedAt: p.datetime().nullable(),
    /** A person took it (a dispatcher accepting an emergency, staff pressing «take»); auto-assignment is not taking. */
    takenAt: p.datetime().nullable(),
    slaMode: p.enum([...SLA_MODES]).default('business'),
    clockSince: p.datetime().nullable(),
    responseTargetMin: p.integer().nullable(),
    responseElapsedS: p.integer().default(0),
    responseDueAt: p.datetime().nullable(),
    respondedAt: p.datetime().nullable(),
    responseMet: p.boolean().nullable(),
    resolutionTargetMin: p.integer().nullable(),
    resolutionElapsedS: p.integer().default(0),
    resolutionDueAt: p.datetime().nullable(),
    resolvedAt: p.datetime().nullable(),
    resolutionMet: p.boolean().nullable(),
    /** The next moment the escalation sweep must look at this appeal (a risk, a breach, an emergency not taken). */
    nextCheckAt: p.datetime().nullable(),
    /** The dispatcher chat was alerted: an emergency nobody took in time (admin highlights it). */
    alertedAt: p.datetime().nullable(),
    /** Escalations already made in this run of the clocks (ESCALATION bits of appeal-clocks.calc.ts); cleared on reopen. */
    escalated: p.smallint().default(0),
    lastAuthor: p.enum([...APPEAL_AUTHORS]).nullable(),
    lastMessageAt: p.datetime().nullable(),
    closedAt: p.datetime().nullable(),
    rating: p.smallint().nullable(),
    ratedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});
export type AppealRow = InferEntity<typeof Appeal>;

/** The conversation of an appeal: the resident's words, staff answers, system notes; never edited. */
export const AppealMessage = defineEntity({
  name: 'AppealMessage',
  tableName: 'appeal_messages',
  indexes: [{ properties: ['appeal', 'id'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    org: () => p.manyToOne(Organization).mapToPk().index(),
    appeal: () => p.manyToOne(Appeal).mapToPk(),
    author: p.enum([...APPEAL_AUTHORS]),
    staffUserId: p.uuid().nullable(),
    text: p.text(),
    /** A staff note for colleagues: never sent to the resident. */
    internal: p.boolean().default(false),
    /** document_files ids. */
    attachments: p.json<string[]>(),
    /** How a staff answer reached the resident: telegram, webchat, email… (null while not delivered). */
    deliveredVia: p.string().length(16).nullable(),
    deliveredAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  }),
});
export type AppealMessageRow = InferEntity<typeof AppealMessage>;

export const APPEAL_EVENT_KINDS = [
  'filed', 'routed', 'assigned', 'taken', 'status', 'reclassified', 'replied', 'note', 'resident_message', 'reopened',
  'closed', 'at_risk', 'breached', 'alerted', 'delivered', 'undelivered', 'rated', 'sla_recomputed',
] as const;
export type AppealEventKind = (typeof APPEAL_EVENT_KINDS)[number];

/** Every change of an appeal, in order: who did what and when (ARCHITECTURE.md «appeal_events»). Never edited. */
export const AppealEvent = defineEntity({
  name: 'AppealEvent',
  tableName: 'appeal_events',
  indexes: [{ properties: ['appeal', 'id'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    appeal: () => p.manyToOne(Appeal).mapToPk(),
    kind: p.enum([...APPEAL_EVENT_KINDS]),
    /** The staff member; null for the resident and the system. */
    actorId: p.uuid().nullable(),
    data: p.json<Record<string, unknown>>(),
    at: p.datetime(),
  }),
});

export const APPEALS_ENTITIES = [Appeal, AppealMessage, AppealEvent];
