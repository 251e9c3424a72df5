import type { Response } from 'express';
import type { AppError } from '../../core/shared/index.ts';
import { sendPage, tidy, type Ctx } from './pay-http.ts';
import { MessagePage } from './views/message.tsx';

/**
 * A link that does not open: 410 when it was ours and is simply old, 404 for everything else (forged, damaged,
 * retired key, another purpose, a closed account), so a prober learns nothing from the status either.
 */
export function sendLinkError(res: Response, ctx: Ctx, error: AppError): void {
  const expired = error.code === 'PAYMENTS.LINK_EXPIRED';
  const text = tidy(ctx.t(error.code, error.vars));
  sendPage(res, <MessagePage ctx={ctx} title={ctx.t(expired ? 'linkExpiredTitle' : 'linkInvalidTitle')} text={text} />, expired ? 410 : 404);
}

/** A payment id with a wrong `r`, or one that is not there: the same page either way. */
export function sendNotFound(res: Response, ctx: Ctx): void {
  sendPage(res, <MessagePage ctx={ctx} title={ctx.t('notFoundTitle')} text={ctx.t('notFoundText')} />, 404);
}

/** A post from another site (Origin or Referer not ours). */
export function sendForeignPost(res: Response, ctx: Ctx): void {
  sendPage(res, <MessagePage ctx={ctx} title={ctx.t('foreignTitle')} text={ctx.t('foreignText')} />, 403);
}
