import type { Request, RequestHandler, Response } from 'express';
import type { Database } from '../../core/infra/database/database.ts';
import { authenticateApiKey, type ApiKeyPrincipal } from '../../core/orgs/index.ts';
import { translate, type Clock, type ErrorCode } from '../../core/shared/index.ts';
import { requestLocale } from '../http-app.ts';

/** The key's organisation, set by requireApiKey for the handlers after it. */
export const principalOf = (res: Response): ApiKeyPrincipal => res.locals.apiKey as ApiKeyPrincipal;

/** `Authorization: Bearer <key>` (RFC 6750; the scheme is case-insensitive) or `X-Api-Key: <key>`. */
export function presentedKey(req: Request): string | null {
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return bearer?.[1] ?? req.get('x-api-key')?.trim() ?? null;
}

/** An error as the API answers it: the code for programs, a message in the caller's language for people. */
export function sendApiError(req: Request, res: Response, status: number, code: ErrorCode | `http.${string}`, vars: Record<string, string | number> = {}): void {
  const locale = requestLocale(req.get('accept-language'));
  res.status(status).json({ error: { code, message: translate(locale, code, vars) } });
}

/** 401 for a missing, malformed, unknown or revoked key, all alike: the answer tells a prober nothing. */
export function requireApiKey(deps: { readonly db: Database; readonly clock: Clock }): RequestHandler {
  return async (req, res, next) => {
    const key = presentedKey(req);
    const principal = key ? await authenticateApiKey(deps.db, deps.clock, key) : null;
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="familypay"');
      return sendApiError(req, res, 401, 'REGISTRIES.API_KEY_INVALID');
    }
    res.locals.apiKey = principal;
    res.set('Cache-Control', 'no-store');
    next();
  };
}
