import { AppError } from './app-error.ts';
import { kopecksFromBigInt } from './kopecks.ts';
import type { Kopecks } from './kopecks.ts';
import { err, ok } from './result.ts';
import type { Result } from './result.ts';

/**
 * Thousands separator and the space before «₽»: NO-BREAK SPACE (U+00A0), as Intl's ru-RU uses.
 * Not the narrow U+202F: CP1251 and CP866 (registries, bank exports) have no code for it, and older
 * fonts draw it as a box. On parse, U+00A0, U+202F, U+2009 and plain spaces are all accepted.
 */
export const RUBLE_GROUP_SEPARATOR = '\u00A0';

/** ASCII hyphen-minus, not U+2212: it survives every code page and every spreadsheet. */
const MINUS = '-';

export type FormatRublesOptions = {
  /** Append « ₽» (default true). */
  readonly symbol?: boolean;
};

/** «1 234,56 ₽». Pure string work on the digits: no division, so no float can creep in. */
export function formatRubles(k: Kopecks, opts: FormatRublesOptions = {}): string {
  const digits = BigInt(k).toString();
  const negative = digits.startsWith('-');
  const padded = (negative ? digits.slice(1) : digits).padStart(3, '0');
  const rubles = padded.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, RUBLE_GROUP_SEPARATOR);
  const text = `${negative ? MINUS : ''}${rubles},${padded.slice(-2)}`;
  return opts.symbol === false ? text : `${text}${RUBLE_GROUP_SEPARATOR}₽`;
}

// Longer input is not an amount anyone typed; refusing early keeps error messages short.
const MAX_INPUT_LENGTH = 64;

const SPACE = '[ \\u00A0\\u202F\\u2009]';
// Sign; whole rubles either ungrouped or grouped strictly by three (so «1 2345» is refused, not guessed);
// then «,» or «.» and one or two kopeck digits; then an optional «₽». A third decimal is refused, never rounded.
const AMOUNT = new RegExp(
  `^([-\\u2212]?)(\\d+|\\d{1,3}(?:${SPACE}\\d{3})+)(?:[.,](\\d{1,2}))?(?:${SPACE}*₽)?$`,
  'u',
);

/**
 * Reads «1 234,56 ₽», «1234.56», «1234,5», «1234», «-12,00». Anything else → MONEY.BAD_FORMAT;
 * a well-formed amount beyond ±2^53 kopecks → MONEY.NOT_SAFE_INTEGER. Digits go through BigInt only.
 */
export function parseRubles(text: string): Result<Kopecks, AppError> {
  const value = text.length > MAX_INPUT_LENGTH ? `${text.slice(0, MAX_INPUT_LENGTH)}…` : text;
  const match = text.length > MAX_INPUT_LENGTH ? null : AMOUNT.exec(text.trim());
  if (!match) return err(new AppError('MONEY.BAD_FORMAT', { vars: { value } }));
  const [, sign = '', rubles = '', fraction = ''] = match;
  const magnitude = BigInt(rubles.replace(/\D/g, '')) * 100n + BigInt(fraction.padEnd(2, '0'));
  try {
    return ok(kopecksFromBigInt(sign === '' ? magnitude : -magnitude));
  } catch (error) {
    return err(new AppError('MONEY.NOT_SAFE_INTEGER', { vars: { value }, cause: error }));
  }
}
