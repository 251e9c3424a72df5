import { isPermanentJobError, type QueuePort } from '../core/infra/queue/queue.port.ts';
import type { DialogChannel, DialogPort, DialogReply, InboundEvent } from './types.ts';
import { RetryAfterError, type ChannelSender, type DialogGateway, type OutboundMessage } from './channel.port.ts';

/** The queue topic of a channel's outbound messages; each has its own rate limit (cli/worker.ts). */
export const outboundTopic = (channel: DialogChannel): string => `outbound.${channel}`;

/**
 * Rate limits of the worker's outbound queues (DOMAIN.md «Messenger and robot limits»): Telegram about 30 msg/s,
 * counted in tenths of a second so no sliding second sees more than ~33 (STACK.md G22); MAX 30 requests/s. WhatsApp
 * is paced inside its own process; the web chat only stores messages for the page to poll; a call needs no queue.
 */
export const OUTBOUND_LIMITS = {
  telegram: { max: 3, durationMs: 100 },
  max: { max: 3, durationMs: 100 },
} as const;

/** Tries of an outbound message: with the queue's backoff, about an hour before it counts as undeliverable. */
export const OUTBOUND_ATTEMPTS = 8;

/** Queues one message on its channel's topic; its key is the job id, so a message is queued once. */
export function makeDeliver(queue: QueuePort): (message: OutboundMessage) => Promise<void> {
  return async (message) => {
    if (message.channel === 'voice') return; // a call hears its replies in the turn's answer; nothing waits for later
    await queue.enqueue(outboundTopic(message.channel), { message }, { jobId: message.key.slice(0, 190), attempts: OUTBOUND_ATTEMPTS });
  };
}

/** The message that carries the replies to an event. */
export function replyMessage(event: InboundEvent, reply: DialogReply): OutboundMessage {
  return {
    channel: event.channel, orgId: event.orgId, connectionId: event.connectionId, chatId: event.chatId, locale: reply.locale,
    intents: reply.intents, expect: reply.expect,
    key: `reply:${reply.identityId}:${event.eventKey ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`}`,
  };
}

/** For channels whose replies go out later (Telegram, MAX, WhatsApp): the state is saved, then the replies are queued. */
export function makeGateway(dialogs: DialogPort, deliver: (message: OutboundMessage) => Promise<void>): DialogGateway {
  return {
    async receive(event) {
      const reply = await dialogs.handle(event);
      if (reply.intents.length > 0) await deliver(replyMessage(event, reply));
    },
  };
}

/** Longest wait for a platform's retry_after inside one job; longer ones go back to the queue's backoff. */
const MAX_INLINE_WAIT_MS = 30_000;

/** Where the outcome of a tracked message (a staff answer) is recorded. */
export type DeliveryReport = {
  delivered(message: OutboundMessage): Promise<void>;
  /** The chat cannot take it (blocked, refused, or every try failed): the caller falls back to e-mail or SMS. */
  undeliverable(message: OutboundMessage, reason: string): Promise<void>;
};

const reasonOf = (e: unknown): string =>
  String((e as { code?: unknown })?.code ?? (e instanceof Error ? e.name : 'error')).slice(0, 64);

/**
 * Runs one send of a queued message and reports a tracked message's outcome: delivered on success; undeliverable
 * when the channel says so, when the error is permanent, or on the last try. Other errors go back to the queue.
 */
export async function reportingSend(
  job: { payload: Readonly<Record<string, unknown>>; attempt: number }, send: (message: OutboundMessage) => Promise<void | 'undeliverable'>, report?: DeliveryReport,
): Promise<void> {
  const message = job.payload.message as OutboundMessage;
  const tracked = report && message.appealMessageId ? report : undefined;
  let outcome: void | 'undeliverable';
  try {
    outcome = await send(message);
  } catch (e) {
    const last = job.attempt >= OUTBOUND_ATTEMPTS || isPermanentJobError(e);
    if (tracked && last) await tracked.undeliverable(message, reasonOf(e));
    throw e;
  }
  if (!tracked) return;
  if (outcome === 'undeliverable') await tracked.undeliverable(message, 'blocked');
  else await tracked.delivered(message);
}

/**
 * The queue handler of a channel: the job's message, sent by the channel's sender. A 429 waits the platform's
 * retry_after (holding this worker slot, which is what the limit asks) and tries once more.
 */
export const outboundHandler = (send: ChannelSender, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)), report?: DeliveryReport) =>
  async (job: { payload: Readonly<Record<string, unknown>>; attempt: number }) => reportingSend(job, async (message) => {
    try {
      return await send(message);
    } catch (e) {
      if (!(e instanceof RetryAfterError) || e.retryAfterMs > MAX_INLINE_WAIT_MS) throw e;
      await sleep(e.retryAfterMs);
      return send(message);
    }
  }, report);
