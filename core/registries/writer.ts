import { guardFormula } from '../shared/index.ts';
import { rm } from 'node:fs/promises';
import { ExcelJS } from './exceljs.ts';
import type { Worksheet } from 'exceljs';
import iconv from 'iconv-lite';
import type { RegistryEncoding } from './encoding.calc.ts';
import type { Delimiter } from './delimited.calc.ts';

export { writeDbf } from './writer-dbf.ts';
export type { DbfFieldSpec, WriteDbfOptions } from './writer-dbf.ts';

/**
 * Our own registry writers: fixtures, the round-trip property, the benchmark and the download of rejected
 * rows. They refuse what they cannot write faithfully (a letter the code page lacks) instead of writing «?».
 */
type Rows<T> = Iterable<readonly T[]> | AsyncIterable<readonly T[]>;

export type WriteDelimitedOptions = {
  readonly encoding: RegistryEncoding;
  readonly delimiter: Delimiter;
  /** UTF-8 only: Excel needs it to open a UTF-8 CSV as UTF-8. */
  readonly bom?: boolean;
  /** Lines above the header («Реестр начислений за март 2026»), one cell each. */
  readonly titleLines?: readonly string[];
  readonly eol?: '\r\n' | '\n';
  /** Prefix cells that a spreadsheet would run as formulas (DOMAIN.md, R7). */
  readonly guardFormulas?: boolean;
};

export const ICONV_NAMES: Record<RegistryEncoding, string> = {
  'utf-8': 'utf8',
  'windows-1251': 'win1251',
  cp866: 'cp866',
  'koi8-r': 'koi8-r',
};

export { guardFormula };

/** Characters outside the code page: a pattern built from iconv-lite's own table, so the check is exact. */
function unwritable(encoding: RegistryEncoding): RegExp {
  if (encoding === 'utf-8') return /\p{Cs}/u; // a lone surrogate has no UTF-8 form
  let allowed = '';
  for (let b = 0x80; b <= 0xff; b++) {
    const c = iconv.decode(Buffer.from([b]), ICONV_NAMES[encoding]);
    if (c !== '\uFFFD' && iconv.encode(c, ICONV_NAMES[encoding])[0] === b) allowed += `\\u{${c.codePointAt(0)!.toString(16)}}`;
  }
  return new RegExp(`[^\\u{0}-\\u{7f}${allowed}]`, 'u');
}

const UNWRITABLE = new Map<RegistryEncoding, RegExp>();

/** Throws naming the place and the character when `text` has one the code page lacks. */
export function assertWritable(text: string, encoding: RegistryEncoding, where: string): void {
  let pattern = UNWRITABLE.get(encoding);
  if (!pattern) UNWRITABLE.set(encoding, (pattern = unwritable(encoding)));
  const found = pattern.exec(text);
  if (!found) return;
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  throw new Error(`${where}: character «${found[0]}» (U+${code}) cannot be written in ${encoding}`);
}

function quote(cell: string, delimiter: Delimiter): string {
  const needs = cell.includes(delimiter) || cell.includes('"') || cell.includes('\n') || cell.includes('\r');
  return needs ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Encoding a whole batch at once is what makes 200 000 rows cheap; this many characters a batch. */
const BATCH_CHARS = 64 * 1024;

/** Delimited text (RFC 4180 quoting), encoded, in chunks: pipe it to a file or an HTTP response. */
export async function* writeDelimited(header: readonly string[] | null, rows: Rows<string>, options: WriteDelimitedOptions): AsyncIterable<Buffer> {
  const { encoding, delimiter, guardFormulas = false } = options;
  const eol = options.eol ?? '\r\n';
  const codec = ICONV_NAMES[encoding];
  if (options.bom && encoding !== 'utf-8') throw new Error(`a byte order mark exists only in UTF-8, not in ${encoding}`);
  let batch = '';
  const line = (cells: readonly string[], where: string): void => {
    const out = cells.map((cell, column) => {
      assertWritable(cell, encoding, `${where}, column ${column + 1}`);
      return quote(guardFormulas ? guardFormula(cell) : cell, delimiter);
    });
    batch += out.join(delimiter) + eol;
  };
  if (options.bom) yield Buffer.from([0xef, 0xbb, 0xbf]);
  (options.titleLines ?? []).forEach((title, i) => line([title], `title line ${i + 1}`));
  if (header) line(header, 'header');
  let index = 0;
  for await (const row of rows) {
    line(row, `row ${++index}`);
    if (batch.length >= BATCH_CHARS) {
      yield iconv.encode(batch, codec);
      batch = '';
    }
  }
  if (batch) yield iconv.encode(batch, codec);
}

/** An XLSX cell: text stays text (account «0012» keeps its zeros); numbers and dates only when asked. */
export type XlsxCell = string | { readonly number: string } | { readonly date: string };

export type WriteXlsxOptions = {
  readonly titleLines?: readonly string[];
  readonly sheetName?: string;
};

const DECIMAL = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → midnight UTC, which exceljs turns into a whole Excel day number; throws on a non-date. */
export function isoDateOrThrow(text: string, where: string): Date {
  const m = ISO_DATE.exec(text);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== text) throw new Error(`${where}: «${text}» is not a date YYYY-MM-DD`);
  return date;
}

/**
 * Decimal text → number, refused when the sheet would not give the same digits back: Excel keeps 15
 * significant digits, and money is never rounded on the way out.
 */
function numberOrThrow(text: string, where: string): number {
  const value = Number(text);
  const canonical = text.replace(/^(-?)0+(?=\d)/, '$1').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '').replace(/^-0$/, '0');
  const significant = canonical.replace(/[-.]/g, '').replace(/^0+/, '').length;
  if (!DECIMAL.test(text) || significant > 15 || String(value) !== canonical) {
    throw new Error(`${where}: «${text}» is not a decimal number a spreadsheet keeps exactly`);
  }
  return value;
}

function xlsxValue(cell: XlsxCell, where: string): string | number | Date | null {
  if (typeof cell === 'string') return cell === '' ? null : cell; // no cell rather than an empty string cell
  if ('number' in cell) return numberOrThrow(cell.number, where);
  return isoDateOrThrow(cell.date, where);
}

/** XLSX through exceljs's streaming writer: each row is committed, so memory stays flat (STACK.md G12). */
export async function writeXlsx(path: string, header: readonly string[] | null, rows: Rows<XlsxCell>, options: WriteXlsxOptions = {}): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  try {
    await writeSheet(workbook.addWorksheet(options.sheetName ?? 'Реестр'), header, rows, options);
    await workbook.commit();
  } catch (error) {
    await workbook.commit().catch(() => undefined); // close the file before removing it
    await rm(path, { force: true });
    throw error;
  }
}

async function writeSheet(sheet: Worksheet, header: readonly string[] | null, rows: Rows<XlsxCell>, options: WriteXlsxOptions): Promise<void> {
  for (const title of options.titleLines ?? []) sheet.addRow([title]).commit();
  if (header) sheet.addRow([...header]).commit();
  let index = 0;
  for await (const cells of rows) {
    index++;
    const row = sheet.addRow(cells.map((cell, column) => xlsxValue(cell, `row ${index}, column ${column + 1}`)));
    cells.forEach((cell, column) => {
      if (typeof cell === 'object' && 'date' in cell) row.getCell(column + 1).numFmt = 'dd.mm.yyyy';
    });
    row.commit();
  }
  sheet.commit();
}
