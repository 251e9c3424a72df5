import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kopecks } from './kopecks.ts';
import { formatRubles, parseRubles, RUBLE_GROUP_SEPARATOR } from './money-format.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;
const NBSP = '\u00A0';
const MAX = Number.MAX_SAFE_INTEGER;
const MIN = Number.MIN_SAFE_INTEGER;

/** Writes expected text with «_» for the no-break space, so the tests stay readable. */
const nb = (text: string): string => text.replaceAll('_', NBSP);

describe('formatRubles', () => {
  it.each([
    [123_456, '1_234,56_₽'],
    [0, '0,00_₽'],
    [5, '0,05_₽'],
    [99, '0,99_₽'],
    [100, '1,00_₽'],
    [-1_200, '-12,00_₽'],
    [-5, '-0,05_₽'],
    [100_000_000, '1_000_000,00_₽'],
    [MAX, '90_071_992_547_409,91_₽'],
    [MIN, '-90_071_992_547_409,91_₽'],
  ])('writes %i kopecks as «%s»', (k, text) => {
    expect(formatRubles(kopecks(k))).toBe(nb(text));
  });

  it('separates thousands with U+00A0, the no-break space every Cyrillic code page has', () => {
    expect(RUBLE_GROUP_SEPARATOR.codePointAt(0)).toBe(0x00a0);
    expect([...formatRubles(kopecks(123_456))].map((c) => c.codePointAt(0))).toContain(0x00a0);
  });

  it('leaves the ruble sign out when asked', () => {
    expect(formatRubles(kopecks(123_456), { symbol: false })).toBe(nb('1_234,56'));
  });
});

describe('parseRubles', () => {
  it.each([
    ['1 234,56 ₽', 123_456],
    [nb('1_234,56_₽'), 123_456],
    ['1\u202F234,56\u202F₽', 123_456],
    ['1234.56', 123_456],
    ['1234,5', 123_450],
    ['1234', 123_400],
    ['-12,00', -1_200],
    ['\u221212,00 ₽', -1_200],
    ['  1234,56\t', 123_456],
    ['1 234 567,89₽', 123_456_789],
    ['0,29', 29],
    ['0.07', 7],
    ['1234567890123,45', 123_456_789_012_345],
    ['90 071 992 547 409,91', MAX],
    ['-90071992547409.91', MIN],
    ['0', 0],
    ['0012', 1_200],
  ])('reads «%s» as %i kopecks', (text, expected) => {
    expect(parseRubles(text)).toEqual({ ok: true, value: expected });
  });

  it('reads «-0» as plain zero', () => {
    const result = parseRubles('-0,00');
    expect(result.ok && Object.is(result.value, 0)).toBe(true);
  });

  it.each([
    '', ' ', '₽', 'abc', '1,234', '1.234', '1 234,567 ₽', '12,345', '1 2345', '12 34', '1234,', ',5', '.5',
    '1e3', '0x10', 'Infinity', 'NaN', '+5', '--5', '5-', '1.234,56', '1,234.56', '1234 руб', '12,3,4', '1_000',
    '١٢٣', '1 234,56 ₽ ₽', '₽ 1234', '1234 ₽ 56', '12 ,34', '1\n234',
  ])('refuses «%s» as not an amount', (text) => {
    const result = parseRubles(text);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'MONEY.BAD_FORMAT', vars: { value: text } }) });
  });

  it('refuses an overlong input and quotes only its beginning', () => {
    const result = parseRubles('1'.repeat(10_000));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(String(result.error.vars.value).length).toBeLessThanOrEqual(65);
  });

  it('refuses a well-formed amount one kopeck beyond the safe range as out of range', () => {
    const result = parseRubles('90 071 992 547 409,92');
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'MONEY.NOT_SAFE_INTEGER' }) });
  });

  it('reads back exactly what formatRubles wrote, for any safe number of kopecks (M2)', { timeout: TIMEOUT }, () => {
    const amounts = fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1_000_000, max: 1_000_000 }));
    fc.assert(
      fc.property(amounts, fc.boolean(), (n, symbol) => {
        expect(parseRubles(formatRubles(kopecks(n), { symbol }))).toEqual({ ok: true, value: n === 0 ? 0 : n });
      }),
      { numRuns: RUNS },
    );
  });

  it('reads any hand-written amount exactly, whatever spaces and decimal mark it uses', { timeout: TIMEOUT }, () => {
    const written = fc.record({
      rubles: fc.bigInt({ min: 0n, max: 10n ** 13n }),
      fraction: fc.constantFrom('', '0', '5', '00', '07', '50', '99'),
      mark: fc.constantFrom(',', '.'),
      space: fc.constantFrom(null, ' ', '\u00A0', '\u202F', '\u2009'),
      sign: fc.constantFrom('', '-', '\u2212'),
      suffix: fc.constantFrom('', '₽', ' ₽', '\u00A0₽'),
    });
    fc.assert(
      fc.property(written, ({ rubles, fraction, mark, space, sign, suffix }) => {
        const whole = space === null ? rubles.toString() : rubles.toString().replace(/\B(?=(\d{3})+(?!\d))/g, space);
        const text = `${sign}${whole}${fraction === '' ? '' : mark + fraction}${suffix}`;
        const magnitude = rubles * 100n + BigInt(fraction.padEnd(2, '0'));
        const expected = Number(sign === '' ? magnitude : -magnitude);
        expect(parseRubles(text)).toEqual({ ok: true, value: expected === 0 ? 0 : expected });
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any string with a result instead of throwing', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        const result = parseRubles(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });
});
