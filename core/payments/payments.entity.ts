import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization } from '../orgs/orgs.entity.ts';

/**
 * Our side of a payment. Status moves forward only (payment-state.calc.ts); money figures are fixed when the
 * attempt is created: `amount` is credited against the debt, `fee` is ours, `gross` is what the payer is charged
 * and `net` what the recipients get. The payment row is the one mutable record of the flow; what happened to it
 * is told by the append-only events, inbox, splits and ledger entries.
 */
export const PAYMENT_STATUSES = ['created', 'pending', 'authorized', 'paid', 'failed', 'canceled', 'refunded', 'partially_refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Where the payer came from: a bill or message link, an entrance plate, a collector's card, a bot, the API. */
export const PAYMENT_SOURCES = ['link', 'plate', 'collector', 'bot', 'api'] as const;
export type PaymentSource = (typeof PAYMENT_SOURCES)[number];

export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  indexes: [
    { properties: ['org', 'createdAt'] }, { properties: ['org', 'accountId', 'createdAt'] }, { properties: ['org', 'registryDay'] },
    // What reconciliation scans: only the open attempts, a sliver of all payments.
    { name: 'payments_open_index', expression: `create index "payments_open_index" on "payments" ("created_at") where "status" in ('created', 'pending', 'authorized')` },
  ],
  uniques: [{ properties: ['provider', 'providerPaymentId'] }, { properties: ['org', 'idempotencyKey'] }],
  checks: [{ name: 'payments_money', expression: 'amount >= 0 and fee >= 0 and gross = net + fee and refunded >= 0 and refunded <= gross' }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    accountId: p.uuid(),
    provider: p.string().length(16),
    providerPaymentId: p.string().length(64).nullable(),
    method: p.string().length(8),
    status: p.enum([...PAYMENT_STATUSES]),
    amount: p.bigint('number'),
    fee: p.bigint('number'),
    gross: p.bigint('number'),
    net: p.bigint('number'),
    commissionMode: p.string().length(8),
    commissionBp: p.integer(),
    refunded: p.bigint('number').default(0),
    collectorId: p.uuid().nullable(),
    source: p.enum([...PAYMENT_SOURCES]),
    cover: p.json<unknown>().nullable(),
    idempotencyKey: p.string().length(64).nullable(),
    requestHash: p.string().length(64).nullable(),
    paymentUrl: p.text().nullable(),
    sbpPayload: p.text().nullable(),
    statusReason: p.string().length(64).nullable(),
    expiresAt: p.datetime(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    paidAt: p.datetime().nullable(),
    /** The business day (Moscow or the organisation's zone) the payment counts in; set when it is paid. */
    registryDay: p.date().nullable(),
  }),
});
export type PaymentRow = InferEntity<typeof Payment>;

/** Every exchange with the provider and every state change, as it happened (append-only). */
export const PaymentEvent = defineEntity({
  name: 'PaymentEvent',
  tableName: 'payment_events',
  indexes: [{ properties: ['paymentId', 'createdAt'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    /** Insertion order: events of one transaction share a timestamp. */
    seq: p.bigint('number').autoincrement(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false).index(),
    paymentId: p.uuid(),
    kind: p.string().length(16),
    operation: p.string().length(128),
    statusFrom: p.string().length(20).nullable(),
    statusTo: p.string().length(20).nullable(),
    data: p.json<unknown>(),
    createdAt: p.datetime(),
  }),
});

/** One row per provider operation ever applied: a repeated delivery finds its row and changes nothing. */
export const PaymentInbox = defineEntity({
  name: 'PaymentInbox',
  tableName: 'payment_inbox',
  properties: (p) => ({
    provider: p.string().length(16).primary(),
    operationId: p.string().length(160).primary(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false).index(),
    paymentId: p.uuid(),
    outcome: p.string().length(32),
    receivedAt: p.datetime(),
  }),
});

/** The proof of split: which service, period and recipient got how much of a payment (or gave it back in a refund), and why. */
export const PaymentSplit = defineEntity({
  name: 'PaymentSplit',
  tableName: 'payment_splits',
  indexes: [{ properties: ['org', 'accountId', 'serviceId'] }, { properties: ['paymentId'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    paymentId: p.uuid(),
    refundId: p.uuid().nullable(),
    seq: p.integer(),
    accountId: p.uuid(),
    serviceId: p.uuid().nullable(),
    serviceCode: p.string().length(32).nullable(),
    recipientId: p.uuid(),
    period: p.date().nullable(),
    kind: p.enum(['principal', 'penalty', 'advance']),
    amount: p.bigint('number'),
    feeShare: p.bigint('number'),
    debtBefore: p.bigint('number').nullable(),
    reason: p.string().length(20),
    createdAt: p.datetime(),
  }),
});

export const REFUND_STATUSES = ['requested', 'done', 'failed'] as const;
export const PaymentRefund = defineEntity({
  name: 'PaymentRefund',
  tableName: 'payment_refunds',
  indexes: [{ properties: ['paymentId'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    org: () => p.manyToOne(Organization).mapToPk().index(),
    paymentId: p.uuid(),
    amount: p.bigint('number'),
    reason: p.string().length(500),
    status: p.enum([...REFUND_STATUSES]),
    actorId: p.uuid().nullable(),
    actorLabel: p.string().length(254),
    createdAt: p.datetime(),
    completedAt: p.datetime().nullable(),
  }),
});

/** Create-payment requests by idempotency key (RELIABILITY.md P4): the same key with another body is refused. */
export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  properties: (p) => ({
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false).primary(),
    key: p.string().length(64).primary(),
    requestHash: p.string().length(64),
    paymentId: p.uuid(),
    createdAt: p.datetime(),
  }),
});

/** A debt collector in the field: payments through their NFC card are attributed to them. */
export const Collector = defineEntity({
  name: 'Collector',
  tableName: 'collectors',
  uniques: [{ properties: ['org', 'code'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    name: p.string().length(200),
    code: p.string().length(32),
    active: p.boolean().default(true),
    createdAt: p.datetime(),
  }),
});
export type CollectorRow = InferEntity<typeof Collector>;

/** Keys of pay-link signatures. The secret derives from SECRET_KEY and the kid; a retired kid stops verifying. */
export const PayLinkKey = defineEntity({
  name: 'PayLinkKey',
  tableName: 'pay_link_keys',
  properties: (p) => ({
    kid: p.smallint().primary().autoincrement(false),
    createdAt: p.datetime(),
    retiredAt: p.datetime().nullable(),
  }),
});

/** Attempts on rate-limited public forms (the typed-account page), counted per bucket in a sliding hour. */
export const RateLimitHit = defineEntity({
  name: 'RateLimitHit',
  tableName: 'rate_limit_hits',
  indexes: [{ properties: ['bucket', 'hitAt'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    bucket: p.string().length(120),
    hitAt: p.datetime(),
  }),
});

/**
 * The sandbox bank's own books (embedded mode and demo). It stands for an outside bank, so it is a platform
 * table that knows no organisation: only an order id, an amount and where to notify.
 */
export const SandboxPayment = defineEntity({
  name: 'SandboxPayment',
  tableName: 'sandbox_payments',
  properties: (p) => ({
    id: p.string().length(40).primary(),
    orderId: p.string().length(64).unique(),
    amount: p.bigint('number'),
    refunded: p.bigint('number').default(0),
    method: p.string().length(8),
    status: p.string().length(20),
    description: p.string().length(250),
    notificationUrl: p.text(),
    successUrl: p.text(),
    failUrl: p.text(),
    expiresAt: p.datetime(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});

export const PAYMENTS_ENTITIES = [SandboxPayment, Payment, PaymentEvent, PaymentInbox, PaymentSplit, PaymentRefund, IdempotencyKey, Collector, PayLinkKey, RateLimitHit];
