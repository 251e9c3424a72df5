import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRate, applyRatio, divideRounded, ROUNDINGS } from './apply-rate.calc.ts';
import type { Rounding } from './apply-rate.calc.ts';
import { kopecks } from './kopecks.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;

const rate = (amount: number, bp: number, rounding: Rounding): number => applyRate(kopecks(amount), bp, rounding);

describe('applyRate, examples', () => {
  it('charges 0,40 ₽ on 100,00 ₽ at 40 basis points', () => {
    expect(rate(10_000, 40, 'halfUp')).toBe(40);
  });

  it('charges 1,00 ₽ on 100,00 ₽ at 1 %', () => {
    expect(rate(10_000, 100, 'halfUp')).toBe(100);
  });

  it('leaves an amount as it is at 100 % and takes nothing at 0 bp, under every rule', () => {
    for (const rounding of ROUNDINGS) {
      expect(rate(12_345, 10_000, rounding)).toBe(12_345);
      expect(rate(12_345, 0, rounding)).toBe(0);
    }
  });

  it.each<[number, number, Rounding, number]>([
    // 1 % of 1,49 ₽ = 1.49 kop
    [149, 100, 'down', 1], [149, 100, 'up', 2], [149, 100, 'halfUp', 1], [149, 100, 'halfEven', 1],
    // exactly half a kopeck, odd quotient: 1.5 kop
    [150, 100, 'down', 1], [150, 100, 'up', 2], [150, 100, 'halfUp', 2], [150, 100, 'halfEven', 2],
    // exactly half a kopeck, even quotient: 2.5 kop
    [250, 100, 'down', 2], [250, 100, 'up', 3], [250, 100, 'halfUp', 3], [250, 100, 'halfEven', 2],
    // just past half: 2.51 kop
    [251, 100, 'down', 2], [251, 100, 'up', 3], [251, 100, 'halfUp', 3], [251, 100, 'halfEven', 3],
    // a hair above zero: 0.0001 kop
    [1, 1, 'down', 0], [1, 1, 'up', 1], [1, 1, 'halfUp', 0], [1, 1, 'halfEven', 0],
    // a refund rounds as the charge it mirrors: −2.5 kop
    [-250, 100, 'down', -2], [-250, 100, 'up', -3], [-250, 100, 'halfUp', -3], [-250, 100, 'halfEven', -2],
  ])('rounds %i kop at %i bp %s to %i kop', (amount, bp, rounding, expected) => {
    expect(rate(amount, bp, rounding)).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %s basis points as a bug', (bp) => {
    expect(() => rate(100, bp, 'halfUp')).toThrow(RangeError);
  });

  it('throws out of range rather than lose kopecks on an oversized result', () => {
    expect(() => rate(Number.MAX_SAFE_INTEGER, 20_000, 'down')).toThrow(expect.objectContaining({ code: 'MONEY.NOT_SAFE_INTEGER' }));
  });
});

describe('applyRatio', () => {
  it('computes a penalty of 1/300 of a 16 % key rate for 10 days on 100 000,00 ₽, never over-charging', () => {
    // 10 000 000 kop × 16/100 × 1/300 × 10 days = 53 333.33… kop
    expect(applyRatio(kopecks(10_000_000), 16n * 10n, 100n * 300n, 'down')).toBe(53_333);
    expect(applyRatio(kopecks(10_000_000), 16n * 10n, 100n * 300n, 'up')).toBe(53_334);
  });

  it('keeps exact precision for ratios beyond the safe integers', () => {
    const big = 10n ** 30n;
    expect(applyRatio(kopecks(Number.MAX_SAFE_INTEGER), big - 1n, big, 'down')).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(applyRatio(kopecks(Number.MAX_SAFE_INTEGER), big - 1n, big, 'halfUp')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses a negative numerator or a denominator that is not positive', () => {
    expect(() => applyRatio(kopecks(100), -1n, 3n, 'down')).toThrow(RangeError);
    expect(() => applyRatio(kopecks(100), 1n, 0n, 'down')).toThrow(RangeError);
    expect(() => applyRatio(kopecks(100), 1n, -3n, 'down')).toThrow(RangeError);
    expect(() => divideRounded(1n, 0n, 'up')).toThrow(RangeError);
  });
});

describe('applyRate, properties', () => {
  const amount = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map(Number));
  const bp = fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 1_000_000 }));

  it('puts down ≤ exact ≤ up one kopeck apart at most, and halfUp/halfEven within half a kopeck', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(amount, bp, (a, b) => {
        // Compare magnitudes scaled by 10 000, so the exact product never leaves the integers.
        const exact = BigInt(Math.abs(a)) * BigInt(b);
        const scaled = (r: Rounding): bigint => BigInt(Math.abs(rate(a, b, r))) * 10_000n;
        const [down, up] = [scaled('down'), scaled('up')];
        expect(down <= exact && exact <= up).toBe(true);
        expect(up - down <= 10_000n).toBe(true);
        for (const near of [scaled('halfUp'), scaled('halfEven')]) {
          const gap = near > exact ? near - exact : exact - near;
          expect(2n * gap <= 10_000n).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('rounds a refund exactly as the charge it mirrors, under every rule', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(amount, bp, fc.constantFrom(...ROUNDINGS), (a, b, r) => {
        expect(rate(-a, b, r)).toBe(-rate(a, b, r) || 0);
      }),
      { numRuns: RUNS },
    );
  });

  it('breaks an exact half to an even kopeck under halfEven and away from zero under halfUp', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (q) => {
        // (2q + 1) kop at 50 % is exactly q + ½ kop
        const a = 2 * q + 1;
        expect(rate(a, 5_000, 'halfUp')).toBe(q + 1);
        expect(rate(a, 5_000, 'halfEven')).toBe(q % 2 === 0 ? q : q + 1);
      }),
      { numRuns: RUNS },
    );
  });
});
