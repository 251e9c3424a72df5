import { HEADER_SEARCH_ROWS } from './headers.calc.ts';
import type { Delimiter } from './delimited.calc.ts';
import type { RegistryEncoding } from './encoding.calc.ts';
import type { ColumnMapping, ReadOptions, RowError } from './import.types.ts';
import { openRegistry } from './open-registry.ts';
import { RegistryReadError, type OpenedRegistry, type RawRow, type RegistryFormat } from './reader.ts';
import { locateHeader, readerChoices, type ProfileColumns } from './columns.ts';
import { RowSink } from './import-sink.ts';
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
  /** `unnumbered`: valid rows without an account number (they need the premise's account or a new number). */
  | { readonly kind: 'end'; readonly rows: number; readonly validRows: number; readonly unnumbered: number; readonly fileErrors: readonly RowError[] };

/** Above this a report lists no more errors (it still counts them). */
export const MAX_REPORTED_ERRORS = 1_000;

/** Reads, maps and validates a registry, yielding COPY batches of good rows and the problems of bad ones. */
export async function* parseRegistry(setup: ParseSetup): AsyncGenerator<ParseEvent> {
  try {
    yield* parseOpened(setup, await openRegistry(setup.path, { name: setup.name, ...readerChoices(setup.options) }));
  } catch (e) {
    if (e instanceof RegistryReadError) yield { kind: 'fatal', error: fromAppError(e.error) };
    else throw e;
  }
}

async function* parseOpened(setup: ParseSetup, opened: OpenedRegistry): AsyncGenerator<ParseEvent> {
  const iterator = opened.rows()[Symbol.asyncIterator]();
  const head: RawRow[] = [];
  const headerInside = opened.fieldNames === null;
  while (headerInside && head.length < HEADER_SEARCH_ROWS) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
  }
  if (headerInside && head.length === 0) return yield { kind: 'fatal', error: rowError('REGISTRIES.NO_ROWS', null, null, null) };
  const { resolved, header, headerLine, bodyStart, period } = locateHeader(opened.fieldNames, head, setup.options, setup.profile, setup.name);
  if ('code' in resolved) return yield { kind: 'fatal', error: rowError(resolved.code, null, null, null, resolved.params) };
  const { mapping } = resolved;
  const moneyField = mapping.toPay !== undefined ? 'toPay' : mapping.accrued !== undefined ? 'accrued' : null;
  yield {
    kind: 'start', format: opened.format, encoding: opened.encoding, delimiter: opened.delimiter, mapping, header, moneyField, headerLine,
  };
  const column = (index: number | null): string | null => {
    if (index === null) return null;
    const title = (header[index] ?? '').trim();
    return title && title !== opened.columnLabel(index) ? `${opened.columnLabel(index)} («${title.slice(0, 60)}»)` : opened.columnLabel(index);
  };
  const sink = new RowSink({ mapping, period, totalsCheck: setup.totalsCheck, keepValid: setup.keepValid, column });
  for (const raw of head.slice(bodyStart)) {
    const event = sink.push(raw);
    if (event) yield event;
  }
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const event = sink.push(next.value);
    if (!event) continue;
    yield event;
    if (event.kind === 'fatal') return;
  }
  yield* sink.finish();
}
