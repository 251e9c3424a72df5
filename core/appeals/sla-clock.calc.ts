/**
 * One SLA clock (first response or resolution) that counts only working time of a calendar. The clock is a value:
 * every change returns a new one, so the service can store it as it is and recompute deadlines after a calendar
 * or policy change without replaying history.
 */
import { addWorkingMs, workingMsBetween } from './work-calendar.calc.ts';
import type { WorkCalendar } from './work-calendar.calc.ts';

export type SlaState = 'on_track' | 'at_risk' | 'breached' | 'met';

/** «At risk» from 80 % of the target, so staff see a deadline coming before it is missed. */
export const AT_RISK_SHARE = 0.8;

export type SlaClock = {
  /** Working ms allowed; > 0. */
  readonly targetMs: number;
  /** Working ms counted before `since` (or until the stop). */
  readonly elapsedMs: number;
  /** Running since this instant; null while paused or stopped. */
  readonly since: number | null;
  /** Stopped (responded, resolved, closed) at this instant; null otherwise. */
  readonly stoppedAt: number | null;
};

function checkTarget(targetMs: number): void {
  if (!Number.isFinite(targetMs) || targetMs <= 0) throw new RangeError(`an SLA target must be positive: ${targetMs}`);
}

export function startClock(targetMs: number, nowMs: number): SlaClock {
  checkTarget(targetMs);
  return { targetMs, elapsedMs: 0, since: nowMs, stoppedAt: null };
}

export function elapsedAt(c: SlaClock, nowMs: number, cal: WorkCalendar): number {
  return c.since === null ? c.elapsedMs : c.elapsedMs + workingMsBetween(c.since, nowMs, cal);
}

/** Waiting for the resident: working time stops counting. No-op unless running. */
export function pauseClock(c: SlaClock, nowMs: number, cal: WorkCalendar): SlaClock {
  if (c.since === null) return c;
  return { ...c, elapsedMs: elapsedAt(c, nowMs, cal), since: null };
}

/** No-op if running or stopped: a stopped clock comes back only through reopenClock. */
export function resumeClock(c: SlaClock, nowMs: number): SlaClock {
  if (c.since !== null || c.stoppedAt !== null) return c;
  return { ...c, since: nowMs };
}

/** Freezes the elapsed time; stopping again keeps the first stop, so a repeated event cannot move it. */
export function stopClock(c: SlaClock, nowMs: number, cal: WorkCalendar): SlaClock {
  if (c.stoppedAt !== null) return c;
  return { ...c, elapsedMs: elapsedAt(c, nowMs, cal), since: null, stoppedAt: nowMs };
}

/** A reopened appeal goes on from the time it had used, not from zero: the resident has been waiting all along. */
export function reopenClock(c: SlaClock, nowMs: number): SlaClock {
  if (c.stoppedAt === null) return c;
  return { ...c, since: nowMs, stoppedAt: null };
}

/** A new target after reassignment or reclassification; time already counted stays counted. */
export function retarget(c: SlaClock, targetMs: number): SlaClock {
  checkTarget(targetMs);
  return { ...c, targetMs };
}

/** When a running clock reaches `thresholdMs` of working time; `since` when it already has. */
function reachesAt(c: SlaClock, thresholdMs: number, cal: WorkCalendar): number | null {
  if (c.since === null) return null;
  const left = thresholdMs - c.elapsedMs;
  return left <= 0 ? c.since : addWorkingMs(c.since, left, cal);
}

// Elapsed times are whole ms, so «elapsed ≥ share × target» and «elapsed ≥ ceil(share × target)» agree.
const riskThresholdMs = (targetMs: number): number => Math.ceil(targetMs * AT_RISK_SHARE);

/** The deadline of a running clock; null while paused or stopped (it is not moving towards one). */
export function dueAt(c: SlaClock, cal: WorkCalendar): number | null {
  return reachesAt(c, c.targetMs, cal);
}

/** When a running clock turns «at risk»; null while paused or stopped. */
export function riskAt(c: SlaClock, cal: WorkCalendar): number | null {
  return reachesAt(c, riskThresholdMs(c.targetMs), cal);
}

/** Reaching the target exactly is still in time; one working ms more is a breach. */
export function slaState(c: SlaClock, nowMs: number, cal: WorkCalendar): SlaState {
  if (c.stoppedAt !== null) return c.elapsedMs <= c.targetMs ? 'met' : 'breached';
  const elapsed = elapsedAt(c, nowMs, cal);
  if (elapsed > c.targetMs) return 'breached';
  return elapsed >= riskThresholdMs(c.targetMs) ? 'at_risk' : 'on_track';
}
