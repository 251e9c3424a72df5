import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatAssignedAccountNumber, isValidAssignedAccountNumber, normaliseAccountNumber } from './account-number.calc.ts';

const numRuns = process.env.FULL === '1' ? 100_000 : 1_000;

const swapAt = (s: string, i: number): string => s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);

describe('formatAssignedAccountNumber', () => {
  // Hand check: in «00000001» the rightmost 1 is doubled, total 2, check digit 8.
  it('pads the sequence to 8 digits and appends the Luhn digit', () => {
    expect(formatAssignedAccountNumber(1)).toBe('000000018');
    expect(formatAssignedAccountNumber(0)).toBe('000000000');
  });

  it('lets sequences past 99 999 999 grow instead of wrapping', () => {
    expect(formatAssignedAccountNumber(99_999_999)).toHaveLength(9);
    expect(formatAssignedAccountNumber(100_000_000)).toHaveLength(10);
  });

  it('matches published Luhn examples (the 79927398713 textbook case and the 4111… test card)', () => {
    expect(formatAssignedAccountNumber(7_992_739_871)).toBe('79927398713');
    expect(formatAssignedAccountNumber(411_111_111_111_111)).toBe('4111111111111111');
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('throws on the impossible sequence value %s', (n) => {
    expect(() => formatAssignedAccountNumber(n)).toThrow(RangeError);
  });
});

describe('isValidAssignedAccountNumber', () => {
  it('accepts every number it formats', () => {
    fc.assert(fc.property(fc.maxSafeNat(), (n) => isValidAssignedAccountNumber(formatAssignedAccountNumber(n))), {
      numRuns,
    });
  });

  it.each(['000000017', '00000018', '0000000018', '00000001 8', '00000001A'])('rejects %j', (s) => {
    expect(isValidAssignedAccountNumber(s)).toBe(false);
  });

  it('rejects any single-digit change', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.nat(), fc.integer({ min: 1, max: 9 }), (n, at, shift) => {
        const number = formatAssignedAccountNumber(n);
        const i = at % number.length;
        const changed = number.slice(0, i) + String((Number(number[i]) + shift) % 10) + number.slice(i + 1);
        return !isValidAssignedAccountNumber(changed);
      }),
      { numRuns },
    );
  });

  // Doubling maps 0 → 0 and 9 → 18 → 9, so «09» and «90» add up the same: Luhn's one known blind spot.
  it('rejects any swap of two different adjacent digits except 0 and 9', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.nat(), (n, at) => {
        const number = formatAssignedAccountNumber(n);
        const i = at % (number.length - 1);
        const pair = number.slice(i, i + 2);
        fc.pre(pair[0] !== pair[1]);
        return isValidAssignedAccountNumber(swapAt(number, i)) === (pair === '09' || pair === '90');
      }),
      { numRuns },
    );
  });

  it("turns sequence 9's number into sequence 90's when its 0 and 9 are swapped", () => {
    expect(formatAssignedAccountNumber(9)).toBe('000000091');
    expect(formatAssignedAccountNumber(90)).toBe('000000901');
  });
});

describe('normaliseAccountNumber', () => {
  it.each([
    [' 12 345 ', '12345'],
    ['12/3-А', '12/3-А'],
    ['ЛС.0045ё', 'ЛС.0045ё'],
    ['ab\u00a0CD', 'abCD'],
    ['1'.repeat(32), '1'.repeat(32)],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseAccountNumber(input)).toEqual({ ok: true, value: expected });
  });

  it.each(['', '   ', '1'.repeat(33), '12#3', '12_3', 'Ω1', '12,3'])('rejects %j', (input) => {
    const result = normaliseAccountNumber(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.error.field]).toEqual(['ACCOUNTS.NUMBER_INVALID', 'number']);
  });
});
