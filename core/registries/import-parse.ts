import { HEADER_SEARCH_ROWS } from './headers.calc.ts';
import type { Delimiter } from './delimited.calc.ts';
import type { RegistryEncoding } from './encoding.calc.ts';
import type { ColumnMapping, ReadOptions, RowError } from './import.types.ts';
import { openRegistry } from './open-registry.ts';
import { RegistryReadError, type OpenedRegistry, type RawRow, type RegistryFormat } from './reader.ts';
import { resolveColumns, periodFromFileName, type ProfileColumns } from './columns.ts';
import { rowValidator, type RowProblem } from './row-validate.ts';
import { stagingLine } from './staging.ts';
import { TotalsCheck } from './totals.ts';
import { fromAppError, rowError } from './row-error.ts';

export type ParseSetup = {
  readonly path: string;
  readonly name: string;
  readonly options: ReadOptions;
  readonly profile: ProfileColumns | null;
  readonly totalsCheck: boolean;
  /** Keep going past errors and hand out the rejected rows (a valid-rows import). */
  readonly keepValid: boolean;
};

export type ParseStart = {
  readonly kind: 'start';
  readonly format: RegistryFormat;
  readonly encoding: RegistryEncoding | null;
  readonly delimiter: Delimiter | null;
  readonly headerLine: number | null;
  readonly header: readonly string[];
  readonly mapping: ColumnMapping;
  readonly moneyField: 'toPay' | 'accrued' | null;
};
export type RejectedRow = { readonly line: number; readonly cells: readonly string[]; readonly errors: readonly RowError[] };
export type ParseEvent =
  | ParseStart
  /** COPY text of validated rows. */
  | { readonly kind: 'batch'; readonly copy: Buffer; readonly rows: number }
  | { readonly kind: 'rejected'; readonly rows: readonly RejectedRow[] }
  | { readonly kind: 'fatal'; readonly error: RowError }
  | { readonly kind: 'end'; readonly rows: number; readonly validRows: number; readonly fileErrors: readonly RowError[] };

/** Above this a report lists no more errors (it still counts them). */
export const MAX_REPORTED_ERRORS = 1_000;
/** A registry of more rows than this is split by the customer (5 million ≈ a city's accounts × services). */
export const MAX_ROWS = 5_000_000;
const BATCH_CHARS = 1 << 20;

/** Reads, maps and validates a registry, yielding COPY batches of good rows and the problems of bad ones. */
export async function* parseRegistry(setup: ParseSetup): AsyncGenerator<ParseEvent> {
  try {
    yield* parseOpened(setup, await openRegistry(setup.path, { name: setup.name, ...pick(setup.options) }));
  } catch (e) {
    if (e instanceof RegistryReadError) yield { kind: 'fatal', error: fromAppError(e.error) };
    else throw e;
  }
}

const pick = (o: ReadOptions) => ({ ...(o.encoding ? { encoding: o.encoding } : {}), ...(o.delimiter ? { delimiter: o.delimiter } : {}) });

async function* parseOpened(setup: ParseSetup, opened: OpenedRegistry): AsyncGenerator<ParseEvent> {
  const iterator = opened.rows()[Symbol.asyncIterator]();
  const head: RawRow[] = [];
  const headerInside = opened.fieldNames === null;
  while (headerInside && head.length < HEADER_SEARCH_ROWS) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
  }
  const candidates = headerInside ? head : [{ line: 0, cells: opened.fieldNames! }];
  if (headerInside && head.length === 0) return yield { kind: 'fatal', error: rowError('REGISTRIES.NO_ROWS', null, null, null) };
  const period = setup.options.period ?? periodFromFileName(setup.name);
  const resolved = resolveColumns(candidates, { ...setup.options, ...(period ? { period } : {}) }, setup.profile, headerInside);
  if ('code' in resolved) return yield { kind: 'fatal', error: rowError(resolved.code, null, null, null, resolved.params) };
  const header = headerInside ? head[resolved.headerIndex]?.cells ?? [] : opened.fieldNames!;
  const { mapping } = resolved;
  const moneyField = mapping.toPay !== undefined ? 'toPay' : mapping.accrued !== undefined ? 'accrued' : null;
  yield {
    kind: 'start', format: opened.format, encoding: opened.encoding, delimiter: opened.delimiter, mapping, header, moneyField,
    headerLine: headerInside ? head[resolved.headerIndex]?.line ?? null : null,
  };
  const column = (index: number | null): string | null => {
    if (index === null) return null;
    const title = (header[index] ?? '').trim();
    return title && title !== opened.columnLabel(index) ? `${opened.columnLabel(index)} («${title.slice(0, 60)}»)` : opened.columnLabel(index);
  };
  const toError = (line: number, p: RowProblem): RowError => rowError(p.code, line, column(p.column), p.value, p.params);
  const totals = new TotalsCheck(mapping, setup.totalsCheck, column);
  const validate = rowValidator({ mapping, period });
  let rows = 0;
  let validRows = 0;
  let errorsSeen = 0;
  let copy = '';
  let copyRows = 0;
  let rejected: RejectedRow[] = [];
  const rest: AsyncIterable<RawRow> = { [Symbol.asyncIterator]: () => iterator };
  const body = headerInside ? head.slice(resolved.headerIndex + 1) : [];
  for await (const raw of chain(body, rest)) {
    if (totals.isTotalLine(raw)) {
      totals.check(raw, validRows);
      continue;
    }
    if (++rows > MAX_ROWS) return yield { kind: 'fatal', error: rowError('REGISTRIES.TOO_MANY_ROWS', null, null, null, { limit: MAX_ROWS }) };
    const outcome = validate(raw.line, raw.cells);
    if (!outcome.ok) {
      errorsSeen += 1;
      const errors = outcome.problems.map((p) => toError(raw.line, p));
      rejected.push({ line: raw.line, cells: setup.keepValid ? raw.cells : [], errors });
      if (rejected.length >= 500) {
        yield { kind: 'rejected', rows: rejected };
        rejected = [];
      }
      continue;
    }
    validRows += 1;
    totals.add(outcome.row);
    // A file with an error applies nothing, so past the first one only the errors matter.
    if (errorsSeen > 0 && !setup.keepValid) continue;
    copy += stagingLine(outcome.row);
    copyRows += 1;
    if (copy.length >= BATCH_CHARS) {
      yield { kind: 'batch', copy: Buffer.from(copy, 'utf8'), rows: copyRows };
      copy = '';
      copyRows = 0;
    }
  }
  if (copyRows > 0) yield { kind: 'batch', copy: Buffer.from(copy, 'utf8'), rows: copyRows };
  if (rejected.length > 0) yield { kind: 'rejected', rows: rejected };
  const fileErrors = totals.problems();
  if (rows === 0 && errorsSeen === 0) fileErrors.push(rowError('REGISTRIES.NO_ROWS', null, null, null));
  yield { kind: 'end', rows, validRows, fileErrors };
}

async function* chain<T>(first: readonly T[], rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield* first;
  yield* rest;
}
