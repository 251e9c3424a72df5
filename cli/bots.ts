import { EventEmitter } from 'node:events';
import { makePlatformOrg, makeWhatsappMayWrite } from '../core/conversations/index.ts';
import { whatsappCommand } from '../bots/whatsapp/whatsapp-command.ts';
import { makeFileSource } from '../core/documents/index.ts';
import { isStartToken } from '../core/payments/index.ts';
import { maxRoutes, makeMaxSender, startMax } from '../bots/max/index.ts';
import { makeTelegramSender, startTelegram, telegramRoutes } from '../bots/telegram/index.ts';
import { makeWebchatSender } from '../bots/webchat/index.ts';
import { whatsappInboundHandler, WHATSAPP_TOPICS } from '../bots/whatsapp/wa.jobs.ts';
import { OUTBOUND_LIMITS, outboundHandler, outboundTopic } from '../dialogs/outbound.ts';
import type { Router } from 'express';
import type { App } from './compose.ts';
import { appealDeliveryReport } from './appeals-worker.ts';

/** The organisation behind a platform bot's resident: the signed start token, else the one they last talked to. */
const platformOrg = (app: App, channel: 'telegram' | 'max') => makePlatformOrg(app.db, async (token) => {
  if (isStartToken(token)) {
    const account = await app.payments.links.verifyStart(token);
    if (!account.ok) return null;
    const [row] = await app.db.read((em) => em.execute<{ org: string | null }[]>('select fp_account_org(?) as org', [account.value]));
    return row?.org ?? null;
  }
  const claims = await app.payments.links.verify(token);
  return claims.ok ? claims.value.orgId : null;
}, channel);

/** The messengers' webhooks (`serve`): Telegram and MAX, each checking its secret header before anything else. */
export function botRoutes(app: App): Router[] {
  return [
    telegramRoutes({ connections: app.connections, gateway: app.dialogs.gateway, logger: app.logger, orgForPlatformBot: platformOrg(app, 'telegram'), client: { apiRoot: app.config.TELEGRAM_API_URL } }),
    maxRoutes({ connections: app.connections, gateway: app.dialogs.gateway, logger: app.logger, orgForPlatformBot: platformOrg(app, 'max'), baseUrl: app.config.MAX_API_URL }),
  ];
}

/**
 * The bots' side of the worker: webhooks registered (https) or long polls started (a laptop, embedded mode), and
 * one rate-limited consumer per outbound channel. WhatsApp's outbound queue belongs to `familypay whatsapp`.
 * Long polling suits one worker: Telegram refuses a second poller of the same bot (409).
 */
export async function startBots(app: App, work: App['queue']['work']): Promise<{ stop(): Promise<void> }> {
  const files = makeFileSource(app.db);
  const publicUrl = app.config.PUBLIC_URL ?? app.publicUrl;
  const telegram = await startTelegram({
    connections: app.connections, gateway: app.dialogs.gateway, logger: app.logger, files, publicUrl,
    apiRoot: app.config.TELEGRAM_API_URL, orgForPlatformBot: platformOrg(app, 'telegram'),
  });
  const max = await startMax({
    connections: app.connections, gateway: app.dialogs.gateway, logger: app.logger, files, publicUrl,
    baseUrl: app.config.MAX_API_URL, orgForPlatformBot: platformOrg(app, 'max'),
  });
  const report = appealDeliveryReport(app);
  work(outboundTopic('telegram'), outboundHandler(makeTelegramSender(app.connections, files, { apiRoot: app.config.TELEGRAM_API_URL }), undefined, report),
    { concurrency: 10, limiter: OUTBOUND_LIMITS.telegram });
  work(outboundTopic('max'), outboundHandler(makeMaxSender(app.connections, files, { baseUrl: app.config.MAX_API_URL }), undefined, report),
    { concurrency: 10, limiter: OUTBOUND_LIMITS.max });
  work(outboundTopic('webchat'), outboundHandler(makeWebchatSender(app.chatPending), undefined, report), { concurrency: 4 });
  work(WHATSAPP_TOPICS.inbound, whatsappInboundHandler(app.dialogs.gateway), { concurrency: 4 });
  // Embedded mode is one process (PGlite allows no second one): WhatsApp sessions, if any, run here too.
  const whatsappStop = new EventEmitter();
  const whatsapp = app.embedded && (await app.connections.list('whatsapp')).some((c) => c.active)
    ? whatsappProcess(app, [], whatsappStop) : undefined;
  return {
    stop: async () => {
      whatsappStop.emit('SIGTERM');
      await Promise.all([telegram.stop(), max.stop(), whatsapp]);
    },
  };
}

/** `familypay whatsapp`: one Chromium session per active WhatsApp connection, through the queues. */
export function whatsappProcess(app: App, args: readonly string[], signals?: EventEmitter): Promise<number> {
  return whatsappCommand({
    connections: app.connections, queue: app.queue, files: makeFileSource(app.db), mayWrite: makeWhatsappMayWrite(app.db), logger: app.logger, report: appealDeliveryReport(app),
    dataDir: app.config.DATA_DIR, chromiumPath: app.config.CHROMIUM_PATH, paceMs: app.config.WHATSAPP_PACE_MS,
    ...(signals ? { signals } : {}),
  }, args);
}
