import { describe, expect, it } from 'vitest';
import { isEmail, isUuid, likeEscape } from './text.ts';

describe('text checks', () => {
  it('accepts plausible e-mails and refuses the rest', () => {
    expect(['anna_k@mail.ru', 'a.b@uk.example.ru'].map(isEmail)).toEqual([true, true]);
    expect(['anna@', 'anna mail.ru', `${'a'.repeat(250)}@b.ru`].map(isEmail)).toEqual([false, false, false]);
  });
  it('knows a UUID in either case and nothing else', () => {
    expect(isUuid('0B3C8F2E-1d2a-4c55-9d6e-7f8a9b0c1d2e')).toBe(true);
    expect(isUuid("1' or '1'='1")).toBe(false);
  });
  it('escapes LIKE wildcards and the escape character', () => {
    expect(likeEscape('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});
