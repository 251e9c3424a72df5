import { createHash } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { newId, type Clock } from '../shared/index.ts';
import { GENESIS_HASH, linkHash } from './file-store.chain.calc.ts';
import { inChunks, storedChunks, type FileContent } from './file-store.chunks.ts';
import { FILE_CHUNK_BYTES, FileChainLink, StoredFile, StoredFileChunk } from './file-store.entity.ts';

export type { FileContent } from './file-store.chunks.ts';

export type StoreFileInput = { readonly name: string; readonly mediaType?: string; readonly content: FileContent };
/** chainSeq is the file's link in the chain (0 only if that link was removed behind the application's back). */
export type StoredFileResult = { readonly sha256: string; readonly size: number; readonly alreadyStored: boolean; readonly chainSeq: number };
export type StoredFileInfo = {
  readonly id: string;
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
  readonly mediaType: string;
  readonly createdAt: Date;
  /** null only when the link was removed behind the application's back (`familypay verify` names it). */
  readonly chainSeq: number | null;
};

/** Every process that appends to the chain takes this transaction lock first, so two stores cannot fork it. */
const FILE_CHAIN_LOCK = 4_321_987_002;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Thrown by readFile when the stored bytes no longer match their address: a reader must not use what it read. */
export class StoredFileCorruptError extends Error {
  readonly code = 'FILES.CORRUPT';
  constructor(readonly sha256: string, readonly detail: string) {
    super(`stored file ${sha256} is corrupt: ${detail}`);
  }
}

/** Rolls the transaction back (the chunks just written go with it) and carries the existing link out. */
class AlreadyStored extends Error {
  constructor(readonly sha256: string, readonly size: number, readonly chainSeq: number) {
    super('already stored');
  }
}

/** Names are kept as given, less control characters (they would garble a terminal), at most 255 characters. */
function cleanText(text: string, fallback: string): string {
  const cleaned = Array.from(text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()).slice(0, 255).join('');
  return cleaned || fallback;
}

/**
 * Stores the bytes for the organisation and appends a link to the chain, in one transaction. The content is
 * consumed once, chunk by chunk, hashed on the way; memory does not grow with the file. The same bytes stored
 * again by the same organisation change nothing and answer alreadyStored with the first link's seq.
 */
export async function storeFile(db: Database, clock: Clock, orgId: string, input: StoreFileInput): Promise<StoredFileResult> {
  return db.withTenant(orgId, (em) => storeFileIn(em, clock, orgId, input));
}

/**
 * storeFile inside the caller's tenant transaction (an import stores its report files with what it applies). A
 * savepoint takes back the chunks of bytes already stored; the chain lock is held until the caller commits.
 */
export async function storeFileIn(em: Em, clock: Clock, orgId: string, input: StoreFileInput): Promise<StoredFileResult> {
  const name = cleanText(input.name, 'file');
  const mediaType = cleanText(input.mediaType ?? '', 'application/octet-stream');
  try {
    return await em.transactional(async (tx) => {
      const fileId = newId();
      const { sha256, size } = await writeChunks(tx as Em, orgId, fileId, input.content);
      await tx.execute('select pg_advisory_xact_lock(?)', [FILE_CHAIN_LOCK]);
      // After the lock: a concurrent store of the same bytes has committed by now, so its row is visible.
      const existing = await findStored(tx as Em, orgId, sha256);
      if (existing) throw new AlreadyStored(sha256, existing.size, existing.chainSeq ?? 0);
      const storedAt = clock.now();
      await tx.insert(StoredFile, { id: fileId, org: orgId, sha256, size, name, mediaType, createdAt: storedAt });
      const chainSeq = await appendLink(tx as Em, { orgId, sha256, size, name, storedAt });
      return { sha256, size, alreadyStored: false, chainSeq };
    });
  } catch (e) {
    if (e instanceof AlreadyStored) return { sha256: e.sha256, size: e.size, alreadyStored: true, chainSeq: e.chainSeq };
    throw e;
  }
}

async function writeChunks(em: Em, orgId: string, fileId: string, content: FileContent): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  let seq = 0;
  for await (const bytes of inChunks(content)) {
    hash.update(bytes);
    size += bytes.length;
    await em.insert(StoredFileChunk, { file: fileId, seq, org: orgId, bytes });
    seq += 1;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Must run under FILE_CHAIN_LOCK: the head read here stays the head until this transaction ends. */
async function appendLink(em: Em, link: { orgId: string; sha256: string; size: number; name: string; storedAt: Date }): Promise<number> {
  // Through a definer function: inside a tenant transaction the head may belong to another organisation.
  const [head] = await em.execute<{ seq: string | number; hash: string }[]>('select seq, hash from fp_file_chain_head()');
  const seq = head ? Number(head.seq) + 1 : 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = linkHash({ ...link, seq, prevHash });
  await em.insert(FileChainLink, { seq, org: link.orgId, sha256: link.sha256, size: link.size, name: link.name,
    storedAt: link.storedAt, prevHash, hash });
  return seq;
}

type StoredRow = { id: string; sha256: string; size: string | number; name: string; media_type: string; created_at: Date; chain_seq: string | number | null };

async function findStored(em: Em, orgId: string, sha256: string): Promise<StoredFileInfo | null> {
  const [row] = await em.execute<StoredRow[]>(
    `select f.id, f.sha256, f.size, f.name, f.media_type, f.created_at, c.seq as chain_seq from stored_files f
     left join file_chain c on c.org_id = f.org_id and c.sha256 = f.sha256 where f.org_id = ? and f.sha256 = ?`, [orgId, sha256]);
  if (!row) return null;
  return { id: row.id, sha256: row.sha256, size: Number(row.size), name: row.name, mediaType: row.media_type,
    createdAt: new Date(row.created_at), chainSeq: row.chain_seq === null ? null : Number(row.chain_seq) };
}

/** The organisation's file with these bytes, or null. */
export async function fileInfo(db: Database, orgId: string, sha256: string): Promise<StoredFileInfo | null> {
  const address = sha256.toLowerCase();
  if (!SHA256_HEX.test(address)) return null;
  return db.withTenant(orgId, (em) => findStored(em, orgId, address));
}

/**
 * The file's bytes as 1 MiB chunks, or null when the organisation has no such file. The bytes are checked
 * against their address as they pass: a missing chunk or a changed byte throws StoredFileCorruptError (at the
 * latest after the last chunk), so a caller must treat what it read as void until the iteration ends cleanly —
 * an import does, being all or nothing.
 */
export async function readFile(db: Database, orgId: string, sha256: string): Promise<AsyncIterable<Buffer> | null> {
  return (await openStoredFile(db, orgId, sha256))?.bytes ?? null;
}

/** readFile with the file's record (name, size) from the same lookup. */
export async function openStoredFile(db: Database, orgId: string, sha256: string): Promise<{ info: StoredFileInfo; bytes: AsyncIterable<Buffer> } | null> {
  const info = await fileInfo(db, orgId, sha256);
  return info ? { info, bytes: verifiedBytes(db, orgId, info) } : null;
}

async function* verifiedBytes(db: Database, orgId: string, info: StoredFileInfo): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let size = 0;
  let expected = 0;
  for await (const chunk of storedChunks(db, orgId, info.id)) {
    if (chunk.seq !== expected) throw new StoredFileCorruptError(info.sha256, `chunk ${expected} is missing`);
    expected += 1;
    hash.update(chunk.bytes);
    size += chunk.bytes.length;
    if (size > info.size) throw new StoredFileCorruptError(info.sha256, 'more bytes than stored');
    yield chunk.bytes;
  }
  if (size !== info.size || expected !== Math.ceil(info.size / FILE_CHUNK_BYTES) || hash.digest('hex') !== info.sha256) {
    throw new StoredFileCorruptError(info.sha256, 'the bytes differ from their address');
  }
}
