import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Synchroniser tokens (RELIABILITY.md A4): HMAC of the session id (or of the pre-session cookie on the sign-in
 * form) under the server's secret. Sent as the `_csrf` form field or the `X-CSRF-Token` header (htmx).
 */
export function csrfToken(secretKey: string, bound: string): string {
  return createHmac('sha256', secretKey).update(`csrf:${bound}`).digest('base64url');
}

export function csrfValid(secretKey: string, bound: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length > 100) return false;
  const expected = Buffer.from(csrfToken(secretKey, bound));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A second net: a browser's cross-site POST carries a foreign Origin; no Origin (old clients) relies on the token. */
export function sameOrigin(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin === undefined || origin === 'null' ? origin === undefined : allowed.includes(origin);
}
