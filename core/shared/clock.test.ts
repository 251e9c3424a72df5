import { describe, expect, it } from 'vitest';
import { fixedClock, settableClock, systemClock } from './clock.ts';

const NOON = new Date('2026-03-31T09:00:00.000Z');

describe('systemClock', () => {
  it('tells the current time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('fixedClock', () => {
  it('always tells the instant it was given', () => {
    const clock = fixedClock(NOON);
    expect(clock.now().toISOString()).toBe(NOON.toISOString());
    expect(clock.now().toISOString()).toBe(NOON.toISOString());
  });

  it('cannot be moved by mutating the date it returned or the date it was given', () => {
    const given = new Date(NOON);
    const clock = fixedClock(given);
    clock.now().setUTCFullYear(1999);
    given.setUTCFullYear(2000);
    expect(clock.now().toISOString()).toBe(NOON.toISOString());
  });

  it('refuses an invalid date', () => {
    expect(() => fixedClock(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('settableClock', () => {
  it('starts at the initial instant and moves only when told', () => {
    const clock = settableClock(NOON);
    expect(clock.now().toISOString()).toBe('2026-03-31T09:00:00.000Z');
    clock.advance(12 * 3_600_000 - 1);
    expect(clock.now().toISOString()).toBe('2026-03-31T20:59:59.999Z');
    clock.advance(-1_000);
    expect(clock.now().toISOString()).toBe('2026-03-31T20:59:58.999Z');
    clock.set(new Date('2027-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('refuses to jump to an invalid instant and keeps its time', () => {
    const clock = settableClock(NOON);
    expect(() => clock.set(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.advance(9e15)).toThrow(RangeError);
    expect(clock.now().toISOString()).toBe(NOON.toISOString());
  });
});
