import type { ColumnMapping, RowError } from './import.types.ts';
import type { ParseEvent, RejectedRow } from './import-parse.ts';
import type { RawRow } from './reader.ts';
import { rowError } from './row-error.ts';
import { rowValidator, type RowProblem } from './row-validate.ts';
import { StagingWriter } from './staging.ts';
import { TotalsCheck } from './totals.ts';

const withoutNul = (cell: string): string => cell.replaceAll('\u0000', '');

/** A registry of more rows than this is split by the customer (5 million ≈ a city's accounts × services). */
export const MAX_ROWS = 5_000_000;
const REJECTED_BATCH = 500;

export type SinkSetup = {
  readonly mapping: ColumnMapping;
  readonly period: string | null;
  readonly totalsCheck: boolean;
  readonly keepValid: boolean;
  /** How staff find column `index` in their program ('E («Начислено»)'). */
  readonly column: (index: number | null) => string | null;
};

/**
 * Takes the data rows one by one, synchronously (no promise per row): totals, validation, COPY text. Hands out
 * an event whenever a batch of COPY text or of rejected rows is ready.
 */
export class RowSink {
  rows = 0;
  validRows = 0;
  unnumbered = 0;
  private errorsSeen = 0;
  private batchRows = 0;
  private rejected: RejectedRow[] = [];
  private readonly staging = new StagingWriter();
  private readonly totals: TotalsCheck;
  private readonly validate: ReturnType<typeof rowValidator>;

  constructor(private readonly setup: SinkSetup) {
    this.totals = new TotalsCheck(setup.mapping, setup.totalsCheck, setup.column);
    this.validate = rowValidator({ mapping: setup.mapping, period: setup.period });
  }

  /** null, or the one event this row completed; a fatal event ends the file. */
  push(raw: RawRow): ParseEvent | null {
    if (this.totals.isTotalLine(raw)) {
      this.totals.check(raw, this.validRows);
      return null;
    }
    if (++this.rows > MAX_ROWS) return { kind: 'fatal', error: rowError('REGISTRIES.TOO_MANY_ROWS', null, null, null, { limit: MAX_ROWS }) };
    // A NUL byte is no text any reader may pass on: PostgreSQL's text and jsonb cannot hold it (COPY would fail the
    // whole file). Past the sample the encoding check reads, only a damaged file has one: the row is refused by name.
    const nul = raw.cells.findIndex((cell) => cell.includes('\u0000'));
    if (nul >= 0) {
      const cells = raw.cells.map(withoutNul);
      return this.reject({ ...raw, cells }, [{ code: 'REGISTRIES.CELL_NUL', column: nul, value: cells[nul]! }]);
    }
    const outcome = this.validate(raw.line, raw.cells);
    if (!outcome.ok) return this.reject(raw, outcome.problems);
    this.validRows += 1;
    if (outcome.row.account === null) this.unnumbered += 1;
    this.totals.add(outcome.row);
    // A file with an error applies nothing, so past the first one only the errors matter.
    if (this.errorsSeen > 0 && !this.setup.keepValid) return null;
    this.staging.add(outcome.row);
    this.batchRows += 1;
    const batch = this.staging.take();
    if (!batch) return null;
    const rows = this.batchRows;
    this.batchRows = 0;
    return { kind: 'batch', copy: batch, rows };
  }

  private reject(raw: RawRow, problems: readonly RowProblem[]): ParseEvent | null {
    this.errorsSeen += 1;
    const errors: RowError[] = problems.map((p) => rowError(p.code, raw.line, this.setup.column(p.column), p.value, p.params));
    this.rejected.push({ line: raw.line, cells: this.setup.keepValid ? raw.cells : [], errors });
    if (this.rejected.length < REJECTED_BATCH) return null;
    const rows = this.rejected;
    this.rejected = [];
    return { kind: 'rejected', rows };
  }

  /** What is left: the last batch, the last rejected rows, and the end with the file-wide problems. */
  finish(): ParseEvent[] {
    const events: ParseEvent[] = [];
    const last = this.staging.take(true);
    if (last) events.push({ kind: 'batch', copy: last, rows: this.batchRows });
    if (this.rejected.length > 0) events.push({ kind: 'rejected', rows: this.rejected });
    const fileErrors = this.totals.problems();
    if (this.rows === 0 && this.errorsSeen === 0) fileErrors.push(rowError('REGISTRIES.NO_ROWS', null, null, null));
    events.push({ kind: 'end', rows: this.rows, validRows: this.validRows, unnumbered: this.unnumbered, fileErrors });
    return events;
  }
}
