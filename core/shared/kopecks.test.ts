import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addKopecks,
  isKopecks,
  kopecks,
  kopecksFromBigInt,
  subtractKopecks,
  sumKopecks,
  ZERO_KOPECKS,
} from './kopecks.ts';
import type { Kopecks } from './kopecks.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;
const MAX = Number.MAX_SAFE_INTEGER;
const MIN = Number.MIN_SAFE_INTEGER;
const outOfRange = expect.objectContaining({ code: 'MONEY.NOT_SAFE_INTEGER' });

describe('kopecks', () => {
  it('keeps any safe integer as it is, negative ones included', () => {
    expect([kopecks(0), kopecks(123_456), kopecks(-1_200), kopecks(MAX), kopecks(MIN)]).toEqual([0, 123_456, -1_200, MAX, MIN]);
  });

  it.each([0.5, 1.005, Number.NaN, Number.POSITIVE_INFINITY, MAX + 1, MIN - 1])('refuses %s as not a whole safe number of kopecks', (n) => {
    expect(() => kopecks(n)).toThrow(outOfRange);
  });

  it('turns minus zero into zero so it never prints as «-0,00»', () => {
    expect(Object.is(kopecks(-0), 0)).toBe(true);
    expect(Object.is(ZERO_KOPECKS, 0)).toBe(true);
  });

  it('tells safe integers from other values', () => {
    expect([isKopecks(5), isKopecks(-5), isKopecks(0.5), isKopecks('5'), isKopecks(2 ** 53)]).toEqual([true, true, false, false, false]);
  });
});

describe('kopecksFromBigInt', () => {
  it('accepts the extremes of the safe range', () => {
    expect(kopecksFromBigInt(BigInt(MAX))).toBe(MAX);
    expect(kopecksFromBigInt(BigInt(MIN))).toBe(MIN);
  });

  it('refuses one kopeck beyond either extreme', () => {
    expect(() => kopecksFromBigInt(BigInt(MAX) + 1n)).toThrow(outOfRange);
    expect(() => kopecksFromBigInt(BigInt(MIN) - 1n)).toThrow(outOfRange);
  });
});

describe('adding and subtracting', () => {
  it('adds and subtracts exactly', () => {
    expect(addKopecks(kopecks(150), kopecks(-200))).toBe(-50);
    expect(subtractKopecks(kopecks(150), kopecks(-200))).toBe(350);
  });

  it('throws instead of losing a kopeck past the safe range', () => {
    expect(() => addKopecks(kopecks(MAX), kopecks(1))).toThrow(outOfRange);
    expect(() => subtractKopecks(kopecks(MIN), kopecks(1))).toThrow(outOfRange);
  });

  it('sums an empty list to zero', () => {
    expect(sumKopecks([])).toBe(0);
  });

  it('sums when only a running subtotal leaves the safe range', () => {
    expect(sumKopecks([kopecks(MAX), kopecks(1), kopecks(-1)])).toBe(MAX);
  });

  it('throws when the total leaves the safe range', () => {
    expect(() => sumKopecks([kopecks(MAX), kopecks(1)])).toThrow(outOfRange);
  });

  it('refuses a list smuggling in a fraction', () => {
    expect(() => sumKopecks([kopecks(1), 0.5 as Kopecks])).toThrow(outOfRange);
  });

  it('sums any list exactly as BigInt does, or throws when the exact total is out of range', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeInteger(), { maxLength: 20 }), (list) => {
        const exact = list.reduce((acc, n) => acc + BigInt(n), 0n);
        const inRange = exact <= BigInt(MAX) && exact >= BigInt(MIN);
        if (inRange) expect(BigInt(sumKopecks(list.map(kopecks)))).toBe(exact);
        else expect(() => sumKopecks(list.map(kopecks))).toThrow(outOfRange);
      }),
      { numRuns: RUNS },
    );
  });
});
