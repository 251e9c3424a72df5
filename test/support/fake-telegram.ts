import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';

/**
 * A local Telegram Bot API: `${apiRoot}/bot<token>/<method>` with JSON or multipart/form-data bodies (grammY sends
 * InputFile uploads as multipart) and `${apiRoot}/file/bot<token>/<path>` downloads. Use it as grammY's
 * `client.fetch` (STACK.md G9) or over HTTP after listen(). Answers have the real shape: `{ok, result}` or
 * `{ok:false, error_code, description, parameters?}` with the matching HTTP status.
 */
export type RecordedCall = {
  readonly token: string;
  readonly method: string;
  /** Multipart fields as sent (JSON-looking values parsed); an uploaded file becomes `{filename, size}`. */
  readonly payload: Record<string, unknown>;
  /** performance.now() when the call arrived. */
  readonly at: number;
  /** The error code answered, or 200. */
  readonly status: number;
};

export type UploadedFile = { readonly filename: string; readonly size: number };

export type FakeTelegram = {
  /** Where grammY should send calls; a made-up origin until listen(). */
  readonly apiRoot: string;
  readonly fetch: typeof fetch;
  readonly calls: readonly RecordedCall[];
  /** Calls of one method that Telegram accepted. */
  accepted(method: string): RecordedCall[];
  pushUpdates(...updates: Update[]): void;
  /** Stores bytes to be fetched with getFile and the file URL; returns the file_id. */
  addFile(bytes: Buffer, options?: { readonly announcedSize?: number }): string;
  /** The next `times` calls (of `method`, or any) answer 429 with this retry_after. */
  rateLimit(retryAfterSeconds: number, times?: number, method?: string): void;
  /** Sends to this chat answer 403 «bot was blocked by the user». */
  block(chatId: string | number): void;
  listen(): Promise<string>;
  close(): Promise<void>;
};

type Answer = { readonly status: number; readonly body: Buffer | string; readonly type: string };

const ok = (result: unknown): Answer => ({ status: 200, body: JSON.stringify({ ok: true, result }), type: 'application/json' });
const fail = (code: number, description: string, parameters?: object): Answer => ({
  status: code, body: JSON.stringify({ ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) }), type: 'application/json',
});

const SEND_METHODS = new Set(['sendMessage', 'sendDocument', 'sendPhoto']);

export function makeFakeTelegram(options: { readonly token?: string } = {}): FakeTelegram {
  const calls: RecordedCall[] = [];
  const files = new Map<string, { bytes: Buffer; announcedSize: number; path: string }>();
  const blocked = new Set<string>();
  const limits: { method?: string; retryAfter: number; left: number }[] = [];
  let updates: Update[] = [];
  let wake: (() => void) | null = null;
  let messageId = 1;
  let server: Server | null = null;
  const fake = { apiRoot: 'http://fake-telegram.invalid' };

  async function answer(pathname: string, body: Buffer, contentType: string, signal?: AbortSignalLike): Promise<Answer> {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(pathname);
    if (download) {
      const file = [...files.values()].find((f) => f.path === download[2]);
      return file ? { status: 200, body: file.bytes, type: 'application/octet-stream' } : fail(404, 'Not Found');
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(pathname);
    if (!match) return fail(404, 'Not Found');
    const [, token, method] = match as unknown as [string, string, string];
    const payload = parseBody(body, contentType);
    const record = (status: number) => calls.push({ token, method, payload, at: performance.now(), status });
    if (options.token && token !== options.token) { record(401); return fail(401, 'Unauthorized'); }
    const limit = limits.find((l) => l.left > 0 && (!l.method || l.method === method));
    if (limit) {
      limit.left -= 1;
      record(429);
      return fail(429, `Too Many Requests: retry after ${limit.retryAfter}`, { retry_after: limit.retryAfter });
    }
    if (SEND_METHODS.has(method) && !/^-?\d+$/.test(String(payload.chat_id ?? ''))) { record(400); return fail(400, 'Bad Request: chat not found'); }
    if (SEND_METHODS.has(method) && blocked.has(String(payload.chat_id))) { record(403); return fail(403, 'Forbidden: bot was blocked by the user'); }
    if (method === 'getUpdates') {
      record(200); // on arrival: a test sees the offset of the long poll under way
      return ok(await nextUpdates(Number(payload.offset ?? 0), Number(payload.timeout ?? 0), signal));
    }
    const result = resultOf(method, payload, token);
    record(result.status);
    return result;
  }

  function resultOf(method: string, payload: Record<string, unknown>, token: string): Answer {
    switch (method) {
      case 'getMe': return ok({ id: Number(token.split(':')[0]) || 1, is_bot: true, first_name: 'FamilyPay', username: 'familypay_test_bot',
        can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false });
      case 'sendMessage': case 'sendDocument': case 'sendPhoto': {
        if (method === 'sendMessage' && !String(payload.text ?? '').trim()) return fail(400, 'Bad Request: message text is empty');
        if (method === 'sendMessage' && String(payload.text).length > 4096) return fail(400, 'Bad Request: message is too long');
        return ok({ message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(payload.chat_id), type: 'private' }, ...(payload.text ? { text: payload.text } : {}) });
      }
      case 'answerCallbackQuery': case 'setWebhook': case 'deleteWebhook': return ok(true);
      case 'getFile': {
        const file = files.get(String(payload.file_id));
        return file ? ok({ file_id: payload.file_id, file_unique_id: `u${payload.file_id}`, file_size: file.announcedSize, file_path: file.path })
          : fail(400, 'Bad Request: invalid file_id');
      }
      default: return fail(404, 'Not Found: method not found');
    }
  }

  /** Long polling: answers at once when updates wait, else when one is pushed, the timeout passes or the call is aborted. */
  async function nextUpdates(offset: number, timeoutSeconds: number, signal?: AbortSignalLike): Promise<Update[]> {
    if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
    if (updates.length === 0 && timeoutSeconds > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(done, timeoutSeconds * 1000);
        const abort = () => { clearTimeout(timer); wake = null; reject(Object.assign(new Error('aborted'), { name: 'AbortError' })); };
        function done() { clearTimeout(timer); wake = null; signal?.removeEventListener('abort', abort); resolve(); }
        wake = done;
        if (signal?.aborted) abort(); else signal?.addEventListener('abort', abort);
      });
    }
    return updates.slice(0, 100);
  }

  const fetchFn = async (input: string | URL | Request, init?: RequestInit & { signal?: AbortSignalLike }): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headers = new Headers(init?.headers as HeadersInit | undefined);
    const result = await answer(url.pathname, await readBody(init?.body), headers.get('content-type') ?? '', init?.signal ?? undefined);
    return new Response(typeof result.body === 'string' ? result.body : new Uint8Array(result.body), { status: result.status, headers: { 'content-type': result.type } });
  };

  return {
    get apiRoot() { return fake.apiRoot; },
    fetch: fetchFn as typeof fetch,
    calls,
    accepted: (method) => calls.filter((c) => c.method === method && c.status === 200),
    pushUpdates(...pushed) { updates.push(...pushed); wake?.(); },
    addFile(bytes, fileOptions = {}) {
      const id = `file${files.size + 1}`;
      files.set(id, { bytes, announcedSize: fileOptions.announcedSize ?? bytes.length, path: `documents/${id}.bin` });
      return id;
    },
    rateLimit(retryAfter, times = 1, method) { limits.push({ retryAfter, left: times, ...(method ? { method } : {}) }); },
    block(chatId) { blocked.add(String(chatId)); },
    async listen() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
          const aborted = new AbortController();
          res.on('close', () => { if (!res.writableFinished) aborted.abort(); });
          void answer(new URL(req.url ?? '/', 'http://x').pathname, Buffer.concat(chunks), req.headers['content-type'] ?? '', aborted.signal)
            .then((a) => res.writeHead(a.status, { 'content-type': a.type }).end(a.body), () => res.destroy());
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      fake.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return fake.apiRoot;
    },
    async close() {
      wake?.();
      if (server) await new Promise<void>((resolve) => { server!.closeAllConnections(); server!.close(() => resolve()); });
    },
  };
}

type AbortSignalLike = { readonly aborted: boolean; addEventListener(t: 'abort', l: () => void): void; removeEventListener(t: 'abort', l: () => void): void };

async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** JSON, or multipart as grammY writes it (`content-disposition:form-data;name="x";filename=y`, fields then files). */
function parseBody(body: Buffer, contentType: string): Record<string, unknown> {
  if (body.length === 0) return {};
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  const uploads = new Map<string, UploadedFile>();
  for (const part of body.toString('latin1').split(`--${boundary}`).slice(1, -1)) {
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.slice(0, headEnd);
    const content = part.slice(headEnd + 4).replace(/\r\n$/, '');
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
    const filename = /filename="?([^";\r\n]*)/i.exec(head)?.[1];
    if (filename !== undefined) {
      uploads.set(name, { filename: Buffer.from(filename, 'latin1').toString('utf8'), size: Buffer.byteLength(content, 'latin1') });
      continue;
    }
    const text = Buffer.from(content, 'latin1').toString('utf8');
    fields[name] = parseJsonish(text);
  }
  for (const [key, value] of Object.entries(fields)) {
    const attached = typeof value === 'string' && value.startsWith('attach://') ? uploads.get(value.slice(9)) : undefined;
    if (attached) fields[key] = attached;
  }
  return fields;
}

function parseJsonish(text: string): unknown {
  if (!/^[[{]/.test(text)) return text;
  try { return JSON.parse(text); } catch { return text; }
}

// Builders of the updates Telegram sends, for pushUpdates and for posting to the webhook.

let lastUpdateId = 500_000;

export type Who = {
  readonly userId?: number;
  readonly chatId?: number;
  readonly languageCode?: string;
  readonly chatType?: 'private' | 'group' | 'supergroup';
  readonly updateId?: number;
};

const USER_ID = 7_100_200_300;

function messageUpdate(who: Who, content: Record<string, unknown>): Update {
  const userId = who.userId ?? USER_ID;
  const chatId = who.chatId ?? userId;
  const from = { id: userId, is_bot: false, first_name: 'Анна', language_code: who.languageCode ?? 'ru' };
  const chat = (who.chatType ?? 'private') === 'private' ? { id: chatId, type: 'private', first_name: 'Анна' } : { id: chatId, type: who.chatType, title: 'Дом 5' };
  return { update_id: who.updateId ?? ++lastUpdateId, message: { message_id: lastUpdateId, date: Math.floor(Date.now() / 1000), chat, from, ...content } } as unknown as Update;
}

export const textUpdate = (text: string, who: Who = {}): Update => messageUpdate(who, { text });

/** `commandUpdate('/start', 'abc')` is what a deep link t.me/bot?start=abc sends. */
export const commandUpdate = (command: string, arg?: string, who: Who = {}): Update => {
  const text = arg ? `${command} ${arg}` : command;
  return messageUpdate(who, { text, entities: [{ type: 'bot_command', offset: 0, length: command.length }] });
};

export const contactUpdate = (phone: string, options: Who & { readonly own?: boolean } = {}): Update => {
  const userId = options.userId ?? USER_ID;
  return messageUpdate(options, { contact: { phone_number: phone, first_name: 'Анна', ...(options.own === false ? {} : { user_id: userId }) } });
};

export const photoUpdate = (sizes: readonly { fileId: string; width: number; height: number; size?: number }[], who: Who & { readonly caption?: string } = {}): Update =>
  messageUpdate(who, {
    photo: sizes.map((s) => ({ file_id: s.fileId, file_unique_id: `u${s.fileId}`, width: s.width, height: s.height, ...(s.size !== undefined ? { file_size: s.size } : {}) })),
    ...(who.caption !== undefined ? { caption: who.caption } : {}),
  });

export const documentUpdate = (file: { fileId: string; name: string; mime: string; size?: number }, who: Who & { readonly caption?: string } = {}): Update =>
  messageUpdate(who, {
    document: { file_id: file.fileId, file_unique_id: `u${file.fileId}`, file_name: file.name, mime_type: file.mime, ...(file.size !== undefined ? { file_size: file.size } : {}) },
    ...(who.caption !== undefined ? { caption: who.caption } : {}),
  });

/** A button press under one of the bot's messages in the chat. */
export const callbackUpdate = (data: string, who: Who = {}): Update => {
  const userId = who.userId ?? USER_ID;
  const chatId = who.chatId ?? userId;
  const chat = (who.chatType ?? 'private') === 'private' ? { id: chatId, type: 'private', first_name: 'Анна' } : { id: chatId, type: who.chatType, title: 'Дом 5' };
  return {
    update_id: who.updateId ?? ++lastUpdateId,
    callback_query: {
      id: `cb${lastUpdateId}`, chat_instance: 'ci1', data,
      from: { id: userId, is_bot: false, first_name: 'Анна', language_code: who.languageCode ?? 'ru' },
      message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, text: 'menu' },
    },
  } as unknown as Update;
};
