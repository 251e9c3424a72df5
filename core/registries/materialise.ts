import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
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

/**
 * Hands `use` a stream of the file's bytes that, as it is consumed, also fills a private scratch copy; once the
 * stream is drained the copy is complete and `use` may read it. Removed afterwards.
 */
export async function withPrivateCopy<T>(source: string, use: (copy: string, content: AsyncIterable<Buffer>) => Promise<T>): Promise<T> {
  const dir = path.join(tmpdir(), `familypay-${newId()}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const copy = path.join(dir, path.basename(source).replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'registry');
  const out = await open(copy, 'w', 0o600);
  async function* tee(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of createReadStream(source)) {
        await out.write(chunk as Buffer);
        yield chunk as Buffer;
      }
    } finally {
      await out.close();
    }
  }
  try {
    return await use(copy, tee());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
