import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kopecks } from '../shared/index.ts';
import { commissionFor, FEE_ROUNDING, MAX_FEE_BASIS_POINTS, splitFee } from './commission.calc.ts';
import type { CommissionMode } from './commission.calc.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;

const fee = (amount: number, mode: CommissionMode, basisPoints: number) => commissionFor(kopecks(amount), { mode, basisPoints });
const feeSplit = (total: number, parts: readonly [string, number][]): [string, number][] =>
  [...splitFee(kopecks(total), parts.map(([recipientId, amount]) => ({ recipientId, amount: kopecks(amount) })))];

describe('commissionFor, examples from DOMAIN.md', () => {
  it('takes 0,40 ₽ of 100,00 ₽ from the recipients at 40 bp internal, leaving 99,60 ₽', () => {
    expect(fee(10_000, 'internal', 40)).toEqual({ amount: 10_000, fee: 40, gross: 10_000, net: 9_960, mode: 'internal', basisPoints: 40 });
  });

  it('charges the payer 101,00 ₽ for 100,00 ₽ at 1 % external, crediting all 100,00 ₽', () => {
    expect(fee(10_000, 'external', 100)).toEqual({ amount: 10_000, fee: 100, gross: 10_100, net: 10_000, mode: 'external', basisPoints: 100 });
  });

  it('rounds half a kopeck of fee up, as a bank contract does', () => {
    expect(FEE_ROUNDING).toBe('halfUp');
    // 0,6 % of 0,75 ₽ = 0.45 kop → 0; of 1,25 ₽ = 0.75 kop → 1; 0,5 % of 1,00 ₽ = 0.5 kop → 1
    expect(fee(75, 'internal', 60).fee).toBe(0);
    expect(fee(125, 'internal', 60).fee).toBe(1);
    expect(fee(100, 'external', 50)).toMatchObject({ fee: 1, gross: 101, net: 100 });
  });

  it('charges nothing on nothing', () => {
    expect(fee(0, 'internal', 100)).toMatchObject({ amount: 0, fee: 0, gross: 0, net: 0 });
    expect(fee(0, 'external', 100)).toMatchObject({ amount: 0, fee: 0, gross: 0, net: 0 });
  });

  it('refuses a negative amount and a rate above 100 %: both are checked before here', () => {
    expect(() => fee(-1, 'internal', 40)).toThrow(RangeError);
    expect(() => fee(100, 'internal', MAX_FEE_BASIS_POINTS + 1)).toThrow(RangeError);
    expect(() => fee(100, 'external', -1)).toThrow(RangeError);
    expect(fee(100, 'internal', MAX_FEE_BASIS_POINTS)).toMatchObject({ fee: 100, net: 0 });
  });
});

const mode = fc.constantFrom<CommissionMode>('internal', 'external');
const amount = fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 1_000_000_000_000 }));
const basisPoints = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: MAX_FEE_BASIS_POINTS }));

describe('commissionFor, properties', () => {
  it('keeps gross = net + fee, fee ≥ 0 and within half a kopeck of the exact product', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(amount, mode, basisPoints, (a, m, bp) => {
        const c = fee(a, m, bp);
        expect(c.gross).toBe(c.net + c.fee);
        expect(c.fee).toBeGreaterThanOrEqual(0);
        expect(c.amount).toBe(m === 'internal' ? c.gross : c.net);
        // |fee × 10 000 − amount × bp| ≤ 5 000 ⇔ the fee is within ½ kop of amount × bp / 10 000
        const gap = BigInt(c.fee) * 10_000n - BigInt(a) * BigInt(bp);
        expect((gap < 0n ? -gap : gap) <= 5_000n).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('splitFee', () => {
  it('puts the fee on the recipients in proportion to what each received', () => {
    expect(feeSplit(40, [['water', 7_500], ['heat', 2_500]])).toEqual([['heat', 10], ['water', 30]]);
  });

  it('adds up the parts of one recipient before sharing', () => {
    expect(feeSplit(40, [['uk', 2_500], ['water', 5_000], ['uk', 2_500]])).toEqual([['uk', 20], ['water', 20]]);
  });

  it('gives the odd kopeck of equal recipients to the first by id, whatever the order of the parts', () => {
    expect(feeSplit(1, [['c', 100], ['a', 100], ['b', 100]])).toEqual([['a', 1], ['b', 0], ['c', 0]]);
  });

  it('leaves out a recipient that received nothing', () => {
    expect(feeSplit(10, [['a', 0], ['b', 500]])).toEqual([['b', 10]]);
  });

  it('refuses a fee on a payment of zero: that is a bug upstream', () => {
    expect(() => feeSplit(1, [['a', 0], ['b', 0]])).toThrow(RangeError);
    expect(() => feeSplit(1, [])).toThrow(RangeError);
    expect(feeSplit(0, [['a', 0]])).toEqual([]);
  });

  const parts = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 1_000_000_000 })), { minLength: 1, maxLength: 30 })
    .filter((list) => list.some(([, a]) => a > 0))
    .chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })));

  it('adds up to the fee exactly and does not care about the order of the parts', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(parts, fc.integer({ min: 0, max: 10_000_000 }), ([list, shuffled], total) => {
        const shares = feeSplit(total, list);
        expect(shares.reduce((sum, [, s]) => sum + s, 0)).toBe(total);
        shares.forEach(([, s]) => expect(s).toBeGreaterThanOrEqual(0));
        expect(feeSplit(total, shuffled)).toEqual(shares);
      }),
      { numRuns: RUNS },
    );
  });
});
