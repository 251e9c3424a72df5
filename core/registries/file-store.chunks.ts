import type { Database } from '../infra/database/database.ts';
import { FILE_CHUNK_BYTES } from './file-store.entity.ts';

/** What a caller may hand in: a whole buffer, or a stream (a Node Readable is an AsyncIterable of Buffers). */
export type FileContent = Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>;

const asBuffer = (piece: Uint8Array | string): Buffer =>
  typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);

/**
 * Re-cuts any stream into chunks of exactly `size` bytes (the last one shorter), holding at most one chunk: a
 * 200 MB file passes through in 1 MiB steps, whatever sizes the source delivers.
 */
export async function* inChunks(content: FileContent, size = FILE_CHUNK_BYTES): AsyncGenerator<Buffer> {
  const source = content instanceof Uint8Array ? [content] : content;
  let pending = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const piece of source) {
    const bytes = asBuffer(piece);
    let offset = 0;
    while (offset < bytes.length) {
      if (filled === 0 && bytes.length - offset >= size) {
        yield bytes.subarray(offset, offset + size);
        offset += size;
        continue;
      }
      const n = Math.min(size - filled, bytes.length - offset);
      bytes.copy(pending, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === size) {
        yield pending;
        pending = Buffer.allocUnsafe(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield pending.subarray(0, filled);
}

export type StoredChunk = { readonly seq: number; readonly bytes: Buffer };

/**
 * The chunk rows of one file in seq order, exactly as they are (gaps included, for the verifier to notice). Each
 * chunk is read in its own short transaction: a reader that parses slowly holds no connection meanwhile (on
 * PGlite there is only one), and the rows never change, so the pieces are consistent.
 */
export async function* storedChunks(db: Database, orgId: string, fileId: string): AsyncGenerator<StoredChunk> {
  for (let after = -1; ;) {
    const [row] = await db.withTenant(orgId, (em) => em.execute<{ seq: number; bytes: Uint8Array }[]>(
      'select seq, bytes from stored_file_chunks where file_id = ? and seq > ? order by seq limit 1', [fileId, after]));
    if (!row) return;
    after = Number(row.seq);
    yield { seq: after, bytes: asBuffer(row.bytes) };
  }
}
