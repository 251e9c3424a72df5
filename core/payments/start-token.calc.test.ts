import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { isStartToken, signStartToken, verifyStartToken } from './start-token.calc.ts';

const key = Buffer.alloc(32, 7);
const keys = (kid: number) => (kid === 3 ? key : undefined);
const now = new Date('2026-11-26T10:00:00Z');

describe('messenger start token', () => {
  it('fits Telegram\'s 64 characters of [A-Za-z0-9_-] and gives the account back', () => {
    const id = randomUUID();
    const token = signStartToken(id, new Date('2027-12-31T00:00:00Z'), 3, key);
    expect(token).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(token.length).toBe(44);
    expect(isStartToken(token)).toBe(true);
    expect(verifyStartToken(token, keys, now)).toEqual({ ok: true, value: id });
  });

  it('refuses a flipped character, an unknown key and an expired token', () => {
    // Over many tokens, so the last character (2 data bits, 4 spare) takes every value it can.
    for (let n = 0; n < 200; n += 1) {
      const token = signStartToken(randomUUID(), new Date('2027-01-01T00:00:00Z'), 3, key);
      for (let i = 1; i < token.length; i += 1) {
        const c = token[i] === 'A' ? 'B' : 'A';
        const mutant = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifyStartToken(mutant, keys, now).ok, `${token} position ${i}`).toBe(false);
      }
    }
    expect(verifyStartToken(signStartToken(randomUUID(), new Date('2027-01-01T00:00:00Z'), 4, key), keys, now)).toEqual({ ok: false, error: 'unknownKey' });
    expect(verifyStartToken(signStartToken(randomUUID(), new Date('2026-11-01T00:00:00Z'), 3, key), keys, now)).toEqual({ ok: false, error: 'expired' });
    expect(verifyStartToken('s' + 'A'.repeat(10), keys, now)).toEqual({ ok: false, error: 'malformed' });
  });
});
