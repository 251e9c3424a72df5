import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Russian first, English second (the product's audience). */
export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Catalog = Record<string, string>;

const localesDir = fileURLToPath(new URL('../../locales/', import.meta.url));
const catalogs = new Map<Locale, Catalog>();

/**
 * Flattens every JSON file of locales/<lang>/ into `namespace.key` entries. The namespace is the file name up to
 * its first dot, so one namespace may be split across files (admin.json, admin.settings.json → `admin.…`);
 * errors.json holds the error codes as they are.
 */
function loadCatalog(locale: Locale): Catalog {
  const cached = catalogs.get(locale);
  if (cached) return cached;
  const dir = path.join(localesDir, locale);
  const catalog: Catalog = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const base = file.split('.')[0]!;
    const namespace = base === 'errors' ? '' : `${base}.`;
    const entries = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, string>;
    for (const [key, text] of Object.entries(entries)) catalog[namespace + key] = text;
  }
  catalogs.set(locale, catalog);
  return catalog;
}

export function hasMessage(locale: Locale, key: string): boolean {
  return key in loadCatalog(locale);
}

/** Looks the key up in the locale, then in Russian; `{name}` placeholders are filled from vars. */
export function translate(locale: Locale, key: string, vars: Readonly<Record<string, unknown>> = {}): string {
  const text = loadCatalog(locale)[key] ?? loadCatalog('ru')[key];
  if (text === undefined) throw new Error(`no message for ${key}`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);
