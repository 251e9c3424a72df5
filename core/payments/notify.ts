import { randomUUID } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { kopecks, type Clock } from '../shared/index.ts';
import { creditPayment } from './credit.ts';
import { addPaymentEvent, loadPayment, type PaymentRecord } from './payment-record.ts';
import { nextAction, type StateAction } from './payment-state.ts';
import type { ProviderName, ProviderNotification } from './provider.port.ts';
import { reversePayment } from './reverse.ts';
import { settleRequestedRefund } from './refund.ts';
import { isCredited } from './payment-state.ts';

/** applied: the report changed or confirmed our state; duplicate: this operation was applied before; unknown: no such order. */
export type NotifyOutcome = 'applied' | 'duplicate' | 'unknown' | 'mismatch';

/** The organisation of an order id, read before any tenant is known (fp_payment_org runs as the owner). */
export async function orderOrg(db: Database, orderId: string): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/i.test(orderId)) return null;
  const rows = await db.read((em) => em.execute<{ org: string | null }[]>('select fp_payment_org(?) as org', [orderId]));
  return rows[0]?.org ?? null;
}

/**
 * Applies one verified provider report in one transaction: the inbox row (unique per provider operation, so a
 * repeat changes nothing), the status, and for money taken the split and the ledger. The caller answers the
 * provider only after this returns, so an acknowledged report is a committed one (RELIABILITY.md P1, P2).
 * Deliveries of one payment are serialised by its row lock, so out-of-order and concurrent repeats agree.
 */
export async function applyReport(
  deps: { db: Database; clock: Clock }, provider: ProviderName, report: ProviderNotification, via: 'notification' | 'reconcile',
): Promise<NotifyOutcome> {
  const orgId = await orderOrg(deps.db, report.orderId);
  if (!orgId) return 'unknown';
  return deps.db.withTenant(orgId, async (em) => {
    const payment = await loadPayment(em, orgId, report.orderId, true);
    if (!payment || payment.provider !== provider) return 'unknown';
    if (payment.providerPaymentId && payment.providerPaymentId !== report.providerPaymentId) return 'unknown';
    const now = deps.clock.now();
    const mismatch = (report.status === 'paid' || report.status === 'authorized') && report.amount !== payment.gross;
    const action: StateAction = mismatch ? { kind: 'none' } : nextAction(payment.status, report.status);
    const outcome: NotifyOutcome = mismatch ? 'mismatch' : 'applied';
    const inserted = await em.execute<{ provider: string }[]>(
      `insert into payment_inbox (provider, operation_id, org_id, payment_id, outcome, received_at) values (?, ?, ?, ?, ?, ?)
       on conflict (provider, operation_id) do nothing returning provider`,
      [provider, report.operationId, orgId, payment.id, `${outcome}:${action.kind}`, now]);
    if (inserted.length === 0) return 'duplicate';
    if (!payment.providerPaymentId) {
      await em.execute('update payments set provider_payment_id = ? where org_id = ? and id = ?', [report.providerPaymentId, orgId, payment.id]);
    }
    const refundReport = report.status === 'refunded' || report.status === 'partially_refunded';
    const settled = refundReport && isCredited(payment.status) && !mismatch
      && await settleRequestedRefund(em, payment, report.amount, report.status === 'refunded', now);
    const to = settled ? (await loadPayment(em, orgId, payment.id))!.status : await perform(em, payment, action, now);
    await addPaymentEvent(em, {
      orgId, paymentId: payment.id, kind: via, operation: report.operationId, from: payment.status, to, at: now,
      data: { status: report.rawStatus, amount: report.amount, action: settled ? 'settleRefund' : action.kind, mismatch, payload: report.payload },
    });
    return outcome;
  });
}

async function perform(em: Em, payment: PaymentRecord, action: StateAction, now: Date): Promise<string> {
  switch (action.kind) {
    case 'none':
      return payment.status;
    case 'status':
      await setStatus(em, payment, action.to, now);
      return action.to;
    case 'credit':
      await creditPayment(em, payment, now);
      return 'paid';
    case 'creditThenStatus':
      await creditPayment(em, payment, now);
      await setStatus(em, payment, action.to, now);
      return action.to;
    case 'reverseRest':
      return reversePayment(em, payment, kopecks(payment.gross - payment.refunded), randomUUID(), now);
    case 'creditThenReverseRest': {
      await creditPayment(em, payment, now);
      return reversePayment(em, { ...payment, status: 'paid' }, kopecks(payment.gross - payment.refunded), randomUUID(), now);
    }
  }
}

const setStatus = (em: Em, payment: PaymentRecord, to: string, now: Date) =>
  em.execute('update payments set status = ?, updated_at = ? where org_id = ? and id = ?', [to, now, payment.orgId, payment.id]);
