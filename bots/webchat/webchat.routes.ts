import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import path from 'node:path';
import { translate, type Locale } from '../../core/shared/index.ts';
import { requestLocale } from '../../web/http-app.ts';
import { apiError, DEFAULT_LIMITS, getMessages, postMessage, type ChatServices, type WebchatLimits } from './webchat-api.ts';
import { chatPageHtml, missingPageHtml } from './webchat.page.tsx';

export type WebchatDeps = ChatServices & {
  /** Served over https (PUBLIC_URL): only an https Origin is our own. */
  readonly secure: boolean;
  /** Rate limits; the benchmark drives thousands of residents from one address and raises them. */
  readonly limits?: Partial<WebchatLimits>;
  readonly now?: () => number;
};

const STATIC = new URL('./static/', import.meta.url).pathname;

/** 4000 characters of Cyrillic are 8 000 bytes of UTF-8; JSON escapes can double that. */
const BODY_LIMIT = '32kb';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** `?lang=en|ru` wins (a shared link stays in its language), then Accept-Language; Russian by default. */
const localeOf = (req: Request): Locale =>
  req.query.lang === 'en' || req.query.lang === 'ru' ? req.query.lang : requestLocale(req.get('accept-language'));

/** The page holds a resident's debts and the API answers them: nothing is cached or sent on as a referrer. */
const privateHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
  next();
};

/**
 * A page on another site must not drive a resident's chat (RELIABILITY.md A4): when the browser says where the
 * request comes from, it must be us. CORS stays off, so another site cannot read the answers either; and only
 * application/json is read, which a plain cross-site form cannot send.
 */
function sameOriginOnly(deps: WebchatDeps): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    const own = `${deps.secure ? 'https' : req.protocol}://${req.get('host') ?? ''}`;
    if (origin !== undefined && origin !== own) {
      deps.logger.warn({ code: 'WEBCHAT.FOREIGN_ORIGIN', requestId: res.locals.requestId }, 'web chat post from another site refused');
      return apiError(res, localeOf(req), 403, 'WEBCHAT.FOREIGN_ORIGIN', 'origin');
    }
    if (!req.is('application/json')) return apiError(res, localeOf(req), 415, 'WEBCHAT.NOT_JSON', 'notJson', 'body');
    next();
  };
}

const bodyErrors: ErrorRequestHandler = (error, req, res, next) => {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') return apiError(res, localeOf(req), 413, 'WEBCHAT.BAD_REQUEST', 'tooLarge', 'body');
  if (type === 'entity.parse.failed') return apiError(res, localeOf(req), 400, 'WEBCHAT.BAD_REQUEST', 'body', 'body');
  next(error);
};

/** The web chat: `/chat/:orgSlug` page, its static files, and the JSON API the page talks to. */
export function webchatRoutes(deps: WebchatDeps): Router {
  const router = Router();
  const api = {
    dialogs: deps.dialogs, orgBySlug: deps.orgBySlug, pending: deps.pending, logger: deps.logger,
    limits: { ...DEFAULT_LIMITS, ...deps.limits }, now: deps.now ?? Date.now, locale: localeOf,
  };

  // Before `/chat/:orgSlug`, which would otherwise take «static» for an organisation.
  router.get('/chat/static/:file', (req, res) => {
    const file = String(req.params.file);
    if (!/^[\w-]+\.(css|js)$/.test(file)) return res.status(404).end();
    res.set('Cache-Control', 'public, max-age=3600').sendFile(path.join(STATIC, file), (e) => { if (e && !res.headersSent) res.status(404).end(); });
  });

  router.use('/chat/api', privateHeaders);
  router.post('/chat/api/:orgSlug/messages', sameOriginOnly(deps), express.json({ limit: BODY_LIMIT }), postMessage(api));
  router.get('/chat/api/:orgSlug/messages', getMessages(api));
  router.use('/chat/api', bodyErrors);

  router.get('/chat/:orgSlug', privateHeaders, async (req, res) => {
    const locale = localeOf(req);
    const t = (key: string, vars?: Readonly<Record<string, unknown>>) => translate(locale, key, vars);
    const slug = String(req.params.orgSlug);
    const org = /^[A-Za-z0-9_-]{1,64}$/.test(slug) ? await deps.orgBySlug(slug) : null;
    res.set('Content-Security-Policy', CSP).type('html');
    if (!org) return res.status(404).send(missingPageHtml({ t, locale }));
    res.send(chatPageHtml({ t, locale, org, slug }));
  });
  return router;
}
