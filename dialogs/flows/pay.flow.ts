import { messengerChats, recordDialogPayment } from '../../core/conversations/index.ts';
import { accountDebt, MAX_PAYMENT, MIN_PAYMENT } from '../../core/payments/index.ts';
import { isLocale, parseRubles, type Kopecks } from '../../core/shared/index.ts';
import { choose, CHOICE, inputText, NUMBER, option, phrase, say, type Flow, type Transition, type Turn } from '../flow.ts';
import type { OutboundIntent } from '../types.ts';
import { currentAccount, NEED_ACCOUNT, rub } from './common.ts';

/**
 * Starts an СБП payment for the current account and answers with the bank's link and our signed payment page.
 * The chat is remembered, so the receipt comes back here once the bank confirms.
 */
async function startPayment(turn: Turn, amount: Kopecks): Promise<Transition> {
  if (amount < MIN_PAYMENT || amount > MAX_PAYMENT) return { say: [say('pay.amountRange', { min: rub(MIN_PAYMENT), max: rub(MAX_PAYMENT) })] };
  const accountId = turn.accountId!;
  const payments = turn.services.payments;
  const created = await payments.create({
    orgId: turn.orgId, accountId, amount, method: 'sbp', source: 'bot', idempotencyKey: `bot-${turn.identityId}-${turn.event.eventKey ?? turn.now.getTime()}`.slice(0, 64).replace(/[^\w-]/g, '-'),
  });
  if (!created.ok) return { say: [say('pay.failed')], to: 'menu' };
  const payment = created.value;
  await recordDialogPayment(turn.em, {
    orgId: turn.orgId, paymentId: payment.id, identityId: turn.identityId, channel: turn.channel,
    connectionId: turn.event.connectionId, chatId: turn.event.chatId, now: turn.now,
  });
  const page = `${turn.services.publicUrl()}/pay/${await payments.links.sign({ orgId: turn.orgId, purpose: 'account', subjectId: accountId })}`;
  const bank = payment.paymentUrl ?? payments.statusUrl(payment.id);
  const fee = payment.fee > 0 && payment.commissionMode === 'external' ? say('pay.fee', { amount: rub(payment.amount), fee: rub(payment.fee), gross: rub(payment.gross) }) : null;
  if (turn.channel === 'voice') return sendFromCall(turn, bank, payment.gross);
  const intents: OutboundIntent[] = [
    ...(fee ? [fee] : []),
    { type: 'link', text: phrase('pay.sbp', { gross: rub(payment.gross) }), url: bank, label: phrase('pay.sbpButton') },
    { type: 'link', text: phrase('pay.page'), url: page, label: phrase('pay.pageButton') },
    say('pay.receiptLater'),
  ];
  return { say: intents, to: 'menu' };
}

/** On a call the link cannot be opened: it goes to the resident's messenger, or by SMS to the number calling. */
async function sendFromCall(turn: Turn, url: string, gross: number): Promise<Transition> {
  const [chat] = await messengerChats(turn.em, turn.orgId, turn.personId);
  if (chat && (chat.channel === 'telegram' || chat.channel === 'max' || chat.channel === 'whatsapp')) {
    await turn.services.deliver({
      channel: chat.channel, orgId: turn.orgId, connectionId: chat.connectionId, chatId: chat.chatId, locale: isLocale(chat.locale) ? chat.locale : turn.locale,
      intents: [{ type: 'link', text: phrase('pay.sbp', { gross: rub(gross) }), url, label: phrase('pay.sbpButton') }],
      expect: { kind: 'none' }, key: `paylink:${turn.identityId}:${turn.event.eventKey ?? turn.now.getTime()}`,
    });
    return { say: [say('pay.sentTo', { channel: chat.channel })], to: 'menu' };
  }
  return { say: [say('pay.sentSms'), { type: 'sendLink', url, via: 'sms' }], to: 'menu' };
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
        if (input.kind === 'choice' && input.optionId === 'p.full' && Number(turn.data.total) > 0) {
          if (!(await currentAccount(turn))) return { to: 'link' };
          return startPayment(turn, Number(turn.data.total) as Kopecks);
        }
        if (input.kind === 'choice' && input.optionId === 'p.other') return { to: 'pay.amount' };
        if (input.kind === 'choice' && input.optionId === 'p.menu') return { to: 'menu' };
        const typed = inputText(input);
        const amount = typed ? parseRubles(typed) : null;
        if (amount?.ok && (await currentAccount(turn))) return startPayment(turn, amount.value);
        return { say: [say('chooseOption')] };
      },
    },
    amount: {
      async prompt() {
        return { intents: [say('pay.askAmount')], expect: NUMBER(9) };
      },
      async handle(turn, input) {
        if (input.kind === 'choice') return { to: 'menu' };
        const typed = inputText(input);
        const amount = typed ? parseRubles(typed) : null;
        if (!amount?.ok) return { say: [say('pay.amountFormat')] };
        if (!(await currentAccount(turn))) return { to: 'link' };
        return startPayment(turn, amount.value);
      },
    },
  },
};
