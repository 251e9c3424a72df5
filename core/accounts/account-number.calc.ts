import { ok, err, AppError, type Result } from '../shared/index.ts';

/**
 * Personal account numbers. FamilyPay assigns one when the management company has none: the sequence value,
 * zero-padded to 8 digits, plus a Luhn check digit so a mistyped number is refused instead of paying a neighbour.
 */

const MIN_PAYLOAD_DIGITS = 8;

/** Luhn (ISO/IEC 7812-1): from the right, double every second digit, take 9 off doubles above 9, add up. */
function luhnTotal(digits: string, doubleRightmost: boolean): number {
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const digit = Number(digits[digits.length - 1 - i]);
    const value = (i % 2 === 0) === doubleRightmost ? digit * 2 : digit;
    total += value > 9 ? value - 9 : value;
  }
  return total;
}

// The check digit is appended, so the payload's rightmost digit is doubled.
const luhnCheckDigit = (payload: string): number => (10 - (luhnTotal(payload, true) % 10)) % 10;

/** Throws on a negative or fractional sequence value: the database sequence cannot produce one. */
export function formatAssignedAccountNumber(sequenceValue: number): string {
  if (!Number.isSafeInteger(sequenceValue) || sequenceValue < 0) {
    throw new RangeError(`account sequence value must be a non-negative safe integer, got ${sequenceValue}`);
  }
  const payload = String(sequenceValue).padStart(MIN_PAYLOAD_DIGITS, '0');
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** True exactly for strings formatAssignedAccountNumber can produce. */
export function isValidAssignedAccountNumber(s: string): boolean {
  // Padding only ever fills 8 digits, so a longer payload cannot start with 0.
  return /^(\d{8}|[1-9]\d{8,})\d$/.test(s) && luhnTotal(s, false) % 10 === 0;
}

// Numbers printed by management companies mix digits, letters and separators: «12/3-А», «ЛС.0045».
const CUSTOMER_NUMBER = /^[0-9A-Za-zА-Яа-яЁё/.-]{1,32}$/;

/** A customer's own account number as typed: trimmed, inner spaces removed, letters kept as written. */
export function normaliseAccountNumber(input: string): Result<string, AppError> {
  const number = input.replace(/\s+/g, '');
  return CUSTOMER_NUMBER.test(number) ? ok(number) : err(new AppError('ACCOUNTS.NUMBER_INVALID', { field: 'number' }));
}
