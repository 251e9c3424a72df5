import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const ORG_CATEGORIES = ['uk', 'tszh', 'tsn', 'zhsk', 'rso', 'snt', 'dnt', 'gsk', 'school', 'transport', 'other'] as const;
export type OrgCategory = (typeof ORG_CATEGORIES)[number];

export const PAYMENT_METHODS = ['sbp', 'card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** internal: the organisation pays the fee out of the amount; external: the payer pays amount + fee. */
export const COMMISSION_MODES = ['internal', 'external'] as const;
export type CommissionMode = (typeof COMMISSION_MODES)[number];
export type CommissionRule = { readonly mode: CommissionMode; readonly basisPoints: number };
export type CommissionSettings = Readonly<Record<PaymentMethod, CommissionRule>>;

/** ЖКУ and other kinds a service can be; drives norms, restriction rules and ГИС ЖКХ mapping later. */
export const SERVICE_KINDS = [
  'maintenance', 'cold_water', 'hot_water', 'sewerage', 'heating', 'electricity', 'gas', 'waste', 'capital_repair',
  'common_property', 'intercom', 'security', 'membership_fee', 'target_fee', 'education', 'transport', 'other',
] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const STAFF_ROLES = ['admin', 'accountant', 'operator', 'lawyer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const Organization = defineEntity({
  name: 'Organization',
  tableName: 'organizations',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    slug: p.string().length(40).unique(),
    name: p.string().length(300),
    shortName: p.string().length(160),
    category: p.enum([...ORG_CATEGORIES]),
    inn: p.string().length(12),
    kpp: p.string().length(9).nullable(),
    ogrn: p.string().length(15).nullable(),
    bankAccount: p.string().length(20),
    bik: p.string().length(9),
    corrAccount: p.string().length(20),
    bankName: p.string().length(160),
    commission: p.json<CommissionSettings>(),
    timeZone: p.string().length(64).default('Europe/Moscow'),
    /** How a payment is shared among services with debt (core/payments split.calc.ts). */
    splitRule: p.string().length(16).default('oldestFirst'),
    /** fixedShares: service id → weight (a tariff decision). */
    splitShares: p.json<Record<string, number>>().nullable(),
    /** The offer the payer accepts on the payment page. */
    offerUrl: p.string().length(500).nullable(),
    /** Days of the month residents may submit meter readings (ПП 354 п. 31: the contract sets them); null: any day. */
    readingDayFrom: p.smallint().nullable(),
    readingDayTo: p.smallint().nullable(),
    /** The emergency dispatcher's phone the bot names at once, and the number the phone robot transfers to. */
    dispatcherPhone: p.string().length(16).nullable(),
    operatorPhone: p.string().length(16).nullable(),
    /** The number residents call to reach the phone robot; its turns name it in `to`. */
    voiceNumber: p.string().length(16).nullable().unique(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type OrganizationRow = InferEntity<typeof Organization>;

/** A payee with its own requisites: the organisation itself, a водоканал, a capital-repair fund… */
export const Recipient = defineEntity({
  name: 'Recipient',
  tableName: 'recipients',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().index(),
    name: p.string().length(300),
    inn: p.string().length(12),
    kpp: p.string().length(9).nullable(),
    bankAccount: p.string().length(20),
    bik: p.string().length(9),
    corrAccount: p.string().length(20),
    bankName: p.string().length(160),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type RecipientRow = InferEntity<typeof Recipient>;

export const Service = defineEntity({
  name: 'Service',
  tableName: 'services',
  uniques: [{ properties: ['org', 'code'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    code: p.string().length(32),
    name: p.string().length(200),
    unit: p.string().length(32),
    kind: p.enum([...SERVICE_KINDS]),
    recipient: () => p.manyToOne(Recipient).mapToPk().index(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type ServiceRow = InferEntity<typeof Service>;

/** Staff are global (one person may work for several organisations); their role lives on the membership. */
export const StaffUser = defineEntity({
  name: 'StaffUser',
  tableName: 'users',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    email: p.string().length(254).unique(),
    fullName: p.string().length(200),
    passwordHash: p.string().length(200).hidden(),
    active: p.boolean().default(true),
    platformOperator: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type StaffUserRow = InferEntity<typeof StaffUser>;

export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'memberships',
  uniques: [{ properties: ['org', 'user'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    user: () => p.manyToOne(StaffUser).mapToPk().index(),
    role: p.enum([...STAFF_ROLES]),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type MembershipRow = InferEntity<typeof Membership>;

export const ORGS_ENTITIES = [Organization, Recipient, Service, StaffUser, Membership];
