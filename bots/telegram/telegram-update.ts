import type { Message, PhotoSize, Update, User } from 'grammy/types';
import type { Locale } from '../../core/shared/index.ts';
import type { BotConnection } from '../../dialogs/channel.port.ts';
import type { InboundEvent, InboundInput } from '../../dialogs/types.ts';

/** Files residents send are photos of a leak or a scan; bigger ones are refused before they reach memory. */
export const TELEGRAM_FILE_CAP_BYTES = 10 * 1024 * 1024;

/** A file the update points at, not yet downloaded. */
export type TelegramFileRef = { readonly fileId: string; readonly name: string; readonly mime: string; readonly size?: number; readonly caption?: string };

/** What an update says, before the organisation is known and before any file is fetched. */
export type TelegramUpdateView = {
  readonly eventKey: string;
  readonly externalUserId: string;
  readonly chatId: string;
  readonly localeHint: Locale;
  /** Set for button presses: Telegram shows a spinner on the button until it is answered. */
  readonly callbackQueryId?: string;
  readonly input: InboundInput | { readonly kind: 'fileRef'; readonly file: TelegramFileRef };
};

/** Fetches a file by its file_id; null when it turns out to be bigger than maxBytes. */
export type TelegramDownload = (fileId: string, maxBytes: number) => Promise<Buffer | null>;

export type TelegramInbound =
  | { readonly kind: 'event'; readonly event: InboundEvent; readonly view: TelegramUpdateView }
  /** Nothing goes to the dialogs; the caller tells the resident why (in view.localeHint). */
  | { readonly kind: 'refused'; readonly reason: 'fileTooLarge'; readonly view: TelegramUpdateView };

const localeOf = (user: User): Locale => (user.language_code?.toLowerCase().startsWith('en') ? 'en' : 'ru');

/** Reads an update; null for what the dialogs do not serve (groups, channels, edits, stickers…). */
export function viewTelegramUpdate(update: Update): TelegramUpdateView | null {
  const query = update.callback_query;
  if (query) {
    if (query.data === undefined) return null;
    // A button may sit under a message in a group; the answer still goes where the button is.
    const chatId = query.message?.chat.id ?? query.from.id;
    return { ...who(update, query.from, chatId), callbackQueryId: query.id, input: { kind: 'choice', optionId: query.data } };
  }
  const message = update.message;
  if (!message?.from || message.chat.type !== 'private' || message.from.is_bot) return null;
  const input = inputOf(message);
  return input ? { ...who(update, message.from, message.chat.id), input } : null;
}

const who = (update: Update, from: User, chatId: number) => ({
  eventKey: `tg:${update.update_id}`, externalUserId: String(from.id), chatId: String(chatId), localeHint: localeOf(from),
});

function inputOf(message: Message): TelegramUpdateView['input'] | null {
  if (message.text !== undefined) return commandOf(message) ?? { kind: 'text', text: message.text };
  if (message.contact) {
    return { kind: 'contact', phone: message.contact.phone_number, own: message.contact.user_id === message.from?.id };
  }
  const caption = message.caption;
  if (message.photo && message.photo.length > 0) {
    const photo = largest(message.photo);
    return { kind: 'fileRef', file: { fileId: photo.file_id, name: `photo-${photo.file_unique_id}.jpg`, mime: 'image/jpeg', size: photo.file_size, caption } };
  }
  if (message.document) {
    const d = message.document;
    return { kind: 'fileRef', file: { fileId: d.file_id, name: d.file_name ?? `document-${d.file_unique_id}`, mime: d.mime_type ?? 'application/octet-stream', size: d.file_size, caption } };
  }
  return null;
}

/** `/start@OurBot abc` → {command: 'start', arg: 'abc'}; only a command at the very start counts. */
function commandOf(message: Message): InboundInput | null {
  const text = message.text ?? '';
  const entity = message.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!entity) return null;
  const command = text.slice(1, entity.length).split('@')[0]!.toLowerCase();
  const arg = text.slice(entity.length).trim();
  return arg ? { kind: 'command', command, arg } : { kind: 'command', command };
}

const largest = (sizes: readonly PhotoSize[]): PhotoSize =>
  sizes.reduce((best, s) => (s.width * s.height > best.width * best.height ? s : best));

/** The deep-link argument of `/start <arg>`: how the platform bot learns which organisation a resident came from. */
export function startArgOf(view: TelegramUpdateView): string | null {
  return view.input.kind === 'command' && view.input.command === 'start' ? view.input.arg ?? null : null;
}

/** Turns a read update into the dialogs' event for an organisation known by the caller; fetches a file if any. */
export async function toInboundEvent(
  view: TelegramUpdateView, source: { readonly orgId: string; readonly connectionId: string }, download: TelegramDownload,
): Promise<TelegramInbound> {
  const { callbackQueryId: _answeredByCaller, input: seen, ...rest } = view;
  let input: InboundInput;
  if (seen.kind === 'fileRef') {
    const ref = seen.file;
    const data = ref.size !== undefined && ref.size > TELEGRAM_FILE_CAP_BYTES ? null : await download(ref.fileId, TELEGRAM_FILE_CAP_BYTES);
    if (!data) return { kind: 'refused', reason: 'fileTooLarge', view };
    input = { kind: 'file', file: { name: ref.name, mime: ref.mime, data }, ...(ref.caption !== undefined ? { caption: ref.caption } : {}) };
  } else {
    input = seen;
  }
  return { kind: 'event', view, event: { channel: 'telegram', orgId: source.orgId, connectionId: source.connectionId, ...rest, input } };
}

/**
 * One step for the usual case: the organisation is the connection's, or `orgId` for the platform bot (the caller
 * found it from the deep link). null when the update is not for the dialogs.
 */
export async function mapTelegramUpdate(
  update: Update, connection: BotConnection, download: TelegramDownload, orgId: string | null = connection.orgId,
): Promise<TelegramInbound | null> {
  const view = viewTelegramUpdate(update);
  if (!view) return null;
  if (orgId === null) throw new Error(`telegram connection ${connection.id} serves several organisations: pass the orgId`);
  return toInboundEvent(view, { orgId, connectionId: connection.id }, download);
}
