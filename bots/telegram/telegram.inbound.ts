import type { Update } from 'grammy/types';
import type { Logger } from '../../core/infra/logger/logger.ts';
import { translate, type Locale } from '../../core/shared/index.ts';
import type { BotConnection } from '../../dialogs/channel.port.ts';
import type { TelegramBotHandle } from './telegram.bot.ts';
import { startArgOf, toInboundEvent, viewTelegramUpdate } from './telegram-update.ts';

export type TelegramLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

import type { ChannelHandled, ChannelInboundDeps, OrgForPlatformBot } from '../../dialogs/channel.port.ts';
export type { OrgForPlatformBot };

export type TelegramInboundDeps = ChannelInboundDeps<TelegramLogger>;

export type TelegramHandled = ChannelHandled;

/**
 * One update, webhook or polling alike: read it, find the organisation, fetch a file, hand the event to the
 * dialogs. Resolves once the gateway has it; a rejection means «deliver it again».
 */
export async function handleTelegramUpdate(
  deps: TelegramInboundDeps, connection: BotConnection, handle: TelegramBotHandle, update: Update,
): Promise<TelegramHandled> {
  const view = viewTelegramUpdate(update);
  if (!view) return { outcome: 'ignored', after: Promise.resolve() };
  const orgId = connection.orgId ?? (await deps.orgForPlatformBot?.(startArgOf(view), view.externalUserId)) ?? null;
  const answer = () => (view.callbackQueryId ? side(deps, connection, 'answerCallbackQuery', handle.bot.api.answerCallbackQuery(view.callbackQueryId)) : Promise.resolve());
  const tell = (key: string, locale: Locale) =>
    side(deps, connection, 'sendMessage', handle.bot.api.sendMessage(view.chatId, translate(locale, key)));
  if (orgId === null) {
    return { outcome: 'noOrganisation', after: Promise.all([answer(), tell('telegram.organisationUnknown', view.localeHint)]).then(() => undefined) };
  }
  const inbound = await toInboundEvent(view, { orgId, connectionId: connection.id }, handle.download);
  if (inbound.kind === 'refused') return { outcome: 'refused', after: tell('telegram.fileTooLarge', view.localeHint) };
  await deps.gateway.receive(inbound.event);
  return { outcome: 'received', after: answer() };
}

async function side(deps: TelegramInboundDeps, connection: BotConnection, method: string, call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    const code = (error as { error_code?: unknown }).error_code;
    deps.logger.warn({ connectionId: connection.id, method, code: typeof code === 'number' ? code : 'network' }, 'telegram side call failed');
  }
}
