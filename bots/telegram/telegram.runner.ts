import { setTimeout as sleep } from 'node:timers/promises';
import type { Update } from 'grammy/types';
import type { BotConnection, ChannelSender, ConnectionStore, FileStore } from '../../dialogs/channel.port.ts';
import type { ChatPace } from './chat-pace.ts';
import { makeBotCache, type TelegramBotHandle, type TelegramClientOptions } from './telegram.bot.ts';
import { handleTelegramUpdate, type TelegramInboundDeps } from './telegram.inbound.ts';
import { makeTelegramSender } from './telegram.sender.ts';

/** Only what the dialogs read; Telegram then does not even send the rest. */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** Tries of one update in polling mode before it is skipped, so one bad update cannot stop a bot for good. */
const POLL_UPDATE_TRIES = 3;

export type StartTelegramDeps = TelegramInboundDeps & {
  readonly connections: ConnectionStore;
  readonly files: FileStore;
  /** PUBLIC_URL: https → webhooks; anything else (a laptop) → long polling. */
  readonly publicUrl: string | null | undefined;
  readonly fetch?: typeof fetch;
  readonly apiRoot?: string;
  readonly pace?: ChatPace;
  /** getUpdates' long-poll timeout (Telegram allows up to 50 s). */
  readonly pollTimeoutSeconds?: number;
  /** Pause after a failed getUpdates or update. */
  readonly pollErrorPauseMs?: number;
};

export type TelegramRunning = { readonly senders: Map<string, ChannelSender>; stop(): Promise<void> };

/** Starts every active Telegram connection: a webhook registration or a polling loop each. */
export async function startTelegram(deps: StartTelegramDeps): Promise<TelegramRunning> {
  const client: TelegramClientOptions = { ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  const botFor = makeBotCache(client);
  const sender = makeTelegramSender(deps.connections, deps.files, { ...client, ...(deps.pace ? { pace: deps.pace } : {}) });
  const senders = new Map<string, ChannelSender>();
  const stopping = new AbortController();
  const loops: Promise<void>[] = [];
  const webhookBase = deps.publicUrl?.startsWith('https://') ? deps.publicUrl.replace(/\/+$/, '') : null;

  for (const connection of await deps.connections.list('telegram')) {
    if (!connection.active) continue;
    senders.set(connection.id, sender);
    const handle = botFor(connection);
    try {
      if (webhookBase) {
        const url = `${webhookBase}/hooks/telegram/${connection.id}`;
        await handle.bot.api.setWebhook(url, { secret_token: connection.webhookSecret, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] });
        await deps.connections.reportState(connection.id, 'webhook', url);
      } else {
        // A webhook left from a deployment would make getUpdates fail with 409.
        await handle.bot.api.deleteWebhook({ drop_pending_updates: false });
        await deps.connections.reportState(connection.id, 'polling');
        loops.push(poll(deps, connection, handle, stopping.signal));
      }
    } catch (error) {
      const code = (error as { error_code?: unknown }).error_code;
      const detail = `TELEGRAM.START_FAILED: ${typeof code === 'number' ? code : 'network'}`;
      deps.logger.warn({ connectionId: connection.id, code: detail }, 'telegram connection not started');
      await deps.connections.reportState(connection.id, 'error', detail);
    }
  }
  return {
    senders,
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

/** Long polling: updates are handled one at a time in update_id order; the offset moves only past handled ones. */
async function poll(deps: StartTelegramDeps, connection: BotConnection, handle: TelegramBotHandle, signal: AbortSignal): Promise<void> {
  const pauseMs = deps.pollErrorPauseMs ?? 1000;
  let offset = 0;
  while (!signal.aborted) {
    let updates: Update[];
    try {
      const options = { offset, timeout: deps.pollTimeoutSeconds ?? 25, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] };
      // grammY types its signal with the abort-controller package; it only calls addEventListener on it.
      updates = await handle.bot.api.getUpdates(options, signal as unknown as Parameters<typeof handle.bot.api.getUpdates>[1]);
    } catch (error) {
      if (signal.aborted) break;
      deps.logger.warn({ connectionId: connection.id, code: (error as { error_code?: unknown }).error_code ?? 'network' }, 'telegram getUpdates failed');
      await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
      continue;
    }
    for (const update of updates) {
      await handleWithTries(deps, connection, handle, update, pauseMs);
      offset = update.update_id + 1;
    }
  }
}

async function handleWithTries(deps: StartTelegramDeps, connection: BotConnection, handle: TelegramBotHandle, update: Update, pauseMs: number) {
  for (let attempt = 1; ; attempt++) {
    try {
      const handled = await handleTelegramUpdate(deps, connection, handle, update);
      void handled.after;
      return;
    } catch (error) {
      deps.logger.error({ connectionId: connection.id, updateId: update.update_id, attempt, err: error }, 'telegram update not handled');
      if (attempt >= POLL_UPDATE_TRIES) return;
      await sleep(pauseMs);
    }
  }
}
