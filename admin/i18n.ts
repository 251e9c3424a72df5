import { translate, type Locale } from '../core/shared/index.ts';

export type T = (key: string, vars?: Readonly<Record<string, unknown>>) => string;

/** Page texts live in locales/<lang>/admin.json; error codes in errors.json. */
export const makeT = (locale: Locale): T => (key, vars) => translate(locale, key.includes('.') && /^[A-Z]/.test(key) ? key : `admin.${key}`, vars);
