import type { Logger } from '../../core/infra/logger/logger.ts';
import { translate } from '../../core/shared/index.ts';
import type { BotConnection } from '../../dialogs/channel.port.ts';
import type { Download } from './max-download.ts';
import { readMaxUpdate, startArgOf, toInboundEvent } from './max-update.ts';
import type { MaxClient } from './max.client.ts';

export type MaxLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

import type { ChannelHandled, ChannelInboundDeps, OrgForPlatformBot } from '../../dialogs/channel.port.ts';
export type { OrgForPlatformBot };

export type MaxInboundDeps = ChannelInboundDeps<MaxLogger>;

export type MaxHandled = ChannelHandled;

function side(logger: MaxLogger, connection: BotConnection, method: string, call: Promise<unknown>): Promise<void> {
  return call.then(() => undefined, (error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    logger.warn({ connectionId: connection.id, method, code: typeof code === 'string' ? code : 'MAX.UNEXPECTED' }, 'max side call failed');
  });
}

/**
 * One update, webhook or long poll alike: read it, find the organisation, fetch a file, hand the event to the
 * dialogs. Resolves once the gateway has it; a rejection means «deliver it again». A button press is acknowledged
 * (POST /answers) only after the dialogs have it, and without holding the answer to MAX.
 */
export async function handleMaxUpdate(
  deps: MaxInboundDeps, connection: BotConnection, client: MaxClient, download: Download, update: unknown,
): Promise<MaxHandled> {
  const inbound = readMaxUpdate(update);
  if (!inbound) return { outcome: 'ignored', after: Promise.resolve() };
  const orgId = connection.orgId ?? (await deps.orgForPlatformBot?.(startArgOf(inbound), inbound.externalUserId)) ?? null;
  const answer = () => (inbound.callbackId
    ? side(deps.logger, connection, 'answers', client.answerCallback(inbound.callbackId, {}))
    : Promise.resolve());
  const tell = (key: string) =>
    side(deps.logger, connection, 'messages', client.sendMessage({ chat_id: inbound.chatId }, { text: translate(inbound.localeHint ?? 'ru', key) }));
  if (orgId === null) {
    return { outcome: 'noOrganisation', after: Promise.all([answer(), tell('max.organisationUnknown')]).then(() => undefined) };
  }
  const mapped = await toInboundEvent(inbound, { orgId, connectionId: connection.id }, download);
  if (mapped.kind === 'refused') return { outcome: 'refused', after: tell('max.fileTooLarge') };
  await deps.gateway.receive(mapped.event);
  return { outcome: 'received', after: answer() };
}
