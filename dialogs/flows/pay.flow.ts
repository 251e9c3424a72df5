import { createHash } from 'node:crypto';
import { messengerChats, recordDialogPayment } from '../../core/conversations/index.ts';
import { accountDebt, MAX_PAYMENT, MIN_PAYMENT } from '../../core/payments/index.ts';
import { isLocale, parseRubles, type Kopecks } from '../../core/shared/index.ts';
import { choose, CHOICE, inputText, NUMBER, option, phrase, say, type AfterWork, type Flow, type Transition, type Turn } from '../flow.ts';
import type { Em } from '../../core/infra/database/database.ts';
import type { OutboundIntent } from '../types.ts';
import { currentAccount, NEED_ACCOUNT, rub } from './common.ts';

/**
 * Starts an СБП payment for the current account and answers with the bank's link and our signed payment page.
 * The payment goes to the bank after the turn commits (its own transactions); the chat is remembered, so the
 * receipt comes back here once the bank confirms. The event key makes a redelivered «pay» the same payment.
 */
function startPayment(turn: Turn, amount: Kopecks): Transition {
  if (amount < MIN_PAYMENT || amount > MAX_PAYMENT) return { say: [say('pay.amountRange', { min: rub(MIN_PAYMENT), max: rub(MAX_PAYMENT) })] };
  const { orgId, identityId, channel, event, services } = turn;
  const accountId = turn.accountId!;
  // One payment per event, whatever the length of the channel's event ids (the key allows 64 characters).
  const idempotencyKey = `bot-${createHash('sha256').update(`${identityId}\u0000${event.eventKey ?? turn.now.getTime()}`).digest('base64url').slice(0, 43)}`;
  turn.after.push(async (): Promise<AfterWork> => {
    const created = await services.payments.create({ orgId, accountId, amount, method: 'sbp', source: 'bot', idempotencyKey });
    if (!created.ok) return { intents: [say('pay.failed')] };
    const payment = created.value;
    // Remembered with the reply, in the turn's closing transaction: the receipt comes back to this chat.
    const record = (em: Em) => recordDialogPayment(em, { orgId, paymentId: payment.id, identityId, channel, connectionId: event.connectionId, chatId: event.chatId, now: turn.now });
    const bank = payment.paymentUrl ?? services.payments.statusUrl(payment.id);
    const sbp: OutboundIntent = { type: 'link', text: phrase('pay.sbp', { gross: rub(payment.gross) }), url: bank, label: phrase('pay.sbpButton') };
    if (channel === 'voice') {
      const chats = await services.db.withTenant(orgId, (em) => messengerChats(em, orgId, turn.personId, identityId));
      return { intents: await sendFromCall(turn, chats, sbp, bank), record };
    }
    const page = `${services.publicUrl()}/pay/${await services.payments.links.sign({ orgId, purpose: 'account', subjectId: accountId })}`;
    const fee = payment.fee > 0 && payment.commissionMode === 'external' ? [say('pay.fee', { amount: rub(payment.amount), fee: rub(payment.fee), gross: rub(payment.gross) })] : [];
    return { intents: [...fee, sbp, { type: 'link', text: phrase('pay.page'), url: page, label: phrase('pay.pageButton') }, say('pay.receiptLater')], record };
  });
  return { to: 'menu' };
}

/** On a call the link cannot be opened: it goes to the resident's messenger, or by SMS to the number calling. */
async function sendFromCall(turn: Turn, chats: Awaited<ReturnType<typeof messengerChats>>, sbp: OutboundIntent, url: string): Promise<OutboundIntent[]> {
  const chat = chats[0];
  if (chat && (chat.channel === 'telegram' || chat.channel === 'max' || chat.channel === 'whatsapp')) {
    await turn.services.deliver({
      channel: chat.channel, orgId: turn.orgId, connectionId: chat.connectionId, chatId: chat.chatId, locale: isLocale(chat.locale) ? chat.locale : turn.locale,
      intents: [sbp], expect: { kind: 'none' }, key: `paylink:${turn.identityId}:${turn.event.eventKey ?? turn.now.getTime()}`,
    });
    return [say('pay.sentTo')];
  }
  return [say('pay.sentSms'), { type: 'sendLink', url, via: 'sms' }];
}

export const payFlow: Flow = {
  name: 'pay',
  version: 1,
  start: 'choose',
  steps: {
    choose: {
      async prompt(turn) {
        const account = await currentAccount(turn);
        if (!account) return NEED_ACCOUNT;
        const debt = await accountDebt(turn.em, turn.orgId, account.id);
        turn.data = { total: debt.total };
        const options = [...(debt.total > 0 ? [option('p.full', 'pay.full', { total: rub(debt.total) })] : []), option('p.other', 'pay.other'), option('p.menu', 'back')];
        return { intents: [choose(debt.total > 0 ? 'pay.ask' : 'pay.askNoDebt', options, { number: account.number, total: rub(debt.total) })], expect: CHOICE };
      },
      async handle(turn, input) {
        if (input.kind === 'choice' && input.optionId === 'p.other') return { to: 'pay.amount' };
        if (input.kind === 'choice' && input.optionId === 'p.menu') return { to: 'menu' };
        const full = input.kind === 'choice' && input.optionId === 'p.full' && Number(turn.data.total) > 0;
        const typed = inputText(input);
        const amount = full ? null : typed ? parseRubles(typed) : null;
        if (!full && !amount?.ok) return { say: [say('chooseOption')] };
        if (!(await currentAccount(turn))) return { to: 'link' };
        return startPayment(turn, full ? Number(turn.data.total) as Kopecks : amount!.ok ? amount!.value : (0 as Kopecks));
      },
    },
    amount: {
      async prompt() {
        return { intents: [say('pay.askAmount')], expect: NUMBER(9) };
      },
      async handle(turn, input) {
        if (input.kind === 'choice') return { to: 'menu' };
        const typed = inputText(input);
        const amount = typed ? parseRubles(input.kind === 'dtmf' ? typed.replace('*', ',') : typed) : null;
        if (!amount?.ok) return { say: [say('pay.amountFormat')] };
        if (!(await currentAccount(turn))) return { to: 'link' };
        return startPayment(turn, amount.value);
      },
    },
  },
};
