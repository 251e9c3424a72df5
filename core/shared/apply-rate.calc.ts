import { kopecks, kopecksFromBigInt } from './kopecks.ts';
import type { Kopecks } from './kopecks.ts';
import { assertNever } from './result.ts';

/**
 * How a product of money and a rate comes back to whole kopecks. Rules act on the magnitude, so a refund
 * (negative amount) is rounded exactly as the charge it mirrors: f(−a) = −f(a).
 *
 * - `down`     toward zero: the payer is never charged a fraction more than the rate (penalties, anything capped by law).
 * - `up`       away from zero: the collector never receives less than the rate (a fee we owe a bank in full).
 * - `halfUp`   nearest, a half away from zero: the ordinary rule of receipts and bank contracts; no side loses over ½ kop.
 * - `halfEven` nearest, a half to the even kopeck: over many accruals neither side is favoured on average.
 */
export type Rounding = 'halfUp' | 'down' | 'up' | 'halfEven';

export const ROUNDINGS: readonly Rounding[] = ['halfUp', 'down', 'up', 'halfEven'];

/** One basis point is 1/10 000 (0.01 %): 40 bp = 0.4 %, 100 bp = 1 %. */
export const BASIS_POINTS_PER_UNIT = 10_000n;

/** amount × basisPoints / 10 000, rounded by the named rule. */
export function applyRate(amount: Kopecks, basisPoints: number, rounding: Rounding): Kopecks {
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0) {
    // A rate reaches here already validated (ORGS.COMMISSION_INVALID at the edge), so a bad one is a bug.
    throw new RangeError(`basis points must be a non-negative safe integer, got ${basisPoints}`);
  }
  return applyRatio(amount, BigInt(basisPoints), BASIS_POINTS_PER_UNIT, rounding);
}

/** amount × numerator / denominator, rounded by the named rule (e.g. a penalty of 1/300 of the key rate). */
export function applyRatio(amount: Kopecks, numerator: bigint, denominator: bigint, rounding: Rounding): Kopecks {
  if (numerator < 0n || denominator <= 0n) {
    throw new RangeError(`ratio must be non-negative with a positive denominator, got ${numerator}/${denominator}`);
  }
  return kopecksFromBigInt(divideRounded(BigInt(kopecks(amount)) * numerator, denominator, rounding));
}

/** Integer division of any bigint by a positive one, rounded by the named rule (on the magnitude). */
export function divideRounded(dividend: bigint, divisor: bigint, rounding: Rounding): bigint {
  if (divisor <= 0n) throw new RangeError(`divisor must be positive, got ${divisor}`);
  const magnitude = dividend < 0n ? -dividend : dividend;
  const quotient = magnitude / divisor;
  const rounded = roundsAway(quotient, magnitude % divisor, divisor, rounding) ? quotient + 1n : quotient;
  return dividend < 0n ? -rounded : rounded;
}

function roundsAway(quotient: bigint, remainder: bigint, divisor: bigint, rounding: Rounding): boolean {
  if (remainder === 0n) return false;
  switch (rounding) {
    case 'down':
      return false;
    case 'up':
      return true;
    case 'halfUp':
      return 2n * remainder >= divisor;
    case 'halfEven':
      return 2n * remainder > divisor || (2n * remainder === divisor && quotient % 2n === 1n);
    default:
      return assertNever(rounding);
  }
}
