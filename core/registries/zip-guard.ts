import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { AppError } from '../shared/index.ts';
import type { ErrorCode } from '../shared/index.ts';
import { RegistryReadError } from './reader.ts';

/**
 * R2: an XLSX is a ZIP, and a ZIP can promise a few kilobytes and inflate to gigabytes (a «zip bomb»), or
 * hold so many entries that listing them is the attack. Everything here is checked before exceljs opens the
 * file. A real registry book has 10–30 entries, inflates 5–20 times, and stays far under a gibibyte.
 */
export const MAX_ZIP_ENTRIES = 1000;
export const MAX_UNZIPPED_BYTES = 1024 ** 3;
export const MAX_UNZIPPED_LABEL = '1 ГиБ';
/** Deflate can reach ≈ 1030:1; XML sheets reach 10–100:1. Small entries are exempt: their ratio costs nothing. */
export const MAX_RATIO = 200;
const RATIO_FLOOR = 1024 * 1024;
// A local header is 30 bytes plus its name; a gap shorter than that between two entries can hold only a data
// descriptor (12–24 bytes), never a hidden entry.
const LOCAL_HEADER = 30;
const LOCAL_SIGNATURE = 0x04034b50;

const fail = (code: ErrorCode, vars?: Record<string, string | number>, cause?: unknown): RegistryReadError =>
  new RegistryReadError(new AppError(code, { vars, cause }));
const corrupt = (detail: string, cause?: unknown) => fail('REGISTRIES.XLSX_CORRUPT', { detail }, cause);
const tooLarge = () => fail('REGISTRIES.XLSX_TOO_LARGE', { limit: MAX_UNZIPPED_LABEL });

/** Throws RegistryReadError unless the file is a ZIP that is safe to hand to exceljs and looks like a book. */
export async function checkXlsxZip(path: string): Promise<void> {
  const zip = await openZip(path);
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) {
      throw fail('REGISTRIES.XLSX_TOO_MANY_ENTRIES', { count: zip.entryCount, limit: MAX_ZIP_ENTRIES });
    }
    const centralStart = centralDirectoryOffset(zip);
    const entries = await listEntries(zip);
    checkDeclaredSizes(entries);
    checkBookParts(entries);
    await checkLayout(path, entries, centralStart);
    let budget = MAX_UNZIPPED_BYTES;
    for (const entry of entries) budget -= await inflateCounting(zip, entry, budget);
  } finally {
    zip.close();
  }
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true }, (err, zip) => {
      if (err) reject(corrupt('файл обрезан или это не ZIP-архив', err));
      else resolve(zip);
    });
  });
}

/** Right after opening, yauzl's entry cursor is the central directory's offset (@types/yauzl mistypes it). */
function centralDirectoryOffset(zip: ZipFile): number {
  const cursor: unknown = zip.readEntryCursor;
  if (typeof cursor !== 'number') throw new Error('yauzl no longer exposes readEntryCursor as the directory offset');
  return cursor;
}

function listEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (err: Error) => reject(corrupt('оглавление архива повреждено', err)));
    zip.readEntry();
  });
}

/**
 * What the central directory promises; cheap, so a declared bomb is refused before a byte is inflated. The
 * ratio holds for the book as a whole too: a thousand 1 MiB entries of zeros each pass the per-entry floor,
 * yet a 1 MB file would inflate to a gibibyte, twice (here, then in exceljs).
 */
function checkDeclaredSizes(entries: readonly Entry[]): void {
  let total = 0;
  let packed = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    packed += e.compressedSize;
    const bomb = e.uncompressedSize > RATIO_FLOOR && e.uncompressedSize > MAX_RATIO * e.compressedSize;
    if (bomb || total > MAX_UNZIPPED_BYTES) throw tooLarge();
    if (e.isEncrypted()) throw corrupt('книга защищена паролем');
    // Stored and deflated are all Excel writes; anything else we could not check.
    if (e.compressionMethod !== 0 && e.compressionMethod !== 8) throw corrupt(`неизвестный способ сжатия ${e.compressionMethod}`);
  }
  if (total > RATIO_FLOOR && total > MAX_RATIO * packed) throw tooLarge();
}

function checkBookParts(entries: readonly Entry[]): void {
  const names = new Set(entries.map((e) => e.fileName));
  if (!names.has('[Content_Types].xml')) throw corrupt('нет описания частей книги [Content_Types].xml');
  const hasSheet = entries.some((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.fileName));
  if (!names.has('xl/workbook.xml') || !hasSheet) throw fail('REGISTRIES.XLSX_NO_SHEET');
}

/**
 * exceljs (through unzipper) reads the local headers one after another from the start of the file, not the
 * central directory yauzl checks; so the entries must tile the file up to the central directory with no room
 * for an entry the directory does not list, and each local header must agree on its compressed size.
 */
async function checkLayout(path: string, entries: readonly Entry[], centralStart: number): Promise<void> {
  const sorted = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  const file = await open(path, 'r');
  try {
    let end = 0;
    for (const entry of sorted) {
      const gap = entry.relativeOffsetOfLocalHeader - end;
      if (gap < 0 || gap >= LOCAL_HEADER) throw corrupt('части архива перекрываются или между ними спрятаны данные');
      end = await localDataEnd(file, entry);
    }
    const tail = centralStart - end;
    if (tail < 0 || tail >= LOCAL_HEADER) throw corrupt('части архива перекрываются или между ними спрятаны данные');
  } finally {
    await file.close();
  }
}

async function localDataEnd(file: FileHandle, entry: Entry): Promise<number> {
  const head = Buffer.alloc(LOCAL_HEADER);
  const { bytesRead } = await file.read(head, 0, LOCAL_HEADER, entry.relativeOffsetOfLocalHeader);
  if (bytesRead < LOCAL_HEADER || head.readUInt32LE(0) !== LOCAL_SIGNATURE) throw corrupt('заголовок части архива повреждён');
  const hasDescriptor = (head.readUInt16LE(6) & 0x08) !== 0;
  const localCompressed = head.readUInt32LE(18);
  // 0xFFFFFFFF: the size is in a ZIP64 extra field; with a data descriptor the local size may be 0.
  if (!hasDescriptor && localCompressed !== 0xffffffff && localCompressed !== entry.compressedSize) {
    throw corrupt('заголовки архива расходятся в размерах');
  }
  return entry.relativeOffsetOfLocalHeader + LOCAL_HEADER + head.readUInt16LE(26) + head.readUInt16LE(28) + entry.compressedSize;
}

/**
 * Inflates one entry into nothing, counting: an entry that inflates past its declared size has a lying header,
 * and the count stops the whole book at the cap whatever the headers say. We inflate ourselves rather than
 * let yauzl: its streams replace destroy(), so on Node 20 its size and zlib errors vanish and the read hangs.
 */
async function inflateCounting(zip: ZipFile, entry: Entry, budget: number): Promise<number> {
  if (entry.fileName.endsWith('/')) return 0;
  const raw = await new Promise<Readable>((resolve, reject) => {
    const done = (err: Error | null, stream: Readable) => (err ? reject(corrupt(`часть ${entry.fileName} не читается`, err)) : resolve(stream));
    if (entry.isCompressed()) zip.openReadStream(entry, { decompress: false, decrypt: null, start: null, end: null }, done);
    else zip.openReadStream(entry, done);
  });
  const declared = entry.uncompressedSize;
  let bytes = 0;
  let crc = 0;
  const count = new Writable({
    write(chunk: Buffer, _encoding, next) {
      bytes += chunk.length;
      crc = crc32(chunk, crc);
      next(bytes > declared || bytes > budget ? tooLarge() : null);
    },
  });
  try {
    await (entry.isCompressed() ? pipeline(raw, createInflateRaw(), count) : pipeline(raw, count));
  } catch (e) {
    throw e instanceof RegistryReadError ? e : corrupt(`часть ${entry.fileName} не распаковывается`, e);
  }
  if (bytes !== declared) throw corrupt(`часть ${entry.fileName} короче, чем объявлено`);
  // yauzl does not check CRCs; a damaged entry that still inflates would reach exceljs as a truncated sheet.
  if (crc >>> 0 !== entry.crc32 >>> 0) throw corrupt(`часть ${entry.fileName} повреждена (контрольная сумма не сходится)`);
  return bytes;
}
