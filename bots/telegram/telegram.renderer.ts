import type { InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup } from 'grammy/types';
import { assertNever, translate, type Locale } from '../../core/shared/index.ts';
import type { OutboundMessage } from '../../dialogs/channel.port.ts';
import type { ChoiceOption, Phrase } from '../../dialogs/types.ts';

/** Bot API limits (DOMAIN.md «Messenger and robot limits»). */
export const TELEGRAM_TEXT_MAX = 4096;
export const TELEGRAM_CALLBACK_DATA_MAX_BYTES = 64;
/** Labels longer than this do not fit two to a row on a phone; such keyboards get one button a row. */
const SHORT_LABEL_MAX = 20;

export type MessagePayload = {
  readonly chat_id: string;
  readonly text: string;
  readonly reply_markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup;
  readonly link_preview_options: { readonly is_disabled: true };
};
export type MediaPayload = { readonly chat_id: string; readonly caption?: string; readonly photo?: string };

/** A file to upload: its bytes come from the FileStore; when they are gone, `url` is sent as text instead. */
export type UploadRef = { readonly fileId: string; readonly name: string; readonly url: string };

/** One Bot API call; plain text only (no parse_mode), so nothing a resident typed can turn into markup. */
export type TelegramCall =
  | { readonly method: 'sendMessage'; readonly payload: MessagePayload }
  | { readonly method: 'sendDocument'; readonly payload: MediaPayload; readonly upload: UploadRef }
  | { readonly method: 'sendPhoto'; readonly payload: MediaPayload; readonly upload?: UploadRef };

/**
 * Draws one message as Bot API calls. Texts in a row are joined (blank line between) and the text before a
 * keyboard rides in the keyboard's message: at one message a second per chat, every message saved is a second.
 */
export function renderTelegram(message: OutboundMessage): TelegramCall[] {
  const chatId = message.chatId;
  const say = (p: Phrase) => translate(message.locale, p.key, p.vars);
  const calls: TelegramCall[] = [];
  let pending: string[] = [];
  const flush = (text?: string, markup?: MessagePayload['reply_markup']) => {
    const whole = [...pending, ...(text !== undefined ? [text] : [])].join('\n\n');
    pending = [];
    const chunks = splitText(whole);
    chunks.forEach((chunk, i) => {
      const last = i === chunks.length - 1;
      calls.push({ method: 'sendMessage', payload: messagePayload(chatId, chunk, last ? markup : undefined) });
    });
  };
  for (const intent of message.intents) {
    switch (intent.type) {
      case 'text': pending.push(say(intent.text)); break;
      case 'transfer': {
        const text = say(intent.text);
        pending.push(text.includes(intent.to) ? text : `${text}\n${intent.to}`);
        break;
      }
      case 'sendLink': pending.push(intent.url); break;
      case 'choice': flush(say(intent.text), { inline_keyboard: choiceRows(intent.options, message.locale) }); break;
      case 'link':
        // Telegram refuses URL buttons to plain-http and local addresses (a development PUBLIC_URL): send the text.
        if (intent.url.startsWith('https://')) flush(say(intent.text), { inline_keyboard: [[{ text: say(intent.label), url: intent.url }]] });
        else pending.push(`${say(intent.text)}\n${intent.url}`);
        break;
      case 'requestContact':
        flush(say(intent.text), { keyboard: [[{ text: say(intent.label), request_contact: true }]], one_time_keyboard: true, resize_keyboard: true });
        break;
      case 'document': {
        if (pending.length) flush();
        const caption = intent.caption ? say(intent.caption) : undefined;
        calls.push({ method: 'sendDocument', payload: mediaPayload(chatId, caption), upload: { fileId: intent.fileId, name: intent.name, url: intent.url } });
        break;
      }
      case 'image': {
        if (pending.length) flush();
        const caption = intent.caption ? say(intent.caption) : undefined;
        calls.push(intent.fileId
          ? { method: 'sendPhoto', payload: mediaPayload(chatId, caption), upload: { fileId: intent.fileId, name: 'image.jpg', url: intent.url } }
          : { method: 'sendPhoto', payload: { ...mediaPayload(chatId, caption), photo: intent.url } });
        break;
      }
      case 'end': break;
      default: assertNever(intent);
    }
  }
  if (pending.length) flush();
  return calls;
}

const messagePayload = (chatId: string, text: string, markup?: MessagePayload['reply_markup']): MessagePayload => ({
  chat_id: chatId, text, link_preview_options: { is_disabled: true }, ...(markup ? { reply_markup: markup } : {}),
});

/** Captions are limited to 1024 characters; a longer one is cut rather than failing the whole document. */
const mediaPayload = (chatId: string, caption?: string): MediaPayload => ({
  chat_id: chatId, ...(caption ? { caption: caption.length > 1024 ? `${caption.slice(0, 1023)}…` : caption } : {}),
});

/** What to send when a file's bytes are gone: its caption or name and the signed link. */
export function uploadFallback(call: { readonly payload: MediaPayload; readonly upload: UploadRef }): MessagePayload {
  return messagePayload(call.payload.chat_id, `${call.payload.caption ?? call.upload.name}\n${call.upload.url}`);
}

function choiceRows(options: readonly ChoiceOption[], locale: Locale): InlineKeyboardButton[][] {
  const buttons = options.map((o) => {
    const bytes = Buffer.byteLength(o.id, 'utf8');
    // A longer id is a bug in a flow: Telegram would refuse the whole message with BUTTON_DATA_INVALID.
    if (bytes === 0 || bytes > TELEGRAM_CALLBACK_DATA_MAX_BYTES) throw new Error(`choice option id must be 1–64 bytes, got ${bytes}`);
    return { text: translate(locale, o.label.key, o.label.vars), callback_data: o.id };
  });
  const perRow = buttons.some((b) => b.text.length > SHORT_LABEL_MAX) ? 1 : 2;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return rows;
}

/** Splits at a paragraph, else a line, else a space in the second half of the window; never inside a surrogate pair. */
export function splitText(text: string, max = TELEGRAM_TEXT_MAX): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((i) => i >= max / 2) ?? max;
    if (cut === max && /[\uD800-\uDBFF]/.test(rest[cut - 1]!)) cut -= 1;
    const chunk = rest.slice(0, cut).trimEnd();
    if (chunk) chunks.push(chunk);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() || chunks.length === 0) chunks.push(rest);
  return chunks;
}
