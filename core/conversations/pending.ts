import type { Database } from '../infra/database/database.ts';
import type { Clock } from '../shared/index.ts';

/** One poll answers at most this many messages; the page asks again from the last seq. */
export const PENDING_PAGE_SIZE = 50;

/**
 * Web-chat messages that came after the request was answered (receipts, staff answers), kept in the tenant until
 * the page polls. The message key is unique, so a retried send stores it once.
 */
export function makeChatPending(deps: { db: Database; clock: Clock }) {
  return {
    async add(orgId: string, chatId: string, message: { readonly key: string } & Record<string, unknown>): Promise<void> {
      await deps.db.withTenant(orgId, (em) => em.execute(
        `insert into chat_pending (org_id, chat_id, message_key, message, created_at) values (?, ?, ?, ?, ?) on conflict (message_key) do nothing`,
        [orgId, chatId.slice(0, 64), message.key.slice(0, 160), JSON.stringify(message), deps.clock.now()]));
    },
    async since<M>(orgId: string, chatId: string, afterSeq: number): Promise<{ seq: number; message: M }[]> {
      const rows = await deps.db.withTenant(orgId, (em) => em.execute<{ id: string; message: M }[]>(
        'select id, message from chat_pending where org_id = ? and chat_id = ? and id > ? order by id limit ?',
        [orgId, chatId.slice(0, 64), Math.max(0, Math.trunc(afterSeq)) || 0, PENDING_PAGE_SIZE]));
      return rows.map((r) => ({ seq: Number(r.id), message: r.message }));
    },
  };
}
export type ChatPending = ReturnType<typeof makeChatPending>;
