import { describe, expect, it } from 'vitest';
import { addDays, startOfLocalDay } from '../shared/business-day.calc.ts';
import { RU_CALENDAR, RU_CALENDAR_YEARS } from './ru-calendar.calc.ts';
import { DEFAULT_WEEK, workingMsBetween, workingWindow } from './work-calendar.calc.ts';
import type { WorkCalendar } from './work-calendar.calc.ts';

const cal: WorkCalendar = { tz: 'Europe/Moscow', week: DEFAULT_WEEK, days: RU_CALENDAR };

function daysOfYear(year: number): string[] {
  const days: string[] = [];
  for (let date = `${year}-01-01`; date.startsWith(String(year)); date = addDays(date, 1)) days.push(date);
  return days;
}
const workingDays = (year: number): string[] => daysOfYear(year).filter((date) => workingWindow(date, cal) !== null);
const shortDays = (year: number): string[] =>
  daysOfYear(year).filter((date) => workingWindow(date, cal)?.[1] === 1020);

describe('RU_CALENDAR', () => {
  it('seeds 2026 and 2027', () => {
    expect(RU_CALENDAR_YEARS).toEqual([2026, 2027]);
    for (const year of RU_CALENDAR_YEARS) expect([...RU_CALENDAR.keys()].some((d) => d.startsWith(`${year}-`))).toBe(true);
  });

  it('has the 247 working days of the official 2026 calendar', () => {
    expect(workingDays(2026)).toHaveLength(247);
  });

  it('opens 247 nine-hour windows in 2026, four of them an hour short', () => {
    const year = workingMsBetween(startOfLocalDay('2026-01-01', cal.tz).getTime(),
      startOfLocalDay('2027-01-01', cal.tz).getTime(), cal);
    expect(year / 3_600_000).toBe(247 * 9 - 4);
  });

  // Not official: 2027 follows the draft as reported (see ru-calendar.calc.ts). 261 weekdays − 14 days off
  // + the working Saturday 13 Nov = 248; only one of the two January weekend days lands on a weekday (31 Dec).
  it('has 248 working days in 2027 by the seeded data', () => {
    expect(workingDays(2027)).toHaveLength(248);
  });

  it.each([
    '2026-01-01', '2026-01-08', '2026-01-09', '2026-02-23', '2026-03-09', '2026-05-01', '2026-05-11',
    '2026-06-12', '2026-11-04', '2026-12-31',
    '2027-01-01', '2027-01-08', '2027-02-23', '2027-03-08', '2027-05-03', '2027-05-10', '2027-06-14',
    '2027-11-04', '2027-11-05', '2027-12-31',
  ])('rests on the weekday %s', (date) => {
    expect(RU_CALENDAR.get(date)).toBe('holiday');
    expect(workingWindow(date, cal)).toBeNull();
  });

  it.each(['2026-03-08', '2026-05-09', '2027-01-02', '2027-01-03', '2027-05-01', '2027-05-09', '2027-06-12'])(
    'marks the legal holiday %s a holiday though it falls on a weekend',
    (date) => expect(RU_CALENDAR.get(date)).toBe('holiday'),
  );

  it('works on Saturday 13 November 2027 with Monday hours', () => {
    expect(workingWindow('2027-11-13', cal)).toEqual([540, 1080]);
  });

  it('shortens the days before holidays by an hour', () => {
    expect(shortDays(2026)).toEqual(['2026-04-30', '2026-05-08', '2026-06-11', '2026-11-03']);
    expect(shortDays(2027)).toEqual(['2027-02-22', '2027-04-30', '2027-06-11', '2027-11-03']);
  });

  it('works on an ordinary weekday between holidays', () => {
    expect(workingWindow('2026-01-12', cal)).toEqual([540, 1080]);
    expect(workingWindow('2026-05-12', cal)).toEqual([540, 1080]);
  });
});
