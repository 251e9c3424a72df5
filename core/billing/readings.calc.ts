import { err, localDate, ok, type Result } from '../shared/index.ts';

/**
 * Meter readings as scaled integers: the value × 10⁴ (meter_readings.value is numeric(16,4)). A reading is never a
 * binary float: 0.1 + 0.2 must not decide whether a resident's consumption looks unusual.
 */
export const READING_SCALE = 4;
const UNIT = 10n ** BigInt(READING_SCALE);
/** numeric(16,4) holds twelve integer digits. */
const MAX_INTEGER_DIGITS = 12;
/** Consumption above this many times the average month asks the resident to confirm (issue 6). */
export const UNUSUAL_FACTOR = 3n;
/** The average is taken over at most this many monthly differences. */
export const AVERAGE_MONTHS = 6;

export type ReadingPoint = { readonly period: string; readonly value: bigint };

/**
 * «123,45», «123.45», «1 234,5» or keyed «123*45» (the phone keypad has no comma): at most four decimals, no sign.
 */
export function parseReading(text: string): Result<bigint, 'format'> {
  const compact = text.trim().replace(/(\d)[\s\u00a0\u202f](?=\d)/g, '$1');
  const m = /^(\d+)(?:[.,*](\d*))?$/.exec(compact);
  if (!m) return err('format');
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  const fraction = m[2] ?? '';
  if (whole.length > MAX_INTEGER_DIGITS || fraction.length > READING_SCALE) return err('format');
  return ok(BigInt(whole) * UNIT + BigInt(fraction.padEnd(READING_SCALE, '0') || '0'));
}

/** PostgreSQL's text of numeric(16,4) («123.4500», «-0.5» never occurs) as a scaled integer. */
export function readingFromDb(text: string): bigint {
  const parsed = parseReading(text);
  if (!parsed.ok) throw new RangeError('not a reading');
  return parsed.value;
}

/** The literal for numeric(16,4): «123.4500». */
export function readingToDb(value: bigint): string {
  return `${value / UNIT}.${String(value % UNIT).padStart(READING_SCALE, '0')}`;
}

/** As a resident reads it: no trailing zeros, the locale's decimal separator («123,45» / «123.45»). */
export function formatReading(value: bigint, separator: ',' | '.' = ','): string {
  const fraction = String(value % UNIT).padStart(READING_SCALE, '0').replace(/0+$/, '');
  return fraction ? `${value / UNIT}${separator}${fraction}` : String(value / UNIT);
}

/** Whole months from one 'YYYY-MM' to another (negative when `to` is earlier). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

export function nextMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * The period a reading given now counts for. Inside the organisation's reading days (local to its time zone) it is
 * this month; outside them the value is kept for next month (ПП 354 п. 31 «ж(1)»: the customer sets the days).
 * A missing bound leaves that side open; both missing means any day. A window like 25–5 wraps over the month end.
 */
export function readingPeriod(now: Date, timeZone: string, from: number | null, to: number | null): { period: string; nextPeriod: boolean; today: string } {
  const today = localDate(now, timeZone);
  const period = today.slice(0, 7);
  const day = Number(today.slice(8, 10));
  const lo = from ?? 1;
  const hi = to ?? 31;
  const inside = lo <= hi ? day >= lo && day <= hi : day >= lo || day <= hi;
  return inside ? { period, nextPeriod: false, today } : { period: nextMonth(period), nextPeriod: true, today };
}

export type ReadingVerdict =
  | { readonly kind: 'ok'; readonly previous: ReadingPoint | null; readonly consumption: bigint | null }
  | { readonly kind: 'belowLast'; readonly previous: ReadingPoint }
  | { readonly kind: 'unusual'; readonly previous: ReadingPoint; readonly consumption: bigint; readonly averageMonth: bigint };

/** The latest reading of a period before `period` (any source): what a new value is compared with and follows. */
export function previousReading(history: readonly ReadingPoint[], period: string): ReadingPoint | null {
  return history.filter((h) => h.period < period).reduce<ReadingPoint | null>((best, h) => (!best || h.period > best.period ? h : best), null);
}

/**
 * Checks a new value for `period` against the meter's history (one point per period, any order):
 * - below the previous reading → refused (a meter does not run backwards; a replaced meter is staff's business);
 * - consumption above 3× the average month → the resident confirms. The average covers at most the last six months
 *   of history, as (newest − oldest) / months, which is the mean of the monthly differences and stays right when a
 *   month was skipped; the consumption is compared per month elapsed since the previous reading, so a resident who
 *   missed two months is not asked to confirm a normal quarter. No history, or a flat or falling one, gives no scale
 *   to compare with: no check.
 */
export function checkReading(value: bigint, history: readonly ReadingPoint[], period: string): ReadingVerdict {
  const previous = previousReading(history, period);
  if (!previous) return { kind: 'ok', previous: null, consumption: null };
  if (value < previous.value) return { kind: 'belowLast', previous };
  const consumption = value - previous.value;
  const window = history.filter((h) => h.period < previous.period && monthsBetween(h.period, previous.period) <= AVERAGE_MONTHS);
  const oldest = window.reduce<ReadingPoint | null>((best, h) => (!best || h.period < best.period ? h : best), null);
  if (!oldest) return { kind: 'ok', previous, consumption };
  const months = BigInt(monthsBetween(oldest.period, previous.period));
  const used = previous.value - oldest.value;
  if (used <= 0n) return { kind: 'ok', previous, consumption };
  const elapsed = BigInt(Math.max(1, monthsBetween(previous.period, period)));
  // consumption / elapsed > 3 × used / months, cross-multiplied: exact, no division.
  if (consumption * months > UNUSUAL_FACTOR * used * elapsed) {
    return { kind: 'unusual', previous, consumption, averageMonth: used / months };
  }
  return { kind: 'ok', previous, consumption };
}
