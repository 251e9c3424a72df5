import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

/**
 * A local MAX Bot API (OpenAPI «Max Bot API» 0.0.32) on 127.0.0.1: the token in `Authorization` (401
 * `verify.token` otherwise), GET /me, POST /messages?chat_id|user_id, POST /answers?callback_id, GET|POST|DELETE
 * /subscriptions, GET /updates long polling by marker, POST /uploads?type → an upload URL taking multipart `data`.
 * It refuses what MAX refuses (text > 4000, > 7 buttons a row, > 30 rows, a secret outside [A-Za-z0-9_-]{5,256},
 * an http webhook) and can deliver webhooks with the `X-Max-Bot-Api-Secret` header.
 */
export type FakeMaxCall = {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly authorization: string | undefined;
};
export type FakeMaxUpload = { readonly type: string; readonly name: string; readonly mime: string; readonly bytes: Buffer; readonly token: string };
export type FakeMaxSubscription = { readonly url: string; readonly update_types: readonly string[]; readonly secret?: string; readonly time: number };

export type FakeMax = {
  readonly url: string;
  /** Every API call (not uploads or file downloads), authorised or not, in arrival order. */
  readonly calls: readonly FakeMaxCall[];
  readonly uploads: readonly FakeMaxUpload[];
  readonly subscriptions: readonly FakeMaxSubscription[];
  /** Bodies of accepted POST /messages with their target. */
  readonly sent: readonly { readonly query: Readonly<Record<string, string>>; readonly body: Record<string, unknown> }[];
  /** Queues updates for GET /updates, waking a pending long poll. */
  push(...updates: unknown[]): void;
  /** After `after` more authorised API calls, the next `times` answer 429, with `Retry-After: seconds` unless null. */
  fail429(times: number, retryAfterSec?: number | null, after?: number): void;
  /** The next `times` messages with an uploaded attachment answer 400 attachment.not.ready. */
  notReady(times: number): void;
  /** Serves bytes at `<url>/files/<name>` (MAX's storage: no token needed); returns that URL. */
  serveFile(name: string, bytes: Buffer, type: string): string;
  /** POSTs an update to a webhook as MAX does; `secret` goes in X-Max-Bot-Api-Secret when given. */
  deliver(url: string, update: unknown, secret?: string): Promise<number>;
  close(): Promise<void>;
};

const SECRET = /^[a-zA-Z0-9_-]{5,256}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

/** What MAX checks of a NewMessageBody before accepting it; the first problem, or null. */
function messageProblem(body: unknown, tokens: ReadonlySet<string>): string | null {
  if (!isObject(body)) return 'proto.payload';
  const text = body.text;
  if (text !== undefined && text !== null && (typeof text !== 'string' || text.length > 4000)) return 'text.too.long';
  const attachments = Array.isArray(body.attachments) ? body.attachments : [];
  if (!text && attachments.length === 0) return 'proto.payload';
  for (const a of attachments) {
    if (!isObject(a) || !isObject(a.payload)) return 'proto.payload';
    if (a.type === 'inline_keyboard') {
      const rows = a.payload.buttons;
      if (!Array.isArray(rows) || rows.length === 0 || rows.length > 30) return 'keyboard.rows';
      let total = 0;
      for (const row of rows) {
        if (!Array.isArray(row) || row.length === 0 || row.length > 7) return 'keyboard.row';
        total += row.length;
        for (const b of row) {
          if (!isObject(b) || typeof b.text !== 'string' || b.text.length < 1 || b.text.length > 128) return 'button.text';
          if (b.type === 'callback' && (typeof b.payload !== 'string' || b.payload.length > 1024)) return 'button.payload';
          if (b.type === 'link' && (typeof b.url !== 'string' || b.url.length > 2048)) return 'button.url';
          if ((b.type === 'link' || b.type === 'request_contact') && row.length > 3) return 'keyboard.row';
        }
      }
      if (total > 210) return 'keyboard.size';
    } else if (a.type === 'file' || a.type === 'image') {
      const p = a.payload;
      const given = typeof p.token === 'string' ? [p.token] : isObject(p.photos) ? Object.values(p.photos).map((t) => (isObject(t) ? t.token : null)) : [];
      if (given.length === 0 || !given.every((t) => typeof t === 'string' && tokens.has(t))) return 'attachment.token';
    } else return 'attachment.type';
  }
  return null;
}

export async function startFakeMax(options: { readonly token: string }): Promise<FakeMax> {
  const calls: FakeMaxCall[] = [];
  const uploads: FakeMaxUpload[] = [];
  const subscriptions: FakeMaxSubscription[] = [];
  const sent: { query: Record<string, string>; body: Record<string, unknown> }[] = [];
  const updates: unknown[] = [];
  const files = new Map<string, { bytes: Buffer; type: string }>();
  const pendingUploads = new Map<string, string>();
  const tokens = new Set<string>();
  let waiters: (() => void)[] = [];
  let acked = 0;
  let seq = 0;
  let limited = 0;
  let limitAfter = 0;
  let retryAfter: number | null = 1;
  let notReady = 0;
  let url = '';

  async function upload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = pendingUploads.get(id);
    if (!type || req.method !== 'POST') return json(res, 404, { code: 'not.found', message: 'upload url unknown' });
    pendingUploads.delete(id);
    const got = await new Promise<{ name: string; mime: string; bytes: Buffer } | null>((resolve) => {
      let file: { name: string; mime: string; bytes: Buffer } | null = null;
      try {
        const parser = busboy({ headers: req.headers });
        parser.on('file', (field, stream, info) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
            if (field === 'data') file = { name: info.filename ?? '', mime: info.mimeType, bytes: Buffer.concat(chunks) };
          });
        });
        parser.on('close', () => resolve(file)).on('error', () => resolve(null));
        req.pipe(parser);
      } catch {
        resolve(null);
      }
    });
    if (!got) return json(res, 400, { code: 'upload.no.data', message: 'multipart field data expected' });
    const token = `${type}-token-${id}`;
    tokens.add(token);
    uploads.push({ type, ...got, token });
    json(res, 200, type === 'image' ? { photos: { [`p${id}`]: { token } } } : { token });
  }

  function updatesAfter(from: number, limit: number) {
    const batch = updates.slice(from, from + limit);
    return { updates: batch, marker: from + batch.length };
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, query: Record<string, string>, raw: Buffer): Promise<void> {
    let body: unknown;
    try { body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined; } catch { return json(res, 400, { code: 'proto.payload', message: 'not JSON' }); }
    const authorization = req.headers.authorization;
    calls.push({ method: req.method ?? '', path, query, body, authorization });
    if (authorization !== options.token) return json(res, 401, { code: 'verify.token', message: 'Invalid access_token' });
    if (limited > 0 && limitAfter > 0) limitAfter -= 1;
    else if (limited > 0) {
      limited -= 1;
      return json(res, 429, { code: 'too.many.requests', message: 'Too many requests' }, retryAfter === null ? {} : { 'retry-after': String(retryAfter) });
    }
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /me': return json(res, 200, { user_id: 1000, first_name: 'FamilyPay', username: 'familypay_bot', is_bot: true, last_activity_time: Date.now() });
      case 'POST /messages': {
        if (!query.chat_id && !query.user_id) return json(res, 400, { code: 'proto.payload', message: 'chat_id or user_id' });
        const problem = messageProblem(body, tokens);
        if (problem) return json(res, 400, { code: problem, message: 'Invalid message' });
        const withFile = (body as { attachments?: { type: string }[] }).attachments?.some((a) => a.type !== 'inline_keyboard');
        if (withFile && notReady > 0) {
          notReady -= 1;
          return json(res, 400, { code: 'attachment.not.ready', message: 'Key: errors.process.attachment.file.not.processed' });
        }
        sent.push({ query, body: body as Record<string, unknown> });
        seq += 1;
        return json(res, 200, { message: { recipient: { chat_id: Number(query.chat_id ?? 0), chat_type: 'dialog' }, timestamp: Date.now(), body: { mid: `mid.${seq}`, seq, ...(body as object) } } });
      }
      case 'POST /answers':
        if (!query.callback_id) return json(res, 400, { code: 'proto.payload', message: 'callback_id' });
        return json(res, 200, { success: true });
      case 'GET /subscriptions': return json(res, 200, { subscriptions: subscriptions.map(({ secret: _s, ...s }) => s) });
      case 'POST /subscriptions': {
        if (!isObject(body) || typeof body.url !== 'string' || !body.url.startsWith('https://')) return json(res, 400, { code: 'proto.payload', message: 'https url expected' });
        if (body.secret !== undefined && (typeof body.secret !== 'string' || !SECRET.test(body.secret))) return json(res, 400, { code: 'proto.payload', message: 'secret' });
        const i = subscriptions.findIndex((s) => s.url === body.url);
        if (i >= 0) subscriptions.splice(i, 1);
        subscriptions.push({ url: body.url, update_types: Array.isArray(body.update_types) ? body.update_types as string[] : [], ...(typeof body.secret === 'string' ? { secret: body.secret } : {}), time: Date.now() });
        return json(res, 200, { success: true });
      }
      case 'DELETE /subscriptions': {
        const i = subscriptions.findIndex((s) => s.url === query.url);
        if (i >= 0) subscriptions.splice(i, 1);
        return json(res, 200, { success: i >= 0, ...(i < 0 ? { message: 'not subscribed' } : {}) });
      }
      case 'GET /updates': {
        if (subscriptions.length > 0) return json(res, 405, { code: 'method.not.allowed', message: 'webhook subscription is active' });
        if (query.marker !== undefined) acked = Math.max(acked, Number(query.marker));
        const from = acked;
        const limit = Math.min(1000, Number(query.limit ?? 100));
        const timeoutMs = Math.min(90, Number(query.timeout ?? 30)) * 1000;
        if (updates.length > from || timeoutMs === 0) return json(res, 200, updatesAfter(from, limit));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, timeoutMs);
          function done() { clearTimeout(timer); waiters = waiters.filter((w) => w !== done); resolve(); }
          waiters.push(done);
          res.on('close', done);
        });
        if (!res.writableEnded && !res.destroyed) json(res, 200, updatesAfter(from, limit));
        return;
      }
      case 'POST /uploads': {
        if (!['image', 'video', 'audio', 'file'].includes(query.type ?? '')) return json(res, 400, { code: 'proto.payload', message: 'type' });
        const id = String(pendingUploads.size + uploads.length + 1);
        pendingUploads.set(id, query.type!);
        // Video and audio get their token here; images and files in the upload's answer (dev.max.ru).
        return json(res, 200, { url: `${url}/upload/${id}`, ...(query.type === 'video' || query.type === 'audio' ? { token: `${query.type}-token-${id}` } : {}) });
      }
      default: return json(res, 404, { code: 'not.found', message: `no method ${route}` });
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const parsed = new URL(req.url ?? '/', 'http://fake');
      const path = parsed.pathname.replace(/\/+$/, '') || '/';
      if (path.startsWith('/files/')) {
        const file = files.get(decodeURIComponent(path.slice('/files/'.length)));
        if (!file) return json(res, 404, { code: 'not.found', message: 'no file' });
        res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.bytes.length) }).end(file.bytes);
        return;
      }
      if (path.startsWith('/upload/')) return upload(path.slice('/upload/'.length), req, res);
      const raw = await readBody(req);
      await api(req, res, path, Object.fromEntries(parsed.searchParams), raw);
    })().catch(() => { if (!res.headersSent) json(res, 500, { code: 'internal', message: 'fake failed' }); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url, calls, uploads, subscriptions, sent,
    push(...more) {
      updates.push(...more);
      for (const wake of [...waiters]) wake();
    },
    fail429(times, seconds = 1, after = 0) { limited = times; retryAfter = seconds; limitAfter = after; },
    notReady(times) { notReady = times; },
    serveFile(name, bytes, type) {
      files.set(name, { bytes, type });
      return `${url}/files/${encodeURIComponent(name)}`;
    },
    async deliver(target, update, secret) {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-max-bot-api-secret': secret }) },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      return res.status;
    },
    async close() {
      for (const wake of [...waiters]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
