import { err, ok } from '../shared/index.ts';
import type { Result } from '../shared/index.ts';
import type { RegistryEncoding } from './encoding.calc.ts';

/** The field types a registry DBF carries; the others (memo, binary, currency, datetime) we refuse. */
export type DbfFieldType = 'C' | 'N' | 'F' | 'D' | 'L';

export type DbfField = {
  readonly name: string;
  readonly type: DbfFieldType;
  readonly size: number;
  /** Byte offset within the record (0 is the deletion flag). */
  readonly offset: number;
};

export type DbfHeader = {
  readonly recordCount: number;
  readonly headerLength: number;
  readonly recordLength: number;
  /** Byte 29, the language driver: 0 when the writer did not say. */
  readonly codePageByte: number;
  readonly fields: readonly DbfField[];
};

const PREFIX = 32;
const DESCRIPTOR = 32;
const TERMINATOR = 0x0d;
export const MAX_DBF_FIELDS = 255;
const MAX_RECORD_LENGTH = 65_535;
/** Enough bytes to hold the header of any file we accept (the prefix, 255 descriptors and the terminator). */
export const DBF_HEADER_PROBE = PREFIX + (MAX_DBF_FIELDS + 1) * DESCRIPTOR + 1;
const TYPES = new Set<string>(['C', 'N', 'F', 'D', 'L']);

/** Language-driver bytes Russian DBFs carry (DOMAIN.md «Registry formats»); others mean «detect». */
export function codePageEncoding(byte: number): RegistryEncoding | null {
  if (byte === 0x26 || byte === 0x65) return 'cp866';
  if (byte === 0xc9 || byte === 0x57) return 'windows-1251';
  return null;
}

/**
 * Checks a DBF header before anything trusts it (R2): a header that promises more records, longer records
 * or a longer header than the file holds would make a reader allocate or wait for bytes that never come.
 * `head` is the file's first bytes (up to DBF_HEADER_PROBE), `fileSize` its length. The detail is for staff.
 */
export function parseDbfHeader(head: Uint8Array, fileSize: number): Result<DbfHeader, string> {
  if (fileSize < PREFIX + 1 || head.length < PREFIX + 1) return err(`файл короче заголовка DBF (${fileSize} байт)`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const recordCount = view.getUint32(4, true);
  const headerLength = view.getUint16(8, true);
  const recordLength = view.getUint16(10, true);
  if (headerLength > fileSize) return err(`заголовок объявлен длиной ${headerLength} байт, а весь файл — ${fileSize} байт`);
  const fields = readDescriptors(head, headerLength);
  if (typeof fields === 'string') return err(fields);
  if (headerLength < PREFIX + DESCRIPTOR * fields.length + 1) {
    return err(`заголовок объявлен длиной ${headerLength} байт, а его ${fields.length} полей занимают больше`);
  }
  if (fields.length === 0) return err('в файле нет ни одного поля');
  const sum = fields.reduce((total, f) => total + f.size, 1);
  if (sum !== recordLength || recordLength > MAX_RECORD_LENGTH) {
    return err(`длина записи в заголовке ${recordLength} байт, а поля вместе с признаком удаления занимают ${sum}`);
  }
  const room = Math.floor((fileSize - headerLength) / recordLength);
  // A shorter file would be read in part (R1); a longer one hides records the header does not count.
  if (room !== recordCount) {
    return err(`заголовок обещает ${recordCount} записей по ${recordLength} байт, а в файле место для ${room}`);
  }
  return ok({ recordCount, headerLength, recordLength, codePageByte: head[29]!, fields });
}

/** The field descriptors up to the 0x0D terminator, or what is wrong with them. */
function readDescriptors(head: Uint8Array, headerLength: number): DbfField[] | string {
  const fields: DbfField[] = [];
  const names = new Set<string>();
  let offset = 1;
  for (let at = PREFIX; ; at += DESCRIPTOR) {
    if (at < headerLength && head[at] === TERMINATOR) return fields;
    // Another descriptor and the terminator must still fit in the declared header.
    if (at + DESCRIPTOR + 1 > Math.min(headerLength, head.length)) return 'в заголовке нет признака конца описания полей (0x0D)';
    if (fields.length === MAX_DBF_FIELDS) return `больше ${MAX_DBF_FIELDS} полей`;
    const name = fieldName(head.subarray(at, at + 11));
    const type = String.fromCharCode(head[at + 11]!);
    const size = head[at + 16]!;
    const label = `поле ${fields.length + 1} «${name}»`;
    if (type === 'M') return `${label} — примечание (memo): такие поля не поддерживаются, выгрузите реестр без них`;
    if (!TYPES.has(type)) return `${label} имеет неизвестный тип «${type}»`;
    if (!name || names.has(name)) return `${label}: имя поля пустое или повторяется`;
    if (size === 0 || (type === 'D' && size !== 8) || (type === 'L' && size !== 1) || ((type === 'N' || type === 'F') && size > 20)) {
      return `${label} типа ${type} имеет недопустимую длину ${size}`;
    }
    names.add(name);
    fields.push({ name, type: type as DbfFieldType, size, offset });
    offset += size;
  }
}

/** Field names are ASCII by the format, NUL-padded; writers leave junk after the NUL. */
function fieldName(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  let name = '';
  for (const b of end < 0 ? bytes : bytes.subarray(0, end)) name += String.fromCharCode(b);
  return name.trim();
}
