import { parse as parseCookies, serialize } from 'cookie';
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { StaffAuthService, StaffContext } from '../core/staff/index.ts';
import type { StaffRole } from '../core/orgs/index.ts';
import { isLocale, type Locale } from '../core/shared/index.ts';
import { csrfToken, csrfValid, sameOrigin } from './csrf.ts';
import { makeT, type T } from './i18n.ts';

export type AdminLocals = { staff?: StaffContext; csrf: string; t: T; locale: Locale; sessionToken?: string };

export type SessionDeps = {
  readonly auth: StaffAuthService;
  readonly secretKey: string;
  /** PUBLIC_URL is https: cookies get Secure and the __Host- prefix (bound to this host, path /). */
  readonly secure: boolean;
  /** PUBLIC_URL's origin; a state-changing request may also come from the host it was sent to. */
  readonly publicOrigin?: string;
};

export const locals = (res: Response): AdminLocals => res.locals as AdminLocals;

export function cookieNames(secure: boolean) {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}fp_sid`, pre: `${prefix}fp_pre`, lang: 'fp_lang' };
}

function setCookie(res: Response, secure: boolean, name: string, value: string, maxAgeSec?: number): void {
  res.append('Set-Cookie', serialize(name, value, { httpOnly: true, sameSite: 'lax', secure, path: '/', ...(maxAgeSec === undefined ? {} : { maxAge: maxAgeSec }) }));
}

export function setSessionCookie(res: Response, deps: SessionDeps, token: string): void {
  setCookie(res, deps.secure, cookieNames(deps.secure).session, token);
}
export function clearSessionCookie(res: Response, deps: SessionDeps): void {
  setCookie(res, deps.secure, cookieNames(deps.secure).session, '', 0);
}
export function setLanguageCookie(res: Response, deps: SessionDeps, locale: Locale): void {
  setCookie(res, deps.secure, cookieNames(deps.secure).lang, locale, 365 * 86_400);
}

function localeOf(req: Request, cookies: Record<string, string | undefined>): Locale {
  const chosen = cookies[cookieNames(false).lang];
  if (isLocale(chosen)) return chosen;
  return (req.get('accept-language') ?? '').toLowerCase().startsWith('en') ? 'en' : 'ru';
}

/**
 * Resolves the staff session (if any), the language and the CSRF token of every admin request. Without a
 * session the token is bound to a random pre-session cookie, so the sign-in form is protected too.
 */
export function loadSession(deps: SessionDeps): RequestHandler {
  const names = cookieNames(deps.secure);
  return async (req, res, next) => {
    const cookies = parseCookies(req.get('cookie') ?? '');
    const l = locals(res);
    l.locale = localeOf(req, cookies);
    l.t = makeT(l.locale);
    const token = cookies[names.session];
    const staff = token ? await deps.auth.resume(token) : null;
    if (staff && token) {
      l.staff = staff;
      l.sessionToken = token;
      l.csrf = csrfToken(deps.secretKey, `session:${staff.sessionId}`);
    } else {
      if (token) clearSessionCookie(res, deps);
      const pre = cookies[names.pre] && /^[\w-]{20,64}$/.test(cookies[names.pre]!) ? cookies[names.pre]! : randomBytes(24).toString('base64url');
      if (pre !== cookies[names.pre]) setCookie(res, deps.secure, names.pre, pre);
      l.csrf = csrfToken(deps.secretKey, `pre:${pre}`);
    }
    res.set('Cache-Control', 'no-store');
    next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every state-changing request needs a same-origin Origin (when sent) and the form's CSRF token. */
export function verifyCsrf(deps: SessionDeps): RequestHandler {
  return (req, res, next) => {
    if (SAFE.has(req.method)) return next();
    const l = locals(res);
    const given = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
    const expected = l.csrf;
    const origins = [`${req.protocol}://${req.get('host')}`, ...(deps.publicOrigin ? [deps.publicOrigin] : [])];
    const ok = sameOrigin(req.get('origin'), origins) && typeof given === 'string' && given === expected
      && csrfValid(deps.secretKey, l.staff ? `session:${l.staff.sessionId}` : `pre:${preOf(req, deps)}`, given);
    if (ok) return next();
    res.status(403).type('text/plain').send(l.t('AUTH.CSRF_INVALID'));
  };
}

/**
 * A multipart form's token, checked by the router's own check (`csrf`) before any file of the form is kept: the
 * token (the form's `_csrf` field, or undefined to rely on the X-CSRF-Token header) is put where the check reads
 * it. On failure the check has answered 403 itself.
 */
export function csrfPasses(req: Request, res: Response, csrf: RequestHandler, token: string | undefined): boolean {
  (req as { body?: unknown }).body = token === undefined ? {} : { _csrf: token };
  let passed = false;
  void csrf(req, res, () => { passed = true; });
  return passed;
}

const preOf = (req: Request, deps: SessionDeps) => parseCookies(req.get('cookie') ?? '')[cookieNames(deps.secure).pre] ?? '';

/** Pages for signed-in staff: others go to the sign-in page (GET) or get 401. */
export const requireStaff: RequestHandler = (req, res, next) => {
  if (locals(res).staff) return next();
  if (req.method === 'GET') return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl.slice(0, 300))}`);
  res.status(401).type('text/plain').send(locals(res).t('AUTH.SESSION_EXPIRED'));
};

/** The role in the current organisation must be one of `roles` (RELIABILITY.md A1: 403 for role checks). */
export function requireRole(...roles: StaffRole[]): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const current = locals(res).staff?.current;
    if (current && roles.includes(current.role)) return next();
    res.status(403).type('text/plain').send(locals(res).t('AUTH.FORBIDDEN'));
  };
}

export const requirePlatformOperator: RequestHandler = (_req, res, next) => {
  if (locals(res).staff?.user.platformOperator) return next();
  res.status(403).type('text/plain').send(locals(res).t('AUTH.FORBIDDEN'));
};
