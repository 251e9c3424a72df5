import { describe, expect, it } from 'vitest';
import { secretMatches } from './secret-match.ts';

describe('secretMatches', () => {
  it('matches only the exact secret, and never an empty one', () => {
    const secret = 'Abc_def-0123456789xyz';
    expect(secretMatches(secret, secret)).toBe(true);
    expect(secretMatches(`${secret}x`, secret)).toBe(false);
    expect(secretMatches(secret.slice(0, -1), secret)).toBe(false);
    expect(secretMatches(secret.toLowerCase(), secret)).toBe(false);
    expect(secretMatches(undefined, secret)).toBe(false);
    expect(secretMatches('', '')).toBe(false);
    expect(secretMatches(undefined, '')).toBe(false);
  });
});
