import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { AppError } from '../shared/index.ts';
import type { ErrorCode } from '../shared/index.ts';
import { decode, detectEncoding, ENCODING_LABELS, REGISTRY_ENCODINGS, SAMPLE_BYTES } from './encoding.calc.ts';
import type { RegistryEncoding } from './encoding.calc.ts';
import { detectDelimiter } from './delimited.calc.ts';
import type { Delimiter } from './delimited.calc.ts';
import { RegistryReadError } from './reader.ts';
import type { OpenOptions, OpenedRegistry, RawRow } from './reader.ts';

/** No registry record comes near this (characters); a longer one is a damaged file or an unclosed quote. */
export const MAX_RECORD_CHARS = 64 * 1024;
export const MAX_COLUMNS = 512;
// Large reads: the per-chunk cost is paid ~160 times for a 1-million-row file instead of ~2 500.
const READ_CHUNK = 1024 * 1024;


const fail = (code: ErrorCode, vars?: Record<string, string | number>): RegistryReadError =>
  new RegistryReadError(new AppError(code, { vars }));

/** Line break: LF (CRLF is LF with its '\r' stripped) unless the sample has CRs only (old Mac exports). */
type Eol = '\n' | '\r';

export async function openDelimited(path: string, options: OpenOptions, format: 'txt' | 'csv'): Promise<OpenedRegistry> {
  const { head, size } = await readHead(path);
  if (size === 0 || (size <= SAMPLE_BYTES && isBlankBytes(head))) throw fail('REGISTRIES.EMPTY_FILE');
  const encoding = chooseEncoding(head, options.encoding);
  const bom = encoding === 'utf-8' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const delimiter = options.delimiter ?? detectDelimiter(decode(head.subarray(bom), encoding));
  if (delimiter === null) throw fail('REGISTRIES.DELIMITER_NOT_FOUND');
  const eol: Eol = !head.includes(0x0a) && head.includes(0x0d) ? '\r' : '\n';
  const maxRows = options.maxRows ?? Infinity;
  return {
    format, encoding, delimiter, fieldNames: null,
    columnLabel: (index) => String(index + 1),
    rows: () => readRows(path, { encoding, delimiter, eol, start: bom, maxRows }),
  };
}

async function readHead(path: string): Promise<{ head: Buffer; size: number }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const buf = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    return { head: buf.subarray(0, bytesRead), size };
  } finally {
    await file.close();
  }
}

// Whitespace, a UTF-8 BOM and the DOS end-of-file mark 0x1A: nothing a registry could be made of.
const BLANK_BYTES = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x1a]);
const isBlankBytes = (head: Uint8Array): boolean => {
  const body = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
  return body.every((b) => BLANK_BYTES.has(b));
};

function chooseEncoding(head: Uint8Array, chosen: RegistryEncoding | undefined): RegistryEncoding {
  if (chosen !== undefined && !REGISTRY_ENCODINGS.includes(chosen)) throw fail('REGISTRIES.ENCODING_UNKNOWN', { encoding: String(chosen) });
  const guess = detectEncoding(head);
  // Binary stays binary whatever staff choose: a decoded PDF would be rows of garbage.
  if (guess.kind === 'binary') throw fail('REGISTRIES.BINARY_FILE');
  if (chosen !== undefined) return chosen;
  if (guess.kind === 'ambiguous') {
    throw fail('REGISTRIES.ENCODING_AMBIGUOUS', { candidates: guess.candidates.map((e) => ENCODING_LABELS[e]).join(', ') });
  }
  return guess.encoding;
}

type ReadPlan = { encoding: RegistryEncoding; delimiter: Delimiter; eol: Eol; start: number; maxRows: number };

/**
 * Bytes are cut into lines before decoding: LF and CR are the same byte in all four encodings and never
 * part of a UTF-8 sequence, so decoding line by line is exact, and each line is its own string (a cell kept by
 * the import holds its line, not a 1 MiB chunk of the file).
 */
async function* readRows(path: string, plan: ReadPlan): AsyncGenerator<RawRow> {
  if (plan.maxRows <= 0) return;
  const records = new RecordAssembler(plan.delimiter, plan.eol);
  const eolByte = plan.eol === '\n' ? 0x0a : 0x0d;
  // A line longer than this many bytes is longer than MAX_RECORD_CHARS characters in any of the encodings.
  const maxLineBytes = (plan.encoding === 'utf-8' ? 3 : 1) * MAX_RECORD_CHARS;
  let carry: Buffer | null = null;
  let lineNo = 0;
  let yielded = 0;
  const lineOf = (buf: Buffer, from: number, to: number): RawRow | null => {
    lineNo++;
    const end = plan.eol === '\n' && to > from && buf[to - 1] === 0x0d ? to - 1 : to;
    const text = decode(buf.subarray(from, end), plan.encoding);
    if (text.includes('\uFFFD')) throw fail('REGISTRIES.ENCODING_INVALID', { line: lineNo, encoding: ENCODING_LABELS[plan.encoding] });
    return records.push(text, lineNo, end !== to);
  };
  for await (const chunk of createReadStream(path, { start: plan.start, highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
    const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    let from = 0;
    for (let at = buf.indexOf(eolByte); at !== -1; at = buf.indexOf(eolByte, from)) {
      const row = lineOf(buf, from, at);
      from = at + 1;
      if (row !== null) {
        yield row;
        if (++yielded >= plan.maxRows) return;
      }
    }
    carry = from < buf.length ? buf.subarray(from) : null;
    // Fail fast on a 10 MB field: never hold more than one over-long line.
    if (carry !== null && carry.length > maxLineBytes) records.overflow(lineNo + 1);
  }
  const last = carry === null ? null : lineOf(carry, 0, carry.length);
  if (last !== null) yield last;
  records.end();
}

type Pending = { text: string; startLine: number; openLine: number; crlf: boolean };

/**
 * Lines → records: by fastCells when it can, else by csv-parse, whole, with the lines a quoted field spans.
 * relax_quotes: Russian exports write ООО "Ромашка" unquoted; a quote inside a field is a character there.
 */
class RecordAssembler {
  private pending: Pending | null = null;
  private readonly delimiterQuote: string;

  constructor(private readonly delimiter: Delimiter, private readonly eol: Eol) {
    this.delimiterQuote = `${delimiter}"`;
  }

  push(text: string, line: number, crlf: boolean): RawRow | null {
    const p = this.pending;
    if (p === null) {
      if (isBlankLine(text)) return null;
      if (text.length > MAX_RECORD_CHARS) this.overflow(line);
      const fast = fastCells(text, this.delimiter, this.delimiterQuote);
      if (fast !== null) return this.row(line, fast);
      if (quotesAfter(text, this.delimiter, false) === 'closed') return this.row(line, csvCells(text, this.delimiter, this.eol, line));
      this.pending = { text, startLine: line, openLine: line, crlf };
      return null;
    }
    p.text += (this.eol === '\r' ? '\r' : p.crlf ? '\r\n' : '\n') + text;
    p.crlf = crlf;
    const state = quotesAfter(text, this.delimiter, true);
    if (state === 'closed') {
      this.pending = null;
      return this.row(p.startLine, csvCells(p.text, this.delimiter, this.eol, p.startLine));
    }
    if (state === 'reopened') p.openLine = line;
    if (p.text.length > MAX_RECORD_CHARS) this.overflow(line);
    return null;
  }

  /** The last line of a file with no line break cannot go on, so an open quote there is unbalanced. */
  end(): void {
    if (this.pending !== null) throw fail('REGISTRIES.QUOTE_UNBALANCED', { line: this.pending.openLine });
  }

  /** The line being read, still open, is already too long. */
  overflow(line: number): never {
    const p = this.pending;
    // A quoted field that has swallowed 64 KiB over several lines is an unclosed quote, not a long value.
    if (p !== null) throw fail('REGISTRIES.QUOTE_UNBALANCED', { line: p.openLine });
    throw fail('REGISTRIES.FIELD_TOO_LONG', { line, limit: MAX_RECORD_CHARS });
  }

  private row(line: number, cells: string[]): RawRow {
    if (cells.length > MAX_COLUMNS) throw fail('REGISTRIES.TOO_MANY_COLUMNS', { line, limit: MAX_COLUMNS });
    return { line, cells };
  }
}

/**
 * The fast path, or null to leave the line to csv-parse. csv-parse walks a line byte by byte (≈ 100 000 rows/s
 * at best, 50 000 record by record); split() is native. Exactly csv-parse's result when every field that
 * starts with a quote is one quoted run with no other quote inside («"Иванов И. И."»): a quote that does not
 * open a field is a character (relax_quotes), and such a quoted field holds no delimiter, «""» or line break.
 */
export function fastCells(text: string, delimiter: Delimiter, delimiterQuote = `${delimiter}"`): string[] | null {
  const cells = text.split(delimiter);
  if (text.charCodeAt(0) !== 0x22 && !text.includes(delimiterQuote)) return cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.charCodeAt(0) !== 0x22) continue;
    if (cell.length < 2 || cell.indexOf('"', 1) !== cell.length - 1) return null;
    cells[i] = cell.slice(1, -1);
  }
  return cells;
}

const isBlankLine = (text: string): boolean =>
  text.length === 0 || (text.charCodeAt(0) <= 0x20 && /^[\s\x1a]*$/.test(text));

/**
 * Whether a quoted field is open at the end of a line: 'closed' (none), 'open' (the one open when the line
 * began), 'reopened' (one opened on this line). Mirrors csv-parse with relax_quotes: a quote opens a field
 * only at its start; inside, «""» is a quote and a lone quote closes (what follows it is kept as text).
 */
export function quotesAfter(text: string, delimiter: string, open: boolean): 'closed' | 'open' | 'reopened' {
  let inside = open;
  let reopened = false;
  let fieldStart = !open;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inside) {
      if (c !== '"') continue;
      if (text[i + 1] === '"') i++;
      else inside = false;
    } else if (c === '"' && fieldStart) {
      inside = true;
      reopened = true;
    } else {
      fieldStart = c === delimiter;
    }
  }
  return !inside ? 'closed' : reopened ? 'reopened' : 'open';
}

/** One record's text (its inner line breaks only inside quotes) → cells, by csv-parse. */
export function csvCells(text: string, delimiter: Delimiter, eol: Eol, line: number): string[] {
  try {
    const records = parseCsv(text, {
      delimiter, record_delimiter: eol, quote: '"', escape: '"', relax_quotes: true, relax_column_count: true,
      // Bytes, not characters: three UTF-8 bytes a character at most in the Basic Multilingual Plane.
      max_record_size: 3 * MAX_RECORD_CHARS, skip_empty_lines: false,
    }) as string[][];
    if (records.length !== 1) throw new Error(`${records.length} records in one`);
    return records[0]!;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'CSV_MAX_RECORD_SIZE') throw fail('REGISTRIES.FIELD_TOO_LONG', { line, limit: MAX_RECORD_CHARS });
    if (code === 'CSV_QUOTE_NOT_CLOSED') throw fail('REGISTRIES.QUOTE_UNBALANCED', { line });
    throw fail('REGISTRIES.TEXT_MALFORMED', { line, detail: code ?? (e as Error).message });
  }
}
