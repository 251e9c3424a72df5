/**
 * The one thing the application asks of an SMS gateway: deliver this text to this phone, and say whether trying
 * again could help. Expected outcomes are values (STYLE.md «Errors»): a refused number or an outage is a result,
 * so the caller decides between retry with backoff (`permanent: false`) and giving up (`permanent: true`).
 */
export type SmsMessage = { readonly to: string; readonly text: string };

/** `reason` goes to logs: it names a code or a cause, never the phone, the text or the gateway key. */
export type SmsFailure = { readonly ok: false; readonly permanent: boolean; readonly reason: string };
export type SmsResult = { readonly ok: true; readonly id: string } | SmsFailure;

export type SmsSender = { readonly kind: 'smsru' | 'console'; send(message: SmsMessage): Promise<SmsResult> };

/**
 * SMS.ru refuses a message longer than 8 parts (code 205), and a Cyrillic part of a multi-part SMS holds 67
 * UCS-2 characters (70 minus the concatenation header). Measured in UTF-16 code units, as UCS-2 counts them.
 * Latin-only text would fit 8 × 153, but staff answers are Russian and one limit keeps the two senders alike.
 */
export const SMS_MAX_PARTS = 8;
export const SMS_PART_CHARS = 67;
export const SMS_MAX_CHARS = SMS_MAX_PARTS * SMS_PART_CHARS;

const ELLIPSIS = '…';

/**
 * A staff answer longer than 8 parts is cut, not refused: the resident consented to get the answer by SMS, and
 * its beginning with «…» (the whole is still in their messenger or the web cabinet) serves them better than no
 * SMS at all. Never splits a surrogate pair, which would reach the phone as a broken character.
 */
export function fitSmsText(text: string): string {
  if (text.length <= SMS_MAX_CHARS) return text;
  let end = SMS_MAX_CHARS - ELLIPSIS.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

/**
 * '+7XXXXXXXXXX', '7XXXXXXXXXX' or '8XXXXXXXXXX' (8 is the domestic trunk prefix) → '7XXXXXXXXXX', the form
 * SMS.ru documents; null for anything else. Phones are stored normalised (core/accounts normalisePhone), so a
 * number in another shape is a bug upstream, not something to guess at with a resident's message.
 */
export function smsDigits(to: string): string | null {
  const match = /^(?:\+7|7|8)(\d{10})$/.exec(to);
  return match ? `7${match[1]}` : null;
}

/** What both senders check before anything leaves the process; refusals here are permanent. */
export function prepareSms(message: SmsMessage): { readonly ok: true; readonly digits: string; readonly text: string } | SmsFailure {
  const digits = smsDigits(message.to);
  if (digits === null) return { ok: false, permanent: true, reason: 'not a +7 phone number' };
  if (message.text.trim() === '') return { ok: false, permanent: true, reason: 'empty text' };
  return { ok: true, digits, text: fitSmsText(message.text) };
}
