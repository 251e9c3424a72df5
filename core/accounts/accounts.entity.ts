import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization } from '../orgs/orgs.entity.ts';

export const PREMISE_KINDS = ['residential', 'non_residential', 'parking', 'land_plot', 'garage'] as const;
export type PremiseKind = (typeof PREMISE_KINDS)[number];

export const ACCOUNT_STATUSES = ['open', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const CHANNELS = ['telegram', 'whatsapp', 'max', 'webchat', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CONTACT_KINDS = ['phone', 'email'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const LINK_RELATIONS = ['payer', 'owner', 'resident', 'proxy'] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];

/** How a person proved the link to an account (later issues add the bot's checks). */
export const LINK_PROOFS = ['import', 'staff', 'deep_link', 'phone_match', 'bill_code', 'bill_amount'] as const;
export type LinkProof = (typeof LINK_PROOFS)[number];

/*
 * Buildings, premises and accounts carry no foreign-key constraints on their organisation and parent: a registry
 * creates hundreds of thousands of them in one statement, and each key check is a locking lookup (the import of
 * 200 000 accounts spent half its time there). The application role may not delete organisations, buildings,
 * premises or accounts (migration registries_billing), and row-level security pins org_id, so the references
 * cannot dangle; an account is closed, never removed.
 */
export const Building = defineEntity({
  name: 'Building',
  tableName: 'buildings',
  uniques: [{ properties: ['org', 'addressKey'] }],
  indexes: [{ name: 'buildings_address_trgm_index', expression: 'create index "buildings_address_trgm_index" on "buildings" using gin ("address_key" gin_trgm_ops)' }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    address: p.string().length(500),
    /** Lower-cased, single-spaced address: registries spell the same house in many ways. */
    addressKey: p.string().length(500),
    fiasId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type BuildingRow = InferEntity<typeof Building>;

export const Premise = defineEntity({
  name: 'Premise',
  tableName: 'premises',
  uniques: [{ properties: ['building', 'number'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().index().createForeignKeyConstraint(false),
    building: () => p.manyToOne(Building).mapToPk().createForeignKeyConstraint(false),
    number: p.string().length(32),
    kind: p.enum([...PREMISE_KINDS]).default('residential'),
    /** Square metres as an exact decimal string with two places ('54.30'): never a binary float. */
    area: p.decimal('string').precision(10).scale(2).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type PremiseRow = InferEntity<typeof Premise>;

export const Account = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  uniques: [{ properties: ['org', 'number'] }],
  // Staff search (account-search.ts): number prefix, and the payer's name anywhere in it (trigrams).
  indexes: [
    { name: 'accounts_org_number_prefix_index', expression: 'create index "accounts_org_number_prefix_index" on "accounts" ("org_id", "number" varchar_pattern_ops)' },
    { name: 'accounts_org_payer_index', properties: ['org', 'payerName'] },
    { name: 'accounts_payer_trgm_index', expression: 'create index "accounts_payer_trgm_index" on "accounts" using gin (lower("payer_name") gin_trgm_ops)' },
  ],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    number: p.string().length(32),
    /** true when FamilyPay assigned the number because the customer had none. */
    numberAssigned: p.boolean().default(false),
    premise: () => p.manyToOne(Premise).mapToPk().nullable().index().createForeignKeyConstraint(false),
    payerName: p.string().length(300).nullable(),
    residentsCount: p.integer().default(0),
    els: p.string().length(10).nullable(),
    izhku: p.string().length(13).nullable(),
    status: p.enum([...ACCOUNT_STATUSES]).default('open'),
    closedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type AccountRow = InferEntity<typeof Account>;

/** Next number FamilyPay assigns per organisation; a row lock serialises concurrent imports. */
export const AccountNumberSequence = defineEntity({
  name: 'AccountNumberSequence',
  tableName: 'account_number_sequences',
  properties: (p) => ({
    org: () => p.manyToOne(Organization).mapToPk().primary(),
    nextValue: p.bigint('number').default(1),
  }),
});

export const Person = defineEntity({
  name: 'Person',
  tableName: 'persons',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    fullName: p.string().length(300).nullable(),
    locale: p.string().length(5).default('ru'),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type PersonRow = InferEntity<typeof Person>;

/** A phone or e-mail with the consents 152-ФЗ and 38-ФЗ ask us to keep: what, when and how it was given. */
export const Contact = defineEntity({
  name: 'Contact',
  tableName: 'contacts',
  uniques: [{ properties: ['person', 'kind', 'value'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().index(),
    person: () => p.manyToOne(Person).mapToPk(),
    kind: p.enum([...CONTACT_KINDS]),
    value: p.string().length(254),
    verifiedAt: p.datetime().nullable(),
    consentService: p.boolean().default(false),
    consentMarketing: p.boolean().default(false),
    consentAt: p.datetime().nullable(),
    consentSource: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type ContactRow = InferEntity<typeof Contact>;

/** A person as a messenger knows them. One platform bot may serve several organisations, hence org in the key. */
export const Identity = defineEntity({
  name: 'Identity',
  tableName: 'identities',
  uniques: [{ properties: ['org', 'channel', 'externalId'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    person: () => p.manyToOne(Person).mapToPk().index(),
    channel: p.enum([...CHANNELS]),
    externalId: p.string().length(128),
    phone: p.string().length(16).nullable(),
    consentNotifications: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type IdentityRow = InferEntity<typeof Identity>;

/*
 * Persons and account links carry no index on org_id alone: they are read per person or per account, and under
 * row-level security an org-only index is a trap — with thin statistics (a new organisation, a table that just
 * grew) the planner takes it for a one-row lookup and walks the whole tenant.
 */
export const AccountLink = defineEntity({
  name: 'AccountLink',
  tableName: 'account_links',
  uniques: [{ properties: ['account', 'person'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    account: () => p.manyToOne(Account).mapToPk(),
    person: () => p.manyToOne(Person).mapToPk().index(),
    relation: p.enum([...LINK_RELATIONS]).default('payer'),
    proof: p.enum([...LINK_PROOFS]),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type AccountLinkRow = InferEntity<typeof AccountLink>;

export const ACCOUNTS_ENTITIES = [Building, Premise, Account, AccountNumberSequence, Person, Contact, Identity, AccountLink];
