import type { Database } from '../infra/database/database.ts';
import { isAppError, type Clock } from '../shared/index.ts';
import { applyReport } from './notify.ts';
import type { PaymentProvider, ProviderName } from './provider.port.ts';

/** A payment still open this long after it was created is asked about; older than the window, it is left to staff. */
export const RECONCILE_AFTER_MS = 15 * 60_000;
export const RECONCILE_WINDOW_MS = 3 * 86_400_000;
export const RECONCILE_BATCH = 200;

export type ReconcileSummary = { readonly asked: number; readonly applied: number; readonly unavailable: number };

/**
 * Asks the provider (GetState) about payments pending too long, and applies each answer as if the bank had
 * notified it. The operation id is the one the bank's own notification would carry, so a late notification
 * and this job never both apply the same change.
 */
export async function reconcilePending(deps: { db: Database; clock: Clock; provider: (name: ProviderName) => PaymentProvider | undefined }): Promise<ReconcileSummary> {
  const now = deps.clock.now().getTime();
  const stale = await deps.db.read((em) => em.execute<{ org_id: string; id: string }[]>(
    'select org_id, id from fp_stale_payments(?, ?, ?)', [new Date(now - RECONCILE_AFTER_MS), new Date(now - RECONCILE_WINDOW_MS), RECONCILE_BATCH]));
  let applied = 0;
  let unavailable = 0;
  for (const { org_id: orgId, id } of stale) {
    const [row] = await deps.db.withTenant(orgId, (em) => em.execute<{ provider: ProviderName; provider_payment_id: string }[]>(
      'select provider, provider_payment_id from payments where org_id = ? and id = ?', [orgId, id]));
    const provider = row ? deps.provider(row.provider) : undefined;
    if (!row || !provider) continue;
    try {
      const state = await provider.status(row.provider_payment_id, id);
      if (state.status === 'pending') continue;
      const operationId = state.status === 'refunded' || state.status === 'partially_refunded'
        ? `${state.providerPaymentId}:${state.rawStatus}:${state.amount}` : `${state.providerPaymentId}:${state.rawStatus}`;
      const outcome = await applyReport(deps, provider.name, {
        operationId, orderId: id, providerPaymentId: state.providerPaymentId, status: state.status, rawStatus: state.rawStatus, amount: state.amount,
        payload: { via: 'GetState', exchange: state.exchange },
      }, 'reconcile');
      if (outcome === 'applied') applied += 1;
    } catch (e) {
      if (!isAppError(e)) throw e;
      unavailable += 1;
    }
  }
  return { asked: stale.length, applied, unavailable };
}
