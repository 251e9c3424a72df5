import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization } from '../orgs/orgs.entity.ts';
import { Identity } from '../accounts/accounts.entity.ts';

export const BOT_CHANNELS = ['telegram', 'max', 'whatsapp'] as const;
export type BotChannel = (typeof BOT_CHANNELS)[number];

/**
 * An organisation's bot on one messenger, or the platform's bot (org null) that serves several organisations.
 * The token and the webhook secret are sealed with the service key (AES-256-GCM): a database dump does not hand
 * out the bots. Row-level security shows a tenant its own rows; webhooks find theirs through fp_bot_connection.
 */
export const BotConnectionRecord = defineEntity({
  name: 'BotConnectionRecord',
  tableName: 'bot_connections',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().nullable().index(),
    channel: p.enum([...BOT_CHANNELS]),
    title: p.string().length(120),
    tokenSealed: p.text(),
    secretSealed: p.text(),
    settings: p.json<Record<string, unknown>>(),
    active: p.boolean().default(true),
    /** webhook | polling | qr | ready | error | stopped, as the adapter last reported it. */
    state: p.string().length(16).default('new'),
    stateDetail: p.text().nullable(),
    stateAt: p.datetime().nullable(),
    /** The last few errors (no personal data), newest first. */
    lastErrors: p.json<{ at: string; message: string }[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type BotConnectionRow = InferEntity<typeof BotConnectionRecord>;

/*
 * The conversation tables carry no foreign key to their organisation: every key check takes KEY SHARE on the one
 * organisation row, and all of its residents' events would queue on it (the payments tables learnt this).
 * Row-level security pins org_id, and organisations are never deleted. Nor an index on org_id alone: every read is
 * by identity or payment, and under row-level security the planner with thin statistics would take an org-only
 * index for those lookups and walk the whole tenant (the dialogs benchmark met it).
 */

/** Where a resident is in a conversation: one row per identity, locked while an event of theirs is handled. */
export const DialogState = defineEntity({
  name: 'DialogState',
  tableName: 'dialog_states',
  properties: (p) => ({
    identity: () => p.manyToOne(Identity).mapToPk().primary(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    flow: p.string().length(32),
    step: p.string().length(48),
    /** The flow's version that wrote `data`; another version restarts the flow instead of misreading it. */
    version: p.integer(),
    data: p.json<Record<string, unknown>>(),
    /** The currently chosen account (a resident may link several). */
    accountId: p.uuid().nullable(),
    /** Where the resident last wrote from: later messages (receipts, staff answers) go there. */
    connectionId: p.uuid().nullable(),
    chatId: p.string().length(64).nullable(),
    /** Events handled so far: the order the resident's events were applied in. */
    seq: p.integer().default(0),
    updatedAt: p.datetime(),
  }),
});
export type DialogStateRow = InferEntity<typeof DialogState>;

/** The replies given to each channel event, so a redelivered webhook (or a robot's retried turn) answers the same. */
export const DialogInbox = defineEntity({
  name: 'DialogInbox',
  tableName: 'dialog_inbox',
  indexes: [{ properties: ['createdAt'] }],
  properties: (p) => ({
    identity: () => p.manyToOne(Identity).mapToPk().primary(),
    eventKey: p.string().length(100).primary(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    reply: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  }),
});

/** Messages to a web chat that arrive after its request was answered (receipts, staff answers); the page polls. */
export const ChatPending = defineEntity({
  name: 'ChatPending',
  tableName: 'chat_pending',
  indexes: [{ properties: ['org', 'chatId', 'id'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    chatId: p.string().length(64),
    /** The message key: a retried send stores it once. */
    messageKey: p.string().length(160).unique(),
    message: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  }),
});

/** A payment started from a chat: its receipt goes back to that chat when the bank confirms it. */
export const DialogPayment = defineEntity({
  name: 'DialogPayment',
  tableName: 'dialog_payments',
  properties: (p) => ({
    paymentId: p.uuid().primary(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    identity: () => p.manyToOne(Identity).mapToPk(),
    channel: p.string().length(16),
    connectionId: p.uuid().nullable(),
    chatId: p.string().length(64),
    createdAt: p.datetime(),
  }),
});

export const CONVERSATIONS_ENTITIES = [BotConnectionRecord, DialogState, DialogInbox, ChatPending, DialogPayment];
