import type { Locale } from '../core/shared/index.ts';

/** The channels a resident reaches us through (the same list as identities.channel). */
export const DIALOG_CHANNELS = ['telegram', 'max', 'whatsapp', 'webchat', 'voice'] as const;
export type DialogChannel = (typeof DIALOG_CHANNELS)[number];

/** A file a resident sent, already fetched by the adapter (photos of a leak, a scan for a question). */
export type InboundFile = { readonly name: string; readonly mime: string; readonly data: Buffer };

/** What the resident did, in channel-neutral terms. */
export type InboundInput =
  | { readonly kind: 'text'; readonly text: string }
  /** `/start <token>`, `/menu`…: the command without its slash, the rest as arg. */
  | { readonly kind: 'command'; readonly command: string; readonly arg?: string }
  /** A button press (Telegram callback_data, MAX payload, web chat choice): the option's short id. */
  | { readonly kind: 'choice'; readonly optionId: string }
  /** A shared contact. `own` is true when the messenger vouches it is the sender's own number. */
  | { readonly kind: 'contact'; readonly phone: string; readonly own: boolean }
  | { readonly kind: 'dtmf'; readonly digits: string }
  | { readonly kind: 'speech'; readonly text: string; readonly confidence?: number }
  | { readonly kind: 'file'; readonly file: InboundFile; readonly caption?: string }
  /** The robot heard nothing before its timeout. */
  | { readonly kind: 'noInput' }
  /** The call or the chat session ended (the robot's call.ended). */
  | { readonly kind: 'end' };

export type InboundEvent = {
  readonly channel: DialogChannel;
  readonly orgId: string;
  /** The bot connection the event came through (bot_connections.id); null for the web chat and the robot. */
  readonly connectionId: string | null;
  /** Who: Telegram/MAX user id, WhatsApp number, a hash of the web chat session, the caller's number. */
  readonly externalUserId: string;
  /** Where replies go: the chat id (Telegram, MAX), the WhatsApp chat, the session, the call id. */
  readonly chatId: string;
  /** The channel's own id of this event (Telegram update_id, `callId:seq`); a repeat returns the first replies. */
  readonly eventKey?: string;
  /** A phone the channel itself vouches for: the WhatsApp number, the caller's number (ANI). */
  readonly channelPhone?: string | null;
  /** The messenger's interface language, used until the resident picks one. */
  readonly localeHint?: Locale | null;
  readonly input: InboundInput;
};

/** A text from locales/ (namespace `dialogs.` unless the key says otherwise) with its variables. */
export type Phrase = { readonly key: string; readonly vars?: Readonly<Record<string, string | number>> };

/** A choice's option: a short id (≤ 32 ASCII bytes, fits Telegram's 64-byte callback_data) and its label. */
export type ChoiceOption = { readonly id: string; readonly label: Phrase };

/** What to tell the resident, in channel-neutral terms; each channel's renderer draws it. */
export type OutboundIntent =
  | { readonly type: 'text'; readonly text: Phrase }
  | { readonly type: 'choice'; readonly text: Phrase; readonly options: readonly ChoiceOption[] }
  /** A URL the resident opens (Telegram and MAX: a URL button labelled `label`). */
  | { readonly type: 'link'; readonly text: Phrase; readonly url: string; readonly label: Phrase }
  /** A file we send (a PDF statement): `url` is signed and short-lived; `fileId` lets an adapter upload the bytes. */
  | { readonly type: 'document'; readonly name: string; readonly url: string; readonly fileId: string; readonly caption?: Phrase }
  | { readonly type: 'image'; readonly url: string; readonly fileId?: string; readonly caption?: Phrase }
  /** Ask for the resident's phone (Telegram/MAX contact button; elsewhere the text asks to type it). */
  | { readonly type: 'requestContact'; readonly text: Phrase; readonly label: Phrase }
  /** Hand the call to a person (voice) or name who to call (other channels). */
  | { readonly type: 'transfer'; readonly to: string; readonly text: Phrase }
  /** The robot should send this link to the resident's messenger or SMS and say so. */
  | { readonly type: 'sendLink'; readonly url: string; readonly via: 'sms' | 'max' | 'telegram' | 'whatsapp' }
  /** The conversation is over (voice hangs up; chats just stop). */
  | { readonly type: 'end' };

/** What the next input is expected to be, so the robot gathers digits and a web chat offers the right keyboard. */
export type Expectation =
  | { readonly kind: 'choice' }
  | { readonly kind: 'number'; readonly maxDigits: number }
  | { readonly kind: 'text' }
  | { readonly kind: 'none' };

/** The engine's answer to one event. */
export type DialogReply = {
  readonly locale: Locale;
  readonly intents: readonly OutboundIntent[];
  readonly expect: Expectation;
  /** The identity the event was attributed to (identities.id). */
  readonly identityId: string;
};

/** The dialog engine as the channels see it. */
export type DialogPort = {
  handle(event: InboundEvent): Promise<DialogReply>;
};
