import { normaliseAccountNumber, normaliseArea, validateEls } from '../accounts/index.ts';
import type { ErrorCode } from '../shared/index.ts';
import { parseAmount, parseDate, parseDecimalText, parseInteger, parsePeriod, type CellReason, type CellResult } from './values.calc.ts';

/**
 * Cell readers of the import, each turning the text of one cell into the value we store or a reason it cannot
 * be. Exact decimals stay text ('54.30', '12.3456'), amounts become kopecks; nothing passes through a float.
 */
export type CellCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: ErrorCode; readonly params?: Record<string, string | number> };

const REASON_CODES: Record<CellReason, ErrorCode> = {
  empty: 'REGISTRIES.CELL_REQUIRED',
  'bad-number': 'REGISTRIES.CELL_BAD_NUMBER',
  'too-many-decimals': 'REGISTRIES.CELL_TOO_MANY_DECIMALS',
  'out-of-range': 'REGISTRIES.CELL_OUT_OF_RANGE',
  'bad-integer': 'REGISTRIES.CELL_BAD_INTEGER',
  'bad-date': 'REGISTRIES.CELL_BAD_DATE',
  'bad-period': 'REGISTRIES.CELL_BAD_PERIOD',
};

const fromCell = <T>(result: CellResult<T>, params?: Record<string, string | number>): CellCheck<T> =>
  result.ok ? result : { ok: false, code: REASON_CODES[result.reason], ...(params ? { params } : {}) };

const ok = <T>(value: T): CellCheck<T> => ({ ok: true, value });

export const textCell = (limit: number) => (text: string): CellCheck<string> =>
  text.length > limit ? { ok: false, code: 'REGISTRIES.CELL_TOO_LONG', params: { limit } } : ok(text.replace(/\s+/g, ' '));

export const decimalCell = (scale: number, nonNegative = false) => (text: string): CellCheck<string> => {
  const parsed = parseDecimalText(text, scale);
  if (!parsed.ok) return fromCell(parsed, { scale });
  if (nonNegative && parsed.value.startsWith('-')) return { ok: false, code: 'REGISTRIES.CELL_OUT_OF_RANGE' };
  return parsed;
};

export const amountCell = (text: string): CellCheck<number> => fromCell(parseAmount(text), { scale: 2 });
export const dateCell = (text: string): CellCheck<string> => fromCell(parseDate(text));
export const periodCell = (text: string): CellCheck<string> => fromCell(parsePeriod(text));

export function residentsCell(text: string): CellCheck<number> {
  const parsed = parseInteger(text);
  if (!parsed.ok) return fromCell(parsed);
  return parsed.value < 0 || parsed.value > 99 ? { ok: false, code: 'REGISTRIES.CELL_OUT_OF_RANGE' } : parsed;
}

export function accountCell(text: string): CellCheck<string> {
  const number = normaliseAccountNumber(text);
  return number.ok ? number : { ok: false, code: 'REGISTRIES.CELL_BAD_ACCOUNT' };
}

export function areaCell(text: string): CellCheck<string> {
  const area = normaliseArea(text.replace(/\s/g, ''));
  return area === null ? { ok: false, code: 'REGISTRIES.CELL_BAD_NUMBER' } : ok(area);
}

export function elsCell(text: string): CellCheck<string> {
  const els = validateEls(text.toUpperCase());
  return els.ok ? els : { ok: false, code: 'REGISTRIES.CELL_BAD_ELS' };
}

// How customers write the ПП 354 methods: «ИПУ», «по прибору», «норматив», «среднее», «Н», «С», …
const METHOD_WORDS: readonly (readonly [RegExp, 'meter' | 'norm' | 'average'])[] = [
  [/^(ипу|пу|оду|прибор|по прибору|по пу|по ипу|по счетчику|счетчик|показания|по показаниям|п|m|meter)$/u, 'meter'],
  [/^(норматив|норма|по нормативу|норм|н|n|norm)$/u, 'norm'],
  [/^(среднее|средний|средн|по среднему|ср|с|a|avg|average)$/u, 'average'],
];

export function methodCell(text: string): CellCheck<'meter' | 'norm' | 'average'> {
  const word = text.toLowerCase().replace(/ё/g, 'е').replace(/\./g, '').replace(/\s+/g, ' ').trim();
  const found = METHOD_WORDS.find(([pattern]) => pattern.test(word));
  return found ? ok(found[1]) : { ok: false, code: 'REGISTRIES.CELL_BAD_METHOD' };
}

/**
 * «г. Пермь, ул. Ленина, д. 5, кв. 12» → the house and «12», for files that write the flat into the address. Only a
 * trailing «кв./квартира/пом./помещение/комн./оф.» with a number is taken; anything else stays the address.
 */
const PREMISE_SUFFIX = /^(.*?)[\s,]+(?:кв|квартира|пом|помещение|комн|комната|оф|офис)\.?\s*№?\s*([0-9]+[0-9а-яa-z/-]*)\s*$/iu;

export function splitPremise(address: string): { readonly address: string; readonly premise: string } | null {
  const match = PREMISE_SUFFIX.exec(address);
  return match && match[1]!.trim() ? { address: match[1]!.trim().replace(/,$/, ''), premise: match[2]! } : null;
}
