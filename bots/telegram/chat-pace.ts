import { setTimeout as sleepMs } from 'node:timers/promises';

/** Telegram lets a bot write about one message a second to one chat (DOMAIN.md «Messenger and robot limits»). */
export const TELEGRAM_CHAT_GAP_MS = 1000;

export type ChatPace = {
  /** Resolves when the next API call to this chat may go out, and books that moment for it. */
  wait(chatId: string): Promise<void>;
};

export type ChatPaceOptions = {
  readonly gapMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Above this many remembered chats, the ones whose gap has passed are forgotten (they need no wait). */
  readonly maxChats?: number;
};

/**
 * An in-process gate keyed by chat: each call books the first slot at least `gapMs` after the previous booking, so
 * callers that arrive together are spread out in arrival order and other chats are never held up. It cannot see
 * other processes: a worker pool shares the per-bot limit through the queue's limiter (STACK.md G22) instead.
 */
export function makeChatPace(options: ChatPaceOptions = {}): ChatPace {
  const gapMs = options.gapMs ?? TELEGRAM_CHAT_GAP_MS;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms));
  const maxChats = options.maxChats ?? 10_000;
  const booked = new Map<string, number>();

  const forgetPassed = (at: number) => {
    for (const [chatId, slot] of booked) if (slot + gapMs <= at) booked.delete(chatId);
  };

  return {
    async wait(chatId) {
      const at = now();
      const previous = booked.get(chatId);
      const slot = previous === undefined ? at : Math.max(at, previous + gapMs);
      booked.set(chatId, slot);
      if (booked.size > maxChats) forgetPassed(at);
      if (slot > at) await sleep(slot - at);
    },
  };
}
