import { AppError } from './app-error.ts';
import { kopecks, kopecksFromBigInt } from './kopecks.ts';
import type { Kopecks } from './kopecks.ts';

type Part = { readonly index: number; readonly weight: bigint; readonly remainder: bigint };

/**
 * Splits `total` into parts proportional to `weights`, to the kopeck (largest remainder method).
 *
 * Each part first gets floor(total × weight / Σweights). The kopecks left over (fewer than the number of
 * parts) go one each to the parts with the largest fractional remainder; ties go to the larger weight first,
 * then to the lower index. Remainder and weight depend only on the weight, so reordering the input moves each
 * share with its weight; only parts of equal weight — which no rule can tell apart — are ordered by index.
 * Hence: Σ parts = total, each part within one kopeck of its exact share, zero weight → 0 kopecks.
 *
 * A negative total (a refund, a reversal) is split as |total| and negated, so reversing a split payment
 * gives back exactly the parts it was split into.
 *
 * All arithmetic is BigInt: weights may be any size; totals are any safe integer.
 * Throws ALLOCATE.BAD_WEIGHT for a negative or non-integer weight, ALLOCATE.NO_WEIGHTS when none is above zero.
 */
export function allocate(total: Kopecks, weights: readonly (number | bigint)[]): Kopecks[] {
  const amount = BigInt(kopecks(total));
  const parts = splitMagnitude(amount < 0n ? -amount : amount, toBigWeights(weights));
  return parts.map((part) => kopecksFromBigInt(amount < 0n ? -part : part));
}

function toBigWeights(weights: readonly (number | bigint)[]): bigint[] {
  const big = weights.map((weight, index) => {
    const valid = typeof weight === 'bigint' ? weight >= 0n : Number.isSafeInteger(weight) && weight >= 0;
    if (!valid) throw new AppError('ALLOCATE.BAD_WEIGHT', { vars: { index, value: String(weight) } });
    return BigInt(weight);
  });
  if (!big.some((weight) => weight > 0n)) throw new AppError('ALLOCATE.NO_WEIGHTS');
  return big;
}

function splitMagnitude(amount: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0n);
  const shares = weights.map((weight) => (amount * weight) / sum);
  const parts: Part[] = weights.map((weight, index) => ({ index, weight, remainder: (amount * weight) % sum }));
  let left = amount - shares.reduce((acc, share) => acc + share, 0n);
  // Σ remainders = left × sum and each remainder < sum, so more than `left` parts have a remainder:
  // the extra kopecks never reach a zero-weight part.
  for (const part of parts.sort(byTieRule)) {
    if (left === 0n) break;
    shares[part.index] = (shares[part.index] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares;
}

const compareBig = (a: bigint, b: bigint): number => (a === b ? 0 : a > b ? 1 : -1);

/** Largest remainder first, then larger weight, then lower index. */
const byTieRule = (a: Part, b: Part): number =>
  compareBig(b.remainder, a.remainder) || compareBig(b.weight, a.weight) || a.index - b.index;
