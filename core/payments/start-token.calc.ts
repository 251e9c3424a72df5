import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../shared/index.ts';

/**
 * The messenger deep-link token of an account: `t.me/<bot>?start=<token>`. Telegram takes at most 64 characters of
 * [A-Za-z0-9_-] there, and the pay-link token is 75, so this one is compact: 's', then base64url of the account id
 * (16 bytes), the expiry day (days since 1970, 2 bytes), the key id (2 bytes) and 96 bits of HMAC-SHA256 under the
 * pay-link key of that id — 44 characters. The organisation is the account's; retiring a key retires its tokens.
 */
const PREFIX = 's';
const BODY_BYTES = 20;
const MAC_BYTES = 12;
const PATTERN = /^s[A-Za-z0-9_-]{43}$/;

export type StartRejection = 'malformed' | 'forged' | 'expired' | 'unknownKey';

/** Its own label under the pay-link key, so a start token's MAC can never pass as a pay link's. */
const LABEL = Buffer.of(0x2f, 0x73, 0x74, 0x61, 0x72, 0x74); // "/start"
const mac = (key: Buffer, body: Buffer) => createHmac('sha256', Buffer.concat([key, LABEL])).update(body).digest().subarray(0, MAC_BYTES);

export function signStartToken(accountId: string, expiresAt: Date, kid: number, key: Buffer): string {
  const body = Buffer.alloc(BODY_BYTES);
  Buffer.from(accountId.replaceAll('-', ''), 'hex').copy(body, 0);
  body.writeUInt16BE(Math.min(0xffff, Math.floor(expiresAt.getTime() / 86_400_000)), 16);
  body.writeUInt16BE(kid, 18);
  return PREFIX + Buffer.concat([body, mac(key, body)]).toString('base64url');
}

export const isStartToken = (token: string): boolean => PATTERN.test(token);

/** The account id, once the shape, the key, the MAC and then the expiry pass (a forgery learns nothing from timing). */
export function verifyStartToken(token: string, keyOf: (kid: number) => Buffer | undefined, now: Date): Result<string, StartRejection> {
  if (!PATTERN.test(token)) return err('malformed');
  const bytes = Buffer.from(token.slice(1), 'base64url');
  // The last character carries 2 bits of data and 4 spare ones: only the canonical spelling is the token, so no
  // two strings open the same account.
  if (bytes.length !== BODY_BYTES + MAC_BYTES || bytes.toString('base64url') !== token.slice(1)) return err('malformed');
  const body = bytes.subarray(0, BODY_BYTES);
  const key = keyOf(body.readUInt16BE(18));
  if (!key) return err('unknownKey');
  if (!timingSafeEqual(mac(key, body), bytes.subarray(BODY_BYTES))) return err('forged');
  if (body.readUInt16BE(16) < Math.floor(now.getTime() / 86_400_000)) return err('expired');
  const hex = body.subarray(0, 16).toString('hex');
  return ok(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
}
