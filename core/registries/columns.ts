import { translate, type ErrorCode } from '../shared/index.ts';
import { guessMapping, HEADER_SEARCH_ROWS, normaliseHeader } from './headers.calc.ts';
import { REGISTRY_FIELDS, type RegistryField } from './header-synonyms.calc.ts';
import type { ColumnMapping, ReadOptions } from './import.types.ts';
import { MONEY_FIELDS } from './row-validate.ts';
import type { OpenOptions, RawRow } from './reader.ts';

/** A saved profile as the import uses it: field → the normalised header title of its column. */
export type ProfileColumns = { readonly name: string; readonly columns: Partial<Record<RegistryField, string>> };

export type ResolvedColumns = {
  /** Index into the rows given of the header row; −1 when the header is not among them (a DBF's field names). */
  readonly headerIndex: number;
  readonly mapping: ColumnMapping;
  readonly source: 'profile' | 'guess' | 'explicit';
};

export type ColumnsProblem = { readonly code: ErrorCode; readonly params: Record<string, string | number> };

const fieldLabel = (field: RegistryField): string => translate('ru', `registries.field.${field}`);

/**
 * Which column holds which field. `rows` are the first rows of the file (the header is among them) or, for a DBF,
 * just its field names as one row with `headerInside: false`. An explicit mapping wins, then the profile, then the
 * guess from common Russian header names.
 */
export function resolveColumns(rows: readonly RawRow[], options: ReadOptions, profile: ProfileColumns | null, headerInside: boolean): ResolvedColumns | ColumnsProblem {
  if (options.mapping) {
    const headerIndex = options.mapping.headerLine === null ? -1 : rows.findIndex((r) => r.line === options.mapping!.headerLine);
    return checkMapping({ headerIndex, mapping: options.mapping.columns, source: 'explicit' }, options);
  }
  if (profile) return byProfile(rows, profile, headerInside, options);
  const guess = guessMapping(rows.map((r) => r.cells));
  if (guess.headerRow < 0) return { code: 'REGISTRIES.HEADER_NOT_FOUND', params: { rows: rows.length } };
  return checkMapping({ headerIndex: headerInside ? guess.headerRow : -1, mapping: guess.mapping, source: 'guess' }, options);
}

function byProfile(rows: readonly RawRow[], profile: ProfileColumns, headerInside: boolean, options: ReadOptions): ResolvedColumns | ColumnsProblem {
  const wanted = Object.entries(profile.columns) as [RegistryField, string][];
  let missing = wanted[0]?.[1] ?? '';
  for (const [index, row] of rows.entries()) {
    const titles = row.cells.map((c) => normaliseHeader(c));
    const mapping: ColumnMapping = {};
    for (const [field, title] of wanted) {
      const column = titles.indexOf(title);
      if (column < 0) {
        missing = title;
        break;
      }
      mapping[field] = column;
    }
    if (Object.keys(mapping).length === wanted.length) {
      return checkMapping({ headerIndex: headerInside ? index : -1, mapping, source: 'profile' }, options);
    }
  }
  return { code: 'REGISTRIES.COLUMN_MISSING', params: { column: missing, profile: profile.name } };
}

/** What no row can do without: something to find the account by, a period, an amount; one field per column. */
function checkMapping(resolved: ResolvedColumns, options: ReadOptions): ResolvedColumns | ColumnsProblem {
  const { mapping } = resolved;
  const seen = new Map<number, RegistryField>();
  for (const field of REGISTRY_FIELDS) {
    const column = mapping[field];
    if (column === undefined) continue;
    const other = seen.get(column);
    if (other) return { code: 'REGISTRIES.MAPPING_INVALID', params: { column: column + 1, field: fieldLabel(other), other: fieldLabel(field) } };
    seen.set(column, field);
  }
  if (mapping.account === undefined && mapping.address === undefined) return notMapped(fieldLabel('account'));
  if (mapping.period === undefined && !options.period) return notMapped(fieldLabel('period'));
  if (MONEY_FIELDS.every((f) => mapping[f] === undefined)) return notMapped(translate('ru', 'registries.anyAmount'));
  return resolved;
}

const notMapped = (field: string): ColumnsProblem => ({ code: 'REGISTRIES.FIELD_NOT_MAPPED', params: { field } });

/** Field → header title of the mapped columns, normalised: what a profile saves. */
export function profileColumnsFrom(header: readonly string[], mapping: ColumnMapping): Partial<Record<RegistryField, string>> {
  const columns: Partial<Record<RegistryField, string>> = {};
  for (const [field, column] of Object.entries(mapping) as [RegistryField, number][]) {
    const title = normaliseHeader(header[column] ?? '');
    if (title) columns[field] = title;
  }
  return columns;
}

/** A debt registry names its month in the file name (`INN_ACCOUNT_MMYY.txt`): that month, as 'YYYY-MM'. */
export function periodFromFileName(name: string): string | null {
  const match = /_(0[1-9]|1[0-2])(\d{2})\.[a-z]+$/i.exec(name);
  return match ? `20${match[2]}-${match[1]}` : null;
}

/** The reader's share of the options: the code page and separator staff chose, if any. */
export const readerChoices = (o: ReadOptions): Pick<OpenOptions, 'encoding' | 'delimiter'> =>
  ({ ...(o.encoding ? { encoding: o.encoding } : {}), ...(o.delimiter ? { delimiter: o.delimiter } : {}) });

export type LocatedHeader = {
  readonly resolved: ResolvedColumns | ColumnsProblem;
  /** The header row's cells ([] when none was found), or a DBF's field names. */
  readonly header: readonly string[];
  readonly headerLine: number | null;
  /** Index into the first rows of the first data row. */
  readonly bodyStart: number;
  /** The file-wide period: the caller's, else the month in the file's name. */
  readonly period: string | null;
};

/**
 * Where the header is and what each column holds, from the first rows of a file (a DBF's field names are its
 * header, and its rows are all data). The import and the preview read a file's head alike through this.
 */
export function locateHeader(fieldNames: readonly string[] | null, head: readonly RawRow[], options: ReadOptions, profile: ProfileColumns | null, fileName: string): LocatedHeader {
  const headerInside = fieldNames === null;
  const candidates = headerInside ? head.slice(0, HEADER_SEARCH_ROWS) : [{ line: 0, cells: fieldNames }];
  const period = options.period ?? periodFromFileName(fileName);
  const resolved = resolveColumns(candidates, { ...options, ...(period ? { period } : {}) }, profile, headerInside);
  const index = 'code' in resolved ? -1 : resolved.headerIndex;
  if (!headerInside) return { resolved, header: fieldNames, headerLine: null, bodyStart: 0, period };
  return { resolved, header: head[index]?.cells ?? [], headerLine: head[index]?.line ?? null, bodyStart: index + 1, period };
}
