import { isLocale, type Locale } from '../../core/shared/index.ts';
import type { InboundEvent, InboundInput } from '../../dialogs/types.ts';
import { MAX_INBOUND_FILE_BYTES, mimeOf, type Download } from './max-download.ts';
import { MaxUnavailableError } from './max.errors.ts';

/** A file attachment still to be fetched (MAX sends its URL, not its bytes). */
export type MaxFileRef = { readonly url: string; readonly name: string; readonly declaredSize: number | null };

type PendingInput = InboundInput | { readonly kind: 'fileRef'; readonly ref: MaxFileRef; readonly caption?: string };

/** An update read into our terms, before any file is downloaded. */
export type MaxInbound = {
  readonly externalUserId: string;
  readonly chatId: string;
  readonly eventKey: string;
  readonly localeHint: Locale | null;
  /** A button press to acknowledge with POST /answers once the event is handled. */
  readonly callbackId: string | null;
  readonly input: PendingInput;
};

export type MaxMapped =
  | { readonly kind: 'event'; readonly event: InboundEvent }
  /** The resident sent a file over the 10 MB cap: they are told so, the dialogs hear nothing. */
  | { readonly kind: 'refused'; readonly reason: 'fileTooLarge' };

type Obj = Readonly<Record<string, unknown>>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const id = (v: unknown): string | null => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' && /^-?\d{1,20}$/.test(v) ? v : null);

/** MAX gives IETF BCP 47 tags (`ru`, `en-US`); we know the primary languages we have texts for. */
export function localeFromTag(tag: unknown): Locale | null {
  const primary = str(tag)?.split(/[-_]/)[0]?.toLowerCase();
  return isLocale(primary) ? primary : null;
}

/** `/start abc` → command start, arg abc; a slash alone or a path-like `/ 5` stays text. */
export function textInput(text: string): InboundInput {
  const m = /^\/([A-Za-z0-9_]{1,64})(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return { kind: 'text', text };
  const arg = m[2]?.trim();
  return arg ? { kind: 'command', command: m[1]!.toLowerCase(), arg } : { kind: 'command', command: m[1]!.toLowerCase() };
}

/** The first TEL of a vCard: `TEL;TYPE=cell:+7 900 123-45-67` → `+79001234567`. */
export function phoneFromVcf(vcf: string): string | null {
  const line = vcf.split(/\r?\n/).map((l) => l.trim()).find((l) => /^TEL[;:]/i.test(l));
  if (!line) return null;
  const value = line.slice(line.indexOf(':') + 1).replace(/^tel:/i, '');
  const phone = value.replace(/[^\d+]/g, '');
  return /^\+?\d{5,15}$/.test(phone) ? phone : null;
}

/**
 * A contact attachment (ContactAttachmentPayload): `vcf_info` (a vCard with the phone), `max_info` (the MAX user
 * the card belongs to, when it is one) and `hash`, which MAX documents as a way to check that the phone is the one
 * bound to the sender's MAX account. The hash formula is not in the public schema, so it is not checked here; the
 * card counts as the sender's own only when MAX names the sender as the card's user (max_info.user_id = sender).
 */
function contactInput(payload: Obj | null, senderId: string): InboundInput | null {
  const phone = phoneFromVcf(str(payload?.vcf_info) ?? '');
  if (!phone) return null;
  return { kind: 'contact', phone, own: id(obj(payload?.max_info)?.user_id) === senderId };
}

function attachmentInput(attachments: readonly unknown[], senderId: string, mid: string, caption: string): PendingInput | null {
  for (const item of attachments) {
    const a = obj(item);
    const payload = obj(a?.payload);
    if (a?.type === 'contact') return contactInput(payload, senderId);
    const url = str(payload?.url);
    if (!url) continue;
    const name = a?.type === 'file' ? str(a.filename) : a?.type === 'image' ? `photo-${id(payload?.photo_id) ?? mid.replace(/\W/g, '')}.jpg` : null;
    if (!name) continue;
    const size = typeof a?.size === 'number' ? a.size : null;
    return { kind: 'fileRef', ref: { url, name, declaredSize: size }, ...(caption ? { caption } : {}) };
  }
  return null;
}

function messageCreated(update: Obj): MaxInbound | null {
  const message = obj(update.message);
  const sender = obj(message?.sender);
  const recipient = obj(message?.recipient);
  const body = obj(message?.body);
  const userId = id(sender?.user_id);
  const chatId = id(recipient?.chat_id);
  // Residents talk to the bot in a dialog; in house chats and channels the bot only listens.
  if (!userId || !chatId || sender?.is_bot === true || (recipient?.chat_type !== undefined && recipient.chat_type !== 'dialog')) return null;
  const mid = str(body?.mid);
  const text = str(body?.text) ?? '';
  const attachments = Array.isArray(body?.attachments) ? body.attachments : [];
  const input = attachmentInput(attachments, userId, mid ?? '', text) ?? (text.trim() ? textInput(text) : null);
  if (!input) return null;
  return {
    externalUserId: userId, chatId, callbackId: null, input, localeHint: localeFromTag(update.user_locale),
    eventKey: mid ? `max:${mid}` : `max:${String(update.timestamp)}:${userId}`,
  };
}

function botStarted(update: Obj): MaxInbound | null {
  const userId = id(obj(update.user)?.user_id);
  const chatId = id(update.chat_id);
  if (!userId || !chatId) return null;
  // A deep link https://max.ru/<bot>?start=<payload> arrives here as `payload` (≤ 512 characters).
  const payload = str(update.payload)?.trim();
  return {
    externalUserId: userId, chatId, callbackId: null, localeHint: localeFromTag(update.user_locale),
    eventKey: `max:${String(update.timestamp)}:${userId}`,
    input: payload ? { kind: 'command', command: 'start', arg: payload } : { kind: 'command', command: 'start' },
  };
}

function messageCallback(update: Obj): MaxInbound | null {
  const callback = obj(update.callback);
  const userId = id(obj(callback?.user)?.user_id);
  const callbackId = str(callback?.callback_id);
  const optionId = str(callback?.payload);
  // The keyboard's message tells the dialog; MAX sends null when that message is gone, and then so is the choice.
  const chatId = id(obj(obj(update.message)?.recipient)?.chat_id);
  if (!userId || !callbackId || !optionId || !chatId) return null;
  return {
    externalUserId: userId, chatId, callbackId, localeHint: localeFromTag(update.user_locale),
    eventKey: `max:${callbackId}`, input: { kind: 'choice', optionId },
  };
}

/** Pure: an Update as MAX posts it → what the resident did, or null for updates the dialogs do not take. */
export function readMaxUpdate(update: unknown): MaxInbound | null {
  const u = obj(update);
  switch (u?.update_type) {
    case 'message_created': return messageCreated(u);
    case 'bot_started': return botStarted(u);
    case 'message_callback': return messageCallback(u);
    default: return null;
  }
}

/** The deep link's payload of a start, which names the organisation for the platform's shared bot. */
export const startArgOf = (inbound: MaxInbound): string | null =>
  inbound.input.kind === 'command' && inbound.input.command === 'start' ? inbound.input.arg ?? null : null;

/** Fetches the update's file, if any, into an InboundEvent of the given organisation and connection. */
export async function toInboundEvent(
  inbound: MaxInbound, source: { readonly orgId: string; readonly connectionId: string }, download: Download,
): Promise<MaxMapped> {
  let input: InboundInput;
  if (inbound.input.kind === 'fileRef') {
    const { ref, caption } = inbound.input;
    if (ref.declaredSize !== null && ref.declaredSize > MAX_INBOUND_FILE_BYTES) return { kind: 'refused', reason: 'fileTooLarge' };
    const got = await download(ref.url, MAX_INBOUND_FILE_BYTES);
    if (got === 'too_large') return { kind: 'refused', reason: 'fileTooLarge' };
    // Thrown, not ignored: the webhook answers 5xx and MAX delivers the update again, so the photo is not lost.
    if (got === 'failed') throw new MaxUnavailableError('GET attachment', 'download failed');
    input = { kind: 'file', file: { name: ref.name, mime: mimeOf(ref.name, got.mime), data: got.data }, ...(caption ? { caption } : {}) };
  } else {
    input = inbound.input;
  }
  const event: InboundEvent = {
    channel: 'max', orgId: source.orgId, connectionId: source.connectionId,
    externalUserId: inbound.externalUserId, chatId: inbound.chatId, eventKey: inbound.eventKey, localeHint: inbound.localeHint, input,
  };
  return { kind: 'event', event };
}
