import express, { Router, type RequestHandler } from 'express';
import type { Update } from 'grammy/types';
import { isUuid, secretMatches } from '../../core/shared/index.ts';
import type { BotConnection, ConnectionStore } from '../../dialogs/channel.port.ts';
import { makeBotCache, type TelegramClientOptions } from './telegram.bot.ts';
import { handleTelegramUpdate, type TelegramInboundDeps } from './telegram.inbound.ts';

/** Telegram's updates are small JSON; a photo arrives as a file_id, never as bytes. */
const UPDATE_BODY_LIMIT = '1mb';
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export type TelegramRoutesDeps = TelegramInboundDeps & {
  readonly connections: ConnectionStore;
  /** For tests and a local Bot API server. */
  readonly client?: TelegramClientOptions;
};



/**
 * `POST /hooks/telegram/:botId`. Only Telegram knows the connection's secret_token (RELIABILITY.md A5): without
 * it the request is refused before its body is read. 200 is answered only once the dialogs have the event;
 * anything else makes Telegram deliver it again.
 */
export function telegramRoutes(deps: TelegramRoutesDeps): Router {
  const router = Router();
  const botFor = makeBotCache(deps.client);

  const authenticate: RequestHandler = async (req, res, next) => {
    const botId = String(req.params.botId);
    // Connection ids are uuids; anything else is not looked up at all (the database would refuse the cast).
    const connection = isUuid(botId) ? await deps.connections.find(botId) : null;
    if (!connection || !connection.active || connection.channel !== 'telegram') {
      res.status(404).json({});
      return;
    }
    if (!secretMatches(req.get(TELEGRAM_SECRET_HEADER), connection.webhookSecret)) {
      deps.logger.warn({ connectionId: connection.id }, 'telegram webhook without the right secret');
      res.status(401).json({});
      return;
    }
    res.locals.connection = connection;
    next();
  };

  router.post('/hooks/telegram/:botId', authenticate, express.json({ limit: UPDATE_BODY_LIMIT }), async (req, res) => {
    const connection = res.locals.connection as BotConnection;
    const update = req.body as Partial<Update> | undefined;
    if (typeof update?.update_id !== 'number') {
      res.status(400).json({});
      return;
    }
    try {
      const handled = await handleTelegramUpdate(deps, connection, botFor(connection), update as Update);
      res.status(200).json({});
      void handled.after;
    } catch (error) {
      deps.logger.error({ connectionId: connection.id, updateId: update.update_id, err: error }, 'telegram update not handled');
      res.status(500).json({});
    }
  });
  return router;
}
