import type { Em } from '../core/infra/database/database.ts';
import type { Locale } from '../core/shared/index.ts';
import type { LinkedAccount } from '../core/accounts/index.ts';
import type { DialogServices } from './services.ts';
import type { ChoiceOption, DialogChannel, Expectation, InboundEvent, InboundInput, OutboundIntent, Phrase } from './types.ts';

/** Everything a step may read or change in one turn; `data` is the flow's own memory, saved with the state. */
export type Turn = {
  readonly em: Em;
  readonly orgId: string;
  readonly identityId: string;
  readonly personId: string;
  readonly channel: DialogChannel;
  readonly event: InboundEvent;
  readonly now: Date;
  readonly services: DialogServices;
  /** The phone the channel vouches for, as the turn began (null: none known). */
  readonly phone: string | null;
  /** The resident's linked accounts as the turn began (flows read them through linkedOf, which knows of changes). */
  readonly linkedAtStart: readonly LinkedAccount[];
  locale: Locale;
  accountId: string | null;
  data: Record<string, unknown>;
  /**
   * Work that must not run inside the turn's transaction — it opens its own (a payment goes to the bank and back):
   * run after the state commits, still in the resident's turn order; its intents are added to the reply.
   */
  readonly after: (() => Promise<AfterWork>)[];
};

/** What work after the transaction adds: intents for the reply, and rows to write with the remembered reply. */
export type AfterWork = { readonly intents: readonly OutboundIntent[]; readonly record?: (em: Em) => Promise<void> };

/** What a step says when the resident arrives at it. `then` moves on at once (an answer that needs no reply). */
export type Prompt = {
  readonly intents: readonly OutboundIntent[];
  readonly expect?: Expectation;
  readonly then?: string;
};

/** The outcome of handling an input: what to say, and where to go (`flow` or `flow.step`); no `to` asks again. */
export type Transition = {
  readonly say?: readonly OutboundIntent[];
  readonly to?: string;
  /** Data for the step gone to (a new flow starts from `{}` unless given). */
  readonly data?: Record<string, unknown>;
};

/** The input after the engine resolved numbers and labels to the options on screen. */
export type StepInput = InboundInput;

export type Step = {
  prompt(turn: Turn): Promise<Prompt>;
  /** Absent: the step only informs; any input goes back to the menu. */
  handle?(turn: Turn, input: StepInput): Promise<Transition>;
};

/** A flow: named steps and a version. Bump the version when a step's data changes shape. */
export type Flow = {
  readonly name: string;
  readonly version: number;
  readonly start: string;
  readonly steps: Readonly<Record<string, Step>>;
  /**
   * Buttons of this flow that carry their whole meaning in their id (`rt.4.<appeal>`): pressed under any later
   * message, even after the dialog went idle, they go to this step's handler.
   */
  readonly anytime?: { readonly prefix: string; readonly step: string };
};

/** A text of the dialogs' namespace (locales/<lang>/dialogs*.json). */
export const phrase = (key: string, vars?: Phrase['vars']): Phrase => (vars ? { key: `dialogs.${key}`, vars } : { key: `dialogs.${key}` });
export const say = (key: string, vars?: Phrase['vars']): OutboundIntent => ({ type: 'text', text: phrase(key, vars) });
export const option = (id: string, key: string, vars?: Phrase['vars']): ChoiceOption => ({ id, label: phrase(key, vars) });
export const choose = (key: string, options: readonly ChoiceOption[], vars?: Phrase['vars']): OutboundIntent =>
  ({ type: 'choice', text: phrase(key, vars), options });
/** A label that is data, not a text of ours (an account number, a meter's number): shown as it is. */
export const literal = (id: string, text: string): ChoiceOption => ({ id, label: { key: 'dialogs.literal', vars: { text } } });

export const CHOICE: Expectation = { kind: 'choice' };
export const TEXT: Expectation = { kind: 'text' };
export const NUMBER = (maxDigits = 12): Expectation => ({ kind: 'number', maxDigits });

/** The text of an input if it carries one (typed, spoken, or keyed digits). */
export function inputText(input: StepInput): string | null {
  switch (input.kind) {
    case 'text': case 'speech': return input.text.trim();
    case 'dtmf': return input.digits;
    default: return null;
  }
}
