import { setTimeout as sleepFor } from 'node:timers/promises';
import { RetryAfterError, type BotConnection, type ChannelSender, type ConnectionStore, type FileStore } from '../../dialogs/channel.port.ts';
import { makeDownload, type Download } from './max-download.ts';
import { MAX_SECRET_SHAPE, clientForConnection, type MaxClientSettings } from './max-connection.ts';
import type { MaxClient } from './max.client.ts';
import { MaxApiError } from './max.errors.ts';
import { handleMaxUpdate, type MaxInboundDeps } from './max.inbound.ts';
import { makeMaxSender } from './max.sender.ts';
import { MAX_UPDATE_TYPES } from './max.types.ts';

export type MaxRunnerDeps = MaxInboundDeps & MaxClientSettings & {
  readonly connections: ConnectionStore;
  /** https: MAX calls our webhook; anything else (a laptop): we long-poll GET /updates. */
  readonly publicUrl: string;
  readonly files: FileStore;
  /** Seconds MAX holds an empty long poll (≤ 90; default 30). */
  readonly pollTimeoutSec?: number;
  /** First pause after a failure, doubled up to 30 s (default 1 s). */
  readonly retryPauseMs?: number;
};

export type MaxRunner = {
  /** The connections' sender, for the `outbound.max` queue of this process. */
  readonly send: ChannelSender;
  /** Ends every long poll (the request in flight is aborted); webhook subscriptions stay for other instances. */
  stop(): Promise<void>;
};

// An update that keeps failing is skipped after this many tries, so one poisoned update cannot stall the bot.
const TRIES_PER_UPDATE = 3;
const MAX_PAUSE_MS = 30_000;
const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'MAX.UNEXPECTED';
};

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleepFor(ms, undefined, { signal }).catch(() => undefined);
}

type Poller = { connection: BotConnection; client: MaxClient; deps: MaxRunnerDeps; download: Download; signal: AbortSignal };

/** Each update in order: mapped, handed to the dialogs, acknowledged; retried in place so order holds. */
async function handle(p: Poller, update: unknown): Promise<void> {
  const { connection, deps } = p;
  for (let attempt = 1; !p.signal.aborted; attempt++) {
    try {
      const handled = await handleMaxUpdate(deps, connection, p.client, p.download, update);
      // Side calls run alongside the next update; they never reject.
      void handled.after;
      return;
    } catch (error) {
      deps.logger.error({ connectionId: connection.id, attempt, err: error }, 'max update not handled');
      if (attempt >= TRIES_PER_UPDATE) {
        await deps.connections.reportError(connection.id, codeOf(error));
        return;
      }
      await pause(Math.min(MAX_PAUSE_MS, (deps.retryPauseMs ?? 1000) * 2 ** (attempt - 1)), p.signal);
    }
  }
}

async function poll(p: Poller): Promise<void> {
  const { connection, client, deps, signal } = p;
  // Webhook and long polling exclude each other: drop the subscription an https run of ours made for this bot.
  try {
    for (const s of await client.getSubscriptions()) if (s.url.endsWith(`/hooks/max/${connection.id}`)) await client.unsubscribe(s.url);
  } catch (error) {
    if (signal.aborted) return;
    deps.logger.warn({ connectionId: connection.id, code: codeOf(error) }, 'max subscriptions not checked');
  }
  let marker: number | null = null;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const batch = await client.getUpdates({ marker, timeoutSec: deps.pollTimeoutSec ?? 30, types: MAX_UPDATE_TYPES }, signal);
      for (const update of batch.updates) {
        await handle(p, update);
        if (signal.aborted) return;
      }
      // The marker moves only after the batch is handled: a crash re-reads it, and eventKey makes repeats harmless.
      marker = batch.marker ?? marker;
      failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof MaxApiError && (error.status === 401 || error.status === 403)) {
        await deps.connections.reportError(connection.id, error.code);
        await deps.connections.reportState(connection.id, 'error', error.apiCode);
        return;
      }
      failures += 1;
      deps.logger.warn({ connectionId: connection.id, code: codeOf(error), failures }, 'max long poll failed');
      const wait = error instanceof RetryAfterError ? error.retryAfterMs : Math.min(MAX_PAUSE_MS, (deps.retryPauseMs ?? 1000) * 2 ** (failures - 1));
      await pause(wait, signal);
    }
  }
}

async function subscribe(connection: BotConnection, client: MaxClient, deps: MaxRunnerDeps): Promise<void> {
  const url = `${deps.publicUrl.replace(/\/+$/, '')}/hooks/max/${connection.id}`;
  if (!MAX_SECRET_SHAPE.test(connection.webhookSecret)) {
    await deps.connections.reportError(connection.id, 'MAX.SECRET_SHAPE');
    await deps.connections.reportState(connection.id, 'error', 'MAX.SECRET_SHAPE');
    return;
  }
  try {
    await client.subscribe(url, MAX_UPDATE_TYPES, connection.webhookSecret);
    await deps.connections.reportState(connection.id, 'webhook', url);
  } catch (error) {
    deps.logger.error({ connectionId: connection.id, err: error }, 'max webhook subscription failed');
    await deps.connections.reportError(connection.id, codeOf(error));
    await deps.connections.reportState(connection.id, 'error', codeOf(error));
  }
}

/**
 * Starts every active MAX connection: an https public URL subscribes MAX's webhook to
 * `<publicUrl>/hooks/max/<id>` with the connection's secret; otherwise a long poll per bot hands updates to the
 * dialogs one at a time, in order. Connections added later start on the next start.
 */
export async function startMax(deps: MaxRunnerDeps): Promise<MaxRunner> {
  const controller = new AbortController();
  const webhook = deps.publicUrl.startsWith('https://');
  const download = makeDownload(deps.fetch);
  const loops: Promise<void>[] = [];
  const polling: string[] = [];
  for (const connection of (await deps.connections.list('max')).filter((c) => c.active && c.channel === 'max')) {
    const client = clientForConnection(connection, deps);
    if (webhook) {
      await subscribe(connection, client, deps);
      continue;
    }
    await deps.connections.reportState(connection.id, 'polling', null);
    polling.push(connection.id);
    const loop = poll({ connection, client, deps, download, signal: controller.signal }).catch((error: unknown) => {
      deps.logger.error({ connectionId: connection.id, err: error }, 'max long poll stopped');
    });
    loops.push(loop);
  }
  return {
    send: makeMaxSender(deps.connections, deps.files, deps),
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
      for (const id of polling) await deps.connections.reportState(id, 'stopped', null).catch(() => undefined);
    },
  };
}

export { makeMaxSender };
