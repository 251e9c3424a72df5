import { appealChat, type DeliverPayload } from '../core/appeals/index.ts';
import { steerDialog } from '../core/conversations/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { isLocale, type Clock } from '../core/shared/index.ts';
import type { OutboundMessage } from './channel.port.ts';
import { appealFlow, ratingIntents } from './flows/appeal.flow.ts';
import { optionsOf } from './resolve-input.ts';
import type { DialogChannel, OutboundIntent } from './types.ts';

export type NoticeDeps = {
  readonly db: Database;
  readonly clock: Clock;
  readonly deliver: (m: OutboundMessage) => Promise<void>;
  readonly fileUrl: (orgId: string, fileId: string) => string;
  /** No chat to write to: the answer goes by e-mail or SMS instead (core/appeals deliverByFallback). */
  readonly fallback: (orgId: string, messageId: string) => Promise<unknown>;
};

type Found = { number: number; identity_id: string | null; person_id: string | null; status: string; text: string | null; attachments: string[] | string | null };

/**
 * A message about an appeal for the resident's chat (outbox topic appeals.deliver): a staff answer, an emergency
 * taken by the dispatcher, the rating question after closing. The rating and a reply that waits for the resident
 * also move their dialog to where their next word belongs. The key is the message, so a redelivered job sends once.
 */
export async function deliverAppealNotice(deps: NoticeDeps, p: DeliverPayload): Promise<void> {
  const now = deps.clock.now();
  const built = await deps.db.withTenant(p.orgId, async (em) => {
    const [a] = await em.execute<Found[]>(
      `select a.number, a.identity_id, a.person_id, a.status, m.text, m.attachments from appeals a
         left join appeal_messages m on m.org_id = a.org_id and m.appeal_id = a.id and m.id::text = ? and not m.internal
       where a.org_id = ? and a.id = ?`, [p.kind === 'rate' ? '' : p.messageId ?? '', p.orgId, p.appealId]);
    if (!a) return null;
    const chat = await appealChat(em, p.orgId, { identityId: a.identity_id, personId: a.person_id });
    if (!chat) return { chat: null, intents: [] as OutboundIntent[] };
    const number = Number(a.number);
    let intents: OutboundIntent[];
    if (p.kind === 'rate') {
      intents = ratingIntents(p.appealId, number);
      await steerDialog(em, { orgId: p.orgId, identityId: chat.identityId, flow: appealFlow.name, step: 'rate', version: appealFlow.version, data: { appealId: p.appealId, number, _options: optionsOf(intents) }, now });
    } else if (p.kind === 'taken') {
      intents = [{ type: 'text', text: { key: 'appeals.takenResident', vars: { number } } }];
    } else {
      const files = (typeof a.attachments === 'string' ? JSON.parse(a.attachments) : a.attachments ?? []) as string[];
      const text = (a.text ?? '').trim();
      intents = [
        text ? { type: 'text', text: { key: 'appeals.answer', vars: { number, text } } } : { type: 'text', text: { key: 'appeals.answerFiles', vars: { number } } },
        ...files.map((id, i) => ({ type: 'document' as const, name: `${number}-${i + 1}`, url: deps.fileUrl(p.orgId, id), fileId: id })),
      ];
      if (a.status === 'waiting') {
        intents.push({ type: 'text', text: { key: 'dialogs.appeal.replyHint', vars: { number } } });
        await steerDialog(em, { orgId: p.orgId, identityId: chat.identityId, flow: appealFlow.name, step: 'reply', version: appealFlow.version, data: { appealId: p.appealId, number }, now });
      }
    }
    return { chat, intents };
  });
  if (!built) return;
  if (!built.chat) {
    if (p.kind === 'answer' && p.messageId) await deps.fallback(p.orgId, p.messageId);
    return;
  }
  const { chat } = built;
  await deps.deliver({
    channel: chat.channel as DialogChannel, orgId: p.orgId, connectionId: chat.connectionId, chatId: chat.chatId,
    locale: isLocale(chat.locale) ? chat.locale : 'ru', intents: built.intents, expect: p.kind === 'rate' ? { kind: 'choice' } : { kind: 'none' },
    key: `appeal-${p.kind}:${p.messageId ?? p.appealId}`, ...(p.kind === 'answer' && p.messageId ? { appealMessageId: p.messageId } : {}),
  });
}
