import { createHash } from 'node:crypto';
import type { InboundEvent, InboundInput } from '../../dialogs/types.ts';
import type { WaMessage } from './wa-client.port.ts';

/** Residents send photos of a leak or a scan; anything bigger is refused before it reaches the queue. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type WaContext = { readonly orgId: string; readonly connectionId: string };

/** What became of a message: an event for the dialogs, nothing, or a refusal the resident is told about. */
export type WaUpdate =
  | { readonly kind: 'event'; readonly event: InboundEvent }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'refuse'; readonly reason: 'fileTooLarge' | 'unsupported'; readonly chatId: string };

const PERSON_CHAT = /^(\d{5,20})@c\.us$/;
const HIDDEN_CHAT = /^(\d{5,30})@lid$/;

/**
 * Who writes from a chat id: the phone digits for `<digits>@c.us`; `lid:<digits>` when WhatsApp hides the
 * number. Inbound events and the outbound opt-in check both use it, so they always agree.
 */
export const waUserOf = (chatId: string): { readonly userId: string; readonly phoneDigits: string | null } | null => {
  const person = PERSON_CHAT.exec(chatId);
  if (person) return { userId: person[1]!, phoneDigits: person[1]! };
  const hidden = HIDDEN_CHAT.exec(chatId);
  return hidden ? { userId: `lid:${hidden[1]!}`, phoneDigits: null } : null;
};

// `/start <token>` and `/menu` are commands; so is `start <token>`, the text a wa.me deep link pre-fills
// (WhatsApp links cannot carry a slash command the way Telegram's ?start= does).
const SLASH_COMMAND = /^\/([a-z][a-z0-9_]{0,31})(?:\s+(\S[\s\S]*))?$/i;
const DEEP_LINK = /^start\s+([\w.~-]{6,512})$/i;

export const textInput = (body: string): InboundInput => {
  const text = body.trim();
  const slash = SLASH_COMMAND.exec(text);
  if (slash) return slash[2] ? { kind: 'command', command: slash[1]!.toLowerCase(), arg: slash[2].trim() } : { kind: 'command', command: slash[1]!.toLowerCase() };
  const link = DEEP_LINK.exec(text);
  if (link) return { kind: 'command', command: 'start', arg: link[1]! };
  // «2» stays text: the engine maps a number back to the option it numbered.
  return { kind: 'text', text };
};

/** The first phone of a vCard: WhatsApp's `waid=` when present (the number as WhatsApp knows it), else TEL's value. */
export const vcardPhone = (vcard: string): string | null => {
  for (const line of vcard.split(/\r?\n/)) {
    if (!/^(item\d+\.)?TEL[;:]/i.test(line)) continue;
    const waid = /waid=(\d{5,20})/i.exec(line);
    const digits = waid ? waid[1]! : line.slice(line.lastIndexOf(':') + 1).replace(/\D/g, '');
    if (digits.length >= 5) return `+${digits}`;
  }
  return null;
};

const FILE_TYPES = new Set(['image', 'document']);

const extensionOf = (mime: string): string => {
  const sub = mime.split('/')[1]?.split(/[;+]/)[0] ?? 'bin';
  return sub === 'jpeg' ? 'jpg' : sub.replace(/[^a-z0-9]/gi, '') || 'bin';
};

/** base64 carries 3 bytes in 4 characters, less the padding. */
const base64Bytes = (data: string): number => Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);

const fileInput = async (msg: WaMessage): Promise<InboundInput | 'tooLarge' | 'unsupported'> => {
  if ((msg.mediaSize ?? 0) > MAX_FILE_BYTES) return 'tooLarge';
  const media = await msg.downloadMedia();
  if (!media) return 'unsupported';
  if (base64Bytes(media.data) > MAX_FILE_BYTES) return 'tooLarge';
  const name = media.filename?.trim() || `${msg.type === 'image' ? 'photo' : 'file'}.${extensionOf(media.mimetype)}`;
  const file = { name, mime: media.mimetype, data: Buffer.from(media.data, 'base64') };
  const caption = msg.body.trim();
  // A document's body is its file name, not something the resident wrote.
  return caption && msg.type === 'image' ? { kind: 'file', file, caption } : { kind: 'file', file };
};

/** `wa:<message id>`; an id too long for dialog_inbox.event_key (100) is hashed, still one key per message. */
export const eventKeyOf = (messageId: string): string =>
  messageId.length <= 96 ? `wa:${messageId}` : `wa:#${createHash('sha256').update(messageId).digest('base64url')}`;

/** A WhatsApp message → what the dialogs understand. Downloads the media of photos and documents. */
export const toWaUpdate = async (msg: WaMessage, ctx: WaContext): Promise<WaUpdate> => {
  // Groups, statuses, broadcasts and our own echoes are not a resident talking to us.
  if (msg.fromMe || msg.isGroup || msg.isStatus) return { kind: 'ignore' };
  const user = waUserOf(msg.from);
  if (!user) return { kind: 'ignore' };
  let input: InboundInput | null = null;
  if (msg.type === 'chat') {
    if (msg.body.trim() === '') return { kind: 'ignore' };
    input = textInput(msg.body);
  } else if (msg.type === 'vcard' || msg.type === 'multi_vcard') {
    const phone = (msg.vCards?.length ? msg.vCards : [msg.body]).map(vcardPhone).find((p) => p !== null);
    // A shared card may be anyone's: WhatsApp vouches only for the number the resident writes from.
    if (phone) input = { kind: 'contact', phone, own: false };
  } else if (FILE_TYPES.has(msg.type) && msg.hasMedia) {
    const got = await fileInput(msg);
    if (got === 'tooLarge') return { kind: 'refuse', reason: 'fileTooLarge', chatId: msg.from };
    if (got !== 'unsupported') input = got;
  }
  if (!input) return { kind: 'refuse', reason: 'unsupported', chatId: msg.from };
  const event: InboundEvent = {
    channel: 'whatsapp',
    orgId: ctx.orgId,
    connectionId: ctx.connectionId,
    externalUserId: user.userId,
    chatId: msg.from,
    eventKey: eventKeyOf(msg.id),
    channelPhone: user.phoneDigits ? `+${user.phoneDigits}` : null,
    input,
  };
  return { kind: 'event', event };
};
