import {
  checkBillCode, findOpenAccount, linkResident, normalisePhone, phoneMatchesAccount, setIdentityPhone,
} from '../../core/accounts/index.ts';
import { accountCharges } from '../../core/billing/index.ts';
import { isStartToken, overLimit, recordHit } from '../../core/payments/index.ts';
import { parseRubles } from '../../core/shared/index.ts';
import { choose, CHOICE, inputText, NUMBER, option, say, type Flow, type Transition, type Turn } from '../flow.ts';
import { forgetLinked, monthIn, orgFacts } from './common.ts';

/** Wrong proofs allowed per hour: per resident (all accounts) and per account (all residents). */
export const LINK_LIMITS = { perIdentity: 10, perAccount: 5 } as const;

const limits = (turn: Turn, number: string) => [
  { bucket: `link:id:${turn.identityId}`, max: LINK_LIMITS.perIdentity },
  { bucket: `link:acc:${turn.orgId}:${number}`, max: LINK_LIMITS.perAccount },
];

/** Links the account in data and says so; the resident goes on to the menu. */
async function linked(turn: Turn, accountId: string, proof: string): Promise<Transition> {
  await linkResident(turn.em, turn.orgId, turn.personId, accountId, proof, turn.now);
  forgetLinked(turn);
  turn.accountId = accountId;
  return { say: [say('link.done', { number: String(turnNumber(turn)) })], to: 'menu' };
}
const turnNumber = (turn: Turn) => String(turn.data.number ?? '');

/**
 * A wrong proof counts against both limits. An unknown number fails the same way as a wrong proof, so the bot
 * never tells which numbers exist.
 */
async function failed(turn: Turn): Promise<Transition> {
  for (const limit of limits(turn, turnNumber(turn))) await recordHit(turn.em, limit.bucket, turn.now);
  return { say: [say('link.failed')], to: 'link.proof' };
}

async function blocked(turn: Turn): Promise<boolean> {
  return overLimit(turn.em, limits(turn, turnNumber(turn)), turn.now);
}

export const linkFlow: Flow = {
  name: 'link',
  version: 1,
  start: 'number',
  steps: {
    /** `/start <token>` from our QR or bill: the signed link is the proof. */
    deepLink: {
      async prompt(turn) {
        const accountId = await deepLinkAccount(turn, typeof turn.data.token === 'string' ? turn.data.token : '');
        const [row] = accountId ? await turn.em.execute<{ number: string }[]>(
          `select number from accounts where org_id = ? and id = ? and status = 'open'`, [turn.orgId, accountId]) : [];
        if (!accountId || !row) return { intents: [say('link.badToken')], then: 'menu' };
        await linkResident(turn.em, turn.orgId, turn.personId, accountId, 'deep_link', turn.now);
        forgetLinked(turn);
        turn.accountId = accountId;
        return { intents: [say('link.done', { number: row.number })], then: 'menu' };
      },
    },
    number: {
      async prompt() {
        return { intents: [say('link.askNumber')], expect: NUMBER(20) };
      },
      async handle(turn, input) {
        if (input.kind === 'choice') return { to: 'menu' };
        const typed = inputText(input);
        if (!typed) return { say: [say('link.askNumber')] };
        const account = await findOpenAccount(turn.em, turn.orgId, typed);
        turn.data = { number: account?.number ?? typed.slice(0, 32), accountId: account?.id ?? null };
        if (await blocked(turn)) return { say: [say('link.tooMany')], to: 'menu' };
        // The messenger already vouches for a phone (WhatsApp number, caller id, a shared contact): try it first.
        if (account && turn.phone && await phoneMatchesAccount(turn.em, turn.orgId, account.id, turn.phone)) return linked(turn, account.id, 'phone_match');
        return { to: 'link.proof' };
      },
    },
    proof: {
      async prompt(turn) {
        const options = [
          ...(turn.channel === 'telegram' || turn.channel === 'max' ? [option('lp.phone', 'link.byPhone')] : []),
          option('lp.code', 'link.byCode'), option('lp.amount', 'link.byAmount'), option('lp.cancel', 'back'),
        ];
        return { intents: [choose('link.askProof', options, { number: turnNumber(turn) })], expect: CHOICE };
      },
      async handle(_turn, input) {
        if (input.kind !== 'choice') return { say: [say('chooseOption')] };
        const to = { 'lp.phone': 'link.phone', 'lp.code': 'link.code', 'lp.amount': 'link.amount', 'lp.cancel': 'menu' }[input.optionId];
        return to ? { to } : { say: [say('chooseOption')] };
      },
    },
    phone: {
      async prompt() {
        return { intents: [{ type: 'requestContact', text: { key: 'dialogs.link.askPhone' }, label: { key: 'dialogs.link.sharePhone' } }], expect: { kind: 'text' } };
      },
      async handle(turn, input) {
        if (input.kind !== 'contact') return input.kind === 'choice' ? { to: 'link.proof' } : { say: [say('link.phoneButton')] };
        // Only the sender's own contact counts: anybody can forward someone else's card.
        const phone = normalisePhone(input.phone);
        if (!input.own || !phone.ok) return { say: [say('link.phoneNotOwn')], to: 'link.proof' };
        await setIdentityPhone(turn.em, turn.orgId, turn.identityId, phone.value);
        if (await blocked(turn)) return { say: [say('link.tooMany')], to: 'menu' };
        const accountId = turn.data.accountId as string | null;
        if (accountId && await phoneMatchesAccount(turn.em, turn.orgId, accountId, phone.value)) return linked(turn, accountId, 'phone_match');
        return failed(turn);
      },
    },
    code: {
      async prompt() {
        return { intents: [say('link.askCode')], expect: NUMBER(6) };
      },
      async handle(turn, input) {
        const typed = inputText(input);
        if (!typed) return { to: 'link.proof' };
        if (await blocked(turn)) return { say: [say('link.tooMany')], to: 'menu' };
        const accountId = turn.data.accountId as string | null;
        const today = monthIn(turn.now, (await orgFacts(turn)).timeZone);
        if (accountId && checkBillCode(turn.services.secretKey, turn.orgId, accountId, today, typed)) return linked(turn, accountId, 'bill_code');
        return failed(turn);
      },
    },
    amount: {
      async prompt() {
        return { intents: [say('link.askAmount')], expect: NUMBER(10) };
      },
      async handle(turn, input) {
        const typed = inputText(input);
        const amount = typed ? parseRubles(input.kind === 'dtmf' ? typed.replace('*', ',') : typed) : null;
        if (!amount?.ok) return { say: [say('link.amountFormat')] };
        if (await blocked(turn)) return { say: [say('link.tooMany')], to: 'menu' };
        const accountId = turn.data.accountId as string | null;
        if (accountId && amount.value === await lastBillTotal(turn, accountId)) return linked(turn, accountId, 'bill_amount');
        return failed(turn);
      },
    },
  },
};

/**
 * The account a deep link names: a messenger start token (≤ 64 characters, Telegram's limit) or a pay-link token
 * of an account (the web chat's `?start=`). A token of another organisation names nothing here.
 */
async function deepLinkAccount(turn: Turn, token: string): Promise<string | null> {
  const links = turn.services.payments.links;
  if (isStartToken(token)) {
    const account = await links.verifyStart(token, turn.em);
    return account.ok ? account.value : null;
  }
  const claims = await links.verify(token, turn.em);
  if (!claims.ok || claims.value.orgId !== turn.orgId || !claims.value.subjectId || !['account', 'typed'].includes(claims.value.purpose)) return null;
  return claims.value.subjectId;
}

/** «К оплате» of the latest month on the bill: the sum of its lines. */
async function lastBillTotal(turn: Turn, accountId: string): Promise<number | null> {
  const lines = await accountCharges(turn.em, turn.orgId, accountId, 1);
  if (lines.length === 0) return null;
  const latest = lines.reduce((m, l) => (l.period > m ? l.period : m), lines[0]!.period);
  return lines.filter((l) => l.period === latest).reduce((sum, l) => sum + (l.toPay ?? 0), 0);
}
