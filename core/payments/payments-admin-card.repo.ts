import type { Em } from '../infra/database/database.ts';
import type { LedgerKind } from './ledger.entity.ts';
import { loadPayment, type PaymentRecord } from './payment-record.ts';
import type { SplitReason } from './split.calc.ts';

/**
 * The payment card for staff: everything that tells what happened to one payment and why — the proof of split,
 * the refunds, the raw exchange with the bank and the ledger entries. Read in the caller's tenant transaction,
 * with `org_id = ?` on every table as well.
 */

export type CardSplit = {
  readonly seq: number; readonly refundId: string | null; readonly serviceName: string | null; readonly serviceCode: string | null;
  readonly recipientId: string; readonly recipientName: string; readonly period: string | null; readonly kind: 'principal' | 'penalty' | 'advance';
  readonly amount: number; readonly feeShare: number; readonly debtBefore: number | null; readonly reason: SplitReason;
};
export type CardRefund = {
  readonly id: string; readonly amount: number; readonly reason: string; readonly status: 'requested' | 'done' | 'failed';
  readonly actorLabel: string; readonly createdAt: Date; readonly completedAt: Date | null;
};
export type CardEvent = {
  readonly kind: string; readonly operation: string; readonly statusFrom: string | null; readonly statusTo: string | null;
  readonly data: unknown; readonly createdAt: Date;
};
export type CardLedgerEntry = {
  readonly id: number; readonly transferId: string; readonly kind: string; readonly amount: number; readonly refundId: string | null;
  readonly code: string; readonly accountKind: LedgerKind; readonly recipientName: string | null; readonly createdAt: Date;
};
export type PaymentCard = {
  readonly payment: PaymentRecord & { readonly statusReason: string | null };
  readonly account: { readonly number: string; readonly address: string | null; readonly premiseNumber: string | null };
  readonly collector: { readonly id: string; readonly name: string } | null;
  /** The parts the payment was split into (seq order), and the reversals of its refunds. */
  readonly split: { readonly original: readonly CardSplit[]; readonly reversals: readonly CardSplit[] };
  readonly refunds: readonly CardRefund[];
  readonly events: readonly CardEvent[];
  readonly ledger: { readonly entries: readonly CardLedgerEntry[]; readonly sum: number };
};

/** Never shown, whatever a provider (or a future one) stored: secrets and card data (152-ФЗ, PCI DSS). */
const HIDDEN_KEYS = new Set(['token', 'password', 'pan', 'expdate', 'cardid', 'rebillid', 'carddata', 'cvv']);

/** The exchange as stored, minus any hidden key at any depth: the providers strip them already, this is the second net. */
export function withoutSecretsDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretsDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !HIDDEN_KEYS.has(key.toLowerCase())).map(([key, v]) => [key, withoutSecretsDeep(v)]));
}

const date = (v: unknown) => new Date(v as string);
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) as unknown : v);

async function cardHead(em: Em, orgId: string, paymentId: string) {
  const [row] = await em.execute<{ number: string; address: string | null; premise_number: string | null; status_reason: string | null; collector_name: string | null }[]>(
    `select a.number, b.address, pr.number as premise_number, p.status_reason, c.name as collector_name
     from payments p join accounts a on a.org_id = p.org_id and a.id = p.account_id
     left join premises pr on pr.org_id = a.org_id and pr.id = a.premise_id left join buildings b on b.org_id = pr.org_id and b.id = pr.building_id
     left join collectors c on c.org_id = p.org_id and c.id = p.collector_id
     where p.org_id = ? and p.id = ?`, [orgId, paymentId]);
  return row;
}

async function cardSplits(em: Em, orgId: string, paymentId: string): Promise<CardSplit[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select s.seq, s.refund_id, sv.name as service_name, s.service_code, s.recipient_id, r.name as recipient_name, to_char(s.period, 'YYYY-MM') as period,
       s.kind, s.amount, s.fee_share, s.debt_before, s.reason
     from payment_splits s join recipients r on r.org_id = s.org_id and r.id = s.recipient_id
     left join services sv on sv.org_id = s.org_id and sv.id = s.service_id
     where s.org_id = ? and s.payment_id = ? order by s.seq`, [orgId, paymentId]);
  return rows.map((r) => ({
    seq: Number(r.seq), refundId: (r.refund_id as string | null) ?? null, serviceName: (r.service_name as string | null) ?? null,
    serviceCode: (r.service_code as string | null) ?? null, recipientId: r.recipient_id as string, recipientName: r.recipient_name as string,
    period: (r.period as string | null) ?? null, kind: r.kind as CardSplit['kind'], amount: Number(r.amount), feeShare: Number(r.fee_share),
    debtBefore: r.debt_before === null ? null : Number(r.debt_before), reason: r.reason as SplitReason,
  }));
}

async function cardRefunds(em: Em, orgId: string, paymentId: string): Promise<CardRefund[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select id, amount, reason, status, actor_label, created_at, completed_at from payment_refunds
     where org_id = ? and payment_id = ? order by created_at, id`, [orgId, paymentId]);
  return rows.map((r) => ({
    id: r.id as string, amount: Number(r.amount), reason: r.reason as string, status: r.status as CardRefund['status'],
    actorLabel: r.actor_label as string, createdAt: date(r.created_at), completedAt: r.completed_at ? date(r.completed_at) : null,
  }));
}

async function cardEvents(em: Em, orgId: string, paymentId: string): Promise<CardEvent[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select kind, operation, status_from, status_to, data, created_at from payment_events
     where org_id = ? and payment_id = ? order by seq`, [orgId, paymentId]);
  return rows.map((r) => ({
    kind: r.kind as string, operation: r.operation as string, statusFrom: (r.status_from as string | null) ?? null,
    statusTo: (r.status_to as string | null) ?? null, data: withoutSecretsDeep(json(r.data)), createdAt: date(r.created_at),
  }));
}

async function cardLedger(em: Em, orgId: string, paymentId: string): Promise<CardLedgerEntry[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select e.id, e.transfer_id, e.kind, e.amount, e.refund_id, e.created_at, a.code, a.kind as account_kind, r.name as recipient_name
     from ledger_entries e join ledger_accounts a on a.org_id = e.org_id and a.id = e.ledger_account_id
     left join recipients r on r.org_id = a.org_id and r.id = a.recipient_id
     where e.org_id = ? and e.payment_id = ? order by e.id`, [orgId, paymentId]);
  return rows.map((r) => ({
    id: Number(r.id), transferId: r.transfer_id as string, kind: r.kind as string, amount: Number(r.amount), refundId: (r.refund_id as string | null) ?? null,
    code: r.code as string, accountKind: r.account_kind as LedgerKind, recipientName: (r.recipient_name as string | null) ?? null, createdAt: date(r.created_at),
  }));
}

/** The card of one of the organisation's payments, or null (absent, or another organisation's: the same answer). */
export async function paymentCard(em: Em, orgId: string, paymentId: string): Promise<PaymentCard | null> {
  const payment = await loadPayment(em, orgId, paymentId);
  const head = payment ? await cardHead(em, orgId, paymentId) : undefined;
  if (!payment || !head) return null;
  const splits = await cardSplits(em, orgId, paymentId);
  const entries = await cardLedger(em, orgId, paymentId);
  return {
    payment: { ...payment, statusReason: head.status_reason },
    account: { number: head.number, address: head.address, premiseNumber: head.premise_number },
    collector: payment.collectorId && head.collector_name !== null ? { id: payment.collectorId, name: head.collector_name } : null,
    split: { original: splits.filter((s) => !s.refundId), reversals: splits.filter((s) => s.refundId) },
    refunds: await cardRefunds(em, orgId, paymentId),
    events: await cardEvents(em, orgId, paymentId),
    // Σ in BigInt: the card states the ledger balances, so the check itself must not round.
    ledger: { entries, sum: Number(entries.reduce((s, e) => s + BigInt(e.amount), 0n)) },
  };
}
