import { Readable } from 'node:stream';
import type { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { qrPng, qrSvg } from '../documents/index.ts';
import { guardFormula, translate } from '../shared/index.ts';
import type { Locale } from '../shared/index.ts';

/** One account's signed pay link, for customers who print links and QR codes on their own bills. */
export type LinkRow = { readonly accountNumber: string; readonly url: string; readonly address?: string };
type Rows = AsyncIterable<LinkRow> | Iterable<LinkRow>;

// Excel takes a UTF-8 file for ANSI (and garbles Cyrillic) unless it starts with a BOM; «;» is the separator
// Russian Excel expects, since the comma is its decimal separator.
const BOM = '\uFEFF';
const EOL = '\r\n';
/** Rows are joined into chunks of about this many characters, so a big export is not one write a row. */
const CHUNK_CHARS = 64 * 1024;
const NEEDS_QUOTES = /[";\r\n]/;

function cell(value: string): string {
  const guarded = guardFormula(value);
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

const line = (cells: readonly string[]): string => cells.map(cell).join(';') + EOL;

const headerCells = (locale: Locale): string[] => ['links.csvAccount', 'links.csvAddress', 'links.csvUrl'].map((key) => translate(locale, key));
const rowCells = (row: LinkRow): string[] => [row.accountNumber, row.address ?? '', row.url];

/** UTF-8 with BOM, «;»-separated, CRLF, RFC 4180 quoting; header «Лицевой счёт;Адрес;Ссылка на оплату». */
export async function* linksCsv(rows: Rows, locale: Locale = 'ru'): AsyncIterable<Buffer> {
  let text = BOM + line(headerCells(locale));
  for await (const row of rows) {
    text += line(rowCells(row));
    if (text.length >= CHUNK_CHARS) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  yield Buffer.from(text, 'utf8');
}

// Letters, digits, «_» and «-» survive on every file system and unzip tool; Ё/ё are kept with the rest of Cyrillic.
const UNSAFE_NAME_CHARS = /[^0-9A-Za-zА-Яа-яЁё_-]/g;
/** Windows refuses these names whatever the extension, and customers unpack the archive on Windows. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_NAME_CHARS = 100;

/**
 * `<accountNumber>.<ext>`, sanitised and made unique with `_2`, `_3`…; compared case-blind, since Windows and
 * macOS would otherwise unpack «AB1» over «ab1».
 */
function fileNamer(ext: string): (accountNumber: string) => string {
  const taken = new Set<string>();
  const nextSuffix = new Map<string, number>();
  return (accountNumber) => {
    let base = accountNumber.replace(UNSAFE_NAME_CHARS, '_').slice(0, MAX_NAME_CHARS) || '_';
    if (WINDOWS_RESERVED.test(base)) base = `_${base}`;
    const key = base.toLowerCase();
    let name = base;
    // The suffix counter per base keeps a file of 100 000 identical numbers linear rather than quadratic.
    for (let n = nextSuffix.get(key) ?? 2; taken.has(name.toLowerCase()); n++) {
      name = `${base}_${n}`;
      nextSuffix.set(key, n + 1);
    }
    taken.add(name.toLowerCase());
    return `${name}.${ext}`;
  };
}

/**
 * yazl keeps every entry's pump function until the archive ends, and with `addBuffer` that closure holds the
 * entry's bytes: 100 000 images would stay in memory. A lazy stream that hands its buffer over once and then
 * drops it leaves yazl only the metadata it needs for the central directory.
 */
function addReleasing(zip: yazl.ZipFile, data: Buffer, name: string, compress: boolean, onStart: () => void): void {
  let pending: Buffer | undefined = data;
  zip.addReadStreamLazy(name, { compress, size: data.length }, (callback) => {
    const chunk = pending ?? Buffer.alloc(0);
    pending = undefined;
    onStart();
    callback(null, Readable.from([chunk], { objectMode: false }));
  });
}

/** Entries rendered but not yet being written: bounds memory to a few dozen images whatever the account count. */
const WINDOW = 32;

type Gate = { readonly added: () => void; readonly started: () => void; readonly fail: (error: unknown) => void; readonly room: () => Promise<void> };

/**
 * Lets the producer wait until yazl has started writing all but WINDOW of the entries added, or fail at once.
 * One waiter at a time, settled by progress or by failure: racing each wait against a long-lived failure promise
 * would leave a reaction on it per wait, 100 000 of them by the end.
 */
function entryGate(): Gate {
  let added = 0;
  let started = 0;
  let failure: unknown;
  let waiter: { readonly resolve: () => void; readonly reject: (error: unknown) => void } | undefined;
  return {
    added: () => {
      added++;
    },
    started: () => {
      started++;
      waiter?.resolve();
    },
    fail: (error) => {
      failure ??= error;
      waiter?.reject(error);
    },
    room: async () => {
      while (added - started > WINDOW && failure === undefined) {
        await new Promise<void>((resolve, reject) => (waiter = { resolve, reject }));
        waiter = undefined;
      }
      if (failure !== undefined) throw failure;
    },
  };
}

/**
 * A ZIP of one QR image per account plus links.csv (with a column naming each image, since sanitising and
 * de-duplicating can change a name). Streams into `out` as rows arrive, waiting whenever `out` falls behind.
 * Resolves with the number of images once `out` has finished; on any failure `out` is destroyed, so a client
 * never keeps a truncated archive that looks whole.
 */
export async function linksZip(rows: Rows, format: 'png' | 'svg', out: NodeJS.WritableStream, locale: Locale = 'ru'): Promise<{ files: number }> {
  const zip = new yazl.ZipFile();
  // yazl types its output as a bare ReadableStream; it is a PassThrough, which can be destroyed.
  const output = zip.outputStream as PassThrough;
  zip.on('error', (error: Error) => output.destroy(error));
  const gate = entryGate();
  const written = pipeline(output, out).catch(gate.fail);
  const nameOf = fileNamer(format);
  // The CSV is kept (about 150 bytes an account) and goes last: a stream added first would hold every later
  // entry in yazl's queue until the rows ran out.
  const csv: Buffer[] = [];
  let text = BOM + line([...headerCells(locale), translate(locale, 'links.csvFile')]);
  let files = 0;
  try {
    for await (const row of rows) {
      const name = nameOf(row.accountNumber);
      // PNG is deflated already; SVG text shrinks several times.
      const image = format === 'png' ? await qrPng(row.url) : unpooled(await qrSvg(row.url));
      addReleasing(zip, image, name, format === 'svg', gate.started);
      gate.added();
      files++;
      text += line([...rowCells(row), name]);
      if (text.length >= CHUNK_CHARS) {
        csv.push(Buffer.from(text, 'utf8'));
        text = '';
      }
      await gate.room();
    }
    csv.push(Buffer.from(text, 'utf8'));
    zip.addReadStream(Readable.from(csv, { objectMode: false }), 'links.csv');
    zip.end();
    await written;
    await gate.room(); // rethrows a failure of the output
    return { files };
  } catch (error) {
    output.destroy(error instanceof Error ? error : new Error(String(error)));
    await written;
    throw error;
  }
}

/** See qrPng: an image from Buffer's pool would pin a pool slab for the rest of the export. */
function unpooled(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}
