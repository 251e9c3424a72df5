import { ok, err, AppError, type Result, type ErrorCode } from '../shared/index.ts';

/**
 * Validators of Russian organisation and bank requisites. Each returns the value with whitespace removed
 * (people paste «7707 083 893» and non-breaking spaces from PDFs) or an AppError naming the caller's field.
 */

type Validated = Result<string, AppError>;

const compact = (value: string): string => value.replace(/\s+/g, '');
const fail = (code: ErrorCode, field: string): Validated => err(new AppError(code, { field }));
const digitsOf = (s: string): number[] => Array.from(s, Number);

// Callers check the length first, so every weight meets a digit.
const weightedSum = (digits: readonly number[], weights: readonly number[]): number =>
  weights.reduce((sum, weight, i) => sum + weight * (digits[i] ?? 0), 0);

const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN12_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN12_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;

// ФНС check digit rule: the weighted sum mod 11, and a remainder of 10 is written as 0.
const innCheckDigit = (digits: readonly number[], weights: readonly number[]): number =>
  (weightedSum(digits, weights) % 11) % 10;

function innChecksumHolds(inn: string): boolean {
  const d = digitsOf(inn);
  if (d.length === 10) return innCheckDigit(d, INN10_WEIGHTS) === d[9];
  return innCheckDigit(d, INN12_WEIGHTS_11) === d[10] && innCheckDigit(d, INN12_WEIGHTS_12) === d[11];
}

/** ИНН: 10 digits for a legal entity, 12 for an individual (ФНС check digit rule). */
export function validateInn(value: string, field = 'inn'): Validated {
  const inn = compact(value);
  // Digits 1–2 are the region code of the tax office that assigned the number; there is no region 00,
  // and «0000000000» (a common placeholder) would otherwise pass the checksum.
  const wellFormed = /^(\d{10}|\d{12})$/.test(inn) && !inn.startsWith('00');
  return wellFormed && innChecksumHolds(inn) ? ok(inn) : fail('ORGS.INN_INVALID', field);
}

/** КПП: tax office code (4 digits), reason code (2 digits or capital Latin letters, ФНС since 2013), number (3 digits). */
export function validateKpp(value: string, field = 'kpp'): Validated {
  const kpp = compact(value);
  return /^\d{4}[\dA-Z]{2}\d{3}$/.test(kpp) ? ok(kpp) : fail('ORGS.KPP_INVALID', field);
}

function ogrnChecksumHolds(ogrn: string): boolean {
  // ФНС: the first digit tells the kind of record — 1 or 5 is an ОГРН (13 digits, check mod 11),
  // 3 is an ОГРНИП (15 digits, check mod 13); 2, 4, 6–9 are other record numbers, not registration numbers.
  const modulus = /^[15]\d{12}$/.test(ogrn) ? 11n : /^3\d{14}$/.test(ogrn) ? 13n : undefined;
  if (modulus === undefined) return false;
  // A 14-digit body still fits a double, but BigInt keeps the rule free of that reasoning.
  const remainder = BigInt(ogrn.slice(0, -1)) % modulus;
  return Number(remainder % 10n) === Number(ogrn.slice(-1));
}

/** ОГРН (13 digits) or ОГРНИП (15 digits). */
export function validateOgrn(value: string, field = 'ogrn'): Validated {
  const ogrn = compact(value);
  return ogrnChecksumHolds(ogrn) ? ok(ogrn) : fail('ORGS.OGRN_INVALID', field);
}

/** БИК of a Russian bank: 9 digits, the first two being Russia's country code 04 (Bank of Russia BIK directory). */
export function validateBik(value: string, field = 'bik'): Validated {
  const bik = compact(value);
  return /^04\d{7}$/.test(bik) ? ok(bik) : fail('ORGS.BIK_INVALID', field);
}

/**
 * Treasury bodies (ТОФК) have had their own BIKs since 2021, starting 00–02 instead of 04
 * (e.g. 004525988, 024501901). validateBik rejects them; this exists so a later treasury flow can tell them apart.
 * The range is read from published ТОФК BIKs — check it against the Bank of Russia directory before relying on it.
 */
export const isTreasuryBik = (bik: string): boolean => /^0[0-2]\d{7}$/.test(compact(bik));

const KEY_WEIGHTS = [7, 1, 3] as const;
const ACCOUNT_KEY_INDEX = 8;

// Bank of Russia «Порядок расчета контрольного ключа в номере лицевого счета» (letter No. 515, 08.09.1997):
// the 3-digit conditional number followed by the 20-digit account, weights 7-1-3 repeated, Σ ≡ 0 (mod 10).
const keySum = (prefix: string, account: string): number =>
  digitsOf(prefix + account).reduce((sum, digit, i) => sum + digit * KEY_WEIGHTS[i % 3]!, 0);

const controlKeyHolds = (prefix: string, account: string): boolean => keySum(prefix, account) % 10 === 0;

/** Conditional number of a Bank of Russia division (РКЦ): «0» and BIK digits 5–6 (same letter, item 2). */
const divisionPrefix = (bik: string): string => `0${bik.slice(4, 6)}`;

/**
 * BIK digits 7–9 are 000, 001 or 002 for the Bank of Russia's own institutions, 050–999 for credit organisations;
 * accounts at the former are keyed with the division's number, at the latter with digits 7–9.
 */
const accountPrefix = (bik: string): string => {
  const tail = bik.slice(6);
  return tail === '000' || tail === '001' || tail === '002' ? divisionPrefix(bik) : tail;
};

/** Settlement (расчётный) account: 20 digits whose control key holds for the bank's BIK. */
export function validateSettlementAccount(account: string, bik: string, field = 'account'): Validated {
  const checkedBik = validateBik(bik);
  if (!checkedBik.ok) return checkedBik;
  const acc = compact(account);
  const valid = /^\d{20}$/.test(acc) && controlKeyHolds(accountPrefix(checkedBik.value), acc);
  return valid ? ok(acc) : fail('ORGS.ACCOUNT_INVALID', field);
}

/**
 * Correspondent account of a credit organisation at the Bank of Russia: 30101…, keyed with the division's number
 * (digits 5–6 of the BIK), and ending in the bank's conditional number (BIK digits 7–9). The key alone only
 * covers the region, so without the suffix check another bank's corr account from the same region would pass.
 */
export function validateCorrAccount(corr: string, bik: string, field = 'corrAccount'): Validated {
  const checkedBik = validateBik(bik);
  if (!checkedBik.ok) return checkedBik;
  const b = checkedBik.value;
  const acc = compact(corr);
  const valid = /^30101\d{15}$/.test(acc) && acc.endsWith(b.slice(6)) && controlKeyHolds(divisionPrefix(b), acc);
  return valid ? ok(acc) : fail('ORGS.CORR_ACCOUNT_INVALID', field);
}

/**
 * Seeds and fixtures: returns the account with its 9th digit (the key) set so the settlement-account key holds
 * for this BIK. Throws on malformed input — that is a bug in the caller, not a user's mistake.
 */
export function withControlKey(account20WithPlaceholderAt9: string, bik: string): string {
  if (!/^\d{20}$/.test(account20WithPlaceholderAt9) || !/^\d{9}$/.test(bik)) {
    throw new RangeError('withControlKey needs a 20-digit account and a 9-digit BIK');
  }
  const zeroed = `${account20WithPlaceholderAt9.slice(0, ACCOUNT_KEY_INDEX)}0${account20WithPlaceholderAt9.slice(ACCOUNT_KEY_INDEX + 1)}`;
  // Same letter, items 4–5: the last digit of the sum, times 3, last digit again. The key's weight is 3 and 3·3 ≡ −1 (mod 10).
  const key = ((keySum(accountPrefix(bik), zeroed) % 10) * 3) % 10;
  return `${zeroed.slice(0, ACCOUNT_KEY_INDEX)}${key}${zeroed.slice(ACCOUNT_KEY_INDEX + 1)}`;
}
