/**
 * Russian public holidays and moved days for a five-day week, as exceptions of a WorkCalendar. Staff can edit any
 * day in admin; this is only the seed.
 *
 * Every legal holiday is 'holiday' even on a weekend (ТК РФ ст. 112), so a week with working Saturdays still
 * rests on 9 May. Days off moved by a decree or by ст. 112 are 'holiday', moved working weekends are 'working',
 * and the working day right before a holiday is 'short' (ст. 95: one hour less).
 */
import { addDays } from '../shared/index.ts';
import type { DayKind } from './work-calendar.calc.ts';

export const RU_CALENDAR_YEARS: readonly number[] = [2026, 2027];

/** The New Year holidays, 1–8 January (ст. 112), weekends included. */
const newYear = (year: number): string[] => Array.from({ length: 8 }, (_, i) => addDays(`${year}-01-01`, i));

// Постановление Правительства РФ от 24.09.2025 о переносе выходных дней в 2026 году: Sat 3 Jan → Fri 9 Jan,
// Sun 4 Jan → Thu 31 Dec; 8 March (Sun) and 9 May (Sat) move to the next Monday by ст. 112.
// Official result: 247 working days.
const HOLIDAYS_2026 = [
  ...newYear(2026),
  '2026-01-09', '2026-02-23', '2026-03-08', '2026-03-09', '2026-05-01', '2026-05-09', '2026-05-11',
  '2026-06-12', '2026-11-04', '2026-12-31',
];
const SHORT_2026 = ['2026-04-30', '2026-05-08', '2026-06-11', '2026-11-03'];

// 2027, by ст. 112: 1 May (Sat) → Mon 3 May, 9 May (Sun) → Mon 10 May, 12 June (Sat) → Mon 14 June.
// The January weekend days (Sat 2, Sun 3 Jan) move by decree. NOT YET CHECKED: the moves below follow the draft
// decree as reported in the press — Fri 5 Nov off with Sat 13 Nov working, and Fri 31 Dec off. Check them
// against the published decree and correct here (and in admin for organisations already seeded).
const HOLIDAYS_2027 = [
  ...newYear(2027),
  '2027-02-23', '2027-03-08', '2027-05-01', '2027-05-03', '2027-05-09', '2027-05-10', '2027-06-12',
  '2027-06-14', '2027-11-04', '2027-11-05', '2027-12-31',
];
const WORKING_2027 = ['2027-11-13'];
const SHORT_2027 = ['2027-02-22', '2027-04-30', '2027-06-11', '2027-11-03'];

function seed(): Map<string, DayKind> {
  const days = new Map<string, DayKind>();
  for (const date of [...SHORT_2026, ...SHORT_2027]) days.set(date, 'short');
  for (const date of WORKING_2027) days.set(date, 'working');
  // Last, so a date listed twice by mistake stays a day off.
  for (const date of [...HOLIDAYS_2026, ...HOLIDAYS_2027]) days.set(date, 'holiday');
  return days;
}

export const RU_CALENDAR: ReadonlyMap<string, DayKind> = seed();
