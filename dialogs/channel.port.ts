import type { Locale } from '../core/shared/index.ts';
import type { DialogChannel, Expectation, InboundEvent, OutboundIntent } from './types.ts';

/**
 * One message to a resident's chat: the replies to an event, a receipt, an appeal's answer, a broadcast. It goes
 * through the channel's rate-limited queue (`outbound.<channel>`), so replies and notifications share the limits.
 */
export type OutboundMessage = {
  readonly channel: DialogChannel;
  readonly orgId: string;
  readonly connectionId: string | null;
  readonly chatId: string;
  readonly locale: Locale;
  readonly intents: readonly OutboundIntent[];
  readonly expect: Expectation;
  /** Stable id of this message (`reply:<identity>:<event>`, `receipt:<payment>`): a retried job sends it once. */
  readonly key: string;
  /** A staff answer to an appeal: its delivery (or that it cannot be delivered) is recorded on the appeal. */
  readonly appealMessageId?: string;
};

/**
 * Draws and sends one message through a channel's API. Throws RetryAfterError on the platform's 429.
 * 'undeliverable': the chat is closed to us for good (the resident blocked the bot); retrying cannot help.
 */
export type ChannelSender = (message: OutboundMessage) => Promise<void | 'undeliverable'>;

/** The platform asked us to wait (Telegram's retry_after, MAX's 429): the queue waits that long before retrying. */
export class RetryAfterError extends Error {
  readonly code = 'CHANNEL.RETRY_AFTER';
  constructor(readonly retryAfterMs: number, message = 'rate limited by the channel') {
    super(message);
    this.name = 'RetryAfterError';
  }
}

/** For channels whose replies go out asynchronously (Telegram, MAX, WhatsApp): handle the event, queue its replies. */
export type DialogGateway = {
  receive(event: InboundEvent): Promise<void>;
};

/** A bot connection: an organisation's (or the platform's) bot on one channel, set up in admin. */
export type { BotConnection } from '../core/conversations/index.ts';
import type { BotConnection } from '../core/conversations/index.ts';

/**
 * The platform bot serves several organisations: the organisation comes from the `/start` deep link (startArg) or,
 * for later messages, from what the resident linked before (externalUserId). null: not known yet.
 */
export type OrgForPlatformBot = (startArg: string | null, externalUserId: string) => Promise<string | null>;

/** What a messenger's inbound handler needs (Telegram, MAX): the gateway, a logger, and the platform bot's resolver. */
export type ChannelInboundDeps<L> = {
  readonly gateway: DialogGateway;
  readonly logger: L;
  readonly orgForPlatformBot?: OrgForPlatformBot;
};

/** How a messenger's inbound handler dealt with an update. */
export type ChannelHandled = {
  readonly outcome: 'received' | 'ignored' | 'refused' | 'noOrganisation';
  /** Side calls that must not hold the webhook answer (a button press's answer, a short refusal); never rejects. */
  readonly after: Promise<void>;
};

/** Where adapters read connections and report their health (the admin's channel pages show it). */
export type ConnectionStore = {
  find(id: string): Promise<BotConnection | null>;
  list(channel: BotConnection['channel']): Promise<readonly BotConnection[]>;
  /** State shown in admin: 'webhook' | 'polling' | 'qr' | 'ready' | 'error' | 'stopped', with a detail (the login QR, a webhook URL). */
  reportState(id: string, state: string, detail?: string | null): Promise<void>;
  /** The last error (no personal data, no token): admin shows the latest few. */
  reportError(id: string, message: string): Promise<void>;
};

/** Files the dialogs keep (PDF statements we send, photos residents send). */
export type FileStore = {
  load(fileId: string): Promise<{ readonly name: string; readonly mime: string; readonly data: Buffer } | null>;
};
