import type { ChannelSender, OutboundMessage } from '../../dialogs/channel.port.ts';
import { PENDING_PAGE_SIZE } from '../../core/conversations/index.ts';

/**
 * Messages waiting for a web chat to poll them: receipts, staff answers, broadcasts. A browser has no address we
 * can push to, so the channel's "send" is a write here and the page reads what came after the last seq it saw.
 */
export type PendingStore = {
  /** Stores the message once: a second add with the same `message.key` (a retried job) is ignored. */
  add(orgId: string, chatId: string, message: OutboundMessage): Promise<void>;
  /** The chat's messages with seq > afterSeq, oldest first (at most a page of them). */
  since(orgId: string, chatId: string, afterSeq: number): Promise<{ seq: number; message: OutboundMessage }[]>;
};

/** One poll answers at most this many messages (the table's page); the page asks again from the last seq. */
export const PENDING_PAGE = PENDING_PAGE_SIZE;

/** For tests and the benchmark. Keeps the last `keep` messages per chat; seq grows per store, as a table's would. */
export function memoryPendingStore(options: { keep?: number } = {}): PendingStore {
  const keep = options.keep ?? 200;
  const chats = new Map<string, { seq: number; message: OutboundMessage }[]>();
  const keys = new Set<string>();
  let seq = 0;
  const keyOf = (orgId: string, chatId: string) => `${orgId}\u0000${chatId}`;
  return {
    async add(orgId, chatId, message) {
      if (keys.has(message.key)) return;
      keys.add(message.key);
      const list = chats.get(keyOf(orgId, chatId)) ?? [];
      list.push({ seq: ++seq, message });
      for (const dropped of list.splice(0, Math.max(0, list.length - keep))) keys.delete(dropped.message.key);
      chats.set(keyOf(orgId, chatId), list);
    },
    async since(orgId, chatId, afterSeq) {
      return (chats.get(keyOf(orgId, chatId)) ?? []).filter((m) => m.seq > afterSeq).slice(0, PENDING_PAGE);
    },
  };
}

/** The `webchat` channel's sender for the outbound queue: the message waits in the store until the page polls. */
export function makeWebchatSender(pending: PendingStore): ChannelSender {
  return async (message) => {
    if (message.channel !== 'webchat') throw new Error(`webchat sender got a ${message.channel} message`);
    await pending.add(message.orgId, message.chatId, message);
  };
}
