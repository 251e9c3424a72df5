import { assertNever, translate, type Locale } from '../../core/shared/index.ts';
import type { OutboundMessage } from '../../dialogs/channel.port.ts';
import type { ChoiceOption, OutboundIntent, Phrase } from '../../dialogs/types.ts';
import type { MaxFileType } from './max.client.ts';
import type { MaxButton, MaxNewMessage } from './max.types.ts';

// Limits from the MAX Bot API: NewMessageBody.text ≤ 4000; a keyboard holds ≤ 210 buttons in ≤ 30 rows of ≤ 7
// (≤ 3 for link and request_contact buttons); a button's text ≤ 128, a link button's url ≤ 2048.
export const MAX_TEXT_LIMIT = 4000;
export const MAX_BUTTONS_PER_ROW = 7;
export const MAX_ROWS = 30;
export const MAX_BUTTONS = MAX_ROWS * MAX_BUTTONS_PER_ROW;
const LABEL_LIMIT = 128;
const URL_LIMIT = 2048;
// MAX shows a label in full at ≤ 20 characters alone in a row and ≤ 10 two to a row.
export const SHORT_LABEL = 10;

/** One API step of a message: a message as it is, or a file to upload first (with what to send if it is gone). */
export type MaxStep =
  | { readonly kind: 'message'; readonly body: MaxNewMessage }
  | {
      readonly kind: 'upload'; readonly type: MaxFileType; readonly fileId: string; readonly name: string;
      readonly caption: string; readonly fallback: MaxNewMessage;
    };

const codePoints = (s: string) => [...s].length;
const clip = (s: string, limit: number) => (codePoints(s) <= limit ? s : `${[...s].slice(0, limit - 1).join('')}…`);

/** Cuts at the last line break, else the last space, before the limit; a surrogate pair is never split. */
export function splitText(text: string, limit = MAX_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^[ \n]+/, '');
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}

/**
 * Short labels two to a row, long ones alone, in the options' order. A keyboard that would pass 30 rows is packed
 * evenly up to 7 to a row; past 210 buttons it continues in another keyboard.
 */
export function keyboardRows(buttons: readonly MaxButton[]): MaxButton[][][] {
  const keyboards: MaxButton[][][] = [];
  for (let i = 0; i < buttons.length; i += MAX_BUTTONS) {
    const chunk = buttons.slice(i, i + MAX_BUTTONS);
    const rows: MaxButton[][] = [];
    for (const button of chunk) {
      const last = rows[rows.length - 1];
      const short = codePoints(button.text) <= SHORT_LABEL;
      if (short && last?.length === 1 && codePoints(last[0]!.text) <= SHORT_LABEL) last.push(button);
      else rows.push([button]);
    }
    if (rows.length <= MAX_ROWS) {
      keyboards.push(rows);
      continue;
    }
    const perRow = Math.min(MAX_BUTTONS_PER_ROW, Math.ceil(chunk.length / MAX_ROWS));
    const packed: MaxButton[][] = [];
    for (let j = 0; j < chunk.length; j += perRow) packed.push(chunk.slice(j, j + perRow));
    keyboards.push(packed);
  }
  return keyboards;
}

/** The text, split to fit, with the keyboard under its last part (MAX shows buttons under one message). */
function withKeyboards(text: string, keyboards: readonly (readonly (readonly MaxButton[])[])[]): MaxNewMessage[] {
  const parts = splitText(text);
  const bodies: MaxNewMessage[] = parts.slice(0, -1).map((part) => ({ text: part }));
  // A second keyboard (past 210 options) repeats the prompt's last part: MAX shows buttons under a message.
  const last = parts[parts.length - 1]!;
  for (const buttons of keyboards) bodies.push({ ...(last ? { text: last } : {}), attachments: [{ type: 'inline_keyboard', payload: { buttons } }] });
  return bodies;
}

const callbackButtons = (options: readonly ChoiceOption[], say: (p: Phrase) => string): MaxButton[] =>
  options.map((o) => ({ type: 'callback', text: clip(say(o.label), LABEL_LIMIT), payload: o.id }));

/** Pure: the channel-neutral message → the MAX API steps that draw it, in order. */
export function renderMax(message: Pick<OutboundMessage, 'locale' | 'intents'>): MaxStep[] {
  const locale: Locale = message.locale;
  const say = (p: Phrase) => translate(locale, p.key, p.vars);
  const steps: MaxStep[] = [];
  let texts: string[] = [];
  const flush = () => {
    // Consecutive texts go out as one message: fewer requests against MAX's 30 per second.
    if (texts.length > 0) for (const part of splitText(texts.join('\n\n'))) steps.push({ kind: 'message', body: { text: part } });
    texts = [];
  };
  const push = (...bodies: MaxNewMessage[]) => {
    flush();
    for (const body of bodies) steps.push({ kind: 'message', body });
  };
  for (const intent of message.intents) renderIntent(intent);
  flush();
  return steps;

  function renderIntent(intent: OutboundIntent): void {
    switch (intent.type) {
      case 'text': texts.push(say(intent.text)); return;
      case 'sendLink': texts.push(intent.url); return;
      case 'transfer': {
        const text = say(intent.text);
        texts.push(text.includes(intent.to) ? text : `${text}\n${translate(locale, 'max.transferPhone', { phone: intent.to })}`);
        return;
      }
      case 'choice':
        push(...withKeyboards(say(intent.text), keyboardRows(callbackButtons(intent.options, say))));
        return;
      case 'link':
        if (intent.url.length > URL_LIMIT || !/^https?:\/\//i.test(intent.url)) texts.push(`${say(intent.text)}\n${intent.url}`);
        else push(...withKeyboards(say(intent.text), [[[{ type: 'link', text: clip(say(intent.label), LABEL_LIMIT), url: intent.url }]]]));
        return;
      case 'requestContact':
        push(...withKeyboards(say(intent.text), [[[{ type: 'request_contact', text: clip(say(intent.label), LABEL_LIMIT) }]]]));
        return;
      case 'document':
        upload('file', intent.fileId, intent.name, intent.caption, translate(locale, 'max.documentFallback', { name: intent.name, url: intent.url }));
        return;
      case 'image':
        if (intent.fileId) upload('image', intent.fileId, 'image', intent.caption, translate(locale, 'max.imageFallback', { url: intent.url }));
        else texts.push([intent.caption ? say(intent.caption) : '', translate(locale, 'max.imageFallback', { url: intent.url })].filter(Boolean).join('\n'));
        return;
      case 'end': return;
      default: assertNever(intent);
    }
  }

  function upload(type: MaxFileType, fileId: string, name: string, caption: Phrase | undefined, fallbackLine: string): void {
    flush();
    const said = caption ? say(caption) : '';
    // A caption is the file message's text: past the limit, it goes first as text of its own.
    const fits = said.length <= MAX_TEXT_LIMIT;
    if (!fits) texts.push(said);
    flush();
    const fallback = [fits ? said : '', fallbackLine].filter(Boolean).join('\n');
    steps.push({ kind: 'upload', type, fileId, name, caption: fits ? said : '', fallback: { text: splitText(fallback)[0]! } });
  }
}
