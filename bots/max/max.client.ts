import { setTimeout as sleepFor } from 'node:timers/promises';
import { RetryAfterError } from '../../dialogs/channel.port.ts';
import { MaxApiError, MaxUnavailableError, apiCodeOf } from './max.errors.ts';
import { limiterForToken, type RateLimiter } from './max-limiter.ts';
import type {
  MaxCallbackAnswer, MaxNewMessage, MaxSubscription, MaxTarget, MaxUpdateList, MaxUploadedPayload,
} from './max.types.ts';

export const MAX_DEFAULT_BASE_URL = 'https://platform-api.max.ru';

export type MaxClientOptions = {
  readonly token: string;
  /** The API root; MAX has moved hosts before (botapi → platform-api → platform-api2), so it is a setting. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Defaults to the process-wide bucket of this token (≤ 30 requests in any second). */
  readonly limiter?: RateLimiter;
  readonly timeoutMs?: number;
  /** Waits between tries of a message whose upload MAX is still processing (tests pass a fast one). */
  readonly sleep?: (ms: number) => Promise<void>;
};

export type MaxFileType = 'file' | 'image';

export type MaxClient = {
  getMe(): Promise<{ readonly user_id: number; readonly username?: string | null }>;
  /** Returns the new message's `mid` when MAX gives it. */
  sendMessage(to: MaxTarget, body: MaxNewMessage): Promise<{ readonly mid: string | null }>;
  answerCallback(callbackId: string, answer: MaxCallbackAnswer): Promise<void>;
  subscribe(url: string, updateTypes: readonly string[], secret: string): Promise<void>;
  unsubscribe(url: string): Promise<void>;
  getSubscriptions(): Promise<readonly MaxSubscription[]>;
  getUpdates(params: { marker?: number | null; timeoutSec?: number; limit?: number; types?: readonly string[] }, signal?: AbortSignal): Promise<MaxUpdateList>;
  /** POST /uploads?type=…, then the bytes as multipart field `data` to the URL it gave; the payload to attach. */
  uploadFile(type: MaxFileType, data: Buffer, name: string, mime?: string): Promise<MaxUploadedPayload>;
  /** Sends an uploaded file, waiting out `attachment.not.ready` while MAX processes it. */
  sendFile(to: MaxTarget, file: { type: MaxFileType; payload: MaxUploadedPayload; caption?: string }): Promise<{ readonly mid: string | null }>;
};

const DEFAULT_TIMEOUT_MS = 15_000;
const UPLOAD_TIMEOUT_MS = 60_000;
// dev.max.ru: sending right after an upload may answer attachment.not.ready; try again with growing pauses.
const NOT_READY_PAUSES_MS = [500, 1000, 2000, 4000, 8000];

type Query = Readonly<Record<string, string | number | null | undefined>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Seconds or an HTTP date, as RFC 9110 allows; MAX's 429 without the header waits 1 s. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  const value = header?.trim() ?? '';
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

/** Maps an HTTP answer onto the adapter's errors; returns the parsed JSON of a 2xx answer. */
async function answerOf(operation: string, res: Response): Promise<unknown> {
  let text: string;
  try {
    text = await res.text();
  } catch (cause) {
    throw new MaxUnavailableError(operation, 'answer cut off', { cause });
  }
  const json = parseJson(text);
  if (res.status === 429) throw new RetryAfterError(retryAfterMs(res.headers.get('retry-after')), `MAX ${operation} rate limited`);
  if (res.status >= 500) throw new MaxUnavailableError(operation, `HTTP ${res.status}`);
  if (res.status >= 400) throw new MaxApiError(operation, res.status, apiCodeOf(json));
  if (res.status >= 300 || json === undefined) throw new MaxUnavailableError(operation, `HTTP ${res.status} without JSON`);
  return json;
}

const successOrThrow = (operation: string, json: unknown): void => {
  if (isObject(json) && json.success === false) throw new MaxApiError(operation, 200, 'not.successful');
};

const midOf = (json: unknown): string | null => {
  const body = isObject(json) && isObject(json.message) && isObject(json.message.body) ? json.message.body : null;
  return typeof body?.mid === 'string' ? body.mid : null;
};

const targetQuery = (to: MaxTarget): Query => ('chat_id' in to ? { chat_id: String(to.chat_id) } : { user_id: String(to.user_id) });

export function makeMaxClient(options: MaxClientOptions): MaxClient {
  const base = (options.baseUrl ?? MAX_DEFAULT_BASE_URL).replace(/\/*$/, '/');
  const send = options.fetch ?? globalThis.fetch;
  const limiter = options.limiter ?? limiterForToken(options.token);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));

  async function call(method: string, path: string, init: { query?: Query; body?: unknown; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<unknown> {
    const operation = `${method} /${path}`;
    await limiter.take(init.signal);
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(init.query ?? {})) if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    const timeout = AbortSignal.timeout(init.timeoutMs ?? timeoutMs);
    let res: Response;
    try {
      res = await send(url, {
        method,
        // MAX takes the bare token in Authorization; the access_token query parameter is no longer accepted.
        headers: { authorization: options.token, accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      });
    } catch (cause) {
      if (init.signal?.aborted) throw cause;
      throw new MaxUnavailableError(operation, 'no answer (network error or timeout)', { cause });
    }
    return answerOf(operation, res);
  }

  async function upload(type: MaxFileType, data: Buffer, name: string, mime: string | undefined): Promise<MaxUploadedPayload> {
    const endpoint = await call('POST', 'uploads', { query: { type } });
    if (!isObject(endpoint) || typeof endpoint.url !== 'string') throw new MaxUnavailableError('POST /uploads', 'answer without url');
    const form = new FormData();
    form.append('data', new Blob([new Uint8Array(data)], { type: mime ?? 'application/octet-stream' }), name);
    let res: Response;
    try {
      // The upload host is MAX's storage (fu.oneme.ru…), not the API: the URL authorises the upload, the token stays home.
      res = await send(endpoint.url, { method: 'POST', body: form, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
    } catch (cause) {
      throw new MaxUnavailableError('POST upload', 'no answer (network error or timeout)', { cause });
    }
    const uploaded = await answerOf('POST upload', res);
    if (isObject(uploaded) && isObject(uploaded.photos)) return { photos: uploaded.photos as Record<string, { token: string }> };
    const token = isObject(uploaded) && typeof uploaded.token === 'string' ? uploaded.token : endpoint.token;
    if (typeof token !== 'string') throw new MaxUnavailableError('POST upload', 'answer without token');
    return { token };
  }

  const client: MaxClient = {
    async getMe() {
      const me = await call('GET', 'me');
      if (!isObject(me) || typeof me.user_id !== 'number') throw new MaxUnavailableError('GET /me', 'answer without user_id');
      return { user_id: me.user_id, username: typeof me.username === 'string' ? me.username : null };
    },
    async sendMessage(to, body) {
      return { mid: midOf(await call('POST', 'messages', { query: targetQuery(to), body })) };
    },
    async answerCallback(callbackId, answer) {
      successOrThrow('POST /answers', await call('POST', 'answers', { query: { callback_id: callbackId }, body: answer }));
    },
    async subscribe(url, updateTypes, secret) {
      successOrThrow('POST /subscriptions', await call('POST', 'subscriptions', { body: { url, update_types: updateTypes, secret } }));
    },
    async unsubscribe(url) {
      successOrThrow('DELETE /subscriptions', await call('DELETE', 'subscriptions', { query: { url } }));
    },
    async getSubscriptions() {
      const json = await call('GET', 'subscriptions');
      return isObject(json) && Array.isArray(json.subscriptions) ? (json.subscriptions as MaxSubscription[]) : [];
    },
    async getUpdates(params, signal) {
      const timeoutSec = params.timeoutSec ?? 30;
      const json = await call('GET', 'updates', {
        query: { marker: params.marker, timeout: timeoutSec, limit: params.limit ?? 100, types: params.types?.join(',') },
        signal,
        // The server holds the request up to `timeout` seconds before answering an empty list.
        timeoutMs: timeoutSec * 1000 + timeoutMs,
      });
      if (!isObject(json) || !Array.isArray(json.updates)) throw new MaxUnavailableError('GET /updates', 'answer without updates');
      return { updates: json.updates, marker: typeof json.marker === 'number' ? json.marker : null };
    },
    uploadFile: (type, data, name, mime) => upload(type, data, name, mime),
    async sendFile(to, file) {
      const body: MaxNewMessage = { ...(file.caption ? { text: file.caption } : {}), attachments: [{ type: file.type, payload: file.payload }] };
      for (let attempt = 0; ; attempt++) {
        try {
          return await client.sendMessage(to, body);
        } catch (error) {
          const notReady = error instanceof MaxApiError && error.apiCode === 'attachment.not.ready';
          const pause = NOT_READY_PAUSES_MS[attempt];
          if (!notReady || pause === undefined) throw error;
          await sleep(pause);
        }
      }
    },
  };
  return client;
}
