import { ExcelJS } from './exceljs.ts';
import type { CellValue, Row } from 'exceljs';
import { AppError } from '../shared/index.ts';
import type { ErrorCode } from '../shared/index.ts';
import { RegistryReadError } from './reader.ts';
import type { OpenOptions, OpenedRegistry, RawRow } from './reader.ts';
import { MAX_COLUMNS } from './reader-delimited.ts';
import { checkXlsxZip } from './zip-guard.ts';

const fail = (code: ErrorCode, vars?: Record<string, string | number>, cause?: unknown): RegistryReadError =>
  new RegistryReadError(new AppError(code, { vars, cause }));

/** The first worksheet of a book, row by row, cells as text (see cellText). */
export async function openXlsx(path: string, options: OpenOptions): Promise<OpenedRegistry> {
  await checkXlsxZip(path);
  const maxRows = options.maxRows ?? Infinity;
  return {
    format: 'xlsx', encoding: null, delimiter: null, fieldNames: null,
    columnLabel,
    rows: () => readSheet(path, maxRows),
  };
}

/** 0 → 'A', 25 → 'Z', 26 → 'AA': the letters Excel shows above the column. */
export function columnLabel(index: number): string {
  let label = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) label = String.fromCharCode(65 + ((n - 1) % 26)) + label;
  return label;
}

type SheetReader = AsyncIterable<Row> & { iterator?: { path?: unknown; destroy?: () => void; on?: (event: 'error', listener: () => void) => unknown } };

/**
 * Closes a sheet's stream. A temp copy's read stream may still be opening while exceljs deletes the file; its late
 * ENOENT must not become an uncaught exception, so a listener takes it first.
 */
function close(iterator: SheetReader['iterator']): void {
  iterator?.on?.('error', () => undefined);
  iterator?.destroy?.();
}

async function* readSheet(path: string, maxRows: number): AsyncGenerator<RawRow> {
  if (maxRows <= 0) return;
  // styles 'cache': without the styles a date is just its serial number (STACK.md G12).
  const book = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  });
  const sheets = book[Symbol.asyncIterator]() as AsyncGenerator<SheetReader>;
  let sheet: SheetReader | null = null;
  let yielded = 0;
  try {
    const first = await sheets.next();
    if (first.done) throw fail('REGISTRIES.XLSX_NO_SHEET');
    sheet = first.value; // the first sheet only: a registry is one table; other sheets are notes and pivots
    for await (const row of sheet) {
      const cells = rowCells(row);
      if (cells === null) continue;
      yield { line: row.number, cells };
      if (++yielded >= maxRows) return;
    }
  } catch (e) {
    if (e instanceof RegistryReadError) throw e;
    throw fail('REGISTRIES.XLSX_CORRUPT', { detail: 'содержимое книги не читается' }, e);
  } finally {
    await release(book, sheets, sheet);
  }
}

/**
 * Leaving early (maxRows, an error) must leave no file open and nothing on disk. When the sheets come before
 * the shared strings in the ZIP (Excel's own order), exceljs copies each sheet to a temp file and deletes a
 * copy only when its iteration moves past it; so we move past the remaining sheets without reading them.
 */
async function release(book: unknown, sheets: AsyncGenerator<SheetReader>, sheet: SheetReader | null): Promise<void> {
  try {
    close(sheet?.iterator);
    if (typeof sheet?.iterator?.path === 'string') {
      for (let next = await sheets.next(); !next.done; next = await sheets.next()) close(next.value.iterator);
    } else {
      await sheets.return(undefined);
    }
  } catch {
    // Already failing or finished: the read's own outcome stands.
  } finally {
    (book as { stream?: { destroy(): void } }).stream?.destroy();
  }
}

/**
 * null for a row with nothing in it (an XLSX's empty line: styled, or empty strings only). The row runs to its
 * last cell that holds a value, as a text line runs to its last delimiter; cells with a style only do not count.
 */
function rowCells(row: Row): string[] | null {
  const found: { col: number; text: string }[] = [];
  let last = 0;
  let blank = true;
  row.eachCell((cell, col) => {
    const text = cellText(cell.value, cell.numFmt);
    found.push({ col, text });
    last = Math.max(last, col);
    if (text !== '') blank = false;
  });
  if (blank) return null;
  if (last > MAX_COLUMNS) throw fail('REGISTRIES.TOO_MANY_COLUMNS', { line: row.number, limit: MAX_COLUMNS });
  const cells = new Array<string>(last).fill('');
  for (const { col, text } of found) cells[col - 1] = text;
  return cells;
}

/** One cell as the text staff read in it; numFmt tells a date from a number in a formula's result. */
export function cellText(value: CellValue | undefined, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return excelNumberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((r) => r.text ?? '').join('');
  if ('error' in value) return '';
  if ('result' in value || 'formula' in value || 'sharedFormula' in value) {
    // The cached result. exceljs turns date-formatted numbers into Dates, but not formula results.
    const result = value.result;
    return typeof result === 'number' && isDateFormat(numFmt) ? serialText(result) : cellText(result as CellValue);
  }
  if ('text' in value) return cellText(value.text as CellValue); // a hyperlink: its text
  return '';
}

/**
 * Named rounding rule «Excel precision»: a number is rounded to 15 significant digits, half away from zero
 * (toPrecision), and written in its shortest plain decimal form. Excel keeps and shows 15 digits, so a cell that
 * stores 0.30000000000000004 for =0.1+0.2 reads '0.3' here as it does on screen; no exponent ('1e-7'), which
 * no registry means and the import would refuse.
 */
export function excelNumberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  const text = String(Number(n.toPrecision(15)));
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  const [, sign, int, frac = '', exp] = m;
  const e = Number(exp);
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${int}${frac}`;
  return `${sign}${int}${frac}${'0'.repeat(e - frac.length)}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * 'YYYY-MM-DD' (UTC: exceljs builds a date cell as UTC midnight). A time of day, when there is one, follows
 * as ' HH:MM:SS' (parseDate drops it); day 0 of either Excel epoch is a time alone.
 */
export function dateText(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return '';
  // A serial like 46327.999999999 is float noise around a whole second, not 23:59:59.999.
  const d = new Date(Math.round(ms / 1000) * 1000);
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (time === '00:00:00') return day;
  return day === '1899-12-30' || day === '1904-01-01' ? time : `${day} ${time}`;
}

/** A serial day number (1900 system) as dateText would write it; exceljs's own conversion. */
const serialText = (serial: number): string => dateText(new Date(Math.round((serial - 25569) * 86_400_000)));

/** Whether a number format shows a date or time: d, m, y, h or s outside quoted text, [..] and escapes. */
function isDateFormat(numFmt: string | undefined): boolean {
  if (numFmt === undefined || numFmt === '' || numFmt === 'General') return false;
  const bare = numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\.|_.|\*./g, '');
  return /[dmyhs]/i.test(bare);
}
