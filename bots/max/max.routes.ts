import express, { Router, type RequestHandler } from 'express';
import type { BotConnection, ConnectionStore } from '../../dialogs/channel.port.ts';
import { makeDownload } from './max-download.ts';
import { secretMatches } from '../../core/shared/index.ts';
import { MAX_SECRET_HEADER, clientForConnection, type MaxClientSettings } from './max-connection.ts';
import { handleMaxUpdate, type MaxInboundDeps } from './max.inbound.ts';

// An Update is a message of ≤ 4000 characters with a few attachment descriptors (files come as URLs, not bytes).
const HOOK_BODY_LIMIT = '256kb';
/** Connection ids are uuids; anything else is not looked up at all. */
const PLAUSIBLE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type MaxRoutesDeps = MaxInboundDeps & MaxClientSettings & { readonly connections: ConnectionStore };

/**
 * `POST /hooks/max/:botId`, the URL given to MAX at subscription. The `X-Max-Bot-Api-Secret` header is checked
 * before the body is read; a wrong or missing one changes nothing (RELIABILITY.md A5). 200 goes back only once the
 * dialogs have the event: a failure answers 5xx and MAX delivers again (it retries for up to 8 hours).
 */
export function maxRoutes(deps: MaxRoutesDeps): Router {
  const router = Router();
  const download = makeDownload(deps.fetch);

  const authenticate: RequestHandler = async (req, res, next) => {
    const botId = String(req.params.botId);
    const connection = PLAUSIBLE_ID.test(botId) ? await deps.connections.find(botId) : null;
    if (!connection || !connection.active || connection.channel !== 'max') {
      res.status(404).json({});
      return;
    }
    if (!secretMatches(req.get(MAX_SECRET_HEADER), connection.webhookSecret)) {
      deps.logger.warn({ connectionId: connection.id, code: 'MAX.SECRET_INVALID' }, 'max webhook without the right secret');
      res.status(401).json({});
      return;
    }
    res.locals.connection = connection;
    next();
  };

  router.post('/hooks/max/:botId', authenticate, express.raw({ type: () => true, limit: HOOK_BODY_LIMIT }), async (req, res) => {
    const connection = res.locals.connection as BotConnection;
    let update: unknown;
    try {
      update = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      res.status(400).json({});
      return;
    }
    let handled;
    try {
      handled = await handleMaxUpdate(deps, connection, clientForConnection(connection, deps), download, update);
    } catch (error) {
      deps.logger.error({ connectionId: connection.id, err: error }, 'max update not handled');
      res.status(500).json({});
      return;
    }
    if (handled.outcome !== 'received') deps.logger.debug({ connectionId: connection.id, outcome: handled.outcome }, 'max update not for the dialogs');
    res.status(200).json({ ok: true });
    await handled.after;
  });
  return router;
}
