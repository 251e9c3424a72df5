import { AppError } from './app-error.ts';

/**
 * Money in kopecks: an integer, never a float of rubles (STYLE.md «Money and numbers»). The brand stops a
 * plain number (a count, a rate, rubles) from being passed where money is expected.
 */
export type Kopecks = number & { readonly __brand: 'Kopecks' };

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Throws MONEY.NOT_SAFE_INTEGER: past 2^53 − 1 a number can no longer hold every kopeck exactly. */
export function kopecks(n: number): Kopecks {
  if (!Number.isSafeInteger(n)) throw new AppError('MONEY.NOT_SAFE_INTEGER', { vars: { value: String(n) } });
  // −0 would print as «-0,00» and compare oddly in Object.is; money has one zero.
  return (n === 0 ? 0 : n) as Kopecks;
}

export const ZERO_KOPECKS: Kopecks = kopecks(0);

/** For results of BigInt arithmetic (allocation, rates); throws MONEY.NOT_SAFE_INTEGER when out of range. */
export function kopecksFromBigInt(b: bigint): Kopecks {
  if (b > MAX_SAFE || b < MIN_SAFE) throw new AppError('MONEY.NOT_SAFE_INTEGER', { vars: { value: b.toString() } });
  return kopecks(Number(b));
}

export const isKopecks = (value: unknown): value is Kopecks => Number.isSafeInteger(value);

// Sums of two safe integers are exact up to 2^54 and round monotonically, so an out-of-range
// result can never round back into range: the check in kopecks() is enough.
export const addKopecks = (a: Kopecks, b: Kopecks): Kopecks => kopecks(a + b);

export const subtractKopecks = (a: Kopecks, b: Kopecks): Kopecks => kopecks(a - b);

/** Sums in BigInt, so only the total must be in range, not every running subtotal. */
export function sumKopecks(list: readonly Kopecks[]): Kopecks {
  let total = 0n;
  for (const k of list) total += BigInt(kopecks(k));
  return kopecksFromBigInt(total);
}
