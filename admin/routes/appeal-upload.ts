import busboy from 'busboy';
import type { Request, RequestHandler, Response } from 'express';
import { MAX_FILE_BYTES } from '../../core/documents/index.ts';
import { csrfPasses } from '../session.ts';
import { MAX_REPLY_FILES as MAX_FILES } from '../views/appeal-actions.tsx';

/** A staff reply with attachments: the one appeal form sent as multipart. */
const REPLY_PATH = /^\/admin\/appeals\/[0-9a-f-]{36}\/reply$/i;

export type ReplyFile = { readonly name: string; readonly data: Buffer; /** Over MAX_FILE_BYTES: the rest was not read. */ readonly tooLarge: boolean };
export type ReplyUpload = { readonly files: readonly ReplyFile[]; /** More files than a reply may carry. */ readonly tooMany: boolean };

const uploads = new WeakMap<Request, ReplyUpload>();

/** The files of a multipart reply (none for an ordinary form). */
export const uploadOf = (req: Request): ReplyUpload => uploads.get(req) ?? { files: [], tooMany: false };

/** A reply that carries files: the router leaves its body unread and its CSRF check to readReplyUpload. */
export const isReplyUpload = (req: Request): boolean =>
  req.method === 'POST' && REPLY_PATH.test(req.originalUrl.split('?')[0]!) && /^multipart\/form-data/i.test(req.get('content-type') ?? '');

/**
 * Reads a multipart reply in the reply route, after the staff member and their role are known (like the registry
 * upload): the form's `_csrf` (its first field) goes through the router's own check before a byte of a file is
 * kept, and the fields become `req.body`. An ordinary form passes untouched (the router has checked it).
 */
export function readReplyUpload(csrf: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (!isReplyUpload(req)) return next();
    receive(req, res, csrf).then((got) => {
      if (!got) return;
      uploads.set(req, got.upload);
      (req as { body?: unknown }).body = got.fields;
      next();
    }, next);
  };
}

type Received = { fields: Record<string, string>; upload: ReplyUpload };

/** Resolves null when the CSRF check refused (it has answered 403 itself). */
function receive(req: Request, res: Response, csrf: RequestHandler): Promise<Received | null> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: ReplyFile[] = [];
    const reading: Promise<void>[] = [];
    let verified = false;
    let refused = false;
    let tooMany = false;
    let accepted = 0;
    const check = (token: string | undefined): boolean => {
      const passed = csrfPasses(req, res, csrf, token);
      if (!passed) {
        refused = true;
        req.unpipe();
        req.resume();
        resolve(null);
      }
      return passed;
    };
    if (req.get('x-csrf-token') && !(verified = check(undefined))) return;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers, defParamCharset: 'utf8',
        limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES + 1, fields: 20, fieldSize: 32 * 1024, fieldNameSize: 100, parts: 40 },
      });
    } catch {
      return resolve({ fields, upload: { files, tooMany } });
    }
    parser.on('field', (name, value) => {
      if (refused) return;
      if (name === '_csrf' && !verified) verified = check(value);
      if (!(name in fields)) fields[name] = value;
    });
    parser.on('file', (name, file, info) => {
      if (refused || (!verified && !(verified = check(undefined))) || name !== 'files' || !info.filename) {
        file.resume();
        return;
      }
      if ((accepted += 1) > MAX_FILES) {
        tooMany = true;
        file.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let tooLarge = false;
      file.on('data', (chunk: Buffer) => { if (!tooLarge) chunks.push(chunk); });
      // busboy stops the part at the limit and reads on: the rest of the form still arrives.
      file.on('limit', () => { tooLarge = true; chunks.length = 0; });
      const fileName = info.filename.split(/[\\/]/).pop() || 'file';
      reading.push(new Promise((done) => file.once('end', () => { files.push({ name: fileName, data: Buffer.concat(chunks), tooLarge }); done(); })));
    });
    const finish = (wait: boolean) => {
      if (refused || (!verified && !check(undefined))) return;
      (wait ? Promise.all(reading) : Promise.resolve()).then(() => resolve({ fields, upload: { files, tooMany } }), reject);
    };
    parser.on('close', () => finish(true));
    // A broken body: what arrived is answered for (a reply without its text is refused by the workflow).
    parser.on('error', () => {
      req.unpipe();
      req.resume();
      finish(false);
    });
    req.pipe(parser);
  });
}
