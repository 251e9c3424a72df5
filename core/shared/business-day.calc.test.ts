import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addDays,
  DEFAULT_TZ,
  isBusinessDay,
  isLocalDate,
  isValidTimeZone,
  isWeekend,
  localDate,
  nextBusinessDay,
  startOfLocalDay,
  WEEKENDS_ONLY,
} from './business-day.calc.ts';
import type { BusinessCalendar } from './business-day.calc.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;
const MOSCOW = 'Europe/Moscow';
const VLADIVOSTOK = 'Asia/Vladivostok';
const at = (iso: string): Date => new Date(iso);

describe('localDate', () => {
  it('puts 20:59:59Z and 21:00:00Z of 2026-03-31 on different Moscow days', () => {
    expect(localDate(at('2026-03-31T20:59:59Z'), MOSCOW)).toBe('2026-03-31');
    expect(localDate(at('2026-03-31T21:00:00Z'), MOSCOW)).toBe('2026-04-01');
  });

  it('cuts the year at Moscow midnight, to the millisecond', () => {
    expect(localDate(at('2025-12-31T20:59:59.999Z'), MOSCOW)).toBe('2025-12-31');
    expect(localDate(at('2025-12-31T21:00:00.000Z'), MOSCOW)).toBe('2026-01-01');
  });

  it('reads the same instant as a later day in Vladivostok', () => {
    expect(localDate(at('2026-03-31T14:00:00Z'), VLADIVOSTOK)).toBe('2026-04-01');
    expect(localDate(at('2026-03-31T14:00:00Z'), MOSCOW)).toBe('2026-03-31');
  });

  it('refuses an invalid instant', () => {
    expect(() => localDate(new Date(Number.NaN), MOSCOW)).toThrow(RangeError);
  });
});

describe('startOfLocalDay', () => {
  it.each([
    ['2026-03-31', MOSCOW, '2026-03-30T21:00:00.000Z'],
    ['2026-01-01', MOSCOW, '2025-12-31T21:00:00.000Z'],
    ['2026-03-31', VLADIVOSTOK, '2026-03-30T14:00:00.000Z'],
    ['2010-07-01', MOSCOW, '2010-06-30T20:00:00.000Z'], // Moscow summer time, UTC+4
    ['2010-01-15', MOSCOW, '2010-01-14T21:00:00.000Z'], // Moscow winter time, UTC+3
    ['2013-01-01', MOSCOW, '2012-12-31T20:00:00.000Z'], // permanent UTC+4, 2011–2014
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'], // the day clocks go forward at 02:00
    ['2018-11-04', 'America/Sao_Paulo', '2018-11-04T03:00:00.000Z'], // clocks jumped from 00:00 to 01:00
    ['2011-12-30', 'Pacific/Apia', '2011-12-30T10:00:00.000Z'], // a day Samoa skipped: it starts as it ends
    ['2011-12-31', 'Pacific/Apia', '2011-12-30T10:00:00.000Z'],
  ])('starts %s in %s at %s', (date, tz, iso) => {
    expect(startOfLocalDay(date, tz).toISOString()).toBe(iso);
  });

  it.each(['2026-02-30', '2026-2-3', '26-01-01', '2026-13-01', '', '2026-01-01T00:00'])('refuses «%s» as a date', (date) => {
    expect(() => startOfLocalDay(date, MOSCOW)).toThrow(RangeError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => startOfLocalDay('2026-01-01', 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('independence from the process time zone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  const snapshot = (): string[] =>
    [MOSCOW, VLADIVOSTOK].flatMap((tz) => [
      localDate(at('2026-03-31T20:59:59Z'), tz),
      localDate(at('2026-03-31T21:00:00Z'), tz),
      startOfLocalDay('2026-01-01', tz).toISOString(),
      startOfLocalDay('2010-07-01', tz).toISOString(),
    ]);

  it('gives the same days under TZ=UTC, TZ=Asia/Vladivostok and TZ=America/Los_Angeles', () => {
    const results = ['UTC', VLADIVOSTOK, 'America/Los_Angeles'].map((processTz) => {
      process.env.TZ = processTz;
      // Proves the switch took hold, or this test would compare three identical runs.
      const offset = new Date('2026-01-01T00:00:00Z').getTimezoneOffset();
      return { offset, days: snapshot() };
    });
    expect(results.map((r) => r.offset)).toEqual([0, -600, 480]);
    expect(results[1]?.days).toEqual(results[0]?.days);
    expect(results[2]?.days).toEqual(results[0]?.days);
  });
});

describe('calendar arithmetic', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-03-31', 0, '2026-03-31'],
    ['2000-01-01', 36_525, '2100-01-01'],
  ])('moves %s by %i days to %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });

  it('tells Saturday and Sunday from weekdays', () => {
    expect(['2026-04-03', '2026-04-04', '2026-04-05', '2026-04-06'].map(isWeekend)).toEqual([false, true, true, false]);
  });

  it('recognises real dates only', () => {
    expect(['2024-02-29', '2025-02-29', '2026-1-01', 'today', 42].map(isLocalDate)).toEqual([true, false, false, false, false]);
  });

  it('knows which zones exist', () => {
    expect([DEFAULT_TZ, VLADIVOSTOK, 'UTC', 'Mars/Olympus_Mons', '', ' '].map(isValidTimeZone)).toEqual([true, true, true, false, false, false]);
  });
});

describe('business days', () => {
  // November 2025 in Russia: Saturday the 1st worked in place of Monday the 3rd; the 4th is Unity Day.
  const november2025: BusinessCalendar = {
    holidays: new Set(['2025-11-03', '2025-11-04']),
    workingWeekends: new Set(['2025-11-01']),
  };

  it('counts a moved Saturday as a working day and a moved Monday as a day off', () => {
    expect(isBusinessDay('2025-11-01', november2025)).toBe(true);
    expect(isBusinessDay('2025-11-03', november2025)).toBe(false);
    expect(isBusinessDay('2025-11-01', WEEKENDS_ONLY)).toBe(false);
    expect(isBusinessDay('2025-11-03', WEEKENDS_ONLY)).toBe(true);
  });

  it('treats a date listed both ways as a holiday', () => {
    const both: BusinessCalendar = { holidays: new Set(['2025-11-01']), workingWeekends: new Set(['2025-11-01']) };
    expect(isBusinessDay('2025-11-01', both)).toBe(false);
  });

  it('finds the next business day strictly after the date', () => {
    expect(nextBusinessDay('2025-10-31', november2025)).toBe('2025-11-01');
    expect(nextBusinessDay('2025-11-01', november2025)).toBe('2025-11-05');
    expect(nextBusinessDay('2025-10-31', WEEKENDS_ONLY)).toBe('2025-11-03');
  });

  it('adds and subtracts business days over the moved days', () => {
    expect(addBusinessDays('2025-10-31', 2, november2025)).toBe('2025-11-05');
    expect(addBusinessDays('2025-11-05', -2, november2025)).toBe('2025-10-31');
    expect(addBusinessDays('2025-11-02', 0, november2025)).toBe('2025-11-02');
    expect(addBusinessDays('2025-10-31', 5, WEEKENDS_ONLY)).toBe('2025-11-07');
  });

  it('refuses a bad date or count', () => {
    expect(() => addBusinessDays('2025-11-31', 0, WEEKENDS_ONLY)).toThrow(RangeError);
    expect(() => addBusinessDays('2025-11-03', 1.5, WEEKENDS_ONLY)).toThrow(RangeError);
  });
});

describe('day boundaries, properties (R5)', () => {
  const instants = fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2100-12-31T23:59:59.999Z'), noInvalidDate: true });
  const dates = fc.integer({ min: 0, max: 36_890 }).map((n) => addDays('2000-01-01', n));
  // Moscow and Vladivostok as required; Berlin and New York add clock changes at 02:00.
  const zones = fc.constantFrom(MOSCOW, VLADIVOSTOK, 'Europe/Berlin', 'America/New_York');

  it('places every instant between the start of its local day and the start of the next', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(instants, zones, (x, tz) => {
        const day = localDate(x, tz);
        expect(startOfLocalDay(day, tz).getTime()).toBeLessThanOrEqual(x.getTime());
        expect(x.getTime()).toBeLessThan(startOfLocalDay(addDays(day, 1), tz).getTime());
      }),
      { numRuns: RUNS },
    );
  });

  it('puts every payment within ±2 s of local midnight on the right day', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(dates, zones, fc.integer({ min: -2_000, max: 2_000 }), (day, tz, shift) => {
        const instant = new Date(startOfLocalDay(day, tz).getTime() + shift);
        expect(localDate(instant, tz)).toBe(shift < 0 ? addDays(day, -1) : day);
      }),
      { numRuns: RUNS },
    );
  });
});
