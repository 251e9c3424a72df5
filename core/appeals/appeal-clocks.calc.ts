import type { SlaMode } from './appeals.entity.ts';
import type { SlaTargets } from './sla-policy.calc.ts';
import { dueAt, elapsedAt, riskAt, slaState, type SlaClock, type SlaState } from './sla-clock.calc.ts';
import { ALWAYS, type WorkCalendar } from './work-calendar.calc.ts';

/**
 * The SLA columns of an appeal and how its life moves them. Both clocks share `clockSince` (they pause together
 * while the appeal waits for the resident); a clock is stopped once its `met` is decided. Elapsed time is kept in
 * whole seconds of the clock's time: working time for business policies, real time for emergencies.
 */
export type ClockColumns = {
  readonly slaMode: SlaMode;
  readonly clockSince: Date | null;
  readonly responseTargetMin: number | null;
  readonly responseElapsedS: number;
  readonly respondedAt: Date | null;
  readonly responseMet: boolean | null;
  readonly resolutionTargetMin: number | null;
  readonly resolutionElapsedS: number;
  readonly resolvedAt: Date | null;
  readonly resolutionMet: boolean | null;
  /** ESCALATION bits already acted on. */
  readonly escalated: number;
};

/** Escalations, one bit each, so a warning is given once per run of the clocks. */
export const ESCALATION = { responseRisk: 1, responseBreach: 2, resolutionRisk: 4, resolutionBreach: 8 } as const;
export type EscalationName = keyof typeof ESCALATION;

export type ClockEvent =
  | { readonly kind: 'start'; readonly targets: SlaTargets }
  /** The first human staff reply (or a dispatcher taking an emergency). */
  | { readonly kind: 'respond' }
  | { readonly kind: 'pause' }
  | { readonly kind: 'resume' }
  /** Answered or closed: the resolution clock stops, and the response clock too, whoever spoke last. */
  | { readonly kind: 'resolve' }
  | { readonly kind: 'reopen' }
  /** Another policy (reassignment, reclassification, edited targets): warnings may be given again. */
  | { readonly kind: 'retarget'; readonly targets: SlaTargets };

type Which = 'response' | 'resolution';

export const calendarFor = (mode: SlaMode, cal: WorkCalendar): WorkCalendar => (mode === 'always' ? ALWAYS : cal);

/** One clock of the appeal in the terms of sla-clock.calc.ts (null when the policy sets no target). */
export function clockOf(c: ClockColumns, which: Which): SlaClock | null {
  const target = which === 'response' ? c.responseTargetMin : c.resolutionTargetMin;
  if (target === null) return null;
  const met = which === 'response' ? c.responseMet : c.resolutionMet;
  const elapsedS = which === 'response' ? c.responseElapsedS : c.resolutionElapsedS;
  const stopped = met !== null;
  return { targetMs: target * 60_000, elapsedMs: elapsedS * 1000, since: stopped ? null : c.clockSince?.getTime() ?? null, stoppedAt: stopped ? 0 : null };
}

const running = (c: ClockColumns, which: Which) => c.clockSince !== null && (which === 'response' ? c.responseMet : c.resolutionMet) === null;
const elapsedS = (c: ClockColumns, which: Which, now: Date, cal: WorkCalendar): number => {
  const clock = clockOf(c, which);
  const stored = which === 'response' ? c.responseElapsedS : c.resolutionElapsedS;
  return clock && running(c, which) ? Math.floor(elapsedAt(clock, now.getTime(), calendarFor(c.slaMode, cal)) / 1000) : stored;
};
const metBy = (target: number | null, elapsed: number) => target === null || elapsed <= target * 60;

export function applyClockEvent(c: ClockColumns, e: ClockEvent, now: Date, cal: WorkCalendar): ClockColumns {
  const response = elapsedS(c, 'response', now, cal);
  const resolution = elapsedS(c, 'resolution', now, cal);
  switch (e.kind) {
    case 'start':
      return {
        slaMode: e.targets.mode, clockSince: now, responseTargetMin: e.targets.responseMin, responseElapsedS: 0, respondedAt: null, responseMet: null,
        resolutionTargetMin: e.targets.resolutionMin, resolutionElapsedS: 0, resolvedAt: null, resolutionMet: null, escalated: 0,
      };
    case 'respond':
      if (c.responseMet !== null) return c;
      return { ...c, respondedAt: now, responseElapsedS: response, responseMet: metBy(c.responseTargetMin, response) };
    case 'pause':
      return c.clockSince === null ? c : { ...c, clockSince: null, responseElapsedS: response, resolutionElapsedS: resolution };
    case 'resume':
      return c.clockSince !== null ? c : { ...c, clockSince: now };
    case 'resolve':
      return {
        ...c, clockSince: null,
        responseElapsedS: response, responseMet: c.responseMet ?? metBy(c.responseTargetMin, response),
        resolutionElapsedS: resolution, resolvedAt: c.resolutionMet === null ? now : c.resolvedAt,
        resolutionMet: c.resolutionMet ?? metBy(c.resolutionTargetMin, resolution),
      };
    case 'reopen':
      // A response that was never given runs again; one that was given stays given.
      return {
        ...c, clockSince: now, resolvedAt: null, resolutionMet: null,
        responseMet: c.respondedAt === null ? null : c.responseMet,
      };
    case 'retarget': {
      const paused = { ...c, clockSince: c.clockSince === null ? null : now, responseElapsedS: response, resolutionElapsedS: resolution };
      return {
        ...paused, slaMode: e.targets.mode, responseTargetMin: e.targets.responseMin, resolutionTargetMin: e.targets.resolutionMin, escalated: 0,
        // A stopped clock keeps its verdict; its elapsed time was counted in the old clock's time.
      };
    }
  }
}

export type ClockMoments = {
  readonly responseDueAt: Date | null;
  readonly resolutionDueAt: Date | null;
  /** The earliest moment an escalation not yet made falls due; null when nothing runs. */
  readonly nextCheckAt: Date | null;
};

/** Each pending escalation with its moment (those at or before `now` are due). */
export function escalationMoments(c: ClockColumns, cal: WorkCalendar): { name: EscalationName; at: number }[] {
  const calendar = calendarFor(c.slaMode, cal);
  const out: { name: EscalationName; at: number }[] = [];
  for (const which of ['response', 'resolution'] as const) {
    const clock = clockOf(c, which);
    if (!clock || !running(c, which)) continue;
    const [risk, breach] = which === 'response' ? (['responseRisk', 'responseBreach'] as const) : (['resolutionRisk', 'resolutionBreach'] as const);
    const riskMoment = riskAt(clock, calendar);
    const dueMoment = dueAt(clock, calendar);
    if (!(c.escalated & ESCALATION[risk]) && !(c.escalated & ESCALATION[breach]) && riskMoment !== null) out.push({ name: risk, at: riskMoment });
    if (!(c.escalated & ESCALATION[breach]) && dueMoment !== null) out.push({ name: breach, at: dueMoment });
  }
  return out;
}

export function clockMoments(c: ClockColumns, cal: WorkCalendar): ClockMoments {
  const calendar = calendarFor(c.slaMode, cal);
  const due = (which: Which) => {
    const clock = clockOf(c, which);
    const at = clock && running(c, which) ? dueAt(clock, calendar) : null;
    return at === null ? null : new Date(at);
  };
  const pending = escalationMoments(c, cal);
  return {
    responseDueAt: due('response'), resolutionDueAt: due('resolution'),
    nextCheckAt: pending.length === 0 ? null : new Date(Math.min(...pending.map((p) => p.at))),
  };
}

/** The state of a clock now, for the inbox and reports; null when the policy sets no target. */
export function clockState(c: ClockColumns, which: Which, now: Date, cal: WorkCalendar): SlaState | null {
  const clock = clockOf(c, which);
  return clock ? slaState(clock, now.getTime(), calendarFor(c.slaMode, cal)) : null;
}
