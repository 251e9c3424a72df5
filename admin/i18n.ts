import { hasMessage, translate, type Locale } from '../core/shared/index.ts';

export type T = (key: string, vars?: Readonly<Record<string, unknown>>) => string;

/** Page texts live in locales/<lang>/admin*.json (`admin.` namespace); any other key (error codes, http.…) as it is. */
export const makeT = (locale: Locale): T => (key, vars) => translate(locale, hasMessage(locale, `admin.${key}`) ? `admin.${key}` : key, vars);
