import type { Request, RequestHandler, Response } from 'express';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import type { PaymentsService } from '../../core/payments/index.ts';
import { hasMessage, translate, type Clock, type Locale } from '../../core/shared/index.ts';
import { requestLocale } from '../http-app.ts';

export type PayDeps = {
  readonly payments: PaymentsService;
  readonly clock: Clock;
  /** Where residents reach us; read on every request because `serve` learns it only once it listens. */
  readonly publicUrl: () => string;
};

export type T = (key: string, vars?: Readonly<Record<string, unknown>>) => string;

/** What every pay view needs: texts, the locale, and the `?lang=` to carry on links when the visitor chose one. */
export type Ctx = { readonly t: T; readonly locale: Locale; readonly lang: Locale | null };

/**
 * Where a POST from one of our forms may redirect: our own pages and, on a phone, the СБП link that opens the
 * payer's bank app (T-Bank's GetQr answers with https://qr.nspk.ru/…). Browsers apply form-action to redirects.
 */
const SBP_ORIGINS = ['https://qr.nspk.ru'];

export function payHeaders(deps: { publicUrl: () => string }, extraFormTargets: readonly string[] = SBP_ORIGINS): RequestHandler {
  return (_req, res, next) => {
    const targets = new Set(["'self'", originOf(deps.publicUrl()), ...extraFormTargets].filter(Boolean));
    res.set({
      'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action ${[...targets].join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
      // The URL holds a signed token or a payment ref: never stored by a cache, never sent to another site.
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
    next();
  };
}

const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
};

/** `?lang=en|ru` wins (a link shared in English stays English), then Accept-Language; Russian by default. */
export function pageContext(req: Request, namespace: 'pay' | 'sandbox'): Ctx {
  const asked = typeof req.query.lang === 'string' && (req.query.lang === 'en' || req.query.lang === 'ru') ? req.query.lang : null;
  const locale: Locale = asked ?? requestLocale(req.get('accept-language'));
  const t: T = (key, vars) => translate(locale, hasMessage(locale, `${namespace}.${key}`) ? `${namespace}.${key}` : key, vars);
  return { t, locale, lang: asked };
}

/** Adds the visitor's explicit language to one of our links. */
export const withLang = (path: string, lang: Locale | null): string => (lang ? `${path}${path.includes('?') ? '&' : '?'}lang=${lang}` : path);

/** preact-render-to-string escapes every text and attribute: an organisation's name or a typed number stays text. */
export function sendPage(res: Response, page: VNode, status = 200): void {
  res.status(status).type('html').send(`<!doctype html>${render(page)}`);
}

/** A form field as a string; urlencoded repeats (arrays) and anything else read as empty. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** Every value of a repeatable field (checkboxes). */
export function fields(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/**
 * A second net against a foreign site posting our forms: Origin (or Referer) must be us when sent. `Origin: null`
 * counts as not sent: our own pages are served with `Referrer-Policy: no-referrer`, under which browsers send
 * exactly that for a same-origin POST. The forms carry no session, so a forged post gains nothing a visitor with
 * the link could not do anyway; the check only keeps other sites from driving them.
 */
export function sameOrigin(req: Request, publicUrl: string): boolean {
  const allowed = [`${req.protocol}://${req.get('host')}`, originOf(publicUrl)];
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') return allowed.includes(origin);
  const referer = req.get('referer');
  return referer === undefined || allowed.includes(originOf(referer));
}

/** Tidies a message whose placeholder was filled with nothing («истёк .» → «истёк.»). */
export const tidy = (text: string): string => text.replace(/\s+([.,;:])/g, '$1').replace(/\s{2,}/g, ' ');
