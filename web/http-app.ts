import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/infra/logger/logger.ts';
import { isAppError, translate, type Locale } from '../core/shared/index.ts';

/** Picks Russian unless the client prefers English (Accept-Language), per the product's audience. */
export function requestLocale(header: string | undefined): Locale {
  const first = (header ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'ru';
}

/**
 * Logs one line per request with a correlation id. The route pattern is logged, never the raw URL: paths and
 * query strings carry signed tokens and account numbers.
 */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const requestId = /^[\w-]{8,64}$/.test(req.get('x-request-id') ?? '') ? req.get('x-request-id')! : randomUUID();
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : '(unmatched)';
      logger.info({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'http');
    });
    next();
  };
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const locale = requestLocale(req.get('accept-language'));
    const requestId = res.locals.requestId as string | undefined;
    if (isAppError(error)) {
      res.status(400).json({ error: { code: error.code, field: error.field, message: translate(locale, error.code, error.vars) } });
      return;
    }
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) logger.error({ requestId, err: error }, 'request failed');
    res.status(status).json({ error: { code: 'INTERNAL.UNEXPECTED', message: translate(locale, 'INTERNAL.UNEXPECTED'), requestId } });
  };
}

/** The express app every role serves: security headers, logging, the given routers, and one error handler. */
export function makeHttpApp(logger: Logger, routers: readonly Router[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY' });
    next();
  });
  app.use(requestLog(logger));
  for (const router of routers) app.use(router);
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: translate(requestLocale(req.get('accept-language')), 'http.notFound') } });
  });
  app.use(errorHandler(logger));
  return app;
}
