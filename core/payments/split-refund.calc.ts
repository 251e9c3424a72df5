import { allocate, kopecks, ZERO_KOPECKS } from '../shared/index.ts';
import type { Kopecks } from '../shared/index.ts';
import { compareParts, partKey } from './split-canonical.calc.ts';
import type { SplitPart } from './split-canonical.calc.ts';

/**
 * Giving back some or all of a split payment. The refund reverses the payment's parts in proportion to what
 * each still holds (its amount less what earlier refunds took from it), by largest remainder. So Σ = −refund
 * exactly, no part gives back more than it holds, and refunds that add up to the payment reverse every part
 * exactly — the ledger of each recipient returns to where it was.
 *
 * `parts` are the payment's parts (≥ 0, one per line or advance recipient); `alreadyRefunded` the parts of
 * earlier refunds of it (≤ 0). The result has negative amounts, the payment's keys and reasons, in canonical
 * order whatever order the parts were loaded in, so the tie rule does not depend on a database's ordering.
 * Throws RangeError when the refund exceeds what is left, or when the parts do not fit together.
 */
export function splitRefund(refund: Kopecks, parts: readonly SplitPart[], alreadyRefunded: readonly SplitPart[] = []): SplitPart[] {
  const amount = kopecks(refund);
  if (amount < 0) throw new RangeError(`a refund is the number of kopecks to give back (≥ 0), got ${amount}`);
  const payment = uniqueParts(parts);
  const taken = refundedByKey(alreadyRefunded, payment);
  const held = payment.map((part) => BigInt(part.amount) - (taken.get(partKey(part)) ?? 0n));
  const left = held.reduce((sum, h) => sum + h, 0n);
  if (BigInt(amount) > left) throw new RangeError(`refund of ${amount} exceeds the ${left} kopecks left of the payment`);
  if (amount === 0) return [];
  const back = allocate(kopecks(-amount), held);
  return payment.map((part, i) => ({ ...part, amount: back[i] ?? ZERO_KOPECKS })).filter((part) => part.amount !== 0);
}

function uniqueParts(parts: readonly SplitPart[]): SplitPart[] {
  const seen = new Set<string>();
  for (const part of parts) {
    if (kopecks(part.amount) < 0) throw new RangeError(`a payment part is not negative, got ${part.amount}`);
    const key = partKey(part);
    if (seen.has(key)) throw new RangeError(`the payment has two parts for ${key}`);
    seen.add(key);
  }
  return [...parts].sort(compareParts);
}

/** Kopecks already given back per part; a refund of a part the payment lacks, or beyond it, is a bug upstream. */
function refundedByKey(refunds: readonly SplitPart[], payment: readonly SplitPart[]): Map<string, bigint> {
  const held = new Map(payment.map((part) => [partKey(part), BigInt(part.amount)]));
  const taken = new Map<string, bigint>();
  for (const part of refunds) {
    const key = partKey(part);
    const total = (taken.get(key) ?? 0n) - BigInt(kopecks(part.amount));
    if (part.amount > 0) throw new RangeError(`a refunded part is not positive, got ${part.amount} for ${key}`);
    if (total > (held.get(key) ?? 0n)) throw new RangeError(`${key} was refunded more than it was paid`);
    taken.set(key, total);
  }
  return taken;
}
