import type { Database } from '../core/infra/database/database.ts';
import { translate, type Clock } from '../core/shared/index.ts';
import type { OutboundMessage } from './channel.port.ts';
import type { DialogChannel } from './types.ts';

type AlertDeps = { readonly db: Database; readonly clock: Clock; readonly deliver: (m: OutboundMessage) => Promise<void>; readonly publicUrl: () => string };

/**
 * An emergency nobody took within its acknowledgement target (ПП 416: 5 minutes): the organisation's dispatcher
 * group chat in Telegram or MAX hears of it through the bot's outbound queue. The message names the appeal, the
 * category, the address and the link in admin; never the resident's name or phone. Without a configured chat
 * the appeal is still highlighted in admin and the team is told (core/appeals escalation).
 */
export async function alertDispatchers(deps: AlertDeps, orgId: string, appealId: string): Promise<boolean> {
  const [row] = await deps.db.withTenant(orgId, (em) => em.execute<{
    number: number; category: string | null; address: string | null; created_at: Date | string; taken_at: Date | string | null;
    connection_id: string | null; chat_id: string | null; channel: string | null;
  }[]>(
    `select a.number, a.category, a.address, a.created_at, a.taken_at, s.dispatcher_connection_id as connection_id, s.dispatcher_chat_id as chat_id, c.channel
     from appeals a left join appeal_settings s on s.org_id = a.org_id
       left join bot_connections c on c.id = s.dispatcher_connection_id and c.active
     where a.org_id = ? and a.id = ?`, [orgId, appealId]));
  if (!row || row.taken_at || !row.chat_id || (row.channel !== 'telegram' && row.channel !== 'max')) return false;
  const minutes = Math.max(0, Math.floor((deps.clock.now().getTime() - new Date(row.created_at).getTime()) / 60_000));
  const category = row.category ? translate('ru', `dialogs.emergency.cat.${row.category}`) : translate('ru', 'appeals.type.emergency');
  await deps.deliver({
    channel: row.channel as DialogChannel, orgId, connectionId: row.connection_id, chatId: row.chat_id, locale: 'ru',
    intents: [{ type: 'text', text: { key: 'appeals.dispatchAlert', vars: {
      number: Number(row.number), category, address: row.address ?? '—', minutes, link: `${deps.publicUrl()}/admin/appeals/${appealId}`,
    } } }],
    expect: { kind: 'none' }, key: `dispatch:${appealId}`,
  });
  return true;
}
