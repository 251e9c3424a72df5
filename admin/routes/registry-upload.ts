import busboy from 'busboy';
import type { Request, RequestHandler, Response } from 'express';
import type { Readable } from 'node:stream';
import type { FileContent, StoredFileResult } from '../../core/registries/index.ts';
import { csrfPasses } from '../session.ts';

export const UPLOAD_PATH = '/admin/registries/upload';

/**
 * The one admin request whose body is multipart: express.urlencoded leaves it unread, so the router's CSRF
 * check cannot see its token. The upload handler checks it itself, from the form's first field, before it
 * accepts a byte of the file (receiveUpload).
 */
export const isMultipartUpload = (req: Request): boolean =>
  req.method === 'POST' && req.originalUrl.split('?')[0] === UPLOAD_PATH && /^multipart\/form-data/i.test(req.get('content-type') ?? '');

export type UploadOutcome =
  | { readonly kind: 'stored'; readonly stored: StoredFileResult }
  /** The CSRF check failed and has answered 403 itself. */
  | { readonly kind: 'refused' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'tooLarge' }
  | { readonly kind: 'malformed' };

export type UploadStore = (input: { name: string; mediaType: string; content: FileContent }) => Promise<StoredFileResult>;

class UploadTooLarge extends Error {}
class UploadAborted extends Error {}

/**
 * busboy is told limit + 1, so a file of exactly the limit passes; past it busboy stops the stream, and the store
 * must then fail, so nothing is kept.
 */
async function* limited(file: Readable & { truncated?: boolean }, limitBytes: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of file) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new UploadTooLarge();
    yield chunk as Buffer;
  }
  if (file.truncated) throw new UploadTooLarge();
}

/** Browsers send the bare name; old ones sent a whole Windows path. */
const baseName = (name: string) => name.split(/[\\/]/).pop() ?? name;

/**
 * Streams the form's `file` part into the store: memory holds one chunk, not the file. The `_csrf` field (or
 * the X-CSRF-Token header) is checked by the router's own check, `csrf`, before the file part is read; a form
 * that sends the file first is refused.
 */
export function receiveUpload(req: Request, res: Response, csrf: RequestHandler, limitBytes: number, store: UploadStore): Promise<UploadOutcome> {
  return new Promise((resolve, reject) => {
    let verified = false;
    let settled = false;
    let saving: Promise<UploadOutcome> | null = null;
    let current: Readable | null = null;
    const settle = (outcome: UploadOutcome) => {
      if (settled) return;
      settled = true;
      // Whatever is left of the body is read and dropped, so the client gets its answer instead of a reset.
      req.unpipe();
      req.resume();
      resolve(outcome);
    };
    // Runs the router's CSRF check once at most: it answers 403 itself, and a second answer would throw.
    const check = (token: string | undefined): boolean => {
      if (settled) return false;
      const passed = csrfPasses(req, res, csrf, token);
      if (!passed) settle({ kind: 'refused' });
      return passed;
    };
    if (req.get('x-csrf-token') && !(verified = check(undefined))) return;

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers, defParamCharset: 'utf8',
        limits: { fileSize: limitBytes + 1, files: 1, fields: 20, fieldSize: 4096, fieldNameSize: 100, parts: 30 },
      });
    } catch {
      return settle({ kind: 'malformed' });
    }
    parser.on('field', (name, value) => {
      if (name === '_csrf' && !verified) verified = check(value);
    });
    parser.on('file', (name, file, info) => {
      if (settled || (!verified && !check(undefined)) || name !== 'file' || saving || !info.filename) {
        file.resume();
        return;
      }
      current = file;
      saving = store({ name: baseName(info.filename), mediaType: info.mimeType, content: limited(file, limitBytes) }).then(
        (stored): UploadOutcome => ({ kind: 'stored', stored }),
        (e: unknown): UploadOutcome => {
          if (e instanceof UploadTooLarge) return { kind: 'tooLarge' };
          if (e instanceof UploadAborted) return { kind: 'malformed' };
          throw e;
        });
      // A refused file stops the parser mid-body (nothing reads the rest of the part), so it is answered now.
      saving.then((outcome) => { if (outcome.kind !== 'stored') settle(outcome); }, reject);
    });
    parser.on('close', () => {
      if (saving) saving.then(settle, reject);
      else if (verified || check(undefined)) settle({ kind: 'missing' });
    });
    parser.on('error', () => {
      // A broken body: the file being stored fails, and its transaction rolls back.
      current?.destroy(new UploadAborted());
      if (saving) saving.then(settle, reject);
      else settle({ kind: 'malformed' });
    });
    // A client that goes away mid-file must not leave the store waiting for bytes (and holding its transaction).
    req.once('close', () => {
      if (!req.complete) current?.destroy(new UploadAborted());
    });
    req.pipe(parser);
  });
}
