import { open } from 'node:fs/promises';
import { AppError } from '../shared/index.ts';
import { DBF_HEADER_PROBE } from './dbf-header.calc.ts';
import { RegistryReadError } from './reader.ts';
import type { OpenOptions, OpenedRegistry } from './reader.ts';
import { openDbf } from './reader-dbf.ts';
import { openDelimited } from './reader-delimited.ts';
import { openXlsx } from './reader-xlsx.ts';

/** Larger files are refused before a byte is read (R2): a registry that big is split by the customer. */
export const MAX_REGISTRY_BYTES = 1024 ** 3;
export const MAX_REGISTRY_LABEL = '1 ГиБ';

/**
 * Any registry file → its reader. The format comes from the bytes, not the name: staff rename files, banks
 * send DBFs as .txt, and a CSV may arrive named .xls. The name only tells CSV from TXT, which read the same.
 */
export async function openRegistry(path: string, options: OpenOptions): Promise<OpenedRegistry> {
  const { head, size } = await readStart(path);
  if (size > MAX_REGISTRY_BYTES) {
    throw new RegistryReadError(new AppError('REGISTRIES.FILE_TOO_LARGE', { vars: { limit: MAX_REGISTRY_LABEL } }));
  }
  switch (sniffFormat(head)) {
    case 'xlsx':
      return openXlsx(path, options);
    case 'dbf':
      return openDbf(path, options);
    case 'xls':
      throw new RegistryReadError(new AppError('REGISTRIES.XLSX_CORRUPT', {
        vars: { detail: 'это старый формат .xls или книга с паролем — сохраните как .xlsx без пароля' },
      }));
    case 'text':
      return openDelimited(path, options, /\.csv$/i.test(options.name) ? 'csv' : 'txt');
  }
}

// Enough for the longest DBF header we accept, so its field terminator can be seen.
const SNIFF_BYTES = DBF_HEADER_PROBE;

async function readStart(path: string): Promise<{ head: Uint8Array; size: number }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
    return { head: head.subarray(0, bytesRead), size };
  } finally {
    await file.close();
  }
}

const startsWith = (head: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => head[i] === b);

// dBase III, dBase III with memo, Visual FoxPro, dBase IV with memo, dBase IV with SQL table.
const DBF_VERSIONS = new Set([0x03, 0x83, 0x30, 0xf5, 0x8b]);
const DESCRIPTOR = 32;
const FIELD_TERMINATOR = 0x0d;

/**
 * 'xls' is an OLE compound file: the old binary .xls, and also any password-protected .xlsx (Excel wraps those
 * in OLE). A DBF has no magic number, only a version byte and a plausible header (see looksLikeDbf).
 */
export function sniffFormat(head: Uint8Array): 'xlsx' | 'dbf' | 'xls' | 'text' {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'xlsx';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'xls';
  return looksLikeDbf(head) ? 'dbf' : 'text';
}

/**
 * Version byte, a last-update date YY MM DD, a header of at least one field, and the 0x0D that ends the 32-byte
 * field descriptors exactly on a descriptor boundary. The header length alone is no test: writers pad it
 * ((length − 1) % 32 is 0 for dBase, 1 for dbffile, and Visual FoxPro adds a 263-byte backlink); and a
 * tab-separated line can carry a «date» (0x09 is both a tab and the 9th), but not that terminator as well.
 */
function looksLikeDbf(head: Uint8Array): boolean {
  if (head.length < 2 * DESCRIPTOR + 1 || !DBF_VERSIONS.has(head[0]!)) return false;
  const month = head[2]!;
  const day = head[3]!;
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const headerLength = head[8]! | (head[9]! << 8);
  const recordLength = head[10]! | (head[11]! << 8);
  if (headerLength < 2 * DESCRIPTOR + 1 || recordLength < 2) return false;
  // A field name never starts with 0x0D, so the first descriptor slot that does is the terminator.
  for (let at = 2 * DESCRIPTOR; at < Math.min(headerLength, head.length); at += DESCRIPTOR) {
    if (head[at] === FIELD_TERMINATOR) return true;
  }
  return false;
}
