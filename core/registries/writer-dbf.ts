import { open, rm } from 'node:fs/promises';
import { DBFFile } from 'dbffile';
import iconv from 'iconv-lite';
import { assertWritable, ICONV_NAMES, isoDateOrThrow } from './writer.ts';

export type DbfFieldSpec = {
  /** ASCII, at most 10 characters (dBase III). */
  readonly name: string;
  readonly type: 'C' | 'N' | 'D';
  /** Bytes: C 1–254, N 1–20; D is always 8. */
  readonly size: number;
  readonly decimalPlaces?: number;
};

export type WriteDbfOptions = {
  readonly encoding: 'cp866' | 'windows-1251';
  /** false leaves byte 29 at 0, as many real exporters do, so readers must detect the code page. */
  readonly codePageByte?: boolean;
  /** 'YYYY-MM-DD' for the header's «last update» (dbffile writes today): fixed bytes for committed fixtures. */
  readonly lastUpdate?: string;
};

type Rows = Iterable<readonly string[]> | AsyncIterable<readonly string[]>;

const CODE_PAGE_BYTE = { cp866: 0x26, 'windows-1251': 0xc9 } as const;
const NAME = /^[A-Z_][A-Z0-9_]{0,9}$/i;
const NUMBER = /^(-?\d+)(?:\.(\d+))?$/;
/** dbffile opens and closes the file for every append: rows go in batches. */
const BATCH = 1000;

/**
 * A dBase III registry through dbffile. Numeric fields are handed to dbffile as character fields and retyped
 * to N in the header afterwards: dbffile wants a JS number there, and «1234.50» must not pass through a
 * float (M2) nor lose its stored form; the bytes are the same a native N field would hold.
 */
export async function writeDbf(path: string, fields: readonly DbfFieldSpec[], rows: Rows, options: WriteDbfOptions): Promise<void> {
  fields.forEach(checkField);
  const specs = fields.map((f) => ({ name: f.name, type: f.type === 'D' ? ('D' as const) : ('C' as const), size: f.type === 'D' ? 8 : f.size }));
  await rm(path, { force: true });
  const dbf = await DBFFile.create(path, specs, { encoding: ICONV_NAMES[options.encoding] });
  try {
    await appendAll(dbf, fields, rows, options.encoding);
    await patchHeader(path, fields, options);
  } catch (error) {
    await rm(path, { force: true }); // half a registry must not pass for a whole one
    throw error;
  }
}

async function appendAll(dbf: DBFFile, fields: readonly DbfFieldSpec[], rows: Rows, encoding: WriteDbfOptions['encoding']): Promise<void> {
  let batch: Record<string, string | Date | null>[] = [];
  let index = 0;
  for await (const row of rows) {
    index++;
    if (row.length !== fields.length) throw new Error(`row ${index}: ${row.length} cells for ${fields.length} fields`);
    batch.push(Object.fromEntries(fields.map((f, i) => [f.name, value(f, row[i]!, encoding, `row ${index}, field ${f.name}`)])));
    if (batch.length === BATCH) {
      await dbf.appendRecords(batch);
      batch = [];
    }
  }
  if (batch.length) await dbf.appendRecords(batch);
}

function checkField(f: DbfFieldSpec): void {
  const places = f.decimalPlaces ?? 0;
  const ok =
    NAME.test(f.name) &&
    ((f.type === 'C' && f.size >= 1 && f.size <= 254 && places === 0) ||
      (f.type === 'N' && f.size >= 1 && f.size <= 20 && places <= 15 && (places === 0 || places < f.size - 1)) ||
      (f.type === 'D' && places === 0));
  if (!ok) throw new Error(`DBF field ${JSON.stringify(f)} is not a valid dBase III field`);
}

function value(f: DbfFieldSpec, cell: string, encoding: WriteDbfOptions['encoding'], where: string): string | Date | null {
  if (f.type === 'D') return cell === '' ? null : isoDateOrThrow(cell, where);
  if (f.type === 'N') return numberText(f, cell, where);
  assertWritable(cell, encoding, where);
  const bytes = iconv.encode(cell, ICONV_NAMES[encoding]).length;
  if (bytes > f.size) throw new Error(`${where}: «${cell}» takes ${bytes} bytes, the field holds ${f.size}`);
  return cell;
}

/** Right-aligned with exactly the field's decimal places, as dBase writes N fields. */
function numberText(f: DbfFieldSpec, cell: string, where: string): string {
  if (cell === '') return '';
  const m = NUMBER.exec(cell);
  const places = f.decimalPlaces ?? 0;
  const fraction = m?.[2] ?? '';
  if (!m || fraction.length > places) throw new Error(`${where}: «${cell}» is not a number with at most ${places} decimal places`);
  const text = places ? `${m[1]}.${fraction.padEnd(places, '0')}` : m[1]!;
  if (text.length > f.size) throw new Error(`${where}: «${cell}» does not fit in ${f.size} characters`);
  return text.padStart(f.size, ' ');
}

async function patchHeader(path: string, fields: readonly DbfFieldSpec[], options: WriteDbfOptions): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const head = Buffer.alloc(32 + 32 * fields.length);
    await file.read(head, 0, head.length, 0);
    if (options.codePageByte !== false) head[29] = CODE_PAGE_BYTE[options.encoding];
    if (options.lastUpdate) {
      const date = isoDateOrThrow(options.lastUpdate, 'lastUpdate');
      head.set([date.getUTCFullYear() - 1900, date.getUTCMonth() + 1, date.getUTCDate()], 1);
    }
    fields.forEach((f, i) => {
      if (f.type !== 'N') return;
      head[32 + 32 * i + 11] = 0x4e; // 'N'
      head[32 + 32 * i + 17] = f.decimalPlaces ?? 0;
    });
    await file.write(head, 0, head.length, 0);
  } finally {
    await file.close();
  }
}
