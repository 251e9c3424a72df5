import type { Response } from 'express';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { locals } from './session.ts';
import type { PageProps } from './views/layout.tsx';

/** preact-render-to-string escapes every text and attribute value: user data cannot become markup. */
export function sendPage(res: Response, page: VNode, status = 200): void {
  res.status(status).type('html').send(`<!doctype html>${render(page)}`);
}

/** The props every page shares, from the request's locals. */
export function pageProps(res: Response): PageProps {
  const l = locals(res);
  return { t: l.t, csrf: l.csrf, staff: l.staff, locale: l.locale };
}

/** Reads a form field as a trimmed string (forms send strings; anything else is treated as empty). */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}
