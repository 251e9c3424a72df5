import type { AppError } from '../shared/index.ts';
import type { RegistryEncoding } from './encoding.calc.ts';
import type { Delimiter } from './delimited.calc.ts';

/**
 * What every registry reader gives the import: the file's grid, row by row, as text. The import maps columns
 * to fields and validates; a reader only decodes, and refuses files it cannot read safely (R2, R3).
 */
export type RegistryFormat = 'txt' | 'csv' | 'xlsx' | 'dbf';
export const REGISTRY_FORMATS: readonly RegistryFormat[] = ['txt', 'csv', 'xlsx', 'dbf'];

/**
 * One row of the grid. `line` is what staff see in their own program: the physical line of a text file where the
 * row starts (1-based, a quoted multi-line field counts its lines), the row number of an XLSX sheet, the record
 * number of a DBF (1-based, deleted records skipped but counted). Cells are text exactly as decoded, except:
 * XLSX dates become 'YYYY-MM-DD' and XLSX numbers their shortest decimal text; DBF dates 'YYYY-MM-DD', DBF
 * numbers as stored (trimmed). Empty cells are ''.
 */
export type RawRow = { readonly line: number; readonly cells: readonly string[] };

export type OpenOptions = {
  /** The file's own name, for the format by extension ('.txt' with ';' is still delimited text). */
  readonly name: string;
  /** Staff's choice; overrides detection (and a DBF's code page byte). */
  readonly encoding?: RegistryEncoding;
  readonly delimiter?: Delimiter;
  /** Stop early: preview reads only so many rows. */
  readonly maxRows?: number;
};

export type OpenedRegistry = {
  readonly format: RegistryFormat;
  /** null for XLSX (its XML declares its own encoding). */
  readonly encoding: RegistryEncoding | null;
  readonly delimiter: Delimiter | null;
  /** DBF: the field names, which serve as the header (the rows then hold data only). Others: null. */
  readonly fieldNames: readonly string[] | null;
  /** How staff find a column in their program: '5' for text, 'E' for XLSX, the field name for DBF. 0-based index in. */
  columnLabel(index: number): string;
  /** The rows, streamed: memory does not grow with the file. Throws RegistryReadError on a fatal defect. */
  rows(): AsyncIterable<RawRow>;
};

/** A defect that stops reading (the file cannot be trusted past it): carries the user's message as an AppError. */
export class RegistryReadError extends Error {
  constructor(readonly error: AppError) {
    super(error.code);
    this.name = 'RegistryReadError';
  }
}
