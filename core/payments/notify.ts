import { randomUUID } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { TENANT_SETTING } from '../infra/database/roles.ts';
import { isUuid, kopecks, type Clock } from '../shared/index.ts';
import { creditPayment, LOCK_ACCOUNT_SQL } from './credit.ts';
import { PAYMENT_CONTEXT_SQL, readDebtContext, type DebtContext, type DebtContextRow } from './debt.ts';
import { executeParts, type SqlPart } from './ledger.ts';
import { loadPayment, PAYMENT_COLUMNS, paymentEventSql, toPaymentRecord, type PaymentRecord } from './payment-record.ts';
import { isCredited, nextAction, type StateAction } from './payment-state.ts';
import type { PaymentStatus } from './payments.entity.ts';
import type { ProviderName, ProviderNotification } from './provider.port.ts';
import { settleRequestedRefund } from './refund.ts';
import { reversePayment } from './reverse.ts';

/** applied: the report changed or confirmed our state; duplicate: this operation was applied before; unknown: no such order. */
export type NotifyOutcome = 'applied' | 'duplicate' | 'unknown' | 'mismatch';

/**
 * The payment's row lock, the inbox row and the account's lock in one statement. The inbox insert reads the
 * locked row, so a concurrent repeat waits for the first delivery's commit and then meets its key: it inserts
 * nothing and is a duplicate. The account lock serialises splits of one account (creditPayment).
 */
const LOCK_SQL = `with p as (select ${PAYMENT_COLUMNS} from payments where org_id = fp_current_org() and id = ? for update),
  i as (insert into payment_inbox (provider, operation_id, org_id, payment_id, outcome, received_at)
    select ?, ?, org_id, id, ?, ? from p where provider = ? and (provider_payment_id is null or provider_payment_id = ?)
    on conflict (provider, operation_id) do nothing returning 1)
  select p.*, (select count(*) from i) as fresh, ${LOCK_ACCOUNT_SQL} as locked from p`;

/**
 * Applies one verified provider report in one transaction: the inbox row (unique per provider operation, so a
 * repeat changes nothing), the status, and for money taken the split and the ledger. The caller answers the
 * provider only after this returns, so an acknowledged report is a committed one (RELIABILITY.md P1, P2).
 * The organisation is named by the order id itself (fp_payment_org, owner rights) in the transaction's first
 * statement, which also sets the tenant for the rest of it.
 */
export async function applyReport(
  deps: { db: Database; clock: Clock }, provider: ProviderName, report: ProviderNotification, via: 'notification' | 'reconcile',
): Promise<NotifyOutcome> {
  if (!isUuid(report.orderId)) return 'unknown';
  return deps.db.withoutTenant(async (em) => {
    const now = deps.clock.now();
    // One round trip: the tenant from the order id, the locks and the inbox row, then (after the locks) the debt.
    const [tenantRows, lockRows, contextRows] = await em.execute<[{ org: string }[], Record<string, unknown>[], DebtContextRow[]]>(
      `select set_config('${TENANT_SETTING}', coalesce(fp_payment_org(?)::text, ''), true) as org; ${LOCK_SQL}; ${PAYMENT_CONTEXT_SQL}`,
      [report.orderId, report.orderId, provider, report.operationId, `${via}:${report.rawStatus}`.slice(0, 32), now, provider, report.providerPaymentId, report.orderId]);
    const orgId = tenantRows[0]?.org;
    const row = lockRows[0];
    if (!orgId || !row) return 'unknown';
    const payment = toPaymentRecord(row);
    if (payment.provider !== provider || (payment.providerPaymentId && payment.providerPaymentId !== report.providerPaymentId)) return 'unknown';
    if (Number(row.fresh) === 0) return 'duplicate';
    const mismatch = (report.status === 'paid' || report.status === 'authorized') && report.amount !== payment.gross;
    const action: StateAction = mismatch ? { kind: 'none' } : nextAction(payment.status, report.status);
    const refundReport = report.status === 'refunded' || report.status === 'partially_refunded';
    const settled = refundReport && isCredited(payment.status) && !mismatch
      && await settleRequestedRefund(em, payment, report.amount, report.status === 'refunded', now);
    const event = (to: string) => paymentEventSql({
      orgId, paymentId: payment.id, kind: via, operation: report.operationId, from: payment.status, to, at: now,
      data: { status: report.rawStatus, amount: report.amount, action: settled ? 'settleRefund' : action.kind, mismatch, payload: report.payload },
    });
    const providerId = payment.providerPaymentId ? [] : [{ sql: 'update payments set provider_payment_id = ? where org_id = ? and id = ?', params: [report.providerPaymentId, orgId, payment.id] }];
    // A payment started in a chat gets its receipt there once money is taken (the outbox row commits with it).
    const receipt = (to: string): SqlPart[] => (payment.source === 'bot' && isCredited(to as PaymentStatus) && !isCredited(payment.status)
      ? [receiptSql(orgId, payment.id, now)] : []);
    const closing = (to: string): SqlPart[] => [...providerId, event(to), ...receipt(to)];
    if (settled) await executeParts(em, closing((await loadPayment(em, orgId, payment.id))!.status));
    else await perform(em, payment, action, now, readDebtContext(contextRows[0]), closing);
    return mismatch ? 'mismatch' : 'applied';
  });
}

/**
 * Carries out the action. `closing(to)` are the statements that record it (the event, the provider's id); they go
 * out with the last write, so a plain credit — the common case — is a single write statement.
 */
async function perform(
  em: Em, payment: PaymentRecord, action: StateAction, now: Date, context: DebtContext, closing: (to: string) => SqlPart[],
): Promise<void> {
  const rest = kopecks(payment.gross - payment.refunded);
  switch (action.kind) {
    case 'none':
      return executeParts(em, closing(payment.status));
    case 'status':
      return executeParts(em, [statusSql(payment, action.to, now), ...closing(action.to)]);
    case 'credit':
      await creditPayment(em, payment, now, closing('paid'), context);
      return;
    case 'creditThenStatus':
      // Two statements: one statement may not update the payment row twice.
      await creditPayment(em, payment, now, [], context);
      return executeParts(em, [statusSql(payment, action.to, now), ...closing(action.to)]);
    case 'reverseRest':
      return executeParts(em, closing(await reversePayment(em, payment, rest, randomUUID(), now)));
    case 'creditThenReverseRest':
      await creditPayment(em, payment, now, [], context);
      return executeParts(em, closing(await reversePayment(em, { ...payment, status: 'paid' }, rest, randomUUID(), now)));
  }
}

/** The topic of a chat receipt (dialogs/receipts.ts handles it). */
export const RECEIPT_TOPIC = 'dialogs.receipt';

const receiptSql = (orgId: string, paymentId: string, now: Date): SqlPart => ({
  sql: `insert into outbox (org_id, topic, payload, job_id, available_at, created_at, dispatches) values (?, ?, ?, ?, ?, ?, 0)`,
  params: [orgId, RECEIPT_TOPIC, JSON.stringify({ orgId, paymentId }), `receipt:${paymentId}`, now, now],
});

const statusSql = (payment: PaymentRecord, to: string, now: Date): SqlPart =>
  ({ sql: 'update payments set status = ?, updated_at = ? where org_id = ? and id = ?', params: [to, now, payment.orgId, payment.id] });
