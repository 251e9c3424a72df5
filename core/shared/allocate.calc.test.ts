import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from './allocate.calc.ts';
import { kopecks } from './kopecks.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;

const split = (total: number, weights: readonly (number | bigint)[]): number[] => allocate(kopecks(total), weights);

describe('allocate, examples', () => {
  it('gives the odd kopeck of 1 ₽ over three equal shares to the first', () => {
    expect(split(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });

  it('gives two odd kopecks over three equal shares to the first two', () => {
    expect(split(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it('splits exactly when the shares divide the total', () => {
    expect(split(1_000, [1, 2, 2])).toEqual([200, 400, 400]);
  });

  it('gives the kopeck to the larger fractional remainder even over a larger weight', () => {
    // exact shares 0.75 and 2.25
    expect(split(3, [1, 3])).toEqual([1, 2]);
  });

  it('breaks a tie of remainders toward the larger weight, wherever it stands', () => {
    // exact shares 0.5 and 1.5: equal remainders, so the weight decides
    expect(split(2, [1, 3])).toEqual([0, 2]);
    expect(split(2, [3, 1])).toEqual([2, 0]);
  });

  it('gives nothing to a zero weight', () => {
    expect(split(101, [0, 1, 0, 1])).toEqual([0, 51, 0, 50]);
    expect(split(1, [0, 0, 1])).toEqual([0, 0, 1]);
  });

  it('splits zero into zeros', () => {
    expect(split(0, [5, 7])).toEqual([0, 0]);
  });

  it('splits a refund as the mirror of the payment', () => {
    expect(split(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
  });

  it('handles weights far beyond the safe integers', () => {
    const huge = 10n ** 40n;
    expect(split(1_000_000_000_000, [huge, huge, huge + 1n])).toEqual([333_333_333_333, 333_333_333_333, 333_333_333_334]);
  });

  it('handles the largest safe total', () => {
    const parts = split(Number.MAX_SAFE_INTEGER, [1, 1]);
    expect(parts).toEqual([4_503_599_627_370_496, 4_503_599_627_370_495]);
  });
});

describe('allocate, refusals', () => {
  it.each([['no weights', []], ['one zero', [0]], ['zeros only', [0, 0n, 0]]])('refuses to split over %s: none above zero', (_, weights) => {
    expect(() => split(100, weights)).toThrow(expect.objectContaining({ code: 'ALLOCATE.NO_WEIGHTS' }));
  });

  it.each([[[-1, 2]], [[1.5]], [[Number.NaN]], [[Number.POSITIVE_INFINITY]], [[-1n, 2n]], [[2 ** 53]]])(
    'refuses weights %s: each must be a whole non-negative number',
    (weights) => {
      expect(() => split(100, weights)).toThrow(expect.objectContaining({ code: 'ALLOCATE.BAD_WEIGHT' }));
    },
  );

  it('refuses a total that is not a whole number of kopecks', () => {
    expect(() => allocate(0.5 as never, [1])).toThrow(expect.objectContaining({ code: 'MONEY.NOT_SAFE_INTEGER' }));
  });
});

const weight = fc.oneof(
  fc.integer({ min: 0, max: 3 }), // small weights make ties and zeros common
  fc.nat(),
  fc.maxSafeNat(),
  fc.bigInt({ min: 0n, max: 10n ** 40n }),
);
const weights = fc.array(weight, { minLength: 1, maxLength: 50 }).filter((ws) => ws.some((w) => BigInt(w) > 0n));
const total = fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.bigInt({ min: 0n, max: 10n ** 12n }).map(Number));

describe('allocate, properties (M1)', () => {
  it('adds up to the total, gives no part below zero and each within one kopeck of its exact share', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const parts = split(t, ws);
        const sum = ws.reduce<bigint>((acc, w) => acc + BigInt(w), 0n);
        expect(parts).toHaveLength(ws.length);
        expect(parts.reduce((acc, p) => acc + BigInt(p), 0n)).toBe(BigInt(t));
        parts.forEach((part, i) => {
          const gap = BigInt(part) * sum - BigInt(t) * BigInt(ws[i] ?? 0);
          expect(part).toBeGreaterThanOrEqual(0);
          expect(gap < 0n ? -gap : gap).toBeLessThan(sum);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the extra kopecks by the written rule: remainder, then weight, then index', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const big = ws.map(BigInt);
        const sum = big.reduce((acc, w) => acc + w, 0n);
        const rank = big.map((w, index) => ({ index, w, r: (BigInt(t) * w) % sum }));
        const got = split(t, ws).map((part, i) => BigInt(part) > (BigInt(t) * (big[i] ?? 0n)) / sum);
        for (const a of rank.filter((x) => got[x.index])) {
          for (const b of rank.filter((x) => !got[x.index])) {
            const before = a.r > b.r || (a.r === b.r && (a.w > b.w || (a.w === b.w && a.index < b.index)));
            expect(before, `part ${a.index} got a kopeck before part ${b.index}`).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same answer for the same input', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        expect(split(t, ws)).toEqual(split(t, [...ws]));
      }),
      { numRuns: RUNS },
    );
  });

  it('moves each share with its weight when the input is reordered', { timeout: TIMEOUT }, () => {
    const shuffled = weights.chain((ws) =>
      fc.tuple(fc.constant(ws), fc.shuffledSubarray([...ws.keys()], { minLength: ws.length, maxLength: ws.length })),
    );
    fc.assert(
      fc.property(total, shuffled, (t, [ws, order]) => {
        const original = split(t, ws);
        const reordered = split(t, order.map((i) => ws[i] ?? 0));
        // Parts of equal weight cannot be told apart, so compare the shares each weight received.
        const byWeight = (w: readonly (number | bigint)[], parts: readonly number[]): Map<string, number[]> => {
          const groups = new Map<string, number[]>();
          w.forEach((x, i) => groups.set(String(x), [...(groups.get(String(x)) ?? []), parts[i] ?? -1]));
          for (const list of groups.values()) list.sort((a, b) => b - a);
          return groups;
        };
        expect(byWeight(order.map((i) => ws[i] ?? 0), reordered)).toEqual(byWeight(ws, original));
      }),
      { numRuns: RUNS },
    );
  });

  it('splits a negative total as the exact mirror of the positive one', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        expect(split(-t, ws)).toEqual(split(t, ws).map((p) => (p === 0 ? 0 : -p)));
      }),
      { numRuns: RUNS },
    );
  });
});
