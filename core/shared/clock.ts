/** The only way code asks the time, so tests and day-closing jobs can pin it (no `new Date()` in logic). */
export type Clock = { now(): Date };

export type SettableClock = Clock & {
  set(date: Date): void;
  advance(ms: number): void;
};

export const systemClock: Clock = { now: () => new Date() };

function timeOf(date: Date): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('clock cannot be set to an invalid date');
  return time;
}

/** Always the same instant. Each call returns a fresh Date, so a caller mutating it cannot move time. */
export function fixedClock(date: Date): Clock {
  const time = timeOf(date);
  return { now: () => new Date(time) };
}

/** A clock a test moves by hand: to an instant with set(), or forward and back with advance(). */
export function settableClock(initial: Date): SettableClock {
  let time = timeOf(initial);
  return {
    now: () => new Date(time),
    set: (date) => {
      time = timeOf(date);
    },
    advance: (ms) => {
      if (!Number.isFinite(ms)) throw new RangeError(`cannot advance a clock by ${ms} ms`);
      time = timeOf(new Date(time + ms));
    },
  };
}
