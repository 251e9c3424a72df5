/**
 * The parts of the MAX Bot API wire format this adapter reads and writes (OpenAPI «Max Bot API» 0.0.32,
 * max-messenger-bot/max-bot-api-schemas, and dev.max.ru). Ids are int64 on the wire; MAX's user and chat ids stay
 * well inside 2^53, so JSON numbers carry them exactly.
 */

export type MaxUser = {
  readonly user_id: number;
  readonly first_name?: string;
  readonly last_name?: string | null;
  readonly username?: string | null;
  readonly is_bot?: boolean;
};

/** A button of an inline keyboard (Button in the schema); `payload` is at most 1024 characters, `text` 128. */
export type MaxButton =
  | { readonly type: 'callback'; readonly text: string; readonly payload: string }
  | { readonly type: 'link'; readonly text: string; readonly url: string }
  | { readonly type: 'request_contact'; readonly text: string };

/** What we attach to a message we send (AttachmentRequest). */
export type MaxAttachmentRequest =
  | { readonly type: 'inline_keyboard'; readonly payload: { readonly buttons: readonly (readonly MaxButton[])[] } }
  | { readonly type: 'file' | 'image'; readonly payload: MaxUploadedPayload };

/** NewMessageBody: text ≤ 4000 characters; `format` turns on markdown or html parsing (we send plain text). */
export type MaxNewMessage = {
  readonly text?: string | null;
  readonly attachments?: readonly MaxAttachmentRequest[];
  readonly format?: 'markdown' | 'html';
  readonly notify?: boolean;
};

/** Where a message goes: POST /messages?chat_id=… or ?user_id=… */
export type MaxTarget = { readonly chat_id: string | number } | { readonly user_id: string | number };

/** What an upload gives back, used as the attachment's payload as it is: `{token}` (file) or `{photos}` (image). */
export type MaxUploadedPayload =
  | { readonly token: string }
  | { readonly photos: Readonly<Record<string, { readonly token: string }>> };

export type MaxSubscription = { readonly url: string; readonly time?: number; readonly update_types?: readonly string[] | null };

/** CallbackAnswer: an edited message and/or a one-off notification; both optional in the schema. */
export type MaxCallbackAnswer = { readonly message?: MaxNewMessage; readonly notification?: string };

/** GET /updates: the updates after `marker`, and the marker of the next expected one. */
export type MaxUpdateList = { readonly updates: readonly unknown[]; readonly marker: number | null };

/** The update types the adapter acts on; the webhook subscription and long polling ask for these only. */
export const MAX_UPDATE_TYPES = ['message_created', 'message_callback', 'bot_started'] as const;
