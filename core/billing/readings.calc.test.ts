import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  checkReading, formatReading, monthsBetween, parseReading, readingFromDb, readingPeriod, readingToDb, type ReadingPoint,
} from './readings.calc.ts';

const r = (text: string): bigint => {
  const parsed = parseReading(text);
  if (!parsed.ok) throw new Error(`unparsed ${text}`);
  return parsed.value;
};
const monthly = (start: number, step: number, periods: string[]): ReadingPoint[] =>
  periods.map((period, i) => ({ period, value: BigInt(start + step * i) * 10_000n }));

describe('parseReading', () => {
  it('reads a comma, a point, the keypad star and grouped digits the same way', () => {
    expect(r('123,45')).toBe(1_234_500n);
    expect(r('123.45')).toBe(1_234_500n);
    expect(r('123*45')).toBe(1_234_500n);
    expect(r(' 1 234,5 ')).toBe(12_345_000n);
    expect(r('1\u00a0234')).toBe(12_340_000n);
    expect(r('007')).toBe(70_000n);
    expect(r('12,')).toBe(120_000n);
  });

  it('keeps four decimals exactly and refuses a fifth, a sign or words', () => {
    expect(r('0,0001')).toBe(1n);
    for (const bad of ['12,34567', '-5', '+5', 'abc', '', ',5', '1,2,3', '12 ,5', '1234567890123']) expect(parseReading(bad).ok, bad).toBe(false);
  });

  prop.prop([fc.bigInt({ min: 0n, max: 10n ** 16n - 1n })])('round-trips through the database text and the display', (value) => {
    expect(readingFromDb(readingToDb(value))).toBe(value);
    expect(r(formatReading(value))).toBe(value);
    expect(r(formatReading(value, '.'))).toBe(value);
  });

  it('shows no trailing zeros', () => {
    expect(formatReading(1_234_500n)).toBe('123,45');
    expect(formatReading(1_230_000n, '.')).toBe('123');
    expect(readingToDb(1n)).toBe('0.0001');
  });
});

describe('checkReading', () => {
  const history = monthly(100, 10, ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);

  it('refuses a value below the previous reading and names it', () => {
    const verdict = checkReading(r('159,9999'), history, '2026-11');
    expect(verdict).toEqual({ kind: 'belowLast', previous: { period: '2026-10', value: 1_600_000n } });
  });

  it('accepts up to three times the average month and asks to confirm above it', () => {
    expect(checkReading(r('190'), history, '2026-11').kind).toBe('ok');
    const unusual = checkReading(r('190,0001'), history, '2026-11');
    expect(unusual).toMatchObject({ kind: 'unusual', consumption: 300_001n, averageMonth: 100_000n });
  });

  it('averages only the last six monthly differences', () => {
    // A big old jump (March → April) is outside the window and does not raise the average.
    const old = [{ period: '2026-03', value: 0n }, ...history];
    expect(checkReading(r('190,5'), old, '2026-11').kind).toBe('unusual');
  });

  it('counts a skipped month in the average and in the consumption', () => {
    const gappy = [{ period: '2026-06', value: 1_000_000n }, { period: '2026-09', value: 1_300_000n }];
    expect(checkReading(r('160'), gappy, '2026-10').kind).toBe('ok');
    expect(checkReading(r('160,1'), gappy, '2026-10').kind).toBe('unusual');
    // Two months since the last reading: twice the allowance.
    expect(checkReading(r('190'), gappy, '2026-11').kind).toBe('ok');
    expect(checkReading(r('190,1'), gappy, '2026-11').kind).toBe('unusual');
  });

  it('does not check without history or with a flat one', () => {
    expect(checkReading(r('5'), [], '2026-11')).toEqual({ kind: 'ok', previous: null, consumption: null });
    expect(checkReading(r('99999'), history.slice(-1), '2026-11').kind).toBe('ok');
    expect(checkReading(r('99999'), monthly(50, 0, ['2026-08', '2026-09', '2026-10']), '2026-11').kind).toBe('ok');
  });

  it('ignores the period being replaced: a corrected value is compared with the month before', () => {
    const withOwn = [...history, { period: '2026-11', value: r('175') }];
    expect(checkReading(r('165'), withOwn, '2026-11').kind).toBe('ok');
  });
});

describe('readingPeriod', () => {
  const at = (iso: string) => new Date(iso);

  it('takes this month inside the reading days, in the organisation\'s time zone', () => {
    // 20:30 UTC on the 25th is already the 26th in Yekaterinburg (UTC+5).
    expect(readingPeriod(at('2026-11-25T20:30:00Z'), 'Europe/Moscow', 15, 25)).toMatchObject({ period: '2026-11', nextPeriod: false });
    expect(readingPeriod(at('2026-11-25T20:30:00Z'), 'Asia/Yekaterinburg', 15, 25)).toMatchObject({ period: '2026-12', nextPeriod: true, today: '2026-11-26' });
  });

  it('moves to next month (and next year) outside them', () => {
    expect(readingPeriod(at('2026-12-05T09:00:00Z'), 'Europe/Moscow', 15, 25)).toMatchObject({ period: '2027-01', nextPeriod: true });
  });

  it('accepts any day when the organisation set no days, and wraps a window over the month end', () => {
    expect(readingPeriod(at('2026-11-02T09:00:00Z'), 'Europe/Moscow', null, null).nextPeriod).toBe(false);
    expect(readingPeriod(at('2026-11-02T09:00:00Z'), 'Europe/Moscow', 25, 5).nextPeriod).toBe(false);
    expect(readingPeriod(at('2026-11-10T09:00:00Z'), 'Europe/Moscow', 25, 5).nextPeriod).toBe(true);
    expect(readingPeriod(at('2026-11-10T09:00:00Z'), 'Europe/Moscow', null, 5).nextPeriod).toBe(true);
  });

  it('counts months across a year', () => {
    expect(monthsBetween('2025-11', '2026-02')).toBe(3);
  });
});
