import { expect } from 'vitest';
import type { Locale } from '../../core/shared/index.ts';
import type { DialogChannel } from '../../dialogs/types.ts';

/**
 * The language of the transcripts (transcripts.ts): what a resident does and what the bot must answer, in
 * channel-neutral terms — phrase keys of locales/ and option ids — with the few facts about a channel that decide a
 * turn of a flow (a contact button only where the messenger has one, no photo on a call).
 */

export type Phrase = { readonly key: string; readonly vars?: Readonly<Record<string, string | number>> };
/** A phrase of the dialogs' namespace; vars not given match anything (amounts, dates, numbers of appeals). */
export const p = (key: string, vars?: Phrase['vars']): Phrase => ({ key: `dialogs.${key}`, ...(vars ? { vars } : {}) });
/** A phrase of another namespace (the robot's own words). */
export const k = (key: string, vars?: Phrase['vars']): Phrase => ({ key, ...(vars ? { vars } : {}) });

/** What the channel offers, which decides a few turns of a flow. */
export type Caps = {
  /** Buttons with option ids (else a numbered list the resident answers with a digit). */
  readonly buttons: boolean;
  /** A «share my phone» button whose contact the messenger vouches for. */
  readonly contact: boolean;
  readonly files: boolean;
  /** `/start <signed token>` (Telegram, MAX, web chat; WhatsApp's pre-filled `start <token>`). */
  readonly deepLink: boolean;
  /** The channel itself vouches for the resident's number (WhatsApp, the caller's number). */
  readonly vouchedPhone: boolean;
  /** Messages can reach the chat later (a receipt); a call cannot. */
  readonly later: boolean;
  /** Replies come back in the answer to the request (web chat, robot), not as messages sent later. */
  readonly inline: boolean;
  readonly voice: boolean;
};

export type FixtureAccount = { readonly id: string; readonly number: string };
export type Fixture = {
  readonly accounts: readonly FixtureAccount[];
  /** The account whose payer's phone the organisation recorded (proof 'import'). */
  readonly phoneAccount: FixtureAccount & { readonly phone: string };
  /** This month's code from the bill. */
  billCode(accountId: string): string;
  /** A signed `account` link of ours (the QR on the bill). */
  token(accountId: string): string;
  readonly dispatcherPhone: string;
  /** Where the robot transfers a caller who asks for a person. */
  readonly operatorPhone: string;
};

export type Ctx = { readonly channel: DialogChannel; readonly caps: Caps; readonly fx: Fixture };
type R<T> = T | ((c: Ctx) => T);
export const resolve = <T>(value: R<T>, c: Ctx): T => (typeof value === 'function' ? (value as (c: Ctx) => T)(c) : value);

export type Act =
  | { readonly kind: 'start'; readonly arg?: R<string> }
  | { readonly kind: 'text'; readonly text: R<string> }
  | { readonly kind: 'choose'; readonly id: string }
  | { readonly kind: 'contact'; readonly phone: R<string>; readonly own: boolean }
  | { readonly kind: 'photo'; readonly caption?: string }
  /** The platform delivers the previous event again (a webhook retried, a POST repeated). */
  | { readonly kind: 'repeat' }
  /** The bank confirms the resident's latest payment; what reaches the chat afterwards is checked. */
  | { readonly kind: 'bankConfirms' };

/** An option by id; its label comes from LABELS unless given (null: a label that is data, matched loosely). */
export type OptionExp = string | { readonly id: string; readonly label: Phrase | null };
export type LinkExp = { readonly url: RegExp; readonly label?: Phrase };

export type Expect = {
  /** Phrases in the order the resident reads or hears them (other text may come between). */
  readonly says: readonly Phrase[];
  /** The options of the last choice, exactly and in order; [] when the reply offers none. */
  readonly options: R<readonly OptionExp[]>;
  /** Every link the reply carries (URL buttons, links, the robot's sendLink); default none. */
  readonly links?: readonly LinkExp[];
  /** A «share my phone» button (checked where the channel has one). */
  readonly contact?: boolean;
  /** Documents sent (a PDF statement). */
  readonly documents?: number;
  /** The robot hands the call to this number (checked on a call only). */
  readonly transfer?: string;
  readonly locale?: Locale;
};

export type Step = { readonly act: Act; readonly expect: R<Expect> };

export type Facts = {
  links(): Promise<{ number: string; proof: string }[]>;
  appeals(): Promise<{ type: string; category: string | null; urgent: boolean; attachments: number; text: string }[]>;
  payments(): Promise<{ amount: number; status: string }[]>;
  readings(): Promise<string[]>;
  /** How many events the dialog applied (dialog_states.seq). */
  turns(): Promise<number>;
};

export type Transcript = {
  readonly name: string;
  /** Runs only where this holds. */
  readonly when?: (c: Pick<Ctx, 'channel' | 'caps'>) => boolean;
  /** Flows that must be in ALL_FLOWS (readings and structure are being added). */
  readonly flows?: readonly string[];
  /** The resident writes from (WhatsApp) or calls from (voice) the phone recorded for fx.phoneAccount. */
  readonly fromAccountPhone?: boolean;
  readonly steps: R<readonly Step[]>;
  readonly after?: (facts: Facts, c: Ctx) => Promise<void>;
};

/** Labels of the options by id. */
export const LABELS: Readonly<Record<string, Phrase | null>> = {
  ...Object.fromEntries(['link', 'debt', 'pay', 'readings', 'structure', 'emergency', 'question', 'accounts', 'settings', 'help', 'operator'].map((m) => [`m.${m}`, p(`menu.${m}`)])),
  'lp.phone': p('link.byPhone'), 'lp.code': p('link.byCode'), 'lp.amount': p('link.byAmount'), 'lp.cancel': p('back'),
  'd.pay': p('menu.pay'), 'd.structure': p('menu.structure'), 'd.menu': p('back'),
  'p.full': p('pay.full'), 'p.other': p('pay.other'), 'p.menu': p('back'),
  's.notify': p('settings.notifyOn'), 's.here': p('settings.preferHere'), 's.lang': p('settings.language'), 's.menu': p('back'),
  's.pay': p('menu.pay'), 's.request': p('structure.askStaff'),
  'l.ru': p('settings.russian'), 'l.en': p('settings.english'),
  ...Object.fromEntries(['leak', 'electricity', 'sewer', 'heating', 'lift', 'gas', 'other'].map((c) => [`e.${c}`, p(`emergency.cat.${c}`)])),
  'e.menu': p('back'), 'ea.account': null, 'ea.other': p('emergency.otherAddress'), 'ea.menu': p('back'), 'ep.none': p('emergency.noPhoto'),
  'q.mine': p('question.mine'), 'q.new': p('question.new'), 'q.menu': p('back'), 'qa.none': p('question.noAttachment'),
  'r.skip': p('readings.skip'), 'r.stop': p('readings.stop'), 'r.yes': p('readings.yes'), 'r.again': p('readings.again'),
  'a.use.0': null, 'a.del.0': p('accounts.unlink'), 'a.add': p('accounts.add'), 'a.menu': p('back'),
};

/** On a call the last key is the operator instead of help. */
const last = (c: Ctx) => (c.caps.voice ? 'm.operator' : 'm.help');
export const WELCOME = (c: Ctx) => ['m.link', 'm.emergency', 'm.question', 'm.settings', last(c)];
export const MENU = (c: Ctx) => ['m.debt', 'm.pay', 'm.readings', 'm.structure', 'm.emergency', 'm.question', 'm.accounts', 'm.settings', last(c)];
export const proofOptions = (c: Ctx) => [...(c.caps.contact ? ['lp.phone'] : []), 'lp.code', 'lp.amount', 'lp.cancel'];
export const menuTitle = (a: FixtureAccount) => p('menu.title', { account: `${a.number} — г. Пермь, ул. Ленина, д. 10, кв. ${Number(a.number) - 499_999}` });
export const account = (i: number) => (c: Ctx) => c.fx.accounts[i]!;

export const start: Step = { act: { kind: 'start' }, expect: { says: [p('menu.welcome')], options: WELCOME } };
export const choose = (id: string, expect: R<Expect>): Step => ({ act: { kind: 'choose', id }, expect });
export const write = (text: R<string>, expect: R<Expect>): Step => ({ act: { kind: 'text', text }, expect });

/** From the first message to the menu of a linked account: number, then the code printed on this month's bill. */
export const linkByCode = (i: number): readonly Part[] => [
  start,
  choose('m.link', { says: [p('link.askNumber')], options: [] }),
  write((c) => account(i)(c).number, (c) => ({ says: [p('link.askProof', { number: account(i)(c).number })], options: proofOptions(c) })),
  choose('lp.code', { says: [p('link.askCode')], options: [] }),
  write((c) => c.fx.billCode(account(i)(c).id), (c) => ({ says: [p('link.done', { number: account(i)(c).number }), menuTitle(account(i)(c))], options: MENU })),
];

/** Steps, lists of steps, and steps that depend on the channel, flattened for one channel. */
export type Part = Step | readonly Part[] | ((c: Ctx) => Part);
export const steps = (...parts: readonly Part[]) => (c: Ctx): Step[] => {
  const out: Step[] = [];
  const add = (part: Part): void => {
    if (typeof part === 'function') add(part(c));
    else if (Array.isArray(part)) part.forEach(add);
    else out.push(part as Step);
  };
  parts.forEach(add);
  return out;
};

export function expectEqual<T>(actual: T, expected: T, what: string): void {
  expect(actual, what).toEqual(expected);
}
