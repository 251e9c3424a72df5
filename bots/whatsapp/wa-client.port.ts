/**
 * The little the adapter needs from a WhatsApp client. whatsapp-web.js implements it (wwebjs.client.ts); tests
 * drive a fake, because web.whatsapp.com cannot be reached from a test.
 */

/** An attachment as WhatsApp hands it over: bytes in base64. */
export type WaMedia = { readonly mimetype: string; readonly data: string; readonly filename?: string | null };

/** WhatsApp's own message types we care about; anything else is passed through as a string. */
export type WaMessageType = 'chat' | 'image' | 'document' | 'vcard' | 'multi_vcard' | (string & {});

export type WaMessage = {
  /** WhatsApp's serialised message id, unique per message (`false_79161234567@c.us_3EB0…`). */
  readonly id: string;
  /** The chat it came from: `79161234567@c.us` for a person, `…@g.us` a group, `status@broadcast`, `…@lid` when the number is hidden. */
  readonly from: string;
  readonly body: string;
  readonly type: WaMessageType;
  readonly hasMedia: boolean;
  /** Size of the attachment in bytes when WhatsApp says it up front, so a big video is never downloaded. */
  readonly mediaSize?: number | null;
  /** Unix seconds. */
  readonly timestamp: number;
  readonly fromMe: boolean;
  readonly isGroup: boolean;
  /** A status update or a broadcast list message: not a conversation with us. */
  readonly isStatus: boolean;
  /** The contact cards of a `vcard`/`multi_vcard` message. */
  readonly vCards?: readonly string[];
  /** null when WhatsApp no longer has the media (expired, deleted). */
  downloadMedia(): Promise<WaMedia | null>;
};

export type WaClientEvents = {
  qr: (qr: string) => void;
  ready: () => void;
  authenticated: () => void;
  auth_failure: (message: string) => void;
  disconnected: (reason: string) => void;
  message: (message: WaMessage) => void;
};

export type WaClient = {
  on<E extends keyof WaClientEvents>(event: E, listener: WaClientEvents[E]): unknown;
  sendMessage(chatId: string, text: string): Promise<void>;
  sendMedia(chatId: string, media: WaMedia, caption?: string): Promise<void>;
  /** Starts the browser and logs in (a QR the first time, the saved session afterwards). */
  initialize(): Promise<void>;
  /** Closes the browser; the saved session stays on disk. */
  destroy(): Promise<void>;
};

/** What the WhatsApp process logs through (pino's logger fits): codes and connection ids, never numbers or text. */
export type WaLogger = {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};
