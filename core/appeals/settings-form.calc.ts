/**
 * What the appeal settings pages type in and what they show: working hours as «ЧЧ:ММ», the dispatcher chat id of
 * each messenger, and a year of the calendar with the seeded days beside the organisation's own.
 */
import type { ErrorCode } from '../shared/index.ts';
import { checkWorkingWeek, type DayKind, type WorkingWeek } from './work-calendar.calc.ts';

/** One weekday as the form sends it. */
export type DayHoursText = { readonly start: string; readonly end: string; readonly off: boolean };
/** A problem of the week form; `day` is 0 = Monday … 6 = Sunday, so the message can name it. */
export type WeekProblem = { readonly code: ErrorCode; readonly day?: number; readonly field?: 'start' | 'end' };

const DAY_MINUTES = 1440;

/** «9:00», «09:00» → 540; «24:00» only where `endOfDay` (a day that works until midnight). */
export function parseClock(text: string, endOfDay = false): number | null {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(text.trim());
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59) return null;
  return minutes < DAY_MINUTES || (endOfDay && minutes === DAY_MINUTES) ? minutes : null;
}

export const formatClock = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Every problem of the seven days at once; the week that comes out has passed checkWorkingWeek. */
export function readWeek(days: readonly DayHoursText[]): { ok: true; week: WorkingWeek } | { ok: false; problems: WeekProblem[] } {
  if (days.length !== 7) return { ok: false, problems: [{ code: 'APPEALS.WEEK_INVALID' }] };
  const problems: WeekProblem[] = [];
  const week = days.map((d, day): readonly [number, number] | null => {
    if (d.off) return null;
    const start = parseClock(d.start);
    const end = parseClock(d.end, true);
    // One message a day, beside the first field to fix: two identical lines for one day help nobody.
    if (start === null || end === null) problems.push({ code: 'APPEALS.HOURS_INVALID', day, field: start === null ? 'start' : 'end' });
    else if (start >= end) problems.push({ code: 'APPEALS.HOURS_ORDER', day, field: 'end' });
    return start !== null && end !== null ? [start, end] : null;
  });
  if (problems.length) return { ok: false, problems };
  if (week.every((hours) => hours === null)) return { ok: false, problems: [{ code: 'APPEALS.WEEK_EMPTY' }] };
  // The rules above are checkWorkingWeek's own; it stays the last word on what the calendar accepts.
  return checkWorkingWeek(week) === null ? { ok: true, week } : { ok: false, problems: [{ code: 'APPEALS.WEEK_INVALID' }] };
}

/**
 * The minutes of «one working day» for the SLA page: the first working day of the week, which is also the one a
 * moved working weekend borrows. Defaults are written as 540 minutes a day whatever the organisation works.
 */
export function workdayMinutes(week: WorkingWeek): number {
  const first = week.find((hours) => hours !== null);
  return first ? first[1] - first[0] : 0;
}

/**
 * A messenger's dispatcher chat: Telegram groups and supergroups have negative ids (-1001234567890); MAX chat ids
 * are integers of either sign. At most 19 digits: both are 64-bit.
 */
export function isChatId(channel: 'telegram' | 'max', text: string): boolean {
  return channel === 'telegram' ? /^-\d{1,19}$/.test(text) : /^-?\d{1,19}$/.test(text);
}

export type OwnDay = { readonly date: string; readonly kind: DayKind | 'ordinary' };
export type CalendarRow = {
  readonly date: string;
  /** What the Russian calendar says (null = an ordinary day of the week). */
  readonly seeded: DayKind | null;
  /** The organisation's change (null = none). */
  readonly own: DayKind | 'ordinary' | null;
  /** What counts: the change over the seed; null = the weekday's own hours. */
  readonly effective: DayKind | null;
};

/** The exceptions of one year, by date: every seeded day and every change of the organisation. */
export function calendarYear(seeded: ReadonlyMap<string, DayKind>, own: readonly OwnDay[], year: number): CalendarRow[] {
  const prefix = `${year}-`;
  const owned = new Map(own.filter((d) => d.date.startsWith(prefix)).map((d) => [d.date, d.kind]));
  const dates = new Set([...[...seeded.keys()].filter((d) => d.startsWith(prefix)), ...owned.keys()]);
  return [...dates].sort().map((date) => {
    const base = seeded.get(date) ?? null;
    const change = owned.get(date) ?? null;
    return { date, seeded: base, own: change, effective: change === null ? base : change === 'ordinary' ? null : change };
  });
}
