import { translate, type Locale } from '../../core/shared/index.ts';
import type { DialogReply, Expectation, OutboundIntent, Phrase } from '../../dialogs/types.ts';

export type VoiceGather = {
  readonly input: readonly ('dtmf' | 'speech')[];
  readonly maxDigits?: number;
  readonly finishOnKey?: '#';
  readonly timeoutSec: number;
};

export type VoiceNext =
  | { readonly gather: VoiceGather }
  | { readonly hangup: Record<string, never> }
  | { readonly transfer: { readonly to: string } }
  | { readonly sendLink: { readonly via: 'sms' | 'max'; readonly url: string } };

/** The answer to `POST /voice/turn` (DOMAIN.md «Messenger and robot limits»). */
export type VoiceResponse = { readonly say: readonly { readonly text: string }[]; readonly next: VoiceNext };

/** Long enough to find the keypad after the prompt ends, short enough that silence does not feel like a dropped call. */
export const GATHER_TIMEOUT_SEC = 8;

/** A keypad has nine digits for a one-press answer; a longer list needs two digits and `#`. */
const ONE_PRESS_OPTIONS = 9;

/**
 * A URL read aloud is noise; the link goes by SMS or messenger instead. Whitespace is collapsed because line breaks
 * written for a chat make TTS engines pause oddly.
 */
const speakable = (text: string): string => text.replace(/https?:\/\/\S+/g, '').replace(/\s+/g, ' ').trim();

/** The robot's provider can deliver a link itself only by SMS or MAX; other messengers fall back to SMS. */
const linkVia = (via: 'sms' | 'max' | 'telegram' | 'whatsapp'): 'sms' | 'max' => (via === 'max' ? 'max' : 'sms');

function sayIntent(intent: OutboundIntent, t: (p: Phrase) => string, voice: (key: string, vars?: Record<string, string | number>) => string, linkSent: boolean): string[] {
  switch (intent.type) {
    case 'text':
    case 'requestContact':
    case 'transfer':
      return [t(intent.text)];
    case 'choice': {
      const items = intent.options.map((o, i) => voice('choice.item', { digit: i + 1, label: t(o.label) })).join(', ');
      return [t(intent.text), voice('choice.prompt', { items })];
    }
    case 'link':
      // When the same reply sends the link, its own phrase says so; otherwise point to where the link is.
      return linkSent ? [t(intent.text)] : [t(intent.text), voice('link.elsewhere')];
    case 'document':
    case 'image':
      return [...(intent.caption ? [t(intent.caption)] : []), voice('attachment.elsewhere')];
    case 'sendLink':
      return [voice(`sendLink.${linkVia(intent.via)}`)];
    case 'end':
      return [];
  }
}

/** What the robot listens for next, drawn from what the engine expects. */
export function gatherFor(expect: Expectation): VoiceNext {
  switch (expect.kind) {
    case 'choice':
      // One press answers: the robot stops listening after the digit, no `#` needed.
      return { gather: { input: ['dtmf', 'speech'], maxDigits: 1, timeoutSec: GATHER_TIMEOUT_SEC } };
    case 'number':
      // Meter readings and account numbers have any length: `#` ends them.
      return { gather: { input: ['dtmf'], maxDigits: expect.maxDigits, finishOnKey: '#', timeoutSec: GATHER_TIMEOUT_SEC } };
    case 'text':
      return { gather: { input: ['speech', 'dtmf'], finishOnKey: '#', timeoutSec: GATHER_TIMEOUT_SEC } };
    case 'none':
      return { hangup: {} };
  }
}

function nextFor(reply: DialogReply): VoiceNext {
  const sendLink = reply.intents.find((i) => i.type === 'sendLink');
  if (sendLink) return { sendLink: { via: linkVia(sendLink.via), url: sendLink.url } };
  const transfer = reply.intents.find((i) => i.type === 'transfer');
  if (transfer) return { transfer: { to: transfer.to } };
  if (reply.intents.some((i) => i.type === 'end')) return { hangup: {} };
  const longChoice = reply.expect.kind === 'choice' && reply.intents.some((i) => i.type === 'choice' && i.options.length > ONE_PRESS_OPTIONS);
  return longChoice ? { gather: { input: ['dtmf', 'speech'], maxDigits: 2, finishOnKey: '#', timeoutSec: GATHER_TIMEOUT_SEC } } : gatherFor(reply.expect);
}

/** Pure: the engine's reply as what to say and what to do next. */
export function renderVoice(reply: DialogReply): VoiceResponse {
  const locale: Locale = reply.locale;
  const t = (p: Phrase) => translate(locale, p.key, p.vars);
  const voice = (key: string, vars?: Record<string, string | number>) => translate(locale, `voice.${key}`, vars);
  const linkSent = reply.intents.some((i) => i.type === 'sendLink');
  const say = reply.intents
    .flatMap((intent) => sayIntent(intent, t, voice, linkSent))
    .map(speakable)
    .filter((text) => text.length > 0)
    .map((text) => ({ text }));
  return { say, next: nextFor(reply) };
}
