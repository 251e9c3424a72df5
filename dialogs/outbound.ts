import type { QueuePort } from '../core/infra/queue/queue.port.ts';
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

/** Queues one message on its channel's topic; its key is the job id, so a message is queued once. */
export function makeDeliver(queue: QueuePort): (message: OutboundMessage) => Promise<void> {
  return async (message) => {
    if (message.channel === 'voice') return; // a call hears its replies in the turn's answer; nothing waits for later
    await queue.enqueue(outboundTopic(message.channel), { message }, { jobId: message.key.slice(0, 190), attempts: 8 });
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

/**
 * The queue handler of a channel: the job's message, sent by the channel's sender. A 429 waits the platform's
 * retry_after (holding this worker slot, which is what the limit asks) and tries once more.
 */
export const outboundHandler = (send: ChannelSender, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))) =>
  async (job: { payload: Readonly<Record<string, unknown>> }) => {
    const message = job.payload.message as OutboundMessage;
    try {
      await send(message);
    } catch (e) {
      if (!(e instanceof RetryAfterError) || e.retryAfterMs > MAX_INLINE_WAIT_MS) throw e;
      await sleep(e.retryAfterMs);
      await send(message);
    }
  };
