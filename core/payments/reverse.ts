import type { Em } from '../infra/database/database.ts';
import { allocate, divideRounded, kopecks, type Kopecks } from '../shared/index.ts';
import { insertSplits } from './credit.ts';
import { ledgerAccountId, postTransfer, type Posting } from './ledger.ts';
import type { PaymentRecord } from './payment-record.ts';
import { splitRefund, type SplitPart, type SplitReason } from './split.calc.ts';

type SplitRow = {
  service_id: string | null; service_code: string | null; recipient_id: string; period: string | null; kind: string;
  amount: string; fee_share: string; debt_before: string | null; reason: string; refund_id: string | null;
};

async function paymentParts(em: Em, payment: PaymentRecord): Promise<{ original: SplitPart[]; reversed: SplitPart[] }> {
  const rows = await em.execute<SplitRow[]>(
    `select service_id, service_code, recipient_id, to_char(period, 'YYYY-MM') as period, kind, amount, fee_share, debt_before, reason, refund_id
     from payment_splits where org_id = ? and payment_id = ? order by seq`, [payment.orgId, payment.id]);
  const toPart = (r: SplitRow): SplitPart => ({
    serviceId: r.service_id, serviceCode: r.service_code, recipientId: r.recipient_id, period: r.period,
    kind: r.kind as SplitPart['kind'], amount: kopecks(Number(r.amount)), debtBefore: r.debt_before === null ? null : kopecks(Number(r.debt_before)),
    reason: r.reason as SplitReason,
  });
  return { original: rows.filter((r) => !r.refund_id).map(toPart), reversed: rows.filter((r) => r.refund_id).map(toPart) };
}

/** The fee already given back for this payment: what the fee_income account got back from its reversals. */
async function feeRefunded(em: Em, payment: PaymentRecord): Promise<number> {
  const [row] = await em.execute<{ back: string | null }[]>(
    `select sum(amount) as back from ledger_entries where org_id = ? and payment_id = ? and ledger_account_id = ? and amount > 0`,
    [payment.orgId, payment.id, ledgerAccountId(payment.orgId, 'fee_income')]);
  return Number(row?.back ?? 0);
}

/**
 * Gives back `refund` kopecks of what the payer paid (gross). The fee comes back in proportion, rounded down so
 * the payer's restored debt is never short, and the last refund takes exactly what is left, so a payment refunded
 * in pieces ends where one full refund would. The rest restores the debt: the payment's parts are reversed in
 * proportion to what is left of each (splitRefund), recorded as negative splits, and one reversing transfer is
 * posted. Returns the new status.
 */
export async function reversePayment(em: Em, payment: PaymentRecord, refund: Kopecks, refundId: string, at: Date): Promise<'refunded' | 'partially_refunded'> {
  const remaining = payment.gross - payment.refunded;
  if (refund <= 0 || refund > remaining) throw new RangeError(`refund ${refund} outside 1…${remaining}`);
  const last = refund === remaining;
  const feeLeft = payment.fee - (await feeRefunded(em, payment));
  const feeBack = last ? feeLeft : Math.min(feeLeft, Number(divideRounded(BigInt(payment.fee) * BigInt(refund), BigInt(payment.gross), 'down')));
  const amountBack = payment.commissionMode === 'external' ? refund - feeBack : refund;
  const { original, reversed } = await paymentParts(em, payment);
  const back = amountBack > 0 ? splitRefund(kopecks(amountBack), original, reversed) : [];
  const feeShares = payment.commissionMode === 'internal' && feeBack > 0 && back.length > 0
    ? allocate(kopecks(-feeBack), back.map((p) => -p.amount)) : back.map(() => kopecks(0));
  await insertSplits(em, payment, back, feeShares, refundId, at);
  await postTransfer(em, {
    orgId: payment.orgId, kind: 'refund', paymentId: payment.id, refundId, accountId: payment.accountId, at,
    postings: [
      { kind: 'clearing', recipientId: null, amount: kopecks(-refund) },
      ...back.map((part, i): Posting => ({
        kind: part.kind === 'advance' ? 'advance' : 'payable', recipientId: part.recipientId, amount: kopecks(-(part.amount - feeShares[i]!)),
      })),
      { kind: 'fee_income', recipientId: null, amount: kopecks(feeBack) },
    ],
  });
  const status = last ? 'refunded' : 'partially_refunded';
  await em.execute('update payments set refunded = refunded + ?, status = ?, updated_at = ? where org_id = ? and id = ?',
    [refund, status, at, payment.orgId, payment.id]);
  return status;
}
