import { randomUUID } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import { AppError, err, formatRubles, isAppError, kopecks, ok, type Clock, type Kopecks, type Result } from '../shared/index.ts';
import { addPaymentEvent, loadPayment, type PaymentRecord } from './payment-record.ts';
import type { PaymentProvider } from './provider.port.ts';
import { reversePayment } from './reverse.ts';
import { lockAccount } from './credit.ts';

export type RefundRequest = {
  readonly orgId: string; readonly paymentId: string; readonly amount: Kopecks; readonly reason: string;
  readonly actor: Actor;
};

/**
 * Gives money back: the request is recorded first, then the provider is asked, then the reversal is posted.
 * Whichever comes first — our confirmation or the bank's refund notification — posts the reversal under this
 * refund's id (settleRequestedRefund), and the other finds it done, so a refund is reversed exactly once.
 */
export async function refundPayment(deps: { db: Database; clock: Clock; provider: (name: string) => PaymentProvider }, request: RefundRequest): Promise<Result<{ refundId: string; status: string }, AppError>> {
  const reason = request.reason.trim();
  if (!reason) return err(new AppError('PAYMENTS.REFUND_REASON_REQUIRED', { field: 'reason' }));
  const refundId = randomUUID();
  const opened = await deps.db.withTenant(request.orgId, async (em): Promise<Result<PaymentRecord, AppError>> => {
    const payment = await loadPayment(em, request.orgId, request.paymentId, true);
    if (!payment) return err(new AppError('PAYMENTS.NOT_FOUND'));
    if (payment.status !== 'paid' && payment.status !== 'partially_refunded') return err(new AppError('PAYMENTS.REFUND_NOT_ALLOWED', { vars: { status: payment.status } }));
    const pending = await pendingRefunds(em, payment);
    const available = payment.gross - payment.refunded - pending;
    if (!Number.isSafeInteger(request.amount) || request.amount <= 0 || request.amount > available) {
      return err(new AppError('PAYMENTS.REFUND_TOO_LARGE', { field: 'amount', vars: { available: formatRubles(kopecks(Math.max(0, available))) } }));
    }
    const now = deps.clock.now();
    await em.execute(`insert into payment_refunds (id, org_id, payment_id, amount, reason, status, actor_id, actor_label, created_at) values (?, ?, ?, ?, ?, 'requested', ?, ?, ?)`,
      [refundId, request.orgId, payment.id, request.amount, reason.slice(0, 500), request.actor.userId, request.actor.label.slice(0, 254), now]);
    await addPaymentEvent(em, { orgId: request.orgId, paymentId: payment.id, kind: 'refund', operation: `refund:${refundId}`, data: { amount: request.amount }, at: now });
    // With the request itself, so no refund exists without its record. The reason stays out: free text may name the payer.
    recordAudit(em, request.orgId, request.actor, {
      action: 'payment.refund', entityType: 'payment', entityId: payment.id,
      changes: { refundId: [null, refundId], amount: [null, request.amount], status: [payment.status, 'requested'] },
    }, now);
    return ok(payment);
  });
  if (!opened.ok) return opened;
  const payment = opened.value;
  try {
    const result = await deps.provider(payment.provider).refund(payment.providerPaymentId!, request.amount, payment.id);
    const status = await deps.db.withTenant(request.orgId, async (em) => {
      const now = deps.clock.now();
      const locked = (await loadPayment(em, request.orgId, payment.id, true))!;
      await lockAccount(em, locked.accountId);
      await addPaymentEvent(em, { orgId: request.orgId, paymentId: payment.id, kind: 'request', operation: 'refund', data: result.exchange, at: now });
      await settleRefund(em, locked, refundId, now);
      return (await loadPayment(em, request.orgId, payment.id))!.status;
    });
    return ok({ refundId, status });
  } catch (e) {
    // Refused by the bank: the refund failed and its amount is free again. Any other failure (no answer, a
    // timeout) leaves it requested: the bank may have done it, and its report will settle it (settleRequestedRefund).
    const refused = isAppError(e) && e.code === 'PAYMENTS.PROVIDER_REFUSED';
    const status = await deps.db.withTenant(request.orgId, async (em) => {
      if (refused) await em.execute(`update payment_refunds set status = 'failed', completed_at = ? where org_id = ? and id = ? and status = 'requested'`, [deps.clock.now(), request.orgId, refundId]);
      const [row] = await em.execute<{ status: string }[]>('select status from payment_refunds where org_id = ? and id = ?', [request.orgId, refundId]);
      return row?.status;
    });
    if (status === 'done') return ok({ refundId, status: (await deps.db.withTenant(request.orgId, (em) => loadPayment(em, request.orgId, payment.id)))!.status });
    if (isAppError(e)) return err(e);
    throw e;
  }
}

async function pendingRefunds(em: Em, payment: PaymentRecord): Promise<number> {
  const [row] = await em.execute<{ sum: string | null }[]>(`select sum(amount) as sum from payment_refunds where org_id = ? and payment_id = ? and status = 'requested'`, [payment.orgId, payment.id]);
  return Number(row?.sum ?? 0);
}

/** Posts a requested refund's reversal once (the payment row is locked by the caller). */
async function settleRefund(em: Em, payment: PaymentRecord, refundId: string, now: Date): Promise<boolean> {
  const [row] = await em.execute<{ amount: string }[]>(
    `update payment_refunds set status = 'done', completed_at = ? where org_id = ? and id = ? and status = 'requested' returning amount`, [now, payment.orgId, refundId]);
  if (!row) return false;
  await reversePayment(em, payment, kopecks(Number(row.amount)), refundId, now);
  return true;
}

/**
 * A bank's refund report that matches one of our requested refunds (by amount; a full refund matches what is
 * left) settles it. Returns false when none matches: a refund made outside FamilyPay, left to the caller.
 */
export async function settleRequestedRefund(em: Em, payment: PaymentRecord, amount: number, full: boolean, now: Date): Promise<boolean> {
  const wanted = full ? payment.gross - payment.refunded : amount;
  const [row] = await em.execute<{ id: string }[]>(
    `select id from payment_refunds where org_id = ? and payment_id = ? and status = 'requested' and amount = ? order by created_at limit 1`,
    [payment.orgId, payment.id, wanted]);
  return row ? settleRefund(em, payment, row.id, now) : false;
}
