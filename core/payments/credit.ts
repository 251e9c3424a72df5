import type { Em } from '../infra/database/database.ts';
import { allocate, kopecks, localDate, type Kopecks } from '../shared/index.ts';
import { debtContext, type DebtContext } from './debt.ts';
import { executeParts, transferSql, type Posting, type SqlPart } from './ledger.ts';
import type { PaymentRecord } from './payment-record.ts';
import { splitPayment, type SplitPart } from './split.calc.ts';

/**
 * One account's payments are split one at a time: two at once would both pay the same oldest month. The lock
 * expression over an `account_id` column, to take it in a statement that reads the payment (notify.ts).
 */
export const LOCK_ACCOUNT_SQL = `pg_advisory_xact_lock(hashtextextended('pay-account:' || account_id::text, 0))`;
export const lockAccount = (em: Em, accountId: string) => em.execute(`select ${LOCK_ACCOUNT_SQL} from (select ?::uuid as account_id) a`, [accountId]);

/**
 * Money taken: split the credited amount over the account's debt by the organisation's rule, record the proof of
 * split, and post one balanced transfer — the acquirer owes us the gross; each recipient is owed its parts less
 * its share of an internal fee (payable for debt, advance for an overpayment); the fee is our income.
 * The caller holds the payment's row lock and the account's lock (lockAccount) and may pass the debt it read
 * after taking them. The writes are one statement, together with the caller's own (`extra`).
 */
export async function creditPayment(
  em: Em, payment: PaymentRecord, at: Date, extra: readonly SqlPart[] = [], context?: DebtContext,
): Promise<readonly SplitPart[]> {
  const { debt, terms } = context ?? await debtContext(em, payment.orgId, payment.accountId);
  const fallback = terms.fallbackRecipientId ?? debt.lines[0]?.recipientId;
  if (!fallback) throw new Error(`organisation ${payment.orgId} has no recipient to credit`);
  const parts = splitPayment({
    amount: kopecks(payment.amount), lines: debt.lines, rule: terms.rule, shares: terms.shares ?? undefined,
    cover: payment.cover ?? undefined, advanceBasis: debt.advanceBasis, fallbackRecipientId: fallback,
  });
  // An internal fee is borne by the parts in proportion to their size (largest remainder; Σ = fee).
  const feeShares = payment.commissionMode === 'internal' && payment.fee > 0 ? allocate(kopecks(payment.fee), parts.map((p) => p.amount)) : parts.map(() => kopecks(0));
  const transfer = transferSql({
    orgId: payment.orgId, kind: 'payment', paymentId: payment.id, accountId: payment.accountId, at,
    postings: [
      { kind: 'clearing', recipientId: null, amount: kopecks(payment.gross) },
      ...parts.map((part, i): Posting => ({
        kind: part.kind === 'advance' ? 'advance' : 'payable', recipientId: part.recipientId, amount: kopecks(-(part.amount - feeShares[i]!)),
      })),
      { kind: 'fee_income', recipientId: null, amount: kopecks(-payment.fee) },
    ],
  });
  await executeParts(em, [
    ...(parts.length > 0 ? [splitsSql(payment, parts, feeShares, null, at, 1)] : []),
    ...transfer.parts,
    ...extra,
    { sql: `update payments set status = 'paid', paid_at = ?, registry_day = ?, updated_at = ? where org_id = ? and id = ?`,
      params: [at, localDate(at, terms.timeZone), at, payment.orgId, payment.id] },
  ]);
  return parts;
}

export function splitsSql(
  payment: PaymentRecord, parts: readonly SplitPart[], feeShares: readonly Kopecks[], refundId: string | null, at: Date, firstSeq: number,
): SqlPart {
  const rows = parts.map((part, i) => [
    payment.orgId, payment.id, refundId, firstSeq + i, payment.accountId, part.serviceId, part.serviceCode, part.recipientId,
    part.period ? `${part.period}-01` : null, part.kind, part.amount, feeShares[i] ?? 0, part.debtBefore, part.reason, at,
  ]);
  return {
    sql: `insert into payment_splits (id, org_id, payment_id, refund_id, seq, account_id, service_id, service_code, recipient_id, period, kind, amount, fee_share, debt_before, reason, created_at)
     values ${rows.map(() => '(gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?::date, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    params: rows.flat(),
  };
}

/** Appends splits after the payment's existing ones (refund reversals). */
export async function insertSplits(
  em: Em, payment: PaymentRecord, parts: readonly SplitPart[], feeShares: readonly Kopecks[], refundId: string | null, at: Date,
): Promise<void> {
  if (parts.length === 0) return;
  const [row] = await em.execute<{ next: number }[]>('select coalesce(max(seq), 0) + 1 as next from payment_splits where org_id = ? and payment_id = ?', [payment.orgId, payment.id]);
  await executeParts(em, [splitsSql(payment, parts, feeShares, refundId, at, Number(row!.next))]);
}
