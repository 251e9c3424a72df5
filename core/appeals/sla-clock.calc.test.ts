import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settableClock } from '../shared/clock.ts';
import { RU_CALENDAR } from './ru-calendar.calc.ts';
import {
  dueAt, elapsedAt, pauseClock, reopenClock, resumeClock, retarget, riskAt, slaState, startClock, stopClock,
} from './sla-clock.calc.ts';
import { addWorkingMs, ALWAYS, checkWorkingWeek, DEFAULT_WEEK, workingMsBetween } from './work-calendar.calc.ts';
import type { DayKind, WorkCalendar } from './work-calendar.calc.ts';

const RUNS = process.env.FULL === '1' ? 20_000 : 300;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : 60_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ms = (iso: string): number => new Date(iso).getTime();
const MOSCOW: WorkCalendar = { tz: 'Europe/Moscow', week: DEFAULT_WEEK, days: RU_CALENDAR };

describe('an SLA clock in working time', () => {
  it('is due on Tuesday 18:00 for one working day from the short Friday evening before 9 May 2026', () => {
    const clock = startClock(540 * MINUTE, ms('2026-05-08T17:30:00+03:00'));
    expect(dueAt(clock, MOSCOW)).toBe(ms('2026-05-12T18:00:00+03:00'));
    expect(riskAt(clock, MOSCOW)).toBe(ms('2026-05-12T16:12:00+03:00')); // 80 % of 9 h = 7 h 12 min
  });

  it('gives an emergency on ALWAYS 30 minutes of plain time', () => {
    const clock = startClock(30 * MINUTE, ms('2026-05-09T03:00:00+03:00'));
    expect(dueAt(clock, ALWAYS)).toBe(ms('2026-05-09T03:30:00+03:00'));
  });

  it('follows an appeal through a pause, an answer and a reopening', () => {
    const now = settableClock(new Date('2026-05-12T09:00:00+03:00'));
    const at = (): number => now.now().getTime();
    let clock = startClock(4 * HOUR, at());
    now.advance(HOUR);
    clock = pauseClock(clock, at(), MOSCOW); // asked the resident for a photo
    now.advance(24 * HOUR);
    expect(elapsedAt(clock, at(), MOSCOW)).toBe(HOUR);
    expect(dueAt(clock, MOSCOW)).toBeNull();
    clock = resumeClock(clock, at()); // Wednesday 10:00
    expect(dueAt(clock, MOSCOW)).toBe(ms('2026-05-13T13:00:00+03:00'));
    now.advance(2 * HOUR);
    clock = stopClock(clock, at(), MOSCOW);
    expect(slaState(clock, at(), MOSCOW)).toBe('met');
    expect(resumeClock(clock, at() + HOUR)).toBe(clock);
    expect(stopClock(clock, at() + HOUR, MOSCOW)).toBe(clock);
    now.advance(HOUR);
    clock = reopenClock(clock, at());
    now.advance(2 * HOUR); // Wednesday 15:00: 3 h before the stop, 2 h after the reopening
    expect(elapsedAt(clock, at(), MOSCOW)).toBe(5 * HOUR);
    expect(slaState(clock, at(), MOSCOW)).toBe('breached');
    expect(slaState(retarget(clock, 8 * HOUR), at(), MOSCOW)).toBe('on_track');
  });

  it('refuses a target that is not positive', () => {
    expect(() => startClock(0, 0)).toThrow(RangeError);
    expect(() => retarget(startClock(1, 0), -5)).toThrow(RangeError);
  });
});

const ZONES = ['Europe/Moscow', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'Asia/Yekaterinburg'];
const windowArb = fc.integer({ min: 0, max: 1380 })
  .chain((start) => fc.integer({ min: start + 60, max: 1440 }).map((end) => [start, end] as const));
const calendarArb: fc.Arbitrary<WorkCalendar> = fc.record({
  tz: fc.constantFrom(...ZONES),
  week: fc.array(fc.option(windowArb, { nil: null, freq: 3 }), { minLength: 7, maxLength: 7 })
    .filter((week) => checkWorkingWeek(week) === null),
  days: fc.constantFrom<ReadonlyMap<string, DayKind>>(RU_CALENDAR, new Map()),
});
const anyCalendarArb = fc.oneof(calendarArb, fc.constant(ALWAYS));
const instantArb = fc.integer({ min: ms('2026-01-01T00:00:00Z'), max: ms('2027-12-01T00:00:00Z') });
const targetArb = fc.integer({ min: 1, max: 10 * 540 * MINUTE });
const gapArb = fc.integer({ min: 0, max: 20 * 24 * HOUR });

describe('SLA clock properties', () => {
  it('counts nothing while paused', () => {
    fc.assert(fc.property(anyCalendarArb, targetArb, instantArb, gapArb, gapArb, (cal, target, t0, run, wait) => {
      const paused = pauseClock(startClock(target, t0), t0 + run, cal);
      expect(elapsedAt(paused, t0 + run + wait, cal)).toBe(elapsedAt(paused, t0 + run, cal));
      expect(slaState(paused, t0 + run + wait, cal)).toBe(slaState(paused, t0 + run, cal));
      expect(dueAt(paused, cal)).toBeNull();
    }), { numRuns: RUNS });
  }, TIMEOUT);

  it('moves the deadline later by the working time of a pause', () => {
    fc.assert(fc.property(calendarArb, targetArb, instantArb, fc.double({ min: 0, max: 1, noNaN: true }), gapArb,
      (cal, target, t0, share, wait) => {
        const clock = startClock(target, t0);
        const before = dueAt(clock, cal) as number;
        const pause = t0 + Math.floor((before - t0) * share);
        const after = dueAt(resumeClock(pauseClock(clock, pause, cal), pause + wait), cal) as number;
        expect(after).toBeGreaterThanOrEqual(before);
        expect(workingMsBetween(before, after, cal)).toBe(workingMsBetween(pause, pause + wait, cal));
      }), { numRuns: RUNS });
  }, TIMEOUT);

  it('moves an ALWAYS deadline later by the length of a pause', () => {
    fc.assert(fc.property(targetArb, instantArb, gapArb, gapArb, (target, t0, run, wait) => {
      const clock = startClock(target, t0);
      const pause = t0 + Math.min(run, target);
      const after = dueAt(resumeClock(pauseClock(clock, pause, ALWAYS), pause + wait), ALWAYS);
      expect(after).toBe((dueAt(clock, ALWAYS) as number) + wait);
    }), { numRuns: RUNS });
  });

  it('goes on from the frozen time after a reopening', () => {
    fc.assert(fc.property(anyCalendarArb, targetArb, instantArb, gapArb, gapArb, gapArb,
      (cal, target, t0, run, wait, more) => {
        const stopped = stopClock(startClock(target, t0), t0 + run, cal);
        const frozen = stopped.elapsedMs;
        expect(elapsedAt(stopped, t0 + run + wait + more, cal)).toBe(frozen);
        const reopened = reopenClock(stopped, t0 + run + wait);
        expect(elapsedAt(reopened, t0 + run + wait + more, cal))
          .toBe(frozen + workingMsBetween(t0 + run + wait, t0 + run + wait + more, cal));
      }), { numRuns: RUNS });
  }, TIMEOUT);

  it('turns at risk at exactly 80 % and breached just past 100 %', () => {
    fc.assert(fc.property(anyCalendarArb, fc.integer({ min: 1, max: 540 * 2 * 12_000 }), instantArb, (cal, fifth, t0) => {
      const target = 5 * fifth; // 80 % of it is a whole number of ms
      const clock = startClock(target, t0);
      const risk = riskAt(clock, cal) as number;
      const due = dueAt(clock, cal) as number;
      expect(elapsedAt(clock, risk, cal)).toBe(4 * fifth);
      expect(slaState(clock, risk - 1, cal)).toBe('on_track');
      expect(slaState(clock, risk, cal)).toBe('at_risk');
      expect(slaState(clock, due, cal)).toBe('at_risk');
      expect(slaState(clock, addWorkingMs(due, 1, cal), cal)).toBe('breached');
      expect(slaState(stopClock(clock, due, cal), due + 10 * HOUR, cal)).toBe('met');
      expect(slaState(stopClock(clock, addWorkingMs(due, 1, cal), cal), due, cal)).toBe('breached');
    }), { numRuns: RUNS });
  }, TIMEOUT);
});
