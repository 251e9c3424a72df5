import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.ts';
import { hasMessage, LOCALES, translate } from './i18n.ts';

const localeFiles = (locale: string) => readdirSync(new URL(`../../locales/${locale}/`, import.meta.url)).filter((f) => f.endsWith('.json')).sort();
const keysOf = (locale: string, file: string) =>
  Object.keys(JSON.parse(readFileSync(new URL(`../../locales/${locale}/${file}`, import.meta.url), 'utf8')) as object).sort();
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('user messages', () => {
  it.each(LOCALES)('has a %s message for every error code', (locale) => {
    const missing = ERROR_CODES.filter((code) => !hasMessage(locale, code));
    expect(missing).toEqual([]);
  });

  it('has the same files and keys in every locale, with the same placeholders', () => {
    const [first, ...others] = LOCALES;
    for (const other of others) {
      expect(localeFiles(other)).toEqual(localeFiles(first));
      for (const file of localeFiles(first)) {
        expect({ file, keys: keysOf(other, file) }).toEqual({ file, keys: keysOf(first, file) });
        const base = file.split('.')[0]!;
        const prefix = base === 'errors' ? '' : `${base}.`;
        for (const key of keysOf(first, file)) {
          expect({ key, vars: placeholders(translate(other, prefix + key)) }).toEqual({ key, vars: placeholders(translate(first, prefix + key)) });
        }
      }
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('ru', 'ACCOUNTS.NUMBER_TAKEN', { number: '100001' })).toContain('100001');
    expect(translate('en', 'ACCOUNTS.NUMBER_TAKEN')).toContain('{number}');
  });

  it('refuses a key that no locale has, instead of showing the key to a user', () => {
    expect(() => translate('ru', 'NO.SUCH_CODE')).toThrow(/no message/);
  });
});
