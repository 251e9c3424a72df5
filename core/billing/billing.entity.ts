import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization, Service } from '../orgs/orgs.entity.ts';
import { Account } from '../accounts/accounts.entity.ts';

/** How a charge was computed (ПП 354): by an individual meter, by the norm, or by the average of past readings. */
export const CHARGE_METHODS = ['meter', 'norm', 'average'] as const;
export type ChargeMethod = (typeof CHARGE_METHODS)[number];

/** Where a charge came from: a customer's registry, or (later) our own monthly accrual run. */
export const CHARGE_SOURCES = ['import', 'accrual'] as const;
export type ChargeSource = (typeof CHARGE_SOURCES)[number];

/**
 * What an account owes for one service in one period. Amounts are integer kopecks (null when the registry did
 * not say); tariff and volume exact decimals. One row per (account, service, period): a later registry for the
 * same period replaces the figures, and the import that wrote them is named.
 * No foreign-key constraints: a registry writes a million of these in one statement, and the per-row key checks
 * (each a locking lookup) made that six times slower. What they would guard is guaranteed otherwise: imports
 * join the accounts and services they reference in the same transaction, and the application role may not
 * delete organisations, accounts or services at all (migration registries_billing).
 */
export const Charge = defineEntity({
  name: 'Charge',
  tableName: 'charges',
  indexes: [{ properties: ['org', 'period'] }],
  properties: (p) => ({
    account: () => p.manyToOne(Account).mapToPk().primary().createForeignKeyConstraint(false),
    service: () => p.manyToOne(Service).mapToPk().primary().createForeignKeyConstraint(false),
    /** The first day of the month. */
    period: p.date().primary(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    method: p.enum([...CHARGE_METHODS]).nullable(),
    tariff: p.decimal('string').precision(14).scale(4).nullable(),
    volume: p.decimal('string').precision(16).scale(6).nullable(),
    accrued: p.bigint('number').nullable(),
    recalculation: p.bigint('number').nullable(),
    benefit: p.bigint('number').nullable(),
    openingBalance: p.bigint('number').nullable(),
    paid: p.bigint('number').nullable(),
    toPay: p.bigint('number').nullable(),
    penalty: p.bigint('number').nullable(),
    /** ГИС ЖКХ payment document id for this account and period. */
    ipd: p.string().length(40).nullable(),
    source: p.enum([...CHARGE_SOURCES]),
    importId: p.uuid().nullable(),
    updatedAt: p.datetime(),
  }),
});
export type ChargeRow = InferEntity<typeof Charge>;

export const Meter = defineEntity({
  name: 'Meter',
  tableName: 'meters',
  uniques: [{ properties: ['account', 'number'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().index(),
    account: () => p.manyToOne(Account).mapToPk(),
    service: () => p.manyToOne(Service).mapToPk().nullable(),
    number: p.string().length(32),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type MeterRow = InferEntity<typeof Meter>;

/** A meter's reading for a period, as a registry or a resident reported it. */
export const MeterReading = defineEntity({
  name: 'MeterReading',
  tableName: 'meter_readings',
  uniques: [{ properties: ['meter', 'period', 'source'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().index(),
    meter: () => p.manyToOne(Meter).mapToPk(),
    period: p.date(),
    previousValue: p.decimal('string').precision(16).scale(4).nullable(),
    value: p.decimal('string').precision(16).scale(4),
    readAt: p.date().nullable(),
    source: p.string().length(16),
    importId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type MeterReadingRow = InferEntity<typeof MeterReading>;

export const BILLING_ENTITIES = [Charge, Meter, MeterReading];
