import type { AppealType, SlaMode } from './appeals.entity.ts';

/** Targets of one type (and optionally one category) of appeal, in minutes of the clock's time (working or real). */
export type SlaTargets = {
  readonly mode: SlaMode;
  readonly responseMin: number | null;
  readonly resolutionMin: number | null;
};

export type PolicyRow = SlaTargets & { readonly type: AppealType; readonly category: string };

/** A working day of the default week (09:00–18:00) in minutes: «N working days» below is N × this. */
const DAY = 9 * 60;

/**
 * What an organisation gets until it sets its own (DOMAIN.md «Appeals and deadlines»):
 * - emergencies run round the clock (ПП 416 п. 13): the call is answered within 5 minutes, an accident on water,
 *   sewage, heating or electricity is localised within 30 minutes, a blocked sewer is cleared within 2 hours;
 * - owners' questions: basic details by the next working day, the answer within 10 working days (ПП 416 п. 34–36);
 * - a debt-structure request: the documents within 3 working days (ПП 354 п. 31 «е»);
 * - a complaint: the answer within 3 working days (ПП 354 п. 31 «к»);
 * - a meter issue: a meter is put into service within 15 working days of the request (ПП 354 п. 81).
 */
export const DEFAULT_POLICIES: readonly PolicyRow[] = [
  { type: 'emergency', category: '', mode: 'always', responseMin: 5, resolutionMin: 30 },
  { type: 'emergency', category: 'sewer', mode: 'always', responseMin: 5, resolutionMin: 120 },
  { type: 'question', category: '', mode: 'business', responseMin: DAY, resolutionMin: 10 * DAY },
  { type: 'debt_structure', category: '', mode: 'business', responseMin: DAY, resolutionMin: 3 * DAY },
  { type: 'complaint', category: '', mode: 'business', responseMin: DAY, resolutionMin: 3 * DAY },
  { type: 'meter_issue', category: '', mode: 'business', responseMin: DAY, resolutionMin: 15 * DAY },
];

/**
 * The policy of an appeal: the organisation's row for its type and category, else for its type, else the
 * default for the type and category, else for the type. Every type has a default, so this always answers.
 */
export function pickPolicy(own: readonly PolicyRow[], type: AppealType, category: string | null): SlaTargets {
  const find = (rows: readonly PolicyRow[]) =>
    (category ? rows.find((r) => r.type === type && r.category === category) : undefined) ?? rows.find((r) => r.type === type && r.category === '');
  const found = find(own) ?? find(DEFAULT_POLICIES);
  if (!found) throw new Error(`no SLA policy for ${type}`);
  return { mode: found.mode, responseMin: found.responseMin, resolutionMin: found.resolutionMin };
}

/** Targets are whole minutes from one minute to a year. */
export const isTargetMinutes = (value: number | null): boolean =>
  value === null || (Number.isSafeInteger(value) && value >= 1 && value <= 525_600);
