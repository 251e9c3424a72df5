import { kopecks } from '../shared/index.ts';
import type { Kopecks } from '../shared/index.ts';

/**
 * Why a registry cell was refused. Short machine codes: the import maps them to messages with the line and
 * column, and an empty cell is its own reason because only the caller knows whether the column is optional.
 */
export type CellReason =
  | 'empty'
  | 'bad-number'
  | 'too-many-decimals'
  | 'out-of-range'
  | 'bad-integer'
  | 'bad-date'
  | 'bad-period';

export type CellResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: CellReason };

const valid = <T>(value: T): CellResult<T> => ({ ok: true, value });
const invalid = <T>(reason: CellReason): CellResult<T> => ({ ok: false, reason });

// Longer cells are not numbers anyone wrote; refusing them early keeps a 10 MB field cheap (R2).
const MAX_CELL = 64;
const SPACE = '[ \\u00A0\\u202F\\u2009]';
// Sign (ASCII or U+2212); whole part ungrouped or grouped strictly by three with a space (so «1 2345» and
// «1.234,56» are refused, not guessed); decimal comma or dot. The fraction length is checked apart, so that
// «12,345» can say too-many-decimals rather than bad-number.
const NUMBER = new RegExp(`^([-\\u2212]?)(\\d+|\\d{1,3}(?:${SPACE}\\d{3})+)(?:[.,](\\d+))?$`, 'u');
// «₽», «р.», «руб», «руб.» after an amount; 1C and bank exports write all four.
const CURRENCY = /\s*(?:₽|р\.|руб\.?)$/iu;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

type Digits = { readonly negative: boolean; readonly whole: string; readonly fraction: string };

function splitNumber(text: string): CellResult<Digits> {
  const trimmed = text.trim();
  if (trimmed === '') return invalid('empty');
  const match = trimmed.length > MAX_CELL ? null : NUMBER.exec(trimmed);
  if (!match) return invalid('bad-number');
  const [, sign = '', whole = '', fraction = ''] = match;
  return valid({ negative: sign !== '', whole: whole.replace(/\D/g, ''), fraction });
}

function scaled(digits: Digits, scale: number): CellResult<bigint> {
  // A digit past the scale is refused even when it is 0: the column's precision is the contract, and a
  // «12,340» in a kopeck column says the exporter wrote something else than we think.
  if (digits.fraction.length > scale) return invalid('too-many-decimals');
  const magnitude = BigInt(digits.whole) * 10n ** BigInt(scale) + BigInt(digits.fraction.padEnd(scale, '0') || '0');
  return valid(digits.negative ? -magnitude : magnitude);
}

/**
 * A decimal cell as an integer scaled by 10^scale: volumes (3), tariffs (4), areas (2). «12,5» at scale 3
 * is 12500n. Digits go through BigInt only, so nothing is ever rounded.
 */
export function parseDecimal(text: string, scale: number): CellResult<bigint> {
  if (!Number.isInteger(scale) || scale < 0 || scale > 18) throw new RangeError(`scale must be 0…18, got ${scale}`);
  const digits = splitNumber(text);
  return digits.ok ? scaled(digits.value, scale) : digits;
}

/** «1 234,56», «1234.56», «-12,5», «1 234», «1234,00 ₽», «845,00 руб.» → kopecks. A third decimal is refused. */
export function parseAmount(text: string): CellResult<Kopecks> {
  const quick = plainKopecks(text);
  if (quick !== null) return valid(kopecks(quick));
  const trimmed = text.trim();
  // Checked before any regular expression runs, so a hostile 10 MB cell costs one pass.
  if (trimmed.length > MAX_CELL) return invalid('bad-number');
  const digits = splitNumber(trimmed.replace(CURRENCY, ''));
  if (!digits.ok) return digits;
  const { negative, whole, fraction } = digits.value;
  // Up to 13 whole digits the kopecks stay below 2^53, so plain numbers are exact (and a registry of a million
  // rows is parsed without a million BigInts); longer ones go the BigInt way and meet the range check.
  if (whole.length <= 13) {
    if (fraction.length > 2) return invalid('too-many-decimals');
    const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
    return valid(kopecks(negative && value !== 0 ? -value : value));
  }
  const value = scaled(digits.value, 2);
  if (!value.ok) return value;
  if (value.value > MAX_SAFE || value.value < -MAX_SAFE) return invalid('out-of-range');
  return valid(kopecks(Number(value.value)));
}

const ZERO = 48;
const NINE = 57;
const MINUS = 45;
const COMMA = 44;
const DOT = 46;

/**
 * The shape nearly every amount of a registry has — `-?digits([.,]d{1,2})?`, at most 13 whole digits, nothing
 * else — read by one pass over the characters; null for anything else, which takes the general path (its answer
 * for these shapes is the same: test values.calc.test.ts). A million-row registry spends a quarter of its
 * parsing on amounts, so this is worth its dozen lines.
 */
export function plainKopecks(text: string): number | null {
  const n = text.length;
  let i = text.charCodeAt(0) === MINUS ? 1 : 0;
  const negative = i === 1;
  let whole = 0;
  const start = i;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    whole = whole * 10 + (c - ZERO);
  }
  const digits = i - start;
  if (digits === 0 || digits > 13) return null;
  let fraction = 0;
  if (i < n) {
    const separator = text.charCodeAt(i);
    const places = n - i - 1;
    if ((separator !== COMMA && separator !== DOT) || places < 1 || places > 2) return null;
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c < ZERO || c > NINE) return null;
      fraction = fraction * 10 + (c - ZERO);
    }
    if (places === 1) fraction *= 10;
  }
  const value = whole * 100 + fraction;
  return negative && value !== 0 ? -value : value;
}

/**
 * A decimal cell as exact text with `scale` places: «12,5» at scale 3 is '12.500', «-0,25» '-0.25' at 2. The
 * digits are rearranged, never computed, so nothing is rounded.
 */
export function parseDecimalText(text: string, scale: number): CellResult<string> {
  const digits = splitNumber(text);
  if (!digits.ok) return digits;
  const { negative, whole, fraction } = digits.value;
  if (fraction.length > scale) return invalid('too-many-decimals');
  const integer = whole.replace(/^0+(?=\d)/, '') || '0';
  const text2 = scale === 0 ? integer : `${integer}.${fraction.padEnd(scale, '0')}`;
  return valid(negative && /[1-9]/.test(text2) ? `-${text2}` : text2);
}

/** Counts (residents, rooms). «3», «3,0» and «1 200» pass; «2,5» is bad-integer. */
export function parseInteger(text: string): CellResult<number> {
  const digits = splitNumber(text);
  if (!digits.ok) return digits.reason === 'bad-number' ? invalid('bad-integer') : digits;
  // Spreadsheets export whole counts as «3,00»; zeros after the separator change nothing.
  if (/[^0]/.test(digits.value.fraction)) return invalid('bad-integer');
  const value = scaled({ ...digits.value, fraction: '' }, 0);
  if (!value.ok) return value;
  if (value.value > MAX_SAFE || value.value < -MAX_SAFE) return invalid('out-of-range');
  return valid(Number(value.value));
}

// Registries are about this century and the last; a year outside catches Excel's 1899-12-30 zero date and
// typos such as 0202 instead of 2020.
const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isoDate(year: number, month: number, day: number): CellResult<string> {
  const fits = year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  if (!fits) return invalid('bad-date');
  return valid(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

// Day first in «/» dates too: Russian registries never write month/day/year.
const DAY_FIRST = /^(\d{1,2})([./])(\d{1,2})\2(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/; // DBF «D» fields and Excel text dates
// 1C and Excel write «01.03.2026 0:00:00»; the time of day is not part of a date cell, so it is dropped
// once it is a real time.
const TIME = /[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?$/;

/** dd.mm.yyyy, d.m.yyyy, dd/mm/yyyy, yyyy-mm-dd, yyyymmdd → 'YYYY-MM-DD'; 31.02 and the like are refused. */
export function parseDate(text: string): CellResult<string> {
  const trimmed = text.trim();
  if (trimmed === '') return invalid('empty');
  const date = trimmed.length > MAX_CELL ? '' : trimmed.replace(TIME, '');
  const dayFirst = DAY_FIRST.exec(date);
  if (dayFirst) return isoDate(Number(dayFirst[4]), Number(dayFirst[3]), Number(dayFirst[1]));
  const yearFirst = ISO.exec(date) ?? COMPACT.exec(date);
  if (yearFirst) return isoDate(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]));
  return invalid('bad-date');
}

const MONTHS_NOMINATIVE = 'январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь'.split(' ');
const MONTHS_GENITIVE = 'января февраля марта апреля мая июня июля августа сентября октября ноября декабря'.split(' ');

function isoPeriod(year: number, month: number): CellResult<string> {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return invalid('bad-period');
  return valid(`${year}-${String(month).padStart(2, '0')}`);
}

const MONTH_YEAR = /^(\d{1,2})[./](\d{4})$/;
const MMYYYY = /^(\d{2})(\d{4})$/;
// DOMAIN.md: PaymPeriod «MMYY». Two-digit years are read as 20YY: periods are never from the 1900s.
const MMYY = /^(\d{2})(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const NAMED = /^([а-я]+)\s*(\d{4})\s*(?:г\.?|года)?$/u;

function numericPeriod(text: string): CellResult<string> | null {
  const monthFirst = MONTH_YEAR.exec(text) ?? MMYYYY.exec(text);
  if (monthFirst) return isoPeriod(Number(monthFirst[2]), Number(monthFirst[1]));
  const short = MMYY.exec(text);
  if (short) return isoPeriod(2000 + Number(short[2]), Number(short[1]));
  const yearFirst = YEAR_MONTH.exec(text);
  return yearFirst ? isoPeriod(Number(yearFirst[1]), Number(yearFirst[2])) : null;
}

function namedPeriod(text: string): CellResult<string> | null {
  const named = NAMED.exec(text.toLowerCase().replace(/ё/g, 'е'));
  if (!named) return null;
  const name = named[1]!;
  const index = Math.max(MONTHS_NOMINATIVE.indexOf(name), MONTHS_GENITIVE.indexOf(name));
  return index < 0 ? invalid('bad-period') : isoPeriod(Number(named[2]), index + 1);
}

/** MM.YYYY, M.YYYY, MMYYYY, MMYY, YYYY-MM, «март 2026», «Марта 2026 г.», or a whole date → 'YYYY-MM'. */
export function parsePeriod(text: string): CellResult<string> {
  const trimmed = text.trim();
  if (trimmed === '') return invalid('empty');
  if (trimmed.length > MAX_CELL) return invalid('bad-period');
  const period = numericPeriod(trimmed) ?? namedPeriod(trimmed);
  if (period) return period;
  const date = parseDate(trimmed);
  return date.ok ? valid(date.value.slice(0, 7)) : invalid('bad-period');
}
