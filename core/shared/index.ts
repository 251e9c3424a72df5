// The only way into core/shared from outside it (STYLE.md «Boundaries»). Named exports, no `export *`,
// so adding a helper to a file does not silently widen what every module can reach.

// Results and errors
export { ok, err, unwrapOrThrow, assertNever } from './result.ts';
export type { Ok, Err, Result } from './result.ts';
export { ERROR_CODES } from './error-codes.ts';
export type { ErrorCode } from './error-codes.ts';
export { AppError, isAppError } from './app-error.ts';

// Messages
export { LOCALES, hasMessage, translate, isLocale } from './i18n.ts';
export type { Locale } from './i18n.ts';

// Money
export {
  kopecks,
  kopecksFromBigInt,
  isKopecks,
  addKopecks,
  subtractKopecks,
  sumKopecks,
  ZERO_KOPECKS,
} from './kopecks.ts';
export type { Kopecks } from './kopecks.ts';
export { formatRubles, parseRubles, RUBLE_GROUP_SEPARATOR } from './money-format.ts';
export type { FormatRublesOptions } from './money-format.ts';
export { allocate } from './allocate.calc.ts';
export { applyRate, applyRatio, divideRounded, ROUNDINGS, BASIS_POINTS_PER_UNIT } from './apply-rate.calc.ts';
export type { Rounding } from './apply-rate.calc.ts';

// Time
export { systemClock, fixedClock, settableClock } from './clock.ts';
export type { Clock, SettableClock } from './clock.ts';
export {
  DEFAULT_TZ,
  WEEKENDS_ONLY,
  isValidTimeZone,
  isLocalDate,
  localDate,
  startOfLocalDay,
  addDays,
  isWeekend,
  isBusinessDay,
  nextBusinessDay,
  addBusinessDays,
} from './business-day.calc.ts';
export type { BusinessCalendar } from './business-day.calc.ts';

// Ids
export { newId } from './ids.ts';

// Text checks and escapes
export { isEmail, isUuid, likeEscape, guardFormula } from './text.ts';
export { seal, unseal } from './seal.ts';
export { secretMatches } from './secret-match.ts';
