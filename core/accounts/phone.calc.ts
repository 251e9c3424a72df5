import { ok, err, AppError, type Result } from '../shared/index.ts';

/**
 * Phones of the +7 numbering zone, stored in E.164 (+7 and a 10-digit national number) so one person typed
 * three ways is still one contact.
 */

// Separators people type between digit groups: «8 (912) 345-67-89», «+7.912.345.67.89».
const SEPARATORS = /[\s().-]/g;

// National numbers of zone +7: Russia's numbering plan uses leading 3, 4, 8 and 9; Kazakhstan uses 6 and 7.
const NATIONAL_NUMBER = /^[346789]\d{9}$/;

function nationalNumberOf(compact: string): string | undefined {
  if (/^\+7\d{10}$/.test(compact)) return compact.slice(2);
  // «8» is the domestic trunk prefix, «7» the country code typed without «+».
  if (/^[78]\d{10}$/.test(compact)) return compact.slice(1);
  if (/^\d{10}$/.test(compact)) return compact;
  return undefined;
}

export function normalisePhone(input: string): Result<string, AppError> {
  const national = nationalNumberOf(input.replace(SEPARATORS, ''));
  return national !== undefined && NATIONAL_NUMBER.test(national)
    ? ok(`+7${national}`)
    : err(new AppError('ACCOUNTS.PHONE_INVALID', { field: 'phone' }));
}

/**
 * '+79123456789' → '+7 912 ***-**-89': enough for a person to recognise their number, too little to call it.
 * Anything not in normalised form is masked whole, because this feeds logs and screens that must never leak a phone.
 */
export function maskPhone(e164: string): string {
  const match = /^\+7(\d{3})\d{5}(\d{2})$/.exec(e164);
  return match ? `+7 ${match[1]} ***-**-${match[2]}` : '***';
}

// ЕЛС (единый лицевой счёт of ГИС ЖКХ): 10 characters, digits and capital Cyrillic or Latin letters.
const ELS = /^[0-9A-ZА-ЯЁ]{10}$/;

export function validateEls(value: string): Result<string, AppError> {
  const els = value.replace(/\s+/g, '');
  return ELS.test(els) ? ok(els) : err(new AppError('ACCOUNTS.ELS_INVALID', { field: 'els' }));
}
