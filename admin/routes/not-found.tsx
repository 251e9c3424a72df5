import type { Response } from 'express';
import { pageProps, sendPage } from '../render.tsx';
import { Layout } from '../views/layout.tsx';

/** Someone else's id and a missing one look the same (RELIABILITY.md A1). */
export function notFound(res: Response): void {
  const props = pageProps(res);
  sendPage(res, <Layout {...props} title={props.t('notFound.title')}><p>{props.t('notFound.text')}</p><p><a href="/admin">{props.t('notFound.home')}</a></p></Layout>, 404);
}
