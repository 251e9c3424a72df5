import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { BotConnection } from '../../dialogs/channel.port.ts';
import { autoRetry } from '@grammyjs/auto-retry';
import type { TelegramDownload } from './telegram-update.ts';

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** How to reach the Bot API: tests pass a fake `fetch` (STACK.md G9: grammY copies it into every Api) or apiRoot. */
export type TelegramClientOptions = {
  readonly apiRoot?: string;
  readonly fetch?: typeof fetch;
  /** Skips getMe when the bot's identity is already known (settings.username saved in admin). */
  readonly botInfo?: UserFromGetMe;
  /** Retries after a 429 inside one call; a longer wait goes back to the queue as RetryAfterError. */
  readonly maxDelaySeconds?: number;
  readonly maxRetryAttempts?: number;
};

/**
 * A grammY Bot for one connection. Only its `api` is used for sending, so no middleware is installed here.
 * A 429 is waited out in place when Telegram asks for ≤ maxDelaySeconds (the message then still goes out in
 * order); beyond that the queue holds the job, which frees the worker for other chats.
 */
export function makeTelegramBot(connection: BotConnection, options: TelegramClientOptions = {}): Bot {
  const bot = new Bot(connection.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: {
      ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
  });
  // rethrowHttpErrors: otherwise a network failure is retried forever and holds a worker slot.
  bot.api.config.use(autoRetry({ maxRetryAttempts: options.maxRetryAttempts ?? 2, maxDelaySeconds: options.maxDelaySeconds ?? 30, rethrowHttpErrors: true }));
  return bot;
}

/**
 * getFile, then the file URL, reading at most maxBytes: the size getFile reports is trusted first, the bytes
 * counted second (a file can be bigger than its announced size only if something is wrong, but memory is ours).
 * Errors never carry the URL: it holds the token.
 */
export function makeTelegramDownload(bot: Bot, connection: BotConnection, options: TelegramClientOptions = {}): TelegramDownload {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const root = options.apiRoot ?? TELEGRAM_API_ROOT;
  return async (fileId, maxBytes) => {
    const file = await bot.api.getFile(fileId);
    if (file.file_size !== undefined && file.file_size > maxBytes) return null;
    if (!file.file_path) throw new Error('TELEGRAM.FILE_UNAVAILABLE');
    let response: Response;
    try {
      response = await fetchFn(`${root}/file/bot${connection.token}/${file.file_path}`);
    } catch {
      throw new Error('TELEGRAM.DOWNLOAD_FAILED');
    }
    if (!response.ok || !response.body) throw new Error(`TELEGRAM.DOWNLOAD_FAILED: HTTP ${response.status}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      // Leaving the loop cancels the stream, so the rest is never read.
      if (total > maxBytes) return null;
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  };
}

export type TelegramBotHandle = { readonly bot: Bot; readonly download: TelegramDownload };

/** One Bot per connection, made again when its token changes (admin replaced it). */
export function makeBotCache(options: TelegramClientOptions = {}): (connection: BotConnection) => TelegramBotHandle {
  const cache = new Map<string, { readonly token: string; readonly handle: TelegramBotHandle }>();
  return (connection) => {
    const cached = cache.get(connection.id);
    if (cached?.token === connection.token) return cached.handle;
    const bot = makeTelegramBot(connection, options);
    const handle = { bot, download: makeTelegramDownload(bot, connection, options) };
    cache.set(connection.id, { token: connection.token, handle });
    return handle;
  };
}
