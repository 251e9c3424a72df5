import type { SlaMode } from './appeals.entity.ts';
import { clockState, type ClockColumns } from './appeal-clocks.calc.ts';
import type { SlaState } from './sla-clock.calc.ts';
import type { WorkCalendar } from './work-calendar.calc.ts';

export type ClockPhase = 'running' | 'paused' | 'stopped';

/** One SLA clock of an appeal as staff see it in the inbox and on the card. */
export type ClockView = {
  readonly which: 'response' | 'resolution';
  readonly targetMin: number;
  readonly mode: SlaMode;
  /** Running, paused while the appeal waits for the resident, or stopped with a verdict. */
  readonly phase: ClockPhase;
  /** on_track / at_risk / breached while it runs or waits; met / breached once stopped. */
  readonly state: SlaState;
  /** The instant a running clock reaches its target (working hours already counted in); null otherwise. */
  readonly dueAt: Date | null;
};

export type ClockSource = ClockColumns & { readonly responseDueAt: Date | null; readonly resolutionDueAt: Date | null };

function view(c: ClockSource, which: ClockView['which'], now: Date, cal: WorkCalendar): ClockView | null {
  const targetMin = which === 'response' ? c.responseTargetMin : c.resolutionTargetMin;
  const state = clockState(c, which, now, cal);
  if (targetMin === null || state === null) return null;
  const met = which === 'response' ? c.responseMet : c.resolutionMet;
  const phase: ClockPhase = met !== null ? 'stopped' : c.clockSince !== null ? 'running' : 'paused';
  const dueAt = phase === 'running' ? (which === 'response' ? c.responseDueAt : c.resolutionDueAt) : null;
  return { which, targetMin, mode: c.slaMode, phase, state, dueAt };
}

/** Both clocks of an appeal at `now`; a clock whose policy sets no target is null. */
export function clockViews(c: ClockSource, now: Date, cal: WorkCalendar): { response: ClockView | null; resolution: ClockView | null } {
  return { response: view(c, 'response', now, cal), resolution: view(c, 'resolution', now, cal) };
}

/** The clock staff race now: the first response until it is given, then resolution. */
export function currentClock(views: { response: ClockView | null; resolution: ClockView | null }): ClockView | null {
  const { response, resolution } = views;
  return response && response.phase !== 'stopped' ? response : resolution ?? response;
}
