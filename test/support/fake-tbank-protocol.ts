import { createHash, randomBytes } from 'node:crypto';

/** The wire vocabulary of the fake T-Bank: its own token, its refusals, its СБП links. */
export type Fields = Record<string, unknown>;

/** The bank's token, written here apart from core's tbankToken so that each checks the other. */
export function sign(fields: Fields, password: string): string {
  const values = Object.entries({ ...fields, Password: password })
    .filter(([key, value]) => key !== 'Token' && ['string', 'number', 'boolean'].includes(typeof value))
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([, value]) => String(value));
  return createHash('sha256').update(values.join(''), 'utf8').digest('hex');
}

// 204 and 501 are the bank's answers for a bad token and an unknown terminal, 251 for an amount under 1 ₽;
// the docs name no code for the other refusals, so they get the generic 9999 «Неверные параметры.».
export const refusal = (code: string, details: string): Fields =>
  ({ Success: false, ErrorCode: code, Message: 'Неверные параметры.', Details: details });
export const BAD_TOKEN = refusal('204', 'Неверный токен. Проверьте пару TerminalKey/SecretKey.');
export const BAD_PARAMS = (details: string) => refusal('9999', details);

// CRC-16/CCITT-FALSE over the link, four hex digits, as НСПК links end.
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A dynamic (type 02) СБП link for T-Bank, НСПК member 100000000004. */
export function nspkLink(amount: number): string {
  const id = `AD1000${Array.from(randomBytes(26), (b) => ALPHABET[b % ALPHABET.length]).join('')}`;
  const link = `https://qr.nspk.ru/${id}?type=02&bank=100000000004&sum=${amount}&cur=RUB`;
  return `${link}&crc=${crc16(link)}`;
}
