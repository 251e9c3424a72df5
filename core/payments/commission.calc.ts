import { addKopecks, allocate, applyRate, assertNever, kopecks, subtractKopecks, ZERO_KOPECKS } from '../shared/index.ts';
import type { Kopecks, Rounding } from '../shared/index.ts';

/**
 * The acquirer's fee on a payment (DOMAIN.md «Commission»). `amount` is always what is credited against the
 * resident's debt. Internal: the organisation pays the fee, so the payer pays the amount and the recipients get
 * amount − fee (100,00 ₽ at 0,4 % → 99,60 ₽). External: the payer pays amount + fee and sees it before paying
 * (100,00 ₽ + 1 % = 101,00 ₽). Either way gross = net + fee, and all three are stored.
 */

// halfUp: the ordinary rule of bank contracts and receipts; neither side loses more than half a kopeck.
export const FEE_ROUNDING: Rounding = 'halfUp';

/** 100 %: the bound ORGS.COMMISSION_INVALID enforces at the edge; past it an internal fee would exceed the payment. */
export const MAX_FEE_BASIS_POINTS = 10_000;

export type CommissionMode = 'internal' | 'external';

export type CommissionTerms = { readonly mode: CommissionMode; readonly basisPoints: number };

export type Commission = {
  /** Credited against the debt. */
  readonly amount: Kopecks;
  readonly fee: Kopecks;
  /** What the payer pays. */
  readonly gross: Kopecks;
  /** What the recipients receive. */
  readonly net: Kopecks;
  readonly mode: CommissionMode;
  readonly basisPoints: number;
};

/** Throws RangeError for a negative amount or a rate outside 0…10 000 bp: both are validated before here. */
export function commissionFor(amount: Kopecks, terms: CommissionTerms): Commission {
  const credited = kopecks(amount);
  const { mode, basisPoints } = terms;
  if (credited < 0) throw new RangeError(`a fee is charged on a payment (≥ 0), got ${credited}; refunds reverse the stored fee`);
  if (basisPoints > MAX_FEE_BASIS_POINTS) throw new RangeError(`basis points must be at most ${MAX_FEE_BASIS_POINTS}, got ${basisPoints}`);
  const fee = applyRate(credited, basisPoints, FEE_ROUNDING);
  switch (mode) {
    case 'internal':
      return { amount: credited, fee, gross: credited, net: subtractKopecks(credited, fee), mode, basisPoints };
    case 'external':
      return { amount: credited, fee, gross: addKopecks(credited, fee), net: credited, mode, basisPoints };
    default:
      return assertNever(mode);
  }
}

/**
 * Internal commission: which recipients bear the fee. Each bears a share in proportion to what it received of
 * the payment (parts of one recipient added up first), by largest remainder over recipients in id order, so
 * Σ = fee exactly and the same parts in any order give the same answer. One entry per recipient that received
 * money, in id order; an entry may be 0 when its share rounds away.
 * Throws RangeError when the fee is above zero but nothing was received: a paid fee on a zero payment is a bug.
 */
export function splitFee(fee: Kopecks, parts: readonly { readonly recipientId: string; readonly amount: Kopecks }[]): Map<string, Kopecks> {
  const total = kopecks(fee);
  if (total < 0) throw new RangeError(`a fee is not negative, got ${total}`);
  const received = new Map<string, bigint>();
  for (const { recipientId, amount } of parts) {
    if (kopecks(amount) < 0) throw new RangeError(`a part of a payment is not negative, got ${amount} for ${recipientId}`);
    received.set(recipientId, (received.get(recipientId) ?? 0n) + BigInt(amount));
  }
  // Code-unit order, not localeCompare: the order must not depend on the server's locale.
  const recipients = [...received].filter(([, got]) => got > 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (recipients.length === 0) {
    if (total === 0) return new Map();
    throw new RangeError(`a fee of ${total} kopecks on a payment of zero`);
  }
  const shares = allocate(total, recipients.map(([, got]) => got));
  return new Map(recipients.map(([recipientId], i) => [recipientId, shares[i] ?? ZERO_KOPECKS]));
}
