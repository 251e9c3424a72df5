import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { DBFFile } from 'dbffile';
import { AppError } from '../shared/index.ts';
import { codePageEncoding, DBF_HEADER_PROBE, parseDbfHeader } from './dbf-header.calc.ts';
import type { DbfField, DbfHeader } from './dbf-header.calc.ts';
import { decode, detectEncoding, ENCODING_LABELS, SAMPLE_BYTES } from './encoding.calc.ts';
import type { RegistryEncoding } from './encoding.calc.ts';
import { RegistryReadError } from './reader.ts';
import type { OpenedRegistry, OpenOptions, RawRow } from './reader.ts';

/** Records are read this many bytes at a time, so memory stays flat whatever the file's size. */
const BLOCK_BYTES = 1024 * 1024;
const DELETED = 0x2a;
const LIVE = 0x20;

const ICONV_NAME: Record<RegistryEncoding, string> = { 'utf-8': 'utf8', 'windows-1251': 'win1251', cp866: 'cp866', 'koi8-r': 'koi8-r' };

const corrupt = (detail: string): RegistryReadError =>
  new RegistryReadError(new AppError('REGISTRIES.DBF_CORRUPT', { vars: { detail } }));

/**
 * A dBase III registry. The header is checked byte by byte before dbffile or anything else trusts it (R2);
 * the records are then sliced from the validated fixed-width layout, block by block, and decoded with our
 * own decode() so a DBF reads exactly like a text file in the same code page (dbffile's iconv differs in
 * control characters and passes numbers through floats).
 */
export async function openDbf(path: string, options: OpenOptions): Promise<OpenedRegistry> {
  const header = await readHeader(path);
  const encoding = options.encoding ?? codePageEncoding(header.codePageByte) ?? (await detectDbfEncoding(path, header));
  const fieldNames = await dbffileFieldNames(path, header, encoding);
  return {
    format: 'dbf',
    encoding,
    delimiter: null,
    fieldNames,
    columnLabel: (index) => fieldNames[index] ?? String(index + 1),
    rows: () => readRecords(path, header, encoding, options.maxRows ?? Infinity),
  };
}

async function readHeader(path: string): Promise<DbfHeader> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, DBF_HEADER_PROBE));
    await readExactly(file, head, head.length, 0);
    const parsed = parseDbfHeader(head, size);
    if (!parsed.ok) throw corrupt(parsed.error);
    return parsed.value;
  } finally {
    await file.close();
  }
}

/** dbffile reads the names (in the file's code page); by now its header is known to be sound. */
async function dbffileFieldNames(path: string, header: DbfHeader, encoding: RegistryEncoding): Promise<string[]> {
  let dbf: DBFFile;
  try {
    // 'loose': the version byte varies among Russian exporters (0x03, 0x30, 0xF5…); the layout is checked.
    dbf = await DBFFile.open(path, { encoding: ICONV_NAME[encoding], readMode: 'loose' });
  } catch (cause) {
    throw new RegistryReadError(new AppError('REGISTRIES.DBF_CORRUPT', { vars: { detail: 'заголовок не читается' }, cause }));
  }
  const sizes = dbf.fields.map((f) => f.size).join();
  if (sizes !== header.fields.map((f) => f.size).join()) throw corrupt('описание полей читается неоднозначно');
  return dbf.fields.map((f) => f.name.trim());
}

/** Blocks of whole records from the validated region: [first record number, bytes]. */
async function* blocks(path: string, header: DbfHeader): AsyncGenerator<[number, Buffer]> {
  const { recordLength, recordCount, headerLength } = header;
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / recordLength));
  const buffer = Buffer.alloc(perBlock * recordLength);
  const file = await open(path, 'r');
  try {
    for (let first = 0; first < recordCount; first += perBlock) {
      const length = Math.min(perBlock, recordCount - first) * recordLength;
      await readExactly(file, buffer, length, headerLength + first * recordLength);
      yield [first, buffer.subarray(0, length)];
    }
  } finally {
    await file.close();
  }
}

async function* readRecords(path: string, header: DbfHeader, encoding: RegistryEncoding, maxRows: number): AsyncGenerator<RawRow> {
  const { recordLength, fields } = header;
  let yielded = 0;
  for await (const [first, block] of blocks(path, header)) {
    // Single-byte code pages map every byte to one UTF-16 unit, so one decode per block serves all its cells.
    const text = encoding === 'utf-8' ? null : decode(block, encoding);
    if (text !== null && text.length !== block.length) throw new Error(`${encoding} decoded to ${text.length} units for ${block.length} bytes`);
    const garbled = text === null || text.includes('\uFFFD');
    for (let start = 0; start < block.length; start += recordLength) {
      if (yielded >= maxRows) return;
      const line = first + start / recordLength + 1;
      const flag = block[start];
      if (flag === DELETED) continue;
      if (flag !== LIVE) throw corrupt(`запись ${line} начинается с байта 0x${flag!.toString(16).padStart(2, '0')}, а не с пробела или «*»`);
      const cells = fields.map((field) => {
        const at = start + field.offset;
        return text === null ? cell(field, decode(block.subarray(at, at + field.size), encoding), 0) : cell(field, text, at);
      });
      if (garbled && cells.some((c) => c.includes('\uFFFD'))) {
        throw new RegistryReadError(new AppError('REGISTRIES.ENCODING_INVALID', { vars: { line, encoding: ENCODING_LABELS[encoding] } }));
      }
      yielded++;
      yield { line, cells };
    }
  }
}

const isPad = (code: number): boolean => code === 0x20 || code === 0;

/** One cell from `text` at [from, from + size): C right-trimmed, N/F trimmed as stored, D ISO, L TRUE/FALSE. */
function cell(field: DbfField, text: string, from: number): string {
  let end = Math.min(from + field.size, text.length);
  while (end > from && isPad(text.charCodeAt(end - 1))) end--;
  if (field.type === 'C') return text.slice(from, end);
  let begin = from;
  while (begin < end && isPad(text.charCodeAt(begin))) begin++;
  const value = text.slice(begin, end);
  if (field.type === 'D') return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` : value;
  if (field.type === 'L') return logical(value);
  return value;
}

function logical(value: string): string {
  if ('TtYy'.includes(value) && value) return 'TRUE';
  if ('FfNn'.includes(value) && value) return 'FALSE';
  return value === '?' ? '' : value;
}

/**
 * Byte 29 is 0 or unknown: the code page comes from the text fields' bytes. Values with bytes ≥ 0x80 are
 * gathered from the whole file until the sample is full, because a head of Latin-only or digit-only
 * records says nothing about the Cyrillic further on (R3); ASCII throughout reads the same in every page.
 */
async function detectDbfEncoding(path: string, header: DbfHeader): Promise<RegistryEncoding> {
  const textFields = header.fields.filter((f) => f.type === 'C');
  const parts: Buffer[] = [];
  let collected = 0;
  scan: for await (const [, block] of blocks(path, header)) {
    for (let start = 0; start < block.length; start += header.recordLength) {
      for (const field of textFields) {
        const value = trimPad(block.subarray(start + field.offset, start + field.offset + field.size));
        if (!value.some((b) => b >= 0x80)) continue;
        parts.push(Buffer.from(value), Buffer.from('\n'));
        collected += value.length + 1;
        if (collected >= SAMPLE_BYTES) break scan;
      }
    }
  }
  const guess = detectEncoding(Buffer.concat(parts));
  if (guess.kind === 'sure') return guess.encoding;
  const candidates = guess.kind === 'ambiguous' ? guess.candidates : (['cp866', 'windows-1251'] as const);
  throw new RegistryReadError(
    new AppError('REGISTRIES.ENCODING_AMBIGUOUS', { vars: { candidates: candidates.map((c) => ENCODING_LABELS[c]).join(', ') } }),
  );
}

function trimPad(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && isPad(bytes[end - 1]!)) end--;
  return bytes.subarray(0, end);
}

async function readExactly(file: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  for (let done = 0; done < length; ) {
    const { bytesRead } = await file.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw corrupt('файл оборвался раньше, чем сказано в заголовке');
    done += bytesRead;
  }
}
