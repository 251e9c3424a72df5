import type { ProviderStatus } from './provider.port.ts';
import type { PaymentStatus } from './payments.entity.ts';

/**
 * What a provider's report does to our payment. Deliveries repeat and arrive out of order, so each action is
 * decided from where the payment stands, and nothing moves a payment backwards:
 * - money taken (`paid`) is credited once, even after we had given the attempt up as failed or expired —
 *   the payer's money is real;
 * - a full refund reported before the payment it reverses is credited first and then reversed, so the ledger
 *   tells the true story and a later «paid» finds nothing to do;
 * - partial refunds come from our own refund requests (admin), which post their reversals themselves; a partial
 *   refund report only moves the status.
 */
export type StateAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'status'; readonly to: PaymentStatus }
  | { readonly kind: 'credit' }
  | { readonly kind: 'creditThenStatus'; readonly to: PaymentStatus }
  | { readonly kind: 'reverseRest' }
  | { readonly kind: 'creditThenReverseRest' };

const OPEN: readonly PaymentStatus[] = ['created', 'pending', 'authorized'];
const UNCREDITED: readonly PaymentStatus[] = [...OPEN, 'failed', 'canceled'];

export const isCredited = (status: PaymentStatus): boolean => !UNCREDITED.includes(status);
export const isOpen = (status: PaymentStatus): boolean => OPEN.includes(status);

export function nextAction(current: PaymentStatus, reported: ProviderStatus): StateAction {
  const uncredited = UNCREDITED.includes(current);
  switch (reported) {
    case 'paid':
      return uncredited ? { kind: 'credit' } : { kind: 'none' };
    case 'pending':
      return current === 'created' ? { kind: 'status', to: 'pending' } : { kind: 'none' };
    case 'authorized':
      return current === 'created' || current === 'pending' ? { kind: 'status', to: 'authorized' } : { kind: 'none' };
    case 'failed':
    case 'canceled':
      return OPEN.includes(current) ? { kind: 'status', to: reported } : { kind: 'none' };
    case 'refunded':
      if (uncredited) return { kind: 'creditThenReverseRest' };
      return current === 'refunded' ? { kind: 'none' } : { kind: 'reverseRest' };
    case 'partially_refunded':
      if (uncredited) return { kind: 'creditThenStatus', to: 'partially_refunded' };
      return current === 'paid' ? { kind: 'status', to: 'partially_refunded' } : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}
