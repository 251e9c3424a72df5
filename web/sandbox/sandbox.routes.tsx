import express, { Router } from 'express';
import path from 'node:path';
import type { SandboxBank } from '../../core/payments/index.ts';
import { field, pageContext, payHeaders, sameOrigin, sendPage } from '../pay/pay-http.ts';
import { BankMessage, ConfirmPage, DonePage } from './views/confirm.tsx';

export type SandboxDeps = { readonly sandbox: SandboxBank; readonly publicUrl: () => string };

const STATIC = new URL('./static/', import.meta.url).pathname;
/** The sandbox bank's ids: `sbx_` and 24 hex digits; anything else never reaches SQL. */
const ID = /^sbx_[0-9a-f]{24}$/;
const ANSWERS = ['confirm', 'decline'] as const;
type Answer = (typeof ANSWERS)[number];

/**
 * The sandbox bank's confirmation screen (embedded mode and demo). It stands for a bank's site, so it answers
 * only what a bank would: the operation by its id, and a 303 back to the shop's success or fail URL once decided.
 */
export function sandboxRoutes(deps: SandboxDeps): Router {
  const router = Router();
  router.get('/sandbox/static/:file', (req, res) => {
    const file = String(req.params.file);
    if (!/^[\w-]+\.css$/.test(file)) return res.status(404).end();
    res.set('Cache-Control', 'public, max-age=3600').sendFile(path.join(STATIC, file), (e) => { if (e && !res.headersSent) res.status(404).end(); });
  });
  // After «Подтвердить» the bank sends the payer to the shop's status page (PUBLIC_URL): form-action must allow it.
  router.use('/sandbox/pay', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), payHeaders(deps, []));

  router.get('/sandbox/pay/:id', async (req, res) => {
    const ctx = pageContext(req, 'sandbox');
    const id = String(req.params.id);
    const payment = ID.test(id) ? await deps.sandbox.get(id) : null;
    if (!payment) return sendPage(res, <BankMessage ctx={ctx} title={ctx.t('notFoundTitle')} text={ctx.t('notFoundText')} />, 404);
    if (payment.status !== 'NEW') return sendPage(res, <DonePage ctx={ctx} payment={payment} />);
    sendPage(res, <ConfirmPage ctx={ctx} payment={payment} formToken={deps.sandbox.formToken(id)} />);
  });

  router.post('/sandbox/pay/:id', async (req, res) => {
    const ctx = pageContext(req, 'sandbox');
    const id = String(req.params.id);
    const payment = ID.test(id) ? await deps.sandbox.get(id) : null;
    if (!payment) return sendPage(res, <BankMessage ctx={ctx} title={ctx.t('notFoundTitle')} text={ctx.t('notFoundText')} />, 404);
    const answer = field(req.body, 'answer');
    // Only the screen the bank showed may press its buttons: its form token, and a post from our own origin.
    if (!sameOrigin(req, deps.publicUrl()) || !deps.sandbox.checkFormToken(id, field(req.body, 't')) || !(ANSWERS as readonly string[]).includes(answer)) {
      return sendPage(res, <ConfirmPage ctx={ctx} payment={payment} formToken={deps.sandbox.formToken(id)} error={ctx.t('PAYMENTS.FORM_EXPIRED')} />, 403);
    }
    const next = await deps.sandbox.decide(id, answer as Answer);
    if (!next) return sendPage(res, <BankMessage ctx={ctx} title={ctx.t('notFoundTitle')} text={ctx.t('notFoundText')} />, 404);
    res.redirect(303, next);
  });
  return router;
}
