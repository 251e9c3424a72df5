import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization } from '../orgs/orgs.entity.ts';
import { Account, CHANNELS, Identity, Person } from '../accounts/accounts.entity.ts';

export const APPEAL_TYPES = ['question', 'debt_structure', 'emergency', 'complaint', 'meter_issue'] as const;
export type AppealType = (typeof APPEAL_TYPES)[number];

export const APPEAL_STATUSES = ['new', 'assigned', 'waiting', 'answered', 'closed'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

export const EMERGENCY_CATEGORIES = ['leak', 'electricity', 'sewer', 'heating', 'lift', 'gas', 'other'] as const;
export type EmergencyCategory = (typeof EMERGENCY_CATEGORIES)[number];

export const APPEAL_AUTHORS = ['resident', 'staff', 'system'] as const;
export type AppealAuthor = (typeof APPEAL_AUTHORS)[number];

/** A resident's question, request or emergency, as staff see it. Numbers are per organisation for people to quote. */
export const Appeal = defineEntity({
  name: 'Appeal',
  tableName: 'appeals',
  uniques: [{ properties: ['org', 'number'] }],
  indexes: [{ properties: ['org', 'status', 'createdAt'] }],
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
    address: p.string().length(500).nullable(),
    text: p.text(),
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
    /** document_files ids. */
    attachments: p.json<string[]>(),
    /** How a staff answer reached the resident: telegram, webchat, email… (null while not delivered). */
    deliveredVia: p.string().length(16).nullable(),
    deliveredAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  }),
});
export type AppealMessageRow = InferEntity<typeof AppealMessage>;

export const APPEALS_ENTITIES = [Appeal, AppealMessage];
