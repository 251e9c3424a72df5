import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../shared/business-day.calc.ts';
import { RU_CALENDAR } from './ru-calendar.calc.ts';
import {
  addWorkingMs,
  ALWAYS,
  checkWorkingWeek,
  DEFAULT_WEEK,
  isWorkingInstant,
  workingMsBetween,
  workingWindow,
} from './work-calendar.calc.ts';
import type { DayKind, WorkCalendar, WorkingWeek } from './work-calendar.calc.ts';

const RUNS = process.env.FULL === '1' ? 20_000 : 300;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : 60_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ms = (iso: string): number => new Date(iso).getTime();
const moscow = (days: ReadonlyMap<string, DayKind> = new Map()): WorkCalendar =>
  ({ tz: 'Europe/Moscow', week: DEFAULT_WEEK, days });

describe('checkWorkingWeek', () => {
  it('accepts the default week', () => expect(checkWorkingWeek(DEFAULT_WEEK)).toBeNull());
  it.each<[string, WorkingWeek]>([
    ['a six-day list', DEFAULT_WEEK.slice(0, 6)],
    ['an end before the start', [[600, 540], null, null, null, null, null, null]],
    ['an empty window', [[540, 540], null, null, null, null, null, null]],
    ['hours past midnight', [[540, 1441], null, null, null, null, null, null]],
    ['a negative start', [[-1, 600], null, null, null, null, null, null]],
    ['a week with no working day', [null, null, null, null, null, null, null]],
  ])('refuses %s', (_name, week) => expect(checkWorkingWeek(week)).toEqual(expect.any(String)));
});

describe('workingWindow', () => {
  const days = new Map<string, DayKind>([
    ['2026-05-11', 'holiday'], ['2026-05-08', 'short'], ['2026-11-14', 'working'], ['2026-11-15', 'short'],
  ]);
  it.each([
    ['2026-05-12', [540, 1080]], // an ordinary Tuesday
    ['2026-05-09', null], // Saturday
    ['2026-05-11', null], // a holiday on a Monday
    ['2026-05-08', [540, 1020]], // a short Friday ends at 17:00
    ['2026-11-14', [540, 1080]], // a working Saturday borrows Monday's hours
    ['2026-11-15', [540, 1020]], // a short Sunday: borrowed hours, one less
  ])('gives %s the hours %j', (date, hours) => expect(workingWindow(date, moscow(days))).toEqual(hours));

  it('leaves nothing of a day shorter than the hour a short day loses', () => {
    const week: WorkingWeek = [[540, 570], null, null, null, null, null, null];
    expect(workingWindow('2026-05-11', { tz: 'UTC', week, days: new Map([['2026-05-11', 'short']]) })).toBeNull();
  });

  it('refuses a date that does not exist', () => expect(() => workingWindow('2026-02-30', moscow())).toThrow(RangeError));
});

describe('working time examples', () => {
  const cal = moscow(RU_CALENDAR);
  it('is due on Tuesday 12 May 2026 at 18:00 for a question filed on the short Friday after hours', () => {
    expect(new Date(addWorkingMs(ms('2026-05-08T17:30:00+03:00'), 540 * MINUTE, cal)).toISOString())
      .toBe('2026-05-12T15:00:00.000Z');
  });
  it('counts a Friday evening to a Tuesday morning as the two working hours of Tuesday', () => {
    expect(workingMsBetween(ms('2026-05-08T16:00:00+03:00'), ms('2026-05-12T11:00:00+03:00'), cal)).toBe(3 * HOUR);
  });
  it('ends a deadline at the close of a day, not the next morning', () => {
    expect(addWorkingMs(ms('2026-05-12T09:00:00+03:00'), 9 * HOUR, cal)).toBe(ms('2026-05-12T18:00:00+03:00'));
  });
  it('sees 09:00 as working and 18:00 as not', () => {
    expect(isWorkingInstant(ms('2026-05-12T09:00:00+03:00'), cal)).toBe(true);
    expect(isWorkingInstant(ms('2026-05-12T18:00:00+03:00'), cal)).toBe(false);
    expect(isWorkingInstant(ms('2026-05-11T12:00:00+03:00'), cal)).toBe(false);
  });
  it('adds 30 minutes to an emergency as 30 minutes, at night too', () => {
    const night = ms('2026-05-09T02:10:00+03:00');
    expect(addWorkingMs(night, 30 * MINUTE, ALWAYS)).toBe(night + 30 * MINUTE);
    expect(isWorkingInstant(night, ALWAYS)).toBe(true);
  });
  it('gives up on a calendar with no working time', () => {
    const never: WorkCalendar = { tz: 'Europe/Moscow', week: Array(7).fill(null), days: new Map() };
    expect(() => addWorkingMs(ms('2026-01-01T00:00:00Z'), 1, never)).toThrow(RangeError);
    expect(workingMsBetween(ms('2026-01-01T00:00:00Z'), ms('2027-01-01T00:00:00Z'), never)).toBe(0);
  });
  it('returns the start unchanged for zero and refuses negative time', () => {
    const from = ms('2026-05-09T12:00:00+03:00');
    expect(addWorkingMs(from, 0, cal)).toBe(from);
    expect(() => addWorkingMs(from, -1, cal)).toThrow(RangeError);
  });
});

const START = ms('2026-01-01T00:00:00Z');
const END = ms('2028-01-01T00:00:00Z');
const windowArb = fc.integer({ min: 0, max: 1440 - 60 })
  .chain((start) => fc.integer({ min: start + 60, max: 1440 }).map((end) => [start, end] as const));
const weekArb = fc.array(fc.option(windowArb, { nil: null, freq: 3 }), { minLength: 7, maxLength: 7 })
  .filter((week) => checkWorkingWeek(week) === null);
const daysArb = fc.array(
  fc.tuple(fc.integer({ min: -5, max: 740 }), fc.constantFrom<DayKind>('holiday', 'working', 'short')),
  { maxLength: 120 },
).map((entries) => new Map(entries.map(([offset, kind]) => [addDays('2026-01-01', offset), kind])));
const calendarArb = (zones: readonly string[]): fc.Arbitrary<WorkCalendar> =>
  fc.record({ tz: fc.constantFrom(...zones), week: weekArb, days: daysArb });
const RU_ZONES = ['Europe/Moscow', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'Asia/Yekaterinburg'];
const DST_ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney'];
const fromArb = fc.integer({ min: START, max: END });
const amountArb = fc.oneof(fc.integer({ min: 1, max: 15 * 540 * MINUTE }), fc.integer({ min: 1, max: 2 * HOUR }));

describe.each([['Russian zones', RU_ZONES], ['zones with summer time', DST_ZONES]])('working time in %s', (_name, zones) => {
  it('puts every deadline inside a working window of a day that has one', () => {
    fc.assert(fc.property(calendarArb(zones), fromArb, amountArb, (cal, from, amount) => {
      const due = addWorkingMs(from, amount, cal);
      const lastDay = localDate(new Date(due - 1), cal.tz);
      expect(due).toBeGreaterThan(from);
      expect(isWorkingInstant(due - 1, cal)).toBe(true);
      expect(cal.days.get(lastDay)).not.toBe('holiday');
      expect(workingWindow(lastDay, cal)).not.toBeNull();
    }), { numRuns: RUNS });
  }, TIMEOUT);

  it('counts back exactly the working time it added', () => {
    fc.assert(fc.property(calendarArb(zones), fromArb, amountArb, (cal, from, amount) => {
      expect(workingMsBetween(from, addWorkingMs(from, amount, cal), cal)).toBe(amount);
    }), { numRuns: RUNS });
  }, TIMEOUT);

  it('moves a deadline later for more working time', () => {
    fc.assert(fc.property(calendarArb(zones), fromArb, amountArb, amountArb, (cal, from, a, b) => {
      const [less, more] = a <= b ? [a, b] : [b, a];
      const [early, late] = [addWorkingMs(from, less, cal), addWorkingMs(from, more, cal)];
      if (less < more) expect(early).toBeLessThan(late);
      else expect(early).toBe(late);
    }), { numRuns: RUNS });
  }, TIMEOUT);

  it('splits working time at any instant between two others', () => {
    fc.assert(fc.property(calendarArb(zones), fc.array(fromArb, { minLength: 3, maxLength: 3 }), (cal, instants) => {
      const [a, b, c] = instants.sort((x, y) => x - y) as [number, number, number];
      expect(workingMsBetween(a, b, cal) + workingMsBetween(b, c, cal)).toBe(workingMsBetween(a, c, cal));
    }), { numRuns: Math.ceil(RUNS / 10) });
  }, TIMEOUT);
});

describe('ALWAYS', () => {
  it('adds working time as plain time', () => {
    fc.assert(fc.property(fromArb, fc.integer({ min: 0, max: 400 * 24 * HOUR }), (from, amount) => {
      expect(addWorkingMs(from, amount, ALWAYS)).toBe(from + amount);
      expect(workingMsBetween(from, from + amount, ALWAYS)).toBe(amount);
    }), { numRuns: RUNS });
  });
});
