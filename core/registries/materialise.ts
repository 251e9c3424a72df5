import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../infra/database/database.ts';
import { newId } from '../shared/index.ts';
import { fileInfo, readFile, type StoredFileInfo } from './file-store.ts';

/**
 * Readers want a path (XLSX and DBF read their ends first), the store keeps bytes in PostgreSQL: a stored file is
 * copied to a private scratch file, verified against its hash on the way, used, and removed.
 */
export async function withStoredFile<T>(db: Database, orgId: string, sha256: string, use: (file: string, info: StoredFileInfo) => Promise<T>): Promise<T | null> {
  const info = await fileInfo(db, orgId, sha256);
  const bytes = info ? await readFile(db, orgId, sha256) : null;
  if (!info || !bytes) return null;
  const dir = path.join(tmpdir(), `familypay-${newId()}`);
  const file = path.join(dir, path.basename(info.name).replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'registry');
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await pipeline(Readable.from(bytes), createWriteStream(file, { mode: 0o600 }));
    return await use(file, info);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
