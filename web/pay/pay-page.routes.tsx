import type { Request, Response, Router } from 'express';
import { randomBytes } from 'node:crypto';
import type { PayPage } from '../../core/payments/index.ts';
import { formatRubles, type AppError } from '../../core/shared/index.ts';
import { sendForeignPost, sendLinkError } from './pay-answers.tsx';
import { coverOf, DEFAULT_METHOD, type PayFormState } from './pay-form.ts';
import { field, fields, pageContext, sameOrigin, sendPage, type Ctx, type PayDeps } from './pay-http.ts';
import { PayFormPage } from './views/form.tsx';

/** Browsers of phones and tablets: there the СБП link opens the bank app directly, so we go straight to it. */
const PHONE = /Mobi|Android|iPhone|iPad/;

/** 128 random bits as an idempotency key: within IDEMPOTENCY_KEY's 8–64 characters of [\w-]. */
const newIdem = () => randomBytes(16).toString('base64url');

/** `?via=` is a plate's or collector's token: passed through as is; `pay` ignores one that is not valid here. */
const viaOf = (value: unknown): string | null => (typeof value === 'string' && /^[\w-]{1,100}$/.test(value) ? value : null);

export function payPageRoutes(router: Router, deps: PayDeps): void {
  router.get('/pay/:token', async (req, res) => {
    const ctx = pageContext(req, 'pay');
    const token = String(req.params.token);
    const page = await deps.payments.openPage(token);
    if (!page.ok) return sendLinkError(res, ctx, page.error);
    const state: PayFormState = {
      amount: page.value.debt.total > 0 ? formatRubles(page.value.debt.total, { symbol: false }) : '',
      method: DEFAULT_METHOD, agreed: false, cover: [], idem: newIdem(), via: viaOf(req.query.via),
    };
    render(req, res, ctx, deps, { page: page.value, token, state, errors: [] });
  });

  router.post('/pay/:token', async (req, res) => {
    const ctx = pageContext(req, 'pay');
    if (!sameOrigin(req, deps.publicUrl())) return sendForeignPost(res, ctx);
    const token = String(req.params.token);
    const page = await deps.payments.openPage(token);
    if (!page.ok) return sendLinkError(res, ctx, page.error);
    const state: PayFormState = {
      amount: field(req.body, 'amount').slice(0, 64), method: field(req.body, 'method').slice(0, 20), agreed: field(req.body, 'agree') !== '',
      cover: fields(req.body, 'cover').slice(0, 50), idem: field(req.body, 'idem'), via: viaOf(field(req.body, 'via')),
    };
    const paid = await deps.payments.pay({
      token, via: state.via, amount: state.amount, method: state.method, agreed: state.agreed,
      cover: coverOf(page.value, state.cover), idempotencyKey: state.idem || newIdem(),
    });
    if (!paid.ok) return render(req, res, ctx, deps, { page: page.value, token, state: { ...state, idem: newIdem() }, errors: paid.error }, 422);
    const payment = paid.value;
    if (PHONE.test(req.get('user-agent') ?? '') && payment.method === 'sbp' && payment.sbpPayload) return res.redirect(303, payment.sbpPayload);
    // The status page on the host the payer is on: statusUrl names PUBLIC_URL, which a LAN or proxy visitor may not share.
    const status = new URL(deps.payments.statusUrl(payment.id));
    res.redirect(303, `${status.pathname}${status.search}${ctx.lang ? `&lang=${ctx.lang}` : ''}`);
  });
}

type Rendered = { page: PayPage; token: string; state: PayFormState; errors: readonly AppError[] };

function render(req: Request, res: Response, ctx: Ctx, deps: PayDeps, view: Rendered, status = 200): void {
  const via = view.state.via ? `?via=${encodeURIComponent(view.state.via)}` : '';
  sendPage(res, <PayFormPage ctx={ctx} view={view} here={`${req.baseUrl}/pay/${view.token}${via}`} />, status);
}
