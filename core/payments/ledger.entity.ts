import { defineEntity } from '@mikro-orm/core';
import { Organization } from '../orgs/orgs.entity.ts';

/**
 * Double entry (RELIABILITY.md M3, M4). Kinds: `clearing` — what the acquirer holds for us from payers;
 * `payable` — what we owe one recipient; `advance` — overpayments we hold for one recipient; `fee_income` — our
 * commission. An entry's amount is signed: a debit is positive, a credit negative, so every transfer sums to
 * zero (checked by a statement trigger on the rows each insert wrote) and so does every organisation's ledger.
 */
export const LEDGER_KINDS = ['clearing', 'payable', 'advance', 'fee_income'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const LedgerAccount = defineEntity({
  name: 'LedgerAccount',
  tableName: 'ledger_accounts',
  uniques: [{ properties: ['org', 'code'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    code: p.string().length(80),
    kind: p.enum([...LEDGER_KINDS]),
    recipientId: p.uuid().nullable(),
    createdAt: p.datetime(),
  }),
});

/** Append-only: corrections and refunds are new, reversing transfers. */
export const LedgerEntry = defineEntity({
  name: 'LedgerEntry',
  tableName: 'ledger_entries',
  indexes: [{ properties: ['org', 'ledgerAccountId'] }, { properties: ['transferId'] }, { properties: ['paymentId'] }],
  checks: [{ name: 'ledger_entries_amount_not_zero', expression: 'amount <> 0' }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    transferId: p.uuid(),
    ledgerAccountId: p.uuid(),
    amount: p.bigint('number'),
    kind: p.string().length(16),
    paymentId: p.uuid().nullable(),
    refundId: p.uuid().nullable(),
    accountId: p.uuid().nullable(),
    createdAt: p.datetime(),
  }),
});

export const LEDGER_ENTITIES = [LedgerAccount, LedgerEntry];
