import { formatRubles, kopecks } from '../shared/index.ts';
import type { ColumnMapping, RowError } from './import.types.ts';
import { rowError } from './row-error.ts';
import type { RawRow } from './reader.ts';
import { MONEY_FIELDS, type ImportRow } from './row-validate.ts';
import { amountCell } from './row-cells.ts';

// «Итого», «Всего», «ИТОГО ПО ДОМУ» in one of the first cells; a bank registry's closing line starts with «=».
const TOTAL_WORD = /^\s*(итог|всего|total)/iu;
const FIRST_CELLS = 3;

/**
 * The optional total line: a row without an account that says «Итого» (its money columns carry the sums), or a
 * bank registry's «=count;sum;…» line. When present, each money column it fills must equal the rows' sum, and a
 * «=» count the number of rows; a mismatch refuses the file (a truncated or edited registry).
 */
export class TotalsCheck {
  private readonly sums = new Map<string, number>();
  private readonly found: RowError[] = [];

  constructor(
    private readonly mapping: ColumnMapping,
    private readonly enabled: boolean,
    private readonly column: (index: number) => string | null,
  ) {}

  isTotalLine(raw: RawRow): boolean {
    const account = this.mapping.account === undefined ? '' : (raw.cells[this.mapping.account] ?? '').trim();
    if ((raw.cells[0] ?? '').trim().startsWith('=')) return true;
    return (account === '' || TOTAL_WORD.test(account)) && raw.cells.slice(0, FIRST_CELLS).some((c) => TOTAL_WORD.test(c));
  }

  add(row: ImportRow): void {
    for (const field of MONEY_FIELDS) {
      const value = row[field];
      if (value !== null) this.sums.set(field, (this.sums.get(field) ?? 0) + value);
    }
  }

  check(raw: RawRow, rowsSoFar: number): void {
    if (!this.enabled) return;
    const first = (raw.cells[0] ?? '').trim();
    if (first.startsWith('=')) {
      const count = Number(first.slice(1).trim());
      if (Number.isInteger(count) && count !== rowsSoFar) {
        this.found.push(rowError('REGISTRIES.TOTAL_COUNT_MISMATCH', raw.line, null, null, { expected: count, actual: rowsSoFar }));
      }
      return;
    }
    for (const field of MONEY_FIELDS) {
      const index = this.mapping[field];
      if (index === undefined) continue;
      const text = (raw.cells[index] ?? '').trim();
      const stated = text === '' ? null : amountCell(text);
      if (!stated?.ok) continue;
      const actual = this.sums.get(field) ?? 0;
      if (stated.value !== actual) {
        this.found.push(rowError('REGISTRIES.TOTAL_MISMATCH', raw.line, null, null, {
          column: this.column(index) ?? String(index + 1), expected: formatRubles(kopecks(stated.value)), actual: formatRubles(kopecks(actual)),
        }));
      }
    }
  }

  problems(): RowError[] {
    return [...this.found];
  }
}
