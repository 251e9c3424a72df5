import { GrammyError, InputFile, type Bot } from 'grammy';
import { RetryAfterError, type BotConnection, type ChannelSender, type ConnectionStore, type FileStore, type OutboundMessage } from '../../dialogs/channel.port.ts';
import { makeChatPace, type ChatPace } from './chat-pace.ts';
import { makeBotCache, type TelegramClientOptions } from './telegram.bot.ts';
import { renderTelegram, uploadFallback, type TelegramCall } from './telegram.renderer.ts';

/** Codes a queue recognises these outcomes by (STYLE.md «Errors»: by code, never instanceof). */
export const TELEGRAM_CODES = {
  /** The resident blocked the bot or deleted the account: nothing can be delivered; the caller may use another channel. */
  blocked: 'TELEGRAM.BLOCKED',
  /** Telegram refused the call (bad request, revoked token): retrying the same call cannot help. */
  rejected: 'TELEGRAM.REJECTED',
  /** The message names no active Telegram connection. */
  noConnection: 'TELEGRAM.NO_CONNECTION',
} as const;

export type TelegramSendResult = { readonly status: 'sent'; readonly calls: number } | { readonly status: 'blocked'; readonly code: typeof TELEGRAM_CODES.blocked };

/** A permanent failure: the worker turns it into BullMQ's UnrecoverableError. */
export class TelegramSendError extends Error {
  readonly permanent = true;
  constructor(readonly code: typeof TELEGRAM_CODES.rejected | typeof TELEGRAM_CODES.noConnection, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'TelegramSendError';
  }
}

export type SendDeps = {
  readonly bot: Bot;
  readonly connection: BotConnection;
  readonly connections: ConnectionStore;
  readonly files: FileStore;
  readonly pace: ChatPace;
  /** Calls of a message already delivered, by message key: a retried job resumes instead of repeating them. */
  readonly progress?: Map<string, number>;
};

const PROGRESS_MAX = 1000;

/** Renders and sends one message, one paced call at a time, translating Telegram's errors once, here. */
export async function sendTelegramMessage(deps: SendDeps, message: OutboundMessage): Promise<TelegramSendResult> {
  const calls = renderTelegram(message);
  const done = deps.progress?.get(message.key) ?? 0;
  for (let i = done; i < calls.length; i++) {
    await deps.pace.wait(message.chatId);
    try {
      await execute(deps, calls[i]!);
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 403) {
        deps.progress?.delete(message.key);
        await deps.connections.reportError(deps.connection.id, `${TELEGRAM_CODES.blocked}: a resident blocked the bot`);
        return { status: 'blocked', code: TELEGRAM_CODES.blocked };
      }
      if (i > 0) remember(deps.progress, message.key, i);
      throw await translated(deps, error);
    }
  }
  deps.progress?.delete(message.key);
  return { status: 'sent', calls: calls.length };
}

function remember(progress: Map<string, number> | undefined, key: string, sent: number) {
  if (!progress) return;
  progress.delete(key);
  progress.set(key, sent);
  // Oldest first: a Map iterates in insertion order.
  for (const k of progress.keys()) { if (progress.size <= PROGRESS_MAX) break; progress.delete(k); }
}

async function translated(deps: SendDeps, error: unknown): Promise<unknown> {
  if (!(error instanceof GrammyError)) return error; // network and 5xx: transient, the queue retries
  if (error.error_code === 429) return new RetryAfterError((error.parameters.retry_after ?? 1) * 1000);
  if (error.error_code >= 500) return error;
  if (error.error_code === 401 || error.error_code === 404) {
    await deps.connections.reportError(deps.connection.id, `${TELEGRAM_CODES.rejected}: the bot token was refused`);
  }
  // Telegram's description names the problem («chat not found»), never the token or the text.
  return new TelegramSendError(TELEGRAM_CODES.rejected, `${error.method} ${error.error_code} ${error.description}`);
}

async function execute(deps: SendDeps, call: TelegramCall): Promise<void> {
  const api = deps.bot.api.raw;
  if (call.method === 'sendMessage') {
    await api.sendMessage(call.payload);
    return;
  }
  if (!call.upload) {
    await api.sendPhoto({ ...call.payload, photo: call.payload.photo ?? '' });
    return;
  }
  const stored = await deps.files.load(call.upload.fileId);
  if (!stored) {
    await api.sendMessage(uploadFallback({ payload: call.payload, upload: call.upload }));
    return;
  }
  // grammY writes the name unquoted into the multipart header: keep it to one harmless line.
  const file = new InputFile(stored.data, call.upload.name.replace(/[\r\n";\\]/g, '_'));
  if (call.method === 'sendDocument') await api.sendDocument({ ...call.payload, document: file });
  else await api.sendPhoto({ ...call.payload, photo: file });
}

export type TelegramSenderOptions = TelegramClientOptions & {
  /** One gate per process, shared by every bot: a chat is one chat whichever message goes to it. */
  readonly pace?: ChatPace;
  readonly onBlocked?: (message: OutboundMessage) => void | Promise<void>;
};

/** The ChannelSender for topic `outbound.telegram`: finds the message's connection and sends with its bot. */
export function makeTelegramSender(connections: ConnectionStore, files: FileStore, options: TelegramSenderOptions = {}): ChannelSender {
  const pace = options.pace ?? makeChatPace();
  const botFor = makeBotCache(options);
  const progress = new Map<string, number>();
  return async (message) => {
    const connection = message.connectionId ? await connections.find(message.connectionId) : null;
    if (!connection || !connection.active || connection.channel !== 'telegram') {
      throw new TelegramSendError(TELEGRAM_CODES.noConnection, `connection ${message.connectionId ?? '(none)'}`);
    }
    const result = await sendTelegramMessage({ bot: botFor(connection).bot, connection, connections, files, pace, progress }, message);
    if (result.status !== 'blocked') return;
    await options.onBlocked?.(message);
    return 'undeliverable';
  };
}
