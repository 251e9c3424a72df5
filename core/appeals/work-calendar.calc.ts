/**
 * Working time of an organisation: which instants count towards an SLA. A day's hours come from its weekday,
 * unless the calendar lists the date as an exception (a holiday, a moved working weekend, a short day).
 *
 * Local minutes become instants as «start of the local day + minutes», cut at the start of the next local day.
 * Russia keeps no summer time, so this is exact there; in a zone with DST a window on the changeover day is
 * off by the hour skipped or repeated, which is accepted — but windows never overlap and never leave their day,
 * so every function here stays consistent with the others.
 */
import { addDays, isLocalDate, localDate, startOfLocalDay } from '../shared/index.ts';

export type DayKind = 'holiday' | 'working' | 'short';
/** Minutes from local midnight: [start, end). Index 0 = Monday … 6 = Sunday; null = day off. */
export type WorkingWeek = readonly (readonly [number, number] | null)[];
export type WorkCalendar = {
  /** IANA zone, e.g. 'Europe/Moscow'. */
  readonly tz: string;
  /** Length 7; check it with checkWorkingWeek where it comes in. */
  readonly week: WorkingWeek;
  /** 'YYYY-MM-DD' → exception: holidays, moved working weekends, short pre-holiday days. */
  readonly days: ReadonlyMap<string, DayKind>;
  /** Set only on ALWAYS: every instant works, so nothing walks the days. */
  readonly always?: true;
};

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;
// ТК РФ ст. 95: the working day right before a public holiday is one hour shorter.
const SHORT_DAY_CUT_MINUTES = 60;
// A calendar with no working time at all would walk forever; three years of days off in a row means a bad one.
const IDLE_DAYS_LIMIT = 3 * 366;
const FULL_DAY = [0, DAY_MINUTES] as const;

/** Mon–Fri 09:00–18:00. */
export const DEFAULT_WEEK: WorkingWeek = [[540, 1080], [540, 1080], [540, 1080], [540, 1080], [540, 1080], null, null];

/** The 24×7 calendar of emergency requests (ПП РФ № 416): working time is plain elapsed time. */
export const ALWAYS: WorkCalendar = {
  tz: 'UTC',
  week: [FULL_DAY, FULL_DAY, FULL_DAY, FULL_DAY, FULL_DAY, FULL_DAY, FULL_DAY],
  days: new Map(),
  always: true,
};

/** null when the week is usable; otherwise a short reason. */
export function checkWorkingWeek(week: WorkingWeek): string | null {
  if (!Array.isArray(week) || week.length !== 7) return 'a week has 7 days';
  for (const [index, hours] of week.entries()) {
    if (hours === null) continue;
    const [start, end] = hours;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > DAY_MINUTES) {
      return `day ${index + 1}: hours outside 00:00–24:00`;
    }
    if (start >= end) return `day ${index + 1}: start is not before end`;
  }
  return week.some((hours) => hours !== null) ? null : 'no working day in the week';
}

/** 0 = Monday … 6 = Sunday, of a date known to be valid. */
function weekdayIndex(date: string): number {
  const days = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
  return (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** The hours a moved working weekend borrows: those of the first day from Monday on that has any. */
const firstWorkingHours = (week: WorkingWeek): readonly [number, number] | null =>
  week.find((hours) => hours !== null) ?? null;

/** The working hours of a local date, in minutes from its midnight; null when it is a day off. */
export function workingWindow(date: string, cal: WorkCalendar): readonly [number, number] | null {
  if (!isLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return hoursOf(date, cal);
}

// The day walks below skip the date check: their dates come from localDate and addDays.
function hoursOf(date: string, cal: WorkCalendar): readonly [number, number] | null {
  if (cal.always) return FULL_DAY;
  const own = cal.week[weekdayIndex(date)] ?? null;
  const kind = cal.days.get(date);
  if (kind === undefined) return own;
  if (kind === 'holiday') return null;
  const hours = own ?? firstWorkingHours(cal.week);
  if (kind === 'working' || hours === null) return hours;
  // A day shorter than the cut has nothing left; null keeps «a window is never empty» true.
  const end = hours[1] - SHORT_DAY_CUT_MINUTES;
  return end > hours[0] ? [hours[0], end] : null;
}

// Intl is the slow part of a day walk; 5 000 deadlines after a calendar change revisit the same few dates.
const DAY_START_CACHE_LIMIT = 100_000;
const dayStarts = new Map<string, number>();

function dayStartMs(date: string, tz: string): number {
  const key = `${tz} ${date}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    if (dayStarts.size >= DAY_START_CACHE_LIMIT) dayStarts.clear();
    start = startOfLocalDay(date, tz).getTime();
    dayStarts.set(key, start);
  }
  return start;
}

/** The working window of a local date as instants [start, end), inside that date; null when none. */
function windowMs(date: string, nextDate: string, cal: WorkCalendar): readonly [number, number] | null {
  const hours = hoursOf(date, cal);
  if (hours === null) return null;
  const dayStart = dayStartMs(date, cal.tz);
  const nextDayStart = dayStartMs(nextDate, cal.tz);
  const start = Math.min(dayStart + hours[0] * MINUTE_MS, nextDayStart);
  const end = Math.min(dayStart + hours[1] * MINUTE_MS, nextDayStart);
  return start < end ? [start, end] : null;
}

function checkInstant(ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${ms}`);
}

const localDateOf = (ms: number, tz: string): string => localDate(new Date(ms), tz);

/** The working instants of [fromMs, toMs) in ms; 0 when toMs ≤ fromMs. */
export function workingMsBetween(fromMs: number, toMs: number, cal: WorkCalendar): number {
  checkInstant(fromMs);
  checkInstant(toMs);
  if (toMs <= fromMs) return 0;
  if (cal.always) return toMs - fromMs;
  let total = 0;
  for (let date = localDateOf(fromMs, cal.tz); dayStartMs(date, cal.tz) < toMs;) {
    const next = addDays(date, 1);
    const window = windowMs(date, next, cal);
    if (window) total += Math.max(0, Math.min(window[1], toMs) - Math.max(window[0], fromMs));
    date = next;
  }
  return total;
}

/**
 * The instant at which `ms` of working time have passed since fromMs. For ms > 0 it lies in (start, end] of a
 * window: a deadline falls on the last working moment, never on the morning after. Throws RangeError when three
 * years in a row hold no working time.
 */
export function addWorkingMs(fromMs: number, ms: number, cal: WorkCalendar): number {
  checkInstant(fromMs);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot add ${ms} ms of working time`);
  if (ms === 0) return fromMs;
  if (cal.always) return fromMs + ms;
  let left = ms;
  let idleDays = 0;
  for (let date = localDateOf(fromMs, cal.tz); idleDays <= IDLE_DAYS_LIMIT;) {
    const next = addDays(date, 1);
    const window = windowMs(date, next, cal);
    date = next;
    const start = window ? Math.max(window[0], fromMs) : 0;
    if (window && window[1] > start) {
      if (left <= window[1] - start) return start + left;
      left -= window[1] - start;
      idleDays = 0;
    } else {
      idleDays += 1;
    }
  }
  throw new RangeError('no working time within three years: check the calendar');
}

/** Whether `ms` lies inside [start, end) of its local date's window. */
export function isWorkingInstant(ms: number, cal: WorkCalendar): boolean {
  checkInstant(ms);
  if (cal.always) return true;
  const date = localDateOf(ms, cal.tz);
  const window = windowMs(date, addDays(date, 1), cal);
  return window !== null && window[0] <= ms && ms < window[1];
}
