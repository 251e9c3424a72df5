import { assertNever, translate, type Locale } from '../../core/shared/index.ts';
import type { FileStore, OutboundMessage } from '../../dialogs/channel.port.ts';
import type { OutboundIntent, Phrase } from '../../dialogs/types.ts';
import type { WaMedia } from './wa-client.port.ts';

/** One WhatsApp message to send: a text, or a file with an optional caption. */
export type WaSend = { readonly text: string } | { readonly media: WaMedia; readonly caption?: string };

const say = (locale: Locale, phrase: Phrase): string => translate(locale, phrase.key, phrase.vars ?? {});

/**
 * WhatsApp has no buttons: a choice is its prompt, one «n. label» line per option in the engine's order (the
 * engine maps «2» back to the second option, so the numbering must never be re-sorted), and a hint to answer
 * with a number.
 */
export const numberedChoice = (locale: Locale, prompt: Phrase, labels: readonly Phrase[]): string =>
  [say(locale, prompt), ...labels.map((label, i) => `${i + 1}. ${say(locale, label)}`), translate(locale, 'whatsapp.replyWithDigit', { count: labels.length })].join('\n');

const loadMedia = async (files: FileStore, fileId: string): Promise<WaMedia | null> => {
  const file = await files.load(fileId);
  return file ? { mimetype: file.mime, data: file.data.toString('base64'), filename: file.name } : null;
};

/** One intent → its part: a text to join with its neighbours, a file, or nothing. */
const renderIntent = async (locale: Locale, intent: OutboundIntent, files: FileStore): Promise<WaSend | null> => {
  switch (intent.type) {
    case 'text':
      return { text: say(locale, intent.text) };
    case 'choice':
      return { text: numberedChoice(locale, intent.text, intent.options.map((o) => o.label)) };
    case 'link':
      // The URL on its own line: WhatsApp makes it tappable and previews it.
      return { text: `${say(locale, intent.text)}\n${intent.url}` };
    case 'requestContact':
      return { text: `${say(locale, intent.text)}\n${translate(locale, 'whatsapp.typePhone')}` };
    case 'document': {
      const caption = intent.caption ? say(locale, intent.caption) : undefined;
      const media = await loadMedia(files, intent.fileId);
      if (media) return { media: { ...media, filename: intent.name }, caption };
      // The bytes are gone from the store: the signed link still works for a while.
      const link = translate(locale, 'whatsapp.documentLink', { name: intent.name, url: intent.url });
      return { text: caption ? `${caption}\n${link}` : link };
    }
    case 'image': {
      const caption = intent.caption ? say(locale, intent.caption) : undefined;
      const media = intent.fileId ? await loadMedia(files, intent.fileId) : null;
      if (media) return { media, caption };
      return { text: caption ? `${caption}\n${intent.url}` : intent.url };
    }
    case 'transfer': {
      const text = say(locale, intent.text);
      return { text: text.includes(intent.to) ? text : `${text}\n${translate(locale, 'whatsapp.callPhone', { phone: intent.to })}` };
    }
    case 'sendLink':
      return { text: intent.url };
    case 'end':
      return null;
    default:
      return assertNever(intent);
  }
};

/** An outbound message → the WhatsApp messages to send, in order; neighbouring texts go as one message. */
export const renderWhatsapp = async (message: OutboundMessage, files: FileStore): Promise<WaSend[]> => {
  const sends: WaSend[] = [];
  for (const intent of message.intents) {
    const part = await renderIntent(message.locale, intent, files);
    if (!part) continue;
    const last = sends.at(-1);
    // Fewer messages means fewer sends at the slow pace, and one reply reads as one message.
    if ('text' in part && last && 'text' in last) sends[sends.length - 1] = { text: `${last.text}\n\n${part.text}` };
    else sends.push(part);
  }
  return sends;
};
