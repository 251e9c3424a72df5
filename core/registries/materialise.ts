import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
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

/**
 * Copies the file to a private scratch file, hashing it on the way, and hands `use` the copy with its SHA-256 and
 * size: what is imported is exactly what was hashed, even if the caller's file changes meanwhile. Removed after.
 */
export async function withPrivateCopy<T>(source: string, use: (copy: string, sha256: string, size: number) => Promise<T>): Promise<T> {
  const dir = path.join(tmpdir(), `familypay-${newId()}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const copy = path.join(dir, path.basename(source).replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'registry');
  const hash = createHash('sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(source), hashing, createWriteStream(copy, { mode: 0o600 }));
    return await use(copy, hash.digest('hex'), size);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
