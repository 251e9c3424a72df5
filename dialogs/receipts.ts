import { chatOf } from '../core/conversations/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { loadPayment, type PaymentsService } from '../core/payments/index.ts';
import { formatRubles, isLocale, type Clock, type Kopecks } from '../core/shared/index.ts';
import type { OutboundMessage } from './channel.port.ts';
import type { DialogChannel } from './types.ts';

type ReceiptDeps = { readonly db: Database; readonly clock: Clock; readonly payments: PaymentsService; readonly deliver: (m: OutboundMessage) => Promise<void> };

/**
 * The receipt of a payment started in a chat, once the bank confirmed it (outbox topic RECEIPT_TOPIC): to the chat
 * the payment came from, in the resident's language, with the signed status page. The message key is the payment,
 * so a redelivered job sends it once.
 */
export async function sendReceipt(deps: ReceiptDeps, orgId: string, paymentId: string): Promise<void> {
  const found = await deps.db.withTenant(orgId, async (em) => {
    const [row] = await em.execute<{ identity_id: string; channel: string; connection_id: string | null; chat_id: string; number: string; time_zone: string }[]>(
      `select d.identity_id, d.channel, d.connection_id, d.chat_id, a.number, o.time_zone from dialog_payments d
         join payments p on p.org_id = d.org_id and p.id = d.payment_id join accounts a on a.org_id = p.org_id and a.id = p.account_id
         join organizations o on o.id = d.org_id
       where d.org_id = ? and d.payment_id = ?`, [orgId, paymentId]);
    const payment = await loadPayment(em, orgId, paymentId);
    // The chat is recorded just after the bank took the payment; a very quick bank can confirm first. Try again.
    if (!row && payment?.source === 'bot' && deps.clock.now().getTime() - payment.createdAt.getTime() < 10 * 60_000) {
      throw new Error('receipt: the chat of the payment is not recorded yet');
    }
    if (!row) return null;
    const chat = await chatOf(em, orgId, row.identity_id);
    return payment ? { row, payment, locale: chat?.locale ?? 'ru' } : null;
  });
  if (!found) return;
  const { row, payment, locale } = found;
  const date = new Intl.DateTimeFormat('ru-RU', { timeZone: row.time_zone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' })
    .format(payment.paidAt ?? deps.clock.now());
  await deps.deliver({
    channel: row.channel as DialogChannel, orgId, connectionId: row.connection_id, chatId: row.chat_id, locale: isLocale(locale) ? locale : 'ru',
    intents: [{ type: 'text', text: { key: 'dialogs.pay.receipt', vars: { amount: formatRubles(payment.amount as Kopecks), number: row.number, date, url: deps.payments.statusUrl(payment.id) } } }],
    expect: { kind: 'none' }, key: `receipt:${paymentId}`,
  });
}
