import type { Request, Router } from 'express';
import { qrSvg } from '../../core/documents/index.ts';
import type { PaymentRecord } from '../../core/payments/index.ts';
import { isUuid } from '../../core/shared/index.ts';
import { sendNotFound } from './pay-answers.tsx';
import { pageContext, sendPage, withLang, type Ctx, type PayDeps } from './pay-http.ts';
import { phaseOf, StatusPage, type StatusView } from './views/status.tsx';

/** The payment a status URL names, if its `r` is the MAC of its id; anything else is «not found». */
async function paymentOf(deps: PayDeps, req: Request): Promise<PaymentRecord | null> {
  const id = String(req.params.paymentId);
  const ref = req.query.r;
  if (!isUuid(id) || typeof ref !== 'string') return null;
  const found = await deps.payments.status(id, ref);
  return found.ok ? found.value : null;
}

export function payStatusRoutes(router: Router, deps: PayDeps): void {
  router.get('/pay/p/:paymentId', async (req, res) => {
    const ctx = pageContext(req, 'pay');
    const payment = await paymentOf(deps, req);
    if (!payment) return sendNotFound(res, ctx);
    sendPage(res, <StatusPage ctx={ctx} view={await statusView(deps, ctx, payment)} />);
  });

  // pay.js asks every 2 s while the bank decides; the status word only, nothing personal.
  router.get('/pay/p/:paymentId/state.json', async (req, res) => {
    const payment = await paymentOf(deps, req);
    if (!payment) return res.status(404).json({ status: null });
    res.json({ status: payment.status });
  });

  // The СБП QR for a desktop: the phone's camera opens the same link the phone would have been sent to.
  router.get('/pay/p/:paymentId/qr.svg', async (req, res) => {
    const payment = await paymentOf(deps, req);
    if (!payment?.sbpPayload) return res.status(404).end();
    res.type('image/svg+xml').send(await qrSvg(payment.sbpPayload));
  });
}

/**
 * Which link is offered depends on the outcome: after a payment went through, a long-lived one to bookmark;
 * after a failure, a one-day one back to the form. Nothing long-lived for an unpaid attempt, and a payment made
 * through a plate (a typed number) gets a `typed` link, which shows the address masked as the plate page did.
 */
async function statusView(deps: PayDeps, ctx: Ctx, payment: PaymentRecord): Promise<StatusView> {
  const phase = phaseOf(payment.status);
  const purpose = payment.source === 'plate' || payment.source === 'collector' ? 'typed' as const : 'account' as const;
  const subject = { orgId: payment.orgId, purpose, subjectId: payment.accountId };
  const face = await deps.payments.face(payment);
  const ref = `?r=${deps.payments.links.paymentRef(payment.id)}`;
  const base = `/pay/p/${payment.id}`;
  const bookmark = face && (phase === 'paid' || phase === 'refunded') ? await deps.payments.links.sign(subject) : null;
  const retry = face && phase === 'failed' ? await deps.payments.links.sign({ ...subject, days: 1 }) : null;
  return {
    payment, face,
    stateUrl: `${base}/state.json${ref}`, qrUrl: `${base}/qr.svg${ref}`, here: `${base}${ref}`,
    bookmarkUrl: bookmark ? withLang(`/pay/${bookmark}`, ctx.lang) : null,
    retryUrl: retry ? withLang(`/pay/${retry}`, ctx.lang) : null,
  };
}
