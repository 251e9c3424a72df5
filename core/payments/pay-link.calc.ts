import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, isUuid, ok } from '../shared/index.ts';
import type { Result } from '../shared/index.ts';

/**
 * Signed payment links (RELIABILITY.md A2): a payment page opens only from a token we signed, so account numbers
 * cannot be walked to learn addresses. `account` is a bill or message link to one account; `plate` is an
 * organisation's entrance plate (the resident types the account); `collector` is a collector's NFC card (the
 * resident types the account, and payments are attributed to the collector); `typed` is an account reached by
 * typing its number on a plate's page — it opens the same form, but shows only a masked address, since typing a
 * number proves nothing. New purposes are appended: the purpose travels as its index.
 */
export const LINK_PURPOSES = ['account', 'plate', 'collector', 'typed'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

export type LinkClaims = {
  readonly kid: number;
  readonly orgId: string;
  readonly purpose: LinkPurpose;
  /** The account id for `account` and `typed`, the collector id for `collector`, null for `plate`. */
  readonly subjectId: string | null;
  /** The first instant at which the link no longer opens; whole seconds. */
  readonly expiresAt: Date;
};

export type LinkRejection = 'malformed' | 'forged' | 'expired' | 'unknownKey';

const VERSION = 1;
// version 1 + kid 2 + purpose 1 + organisation 16 + subject 16 + expiry 4
const BODY_BYTES = 40;
/** 128 bits: guessing a MAC stays hopeless at any request rate, and the token still fits in 75 characters. */
const MAC_BYTES = 16;
const TOKEN_BYTES = BODY_BYTES + MAC_BYTES;
const TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((TOKEN_BYTES * 4) / 3)}}$`);
const MAX_KID = 0xffff;
const MAX_EXPIRY_SECONDS = 0xffff_ffff;
const NO_SUBJECT = Buffer.alloc(16);
/** Which purposes name a subject: the MAC then binds the link to that one account or collector. */
const HAS_SUBJECT: Readonly<Record<LinkPurpose, boolean>> = { account: true, plate: false, collector: true, typed: true };

/** 96 bits: enough that a status page URL cannot be guessed, short enough to stay a query parameter. */
const REF_BYTES = 12;
const REF_PATTERN = /^[A-Za-z0-9_-]{16}$/;

const isKid = (kid: number): boolean => Number.isInteger(kid) && kid >= 0 && kid <= MAX_KID;

/**
 * Keys derive from the one configured secret, so rotating means a new kid and nothing new to store; a retired
 * kid is simply no longer offered by `keyFor`.
 */
export function linkKey(secretKey: string, kid: number): Buffer {
  if (secretKey === '') throw new Error('pay-link: empty secret');
  if (!isKid(kid)) throw new Error(`pay-link: kid out of range: ${kid}`);
  return createHmac('sha256', secretKey).update(`familypay/pay-link/v1/${kid}`).digest();
}

const uuidBytes = (uuid: string): Buffer => Buffer.from(uuid.replaceAll('-', ''), 'hex');

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const macOf = (key: Buffer, body: Buffer): Buffer => createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

/** Throws on claims that no caller should build: those are bugs, not user input. */
function bodyOf(claims: LinkClaims): Buffer {
  const { kid, orgId, purpose, subjectId, expiresAt } = claims;
  const purposeIndex = LINK_PURPOSES.indexOf(purpose);
  if (!isKid(kid)) throw new Error(`pay-link: kid out of range: ${kid}`);
  if (purposeIndex < 0) throw new Error(`pay-link: unknown purpose ${String(purpose)}`);
  if (!isUuid(orgId)) throw new Error('pay-link: orgId is not a UUID');
  if (HAS_SUBJECT[purpose] !== (subjectId !== null)) throw new Error(`pay-link: a ${purpose} link ${HAS_SUBJECT[purpose] ? 'needs' : 'takes no'} subject`);
  if (subjectId !== null && !isUuid(subjectId)) throw new Error('pay-link: subjectId is not a UUID');
  const subject = subjectId === null ? NO_SUBJECT : uuidBytes(subjectId);
  // The nil UUID is how "no subject" is written, so it cannot also name one.
  if (subjectId !== null && subject.equals(NO_SUBJECT)) throw new Error('pay-link: subjectId is the nil UUID');
  // Rounded down: a link may close up to a second early, never late.
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  if (!(seconds >= 0 && seconds <= MAX_EXPIRY_SECONDS)) throw new Error('pay-link: expiresAt outside 1970–2106');

  const body = Buffer.alloc(BODY_BYTES);
  body.writeUInt8(VERSION, 0);
  body.writeUInt16BE(kid, 1);
  body.writeUInt8(purposeIndex, 3);
  uuidBytes(orgId).copy(body, 4);
  subject.copy(body, 20);
  body.writeUInt32BE(seconds, 36);
  return body;
}

/** A URL-safe token of 75 characters; the MAC covers organisation, purpose, subject, key id and expiry. */
export function signLink(claims: LinkClaims, key: Buffer): string {
  if (key.length < 16) throw new Error('pay-link: key shorter than 128 bits');
  const body = bodyOf(claims);
  return Buffer.concat([body, macOf(key, body)]).toString('base64url');
}

type Parsed = { readonly body: Buffer; readonly mac: Buffer; readonly kid: number; readonly purpose: LinkPurpose };

/** Structure only: the format is public, so telling «malformed» from «forged» gives nothing away. */
function parse(token: string): Parsed | undefined {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  // The last character carries 2 spare bits: without this, 4 spellings of one token would all be accepted.
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return undefined;
  const body = bytes.subarray(0, BODY_BYTES);
  const purpose = LINK_PURPOSES[body.readUInt8(3)];
  if (body.readUInt8(0) !== VERSION || purpose === undefined) return undefined;
  if (HAS_SUBJECT[purpose] === body.subarray(20, 36).equals(NO_SUBJECT)) return undefined;
  return { body, mac: bytes.subarray(BODY_BYTES), kid: body.readUInt16BE(1), purpose };
}

/**
 * Checks in a fixed order: format, key id, MAC, expiry. Expiry comes after the MAC so that a forged token learns
 * nothing, not even whether its expiry is in the past. Never throws for any token string.
 */
export function verifyLink(token: string, keyFor: (kid: number) => Buffer | undefined, now: Date): Result<LinkClaims, LinkRejection> {
  const parsed = parse(token);
  if (parsed === undefined) return err('malformed');
  const { body, mac, kid, purpose } = parsed;
  const key = keyFor(kid);
  if (key === undefined) return err('unknownKey');
  if (!timingSafeEqual(macOf(key, body), mac)) return err('forged');
  const expiresAt = new Date(body.readUInt32BE(36) * 1000);
  // Written as «not before» so that an invalid `now` (NaN) fails closed.
  if (!(now.getTime() < expiresAt.getTime())) return err('expired');
  const subject = body.subarray(20, 36);
  return ok({ kid, orgId: uuidText(body.subarray(4, 20)), purpose, subjectId: HAS_SUBJECT[purpose] ? uuidText(subject) : null, expiresAt });
}

const refMac = (key: Buffer, paymentId: string): Buffer =>
  createHmac('sha256', key).update(`payment-status/${paymentId}`).digest().subarray(0, REF_BYTES);

/** The `r` of /pay/p/<paymentId>?r=<ref>: payment ids cannot be walked to read other people's statuses. */
export function signPaymentRef(paymentId: string, key: Buffer): string {
  return refMac(key, paymentId).toString('base64url');
}

export function verifyPaymentRef(paymentId: string, ref: string, key: Buffer): boolean {
  // 12 bytes are exactly 16 characters with no spare bits, so the pattern alone makes the spelling canonical.
  if (typeof paymentId !== 'string' || typeof ref !== 'string' || !REF_PATTERN.test(ref)) return false;
  return timingSafeEqual(Buffer.from(ref, 'base64url'), refMac(key, paymentId));
}
