import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../infra/database/database.ts';
import { newId } from '../shared/index.ts';
import { openStoredFile, type StoredFileInfo } from './file-store.ts';

/** A private scratch folder for one file, named like it (less characters a path should not carry), removed after. */
async function inScratch<T>(name: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = path.join(tmpdir(), `familypay-${newId()}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    return await use(path.join(dir, path.basename(name).replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'registry'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Readers want a path (XLSX and DBF read their ends first), the store keeps bytes in PostgreSQL: a stored file is
 * copied to a private scratch file, verified against its hash on the way, used, and removed.
 */
export async function withStoredFile<T>(db: Database, orgId: string, sha256: string, use: (file: string, info: StoredFileInfo) => Promise<T>): Promise<T | null> {
  const stored = await openStoredFile(db, orgId, sha256);
  if (!stored) return null;
  return inScratch(stored.info.name, async (file) => {
    await pipeline(Readable.from(stored.bytes), createWriteStream(file, { mode: 0o600 }));
    return use(file, stored.info);
  });
}

/**
 * Copies the file to a private scratch file, hashing it on the way, and hands `use` the copy with its SHA-256 and
 * size: what is imported is exactly what was hashed, even if the caller's file changes meanwhile. Removed after.
 */
export async function withPrivateCopy<T>(source: string, use: (copy: string, sha256: string, size: number) => Promise<T>): Promise<T> {
  return inScratch(source, async (copy) => {
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(createReadStream(source), hashing, createWriteStream(copy, { mode: 0o600 }));
    return use(copy, hash.digest('hex'), size);
  });
}
