import { createHash, createHmac, randomBytes } from 'node:crypto';

/** A secret for a cookie or a link, and the id we store: its SHA-256 (the table never holds the secret). */
export function newSecretToken(): { token: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, id: hashToken(token) };
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Keyed hash of an e-mail for the attempt log: limits work per address without storing addresses. */
export const emailKey = (secretKey: string, email: string): string =>
  createHmac('sha256', secretKey).update(`login:${email.trim().toLowerCase()}`).digest('hex');
