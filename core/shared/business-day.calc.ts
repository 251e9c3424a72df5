/**
 * Calendar days in a named time zone, computed with Intl only. Nothing here reads the process time zone
 * (no getHours, no toLocaleString without timeZone), so a server under TZ=UTC and one under
 * TZ=Asia/Vladivostok cut the same day at the same instant (RELIABILITY.md R5).
 *
 * Dates are 'YYYY-MM-DD' strings of the proleptic Gregorian calendar, years 0001–9999; they compare correctly
 * as strings. A malformed date or an unknown zone is a bug (validate zones with isValidTimeZone at the edge)
 * and throws RangeError.
 */

/** Payment days close at 00:00 Moscow time unless an organisation sets its own zone. */
export const DEFAULT_TZ = 'Europe/Moscow';

/**
 * Russia moves days off: a holiday can fall on a weekday, and a Saturday can be a working day.
 * A date in both sets is a holiday.
 */
export type BusinessCalendar = {
  readonly holidays: ReadonlySet<string>;
  readonly workingWeekends: ReadonlySet<string>;
};

export const WEEKENDS_ONLY: BusinessCalendar = { holidays: new Set(), workingWeekends: new Set() };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// Wider than any offset tzdb has ever had (LMT included) plus a whole skipped day (Samoa, 2011-12-30).
const SEARCH_MARGIN_MS = 40 * HOUR_MS;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    // en-US + gregory + latn + h23 pin the parts we read, whatever the process locale is.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, calendar: 'gregory', numberingSystem: 'latn', hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  try {
    // Not through the cache: this sees user input, and every spelling ('europe/MOSCOW') would stay cached.
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading in `tz` at `ms`, written as if it were a UTC instant (whole seconds). */
function wallClockMs(ms: number, tz: string): number {
  const parts = formatterFor(tz).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = new Date(0);
  wall.setUTCFullYear(part('year'), part('month') - 1, part('day'));
  wall.setUTCHours(part('hour'), part('minute'), part('second'));
  return wall.getTime();
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function utcDateString(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** 00:00 UTC of the date as ms, or NaN unless it is a real 'YYYY-MM-DD' (2026-02-30 is not). */
function parseUtcMidnight(date: string): number {
  const match = LOCAL_DATE.exec(date);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const ms = match ? new Date(0).setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  return !Number.isNaN(ms) && utcDateString(ms) === date ? ms : NaN;
}

function utcMidnightMs(date: string): number {
  const ms = parseUtcMidnight(date);
  if (Number.isNaN(ms)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return ms;
}

export const isLocalDate = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(parseUtcMidnight(value));

/** The calendar date ('YYYY-MM-DD') that a clock on the wall in `tz` shows at `instant`. */
export function localDate(instant: Date, tz: string): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('localDate of an invalid Date');
  return utcDateString(wallClockMs(ms, tz));
}

/**
 * The first instant whose local date in `tz` is `date`: normally 00:00 local. Where a clock change skips
 * midnight (São Paulo, 2018-11-04) it is the first instant after the gap; where a day was skipped whole
 * (Apia, 2011-12-30) it equals the start of the next day, so that day is empty.
 */
export function startOfLocalDay(date: string, tz: string): Date {
  const midnight = utcMidnightMs(date);
  // Two rounds of «local − offset» settle every ordinary day; the check rejects gaps and repeated hours.
  const first = midnight - offsetAt(midnight, tz);
  const second = midnight - offsetAt(first, tz);
  for (const candidate of [first, second]) {
    if (isStartOf(date, candidate, tz)) return new Date(candidate);
  }
  return new Date(firstInstantOnOrAfter(date, tz, midnight - SEARCH_MARGIN_MS, midnight + SEARCH_MARGIN_MS));
}

/** Local minus UTC at `ms`; Intl shows whole seconds, so compare with the instant cut to its second. */
const offsetAt = (ms: number, tz: string): number => wallClockMs(ms, tz) - (ms - (((ms % 1000) + 1000) % 1000));

function isStartOf(date: string, ms: number, tz: string): boolean {
  return localDate(new Date(ms), tz) === date && localDate(new Date(ms - 1), tz) < date;
}

/** Binary search over [low, high]: local date at `low` is before `date`, at `high` it is not. */
function firstInstantOnOrAfter(date: string, tz: string, low: number, high: number): number {
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (localDate(new Date(middle), tz) >= date) high = middle;
    else low = middle;
  }
  return high;
}

export function addDays(date: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`cannot add ${n} days`);
  return utcDateString(utcMidnightMs(date) + n * DAY_MS);
}

/** Saturday or Sunday, by the calendar alone (no zone: a date is already local). */
export function isWeekend(date: string): boolean {
  const weekday = new Date(utcMidnightMs(date)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

export function isBusinessDay(date: string, calendar: BusinessCalendar): boolean {
  if (calendar.holidays.has(date)) return false;
  return calendar.workingWeekends.has(date) || !isWeekend(date);
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: string, calendar: BusinessCalendar): string {
  return addBusinessDays(date, 1, calendar);
}

/**
 * Moves n business days forward (n < 0: back), skipping days off; n = 0 returns `date` as it is.
 * Ends because a calendar lists finitely many holidays.
 */
export function addBusinessDays(date: string, n: number, calendar: BusinessCalendar): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`cannot add ${n} business days`);
  const step = n < 0 ? -1 : 1;
  let current = addDays(date, 0); // validates `date` even when n = 0
  for (let left = Math.abs(n); left > 0; left -= 1) {
    do current = addDays(current, step);
    while (!isBusinessDay(current, calendar));
  }
  return current;
}
