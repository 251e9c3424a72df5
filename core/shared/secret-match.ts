import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Both sides go through one HMAC under a key born with the process, so timingSafeEqual always compares 32 bytes. */
const COMPARE_KEY = randomBytes(32);
const digest = (value: string) => createHmac('sha256', COMPARE_KEY).update(value, 'utf8').digest();

/**
 * Whether a webhook's secret header is the one we gave the platform: constant time, and neither the secret's length
 * nor a matching prefix shows in the timing (RELIABILITY.md A5). An empty setting or a missing header matches
 * nothing: a webhook anyone can call is not one we serve.
 */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(digest(given), digest(expected));
}
