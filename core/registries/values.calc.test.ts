import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRubles, kopecks } from '../shared/index.ts';
import { parseAmount, parseDate, parseDecimal, parseInteger, parsePeriod, plainKopecks } from './values.calc.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;
const MAX = Number.MAX_SAFE_INTEGER;

/** Test-side writer of scaled integers, string work only: «-1 234,500» for (-1234500n, 3, ',', grouped). */
function formatScaled(v: bigint, scale: number, separator: string, group: string | null): string {
  const digits = (v < 0n ? -v : v).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const grouped = group === null ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${v < 0n ? '-' : ''}${grouped}${scale > 0 ? separator + digits.slice(digits.length - scale) : ''}`;
}

const refused = (reason: string) => ({ ok: false, reason });
const accepted = (value: unknown) => ({ ok: true, value });

describe('parseAmount', () => {
  it.each([
    ['1 234,56', 123_456],
    ['1234.56', 123_456],
    ['-12,5', -1_250],
    ['1 234', 123_400],
    ['1234,00 ₽', 123_400],
    ['1\u00A0234,56\u00A0₽', 123_456],
    ['1\u202F234\u2009567,89', 123_456_789],
    ['845,00 руб.', 84_500],
    ['845 р.', 84_500],
    ['\u2212312,08', -31_208],
    ['  0,07\t', 7],
    ['90 071 992 547 409,91', MAX],
  ])('reads «%s» as %i kopecks', (text, expected) => {
    expect(parseAmount(text)).toEqual(accepted(expected));
  });

  it.each([
    ['12,345', 'too-many-decimals'],
    ['1 234,560', 'too-many-decimals'],
    ['0.001', 'too-many-decimals'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['1.234,56', 'bad-number'],
    ['1,234.56', 'bad-number'],
    ['1 2345', 'bad-number'],
    ['12,', 'bad-number'],
    ['1E+05', 'bad-number'],
    ['двенадцать', 'bad-number'],
    ['9'.repeat(70), 'bad-number'],
    [`1${' '.repeat(100_000)}x`, 'bad-number'],
    ['90 071 992 547 409,92', 'out-of-range'],
  ])('refuses «%s» as %s', (text, reason) => {
    expect(parseAmount(text)).toEqual(refused(reason));
  });

  it('round-trips any amount written as people and programs write it', () => {
    const style = fc.constantFrom(
      (k: number) => formatRubles(kopecks(k)),
      (k: number) => formatRubles(kopecks(k), { symbol: false }),
      (k: number) => formatScaled(BigInt(k), 2, '.', null),
      (k: number) => formatScaled(BigInt(k), 2, ',', ' '),
      (k: number) => `${formatScaled(BigInt(k), 2, ',', '\u202F')} руб.`,
    );
    fc.assert(fc.property(fc.integer({ min: -MAX, max: MAX }), style, (k, write) => {
      expect(parseAmount(write(k))).toEqual(accepted(k === 0 ? 0 : k));
    }), { numRuns: RUNS });
  }, TIMEOUT);

  it('refuses every amount with three or more decimals instead of rounding it', () => {
    const text = fc.tuple(fc.stringMatching(/^-?\d{1,12}$/), fc.constantFrom(',', '.'), fc.stringMatching(/^\d{3,8}$/), fc.constantFrom('', ' ₽'))
      .map(([whole, separator, fraction, symbol]) => `${whole}${separator}${fraction}${symbol}`);
    fc.assert(fc.property(text, (t) => {
      expect(parseAmount(t)).toEqual(refused('too-many-decimals'));
    }), { numRuns: RUNS });
  }, TIMEOUT);
});

describe('parseDecimal', () => {
  it('scales volumes, tariffs and areas exactly', () => {
    expect(parseDecimal('12,5', 3)).toEqual(accepted(12_500n));
    expect(parseDecimal('45,1234', 4)).toEqual(accepted(451_234n));
    expect(parseDecimal('54.3', 2)).toEqual(accepted(5_430n));
    expect(parseDecimal('1 200', 3)).toEqual(accepted(1_200_000n));
    expect(parseDecimal('0,0001', 3)).toEqual(refused('too-many-decimals'));
  });

  it('round-trips any scaled value in any separator style', () => {
    const value = fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n });
    const style = fc.tuple(fc.constantFrom(',', '.'), fc.constantFrom(null, ' ', '\u00A0'));
    fc.assert(fc.property(value, fc.integer({ min: 0, max: 6 }), style, (v, scale, [separator, group]) => {
      expect(parseDecimal(formatScaled(v, scale, separator, group), scale)).toEqual(accepted(v));
    }), { numRuns: RUNS });
  }, TIMEOUT);

  it('throws on a scale no column has (a bug, not a bad cell)', () => {
    expect(() => parseDecimal('1', -1)).toThrow(RangeError);
    expect(() => parseDecimal('1', 2.5)).toThrow(RangeError);
  });
});

describe('parseInteger', () => {
  it.each([['3', 3], ['3,00', 3], ['1 200', 1_200], [' 0 ', 0]])('reads «%s» as %i', (text, expected) => {
    expect(parseInteger(text)).toEqual(accepted(expected));
  });

  it.each([['2,5', 'bad-integer'], ['три', 'bad-integer'], ['', 'empty'], ['9 007 199 254 740 992', 'out-of-range']])(
    'refuses «%s» as %s',
    (text, reason) => expect(parseInteger(text)).toEqual(refused(reason)),
  );
});

describe('parseDate', () => {
  it.each([
    ['05.03.2026', '2026-03-05'],
    ['5.3.2026', '2026-03-05'],
    ['05/03/2026', '2026-03-05'],
    ['2026-03-05', '2026-03-05'],
    ['20260305', '2026-03-05'],
    ['29.02.2024', '2024-02-29'],
    ['01.03.2026 0:00:00', '2026-03-01'],
    ['2026-03-01T23:59', '2026-03-01'],
  ])('reads «%s» as %s', (text, iso) => {
    expect(parseDate(text)).toEqual(accepted(iso));
  });

  it.each([
    '31.02.2026', '29.02.2025', '29.02.2100', '31.04.2026', '00.01.2026', '01.13.2026', '30.12.1899', '05.03/2026',
    '05.03.26', '2026-3-5', '01.03.2026 25:00', '',
  ])(
    'refuses «%s»',
    (text) => expect(parseDate(text).ok).toBe(false),
  );

  it('accepts exactly the days the calendar has, in every form', () => {
    const parts = fc.tuple(fc.integer({ min: 1900, max: 2199 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }));
    fc.assert(fc.property(parts, ([y, m, d]) => {
      const exists = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d; // the oracle: JavaScript's own calendar
      const [mm, dd] = [String(m).padStart(2, '0'), String(d).padStart(2, '0')];
      const iso = `${y}-${mm}-${dd}`;
      for (const text of [`${dd}.${mm}.${y}`, `${d}.${m}.${y}`, `${dd}/${mm}/${y}`, iso, `${y}${mm}${dd}`]) {
        expect(parseDate(text)).toEqual(exists ? accepted(iso) : refused('bad-date'));
      }
    }), { numRuns: RUNS });
  }, TIMEOUT);
});

describe('parsePeriod', () => {
  it.each([
    ['03.2026', '2026-03'],
    ['3.2026', '2026-03'],
    ['032026', '2026-03'],
    ['0326', '2026-03'],
    ['2026-03', '2026-03'],
    ['март 2026', '2026-03'],
    ['Март 2026 г.', '2026-03'],
    ['марта 2026 года', '2026-03'],
    ['МАЙ 2026г', '2026-05'],
    ['Сентября 2025', '2025-09'],
    ['15.03.2026', '2026-03'],
    ['20260315', '2026-03'],
  ])('reads «%s» as %s', (text, period) => {
    expect(parsePeriod(text)).toEqual(accepted(period));
  });

  it.each(['13.2026', '1326', '2026', 'мартобря 2026', 'март', '2026-13', '31.02.2026', ''])('refuses «%s»', (text) => {
    expect(parsePeriod(text).ok).toBe(false);
  });

  it('reads every month of the century alike in every numeric form', () => {
    fc.assert(fc.property(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
      const mm = String(m).padStart(2, '0');
      for (const text of [`${mm}.${y}`, `${m}.${y}`, `${mm}${y}`, `${mm}${String(y).slice(2)}`, `${y}-${mm}`, `01.${mm}.${y}`]) {
        expect(parsePeriod(text)).toEqual(accepted(`${y}-${mm}`));
      }
    }), { numRuns: RUNS });
  }, TIMEOUT);
});

describe('plainKopecks (the fast path of parseAmount)', () => {
  it('agrees with the general reading wherever it answers, and answers for every plain amount', () => {
    const plain = fc.tuple(fc.constantFrom('', '-'), fc.stringMatching(/^\d{1,13}$/), fc.constantFrom('', ',5', '.05', ',99', '.1'))
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction}`);
    const anything = fc.oneof(plain, fc.string({ maxLength: 20 }), fc.stringMatching(/^[-\d.,\s₽]{0,18}$/));
    fc.assert(fc.property(anything, (text) => {
      const quick = plainKopecks(text);
      const general = parseDecimal(text, 2);
      if (quick !== null) expect(general.ok && Number(general.value)).toBe(quick === 0 ? 0 : quick);
    }), { numRuns: 5_000 });
    fc.assert(fc.property(plain, (text) => {
      expect(plainKopecks(text)).not.toBeNull();
    }));
  });
});
