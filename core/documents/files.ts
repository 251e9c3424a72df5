import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Em } from '../infra/database/database.ts';
import type { DocumentKind } from './documents.entity.ts';

/** A resident's file or a statement we made: at most 10 MB (Telegram's bot download limit is 20 MB). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type StoredDocument = { readonly id: string; readonly name: string; readonly mime: string; readonly data: Buffer };

/** Keeps a conversation file in the organisation's tenant; returns its id. */
export async function saveDocumentFile(
  em: Em, orgId: string, file: { kind: DocumentKind; name: string; mime: string; data: Buffer }, now: Date,
): Promise<string> {
  if (file.data.length > MAX_FILE_BYTES) throw new RangeError('file too large');
  const [row] = await em.execute<{ id: string }[]>(
    `insert into document_files (id, org_id, kind, name, mime, size, sha256, data, created_at)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    [orgId, file.kind, file.name.replace(/[\\/\0]/g, '_').slice(0, 200), file.mime.slice(0, 100), file.data.length,
      createHash('sha256').update(file.data).digest('hex'), file.data, now]);
  return row!.id;
}

export async function loadDocumentFile(em: Em, orgId: string, id: string): Promise<StoredDocument | null> {
  const [row] = await em.execute<{ id: string; name: string; mime: string; data: Buffer }[]>(
    'select id, name, mime, data from document_files where org_id = ? and id = ?', [orgId, id]);
  return row ? { id: row.id, name: row.name, mime: row.mime, data: Buffer.from(row.data) } : null;
}

/**
 * A download URL's signature: HMAC over organisation, file and expiry. The link in a chat works for `days` and
 * names nothing guessable (ids are random, the MAC binds them).
 */
export function signFileRef(secretKey: string, orgId: string, fileId: string, expires: number): string {
  return createHmac('sha256', secretKey).update(`file:${orgId}:${fileId}:${expires}`).digest('base64url').slice(0, 32);
}

export function checkFileRef(secretKey: string, orgId: string, fileId: string, expires: number, sig: string, now: Date): boolean {
  if (!Number.isSafeInteger(expires) || expires * 1000 < now.getTime()) return false;
  const want = Buffer.from(signFileRef(secretKey, orgId, fileId, expires));
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want);
}
