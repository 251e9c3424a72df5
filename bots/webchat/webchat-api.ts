import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../core/infra/logger/logger.ts';
import { translate, type Locale } from '../../core/shared/index.ts';
import type { DialogPort } from '../../dialogs/types.ts';
import type { PendingStore } from './pending.ts';
import { makeTokenBuckets, type BucketRule } from './rate-limit.ts';
import { inputOf, parseAfter, parseBody, SESSION, sessionHash } from './webchat-input.ts';
import { renderWebchat } from './webchat.renderer.ts';

export type Org = { readonly id: string; readonly name: string };

/** Per session: a person types a few messages in ten seconds; a script sending 20 is not a person. */
export const DEFAULT_LIMITS = {
  perSession: { capacity: 20, perMs: 10_000 },
  // Per address: a household or an office behind one NAT chatting at once.
  perIp: { capacity: 120, perMs: 60_000 },
  // Polls every 3 s are 20 a minute per open tab.
  pollsPerIp: { capacity: 600, perMs: 60_000 },
} as const satisfies Record<string, BucketRule>;

export type WebchatLimits = { readonly perSession: BucketRule; readonly perIp: BucketRule; readonly pollsPerIp: BucketRule };

/** What the web chat talks to: the dialogs, the organisations by slug, the waiting messages, the log. */
export type ChatServices = {
  readonly dialogs: DialogPort;
  readonly orgBySlug: (slug: string) => Promise<Org | null>;
  readonly pending: PendingStore;
  readonly logger: Logger;
};

export type ApiDeps = ChatServices & {
  readonly limits: WebchatLimits;
  readonly now: () => number;
  readonly locale: (req: Request) => Locale;
};

const SLUG = /^[A-Za-z0-9_-]{1,64}$/;

export function apiError(res: Response, locale: Locale, status: number, code: string, key: string, field?: string, vars: Record<string, string | number> = {}) {
  res.status(status).json({ error: { code, ...(field ? { field } : {}), message: translate(locale, `chat.error.${key}`, { field: field ?? '', ...vars }) } });
}

async function orgOf(deps: ApiDeps, req: Request): Promise<Org | null> {
  const slug = String(req.params.orgSlug);
  return SLUG.test(slug) ? deps.orgBySlug(slug) : null;
}

/** `POST /chat/api/:orgSlug/messages`: one message of the resident, answered with the bot's replies. */
export function postMessage(deps: ApiDeps): RequestHandler {
  const perSession = makeTokenBuckets(deps.limits.perSession, deps.now);
  const perIp = makeTokenBuckets(deps.limits.perIp, deps.now);
  return async (req, res) => {
    const locale = deps.locale(req);
    const limited = (wait: number) => {
      deps.logger.warn({ code: 'WEBCHAT.RATE_LIMITED', requestId: res.locals.requestId }, 'web chat message refused');
      res.set('Retry-After', String(Math.ceil(wait / 1000)));
      apiError(res, locale, 429, 'WEBCHAT.RATE_LIMITED', 'rateLimited', undefined, { seconds: Math.ceil(wait / 1000) });
    };
    const ipWait = perIp.take(req.ip ?? 'unknown');
    if (ipWait !== null) return limited(ipWait);
    const parsed = parseBody(req.body);
    if (!parsed.ok) {
      const key = parsed.problem.reason === 'oneOf' ? 'oneOf' : ['session', 'text', 'choice', 'id', 'body'].includes(parsed.problem.field) ? parsed.problem.field : 'invalid';
      return apiError(res, locale, 400, 'WEBCHAT.BAD_REQUEST', key, parsed.problem.field);
    }
    const org = await orgOf(deps, req);
    if (!org) return apiError(res, locale, 404, 'WEBCHAT.ORG_UNKNOWN', 'orgUnknown');
    const body = parsed.body;
    const hash = sessionHash(org.id, body.session);
    const sessionWait = perSession.take(hash);
    if (sessionWait !== null) return limited(sessionWait);
    const reply = await deps.dialogs.handle({
      channel: 'webchat',
      orgId: org.id,
      connectionId: null,
      externalUserId: hash,
      chatId: hash,
      ...(body.id ? { eventKey: `web:${hash}:${body.id}` } : {}),
      localeHint: locale,
      input: inputOf(body),
    });
    res.json({ replies: renderWebchat(reply.intents, reply.locale), expect: reply.expect.kind });
  };
}

/**
 * `GET /chat/api/:orgSlug/messages?after=<seq>`: what arrived for the chat since the page last looked. The session
 * comes in the `X-Chat-Session` header (kept out of proxies' access logs) or, for simple clients, `?session=`.
 */
export function getMessages(deps: ApiDeps): RequestHandler {
  const perIp = makeTokenBuckets(deps.limits.pollsPerIp, deps.now);
  return async (req, res) => {
    const locale = deps.locale(req);
    const wait = perIp.take(req.ip ?? 'unknown');
    if (wait !== null) {
      res.set('Retry-After', String(Math.ceil(wait / 1000)));
      return apiError(res, locale, 429, 'WEBCHAT.RATE_LIMITED', 'rateLimited', undefined, { seconds: Math.ceil(wait / 1000) });
    }
    const session = req.get('x-chat-session') ?? req.query.session;
    if (typeof session !== 'string' || !SESSION.test(session)) return apiError(res, locale, 400, 'WEBCHAT.BAD_REQUEST', 'session', 'session');
    const after = parseAfter(req.query.after);
    if (after === null) return apiError(res, locale, 400, 'WEBCHAT.BAD_REQUEST', 'invalid', 'after');
    const org = await orgOf(deps, req);
    if (!org) return apiError(res, locale, 404, 'WEBCHAT.ORG_UNKNOWN', 'orgUnknown');
    const waiting = await deps.pending.since(org.id, sessionHash(org.id, session), after);
    res.json({
      messages: waiting.map(({ seq, message }) => ({ seq, replies: renderWebchat(message.intents, message.locale), expect: message.expect.kind })),
    });
  };
}
