import express, { Router, type Request, type Response } from 'express';
import type { Database } from '../../core/infra/database/database.ts';
import { IDEMPOTENCY_KEY, PAY_METHODS, paymentCard, SPLIT_TIE_RULE, type PaymentRecord, type PaymentsService, type PayMethod } from '../../core/payments/index.ts';
import { isUuid, kopecks, translate, type Clock } from '../../core/shared/index.ts';
import { requestLocale } from '../http-app.ts';
import { principalOf, requireApiKey, sendApiError } from './api-auth.ts';

export type PaymentsApiDeps = { readonly db: Database; readonly clock: Clock; readonly payments: PaymentsService };

/** What a customer's system learns about a payment: no payer data, only the money and where to send the payer. */
export const paymentJson = (p: PaymentRecord, statusUrl: string) => ({
  id: p.id, status: p.status, method: p.method, amount: p.amount, fee: p.fee, gross: p.gross, net: p.net, refunded: p.refunded,
  commission: { mode: p.commissionMode, basisPoints: p.commissionBp }, paymentUrl: p.paymentUrl, sbpPayload: p.sbpPayload, statusUrl,
  createdAt: p.createdAt.toISOString(), paidAt: p.paidAt?.toISOString() ?? null, registryDay: p.registryDay,
});

type Body = { account?: unknown; amount?: unknown; method?: unknown };

/**
 * `POST /api/v1/payments` creates a payment attempt for an account of the key's organisation and answers where to
 * send the payer. `Idempotency-Key` is required (RELIABILITY.md P4, Stripe's rule): the same key with the same body
 * answers the same payment (200); with another body it is refused (422) and nothing is written.
 */
export function paymentsApi(deps: PaymentsApiDeps): Router {
  const router = Router();
  router.post('/api/v1/payments', requireApiKey(deps), express.json({ limit: '16kb', type: () => true }), async (req: Request, res: Response) => {
    const key = req.get('idempotency-key') ?? '';
    if (!IDEMPOTENCY_KEY.test(key)) return badParameter(req, res, 'Idempotency-Key', 'http.api.idempotencyRequired');
    const body = (req.body ?? {}) as Body;
    if (typeof body !== 'object' || Array.isArray(body)) return badParameter(req, res, 'body', 'http.api.bodyExpected');
    if (typeof body.account !== 'string' || !body.account.trim()) return badParameter(req, res, 'account', 'http.api.accountExpected');
    if (!Number.isSafeInteger(body.amount)) return badParameter(req, res, 'amount', 'http.api.amountExpected');
    const method = body.method ?? 'sbp';
    if (!(PAY_METHODS as readonly unknown[]).includes(method)) return badParameter(req, res, 'method', 'http.api.bodyExpected');
    const orgId = principalOf(res).orgId;
    const [account] = await deps.db.withTenant(orgId, (em) => em.execute<{ id: string }[]>(
      'select id from accounts where org_id = ? and number = ?', [orgId, (body.account as string).trim()]));
    if (!account) return sendApiError(req, res, 422, 'PAYMENTS.ACCOUNT_NOT_FOUND', { number: (body.account as string).slice(0, 32) });
    const seen = await deps.db.withTenant(orgId, (em) => em.execute<{ payment_id: string }[]>('select payment_id from idempotency_keys where org_id = ? and key = ?', [orgId, key]));
    const created = await deps.payments.create({ orgId, accountId: account.id, amount: kopecks(body.amount as number), method: method as PayMethod, source: 'api', idempotencyKey: key });
    if (!created.ok) {
      const locale = requestLocale(req.get('accept-language'));
      const status = created.error.code === 'PAYMENTS.PROVIDER_UNAVAILABLE' ? 503 : 422;
      return res.status(status).json({ error: { code: created.error.code, field: created.error.field, message: translate(locale, created.error.code, created.error.vars) } });
    }
    const status = seen.length > 0 ? 200 : 201;
    if (status === 201) res.set('Location', `/api/v1/payments/${created.value.id}`);
    res.status(status).json(paymentJson(created.value, deps.payments.statusUrl(created.value.id)));
  });
  // The payment and its proof of split: which service, period and recipient got how much, and why.
  router.get('/api/v1/payments/:id', requireApiKey(deps), async (req: Request, res: Response) => {
    const orgId = principalOf(res).orgId;
    const id = String(req.params.id);
    const card = isUuid(id) ? await deps.db.withTenant(orgId, (em) => paymentCard(em, orgId, id)) : null;
    if (!card) return sendApiError(req, res, 404, 'PAYMENTS.NOT_FOUND');
    const part = (s: (typeof card.split.original)[number]) => ({
      service: s.serviceCode, period: s.period, recipient: { id: s.recipientId, name: s.recipientName }, kind: s.kind,
      amount: s.amount, feeShare: s.feeShare, debtBefore: s.debtBefore, reason: s.reason, refundId: s.refundId,
    });
    res.json({
      ...paymentJson(card.payment, deps.payments.statusUrl(card.payment.id)),
      account: card.account.number,
      split: { parts: card.split.original.map(part), reversals: card.split.reversals.map(part), tieRule: SPLIT_TIE_RULE },
      refunds: card.refunds.map((r) => ({ id: r.id, amount: r.amount, status: r.status, createdAt: r.createdAt.toISOString() })),
    });
  });
  return router;
}

function badParameter(req: Request, res: Response, name: string, expectedKey: string): void {
  const locale = requestLocale(req.get('accept-language'));
  sendApiError(req, res, 400, 'http.api.badParameter', { name, expected: translate(locale, expectedKey) });
}
