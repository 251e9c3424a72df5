import type { Request, Response, Router } from 'express';
import {
  dayTotals, listCollectors, listPayments, orgTimeZone, paymentCard, PAY_METHODS, PAYMENT_STATUSES,
  type PaymentCard, type PaymentStatus, type PayMethod,
} from '../../core/payments/index.ts';
import { addDays, AppError, err, isLocalDate, isUuid, localDate, ok, parseRubles, type Kopecks, type Result } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import type { T } from '../i18n.ts';
import { PaymentCardPage, type RefundForm } from '../views/payments-card.tsx';
import { PaymentDaysPage, type DaysQuery } from '../views/payments-days.tsx';
import { PAYMENT_READERS, PAYMENT_REFUNDERS, PAYMENTS_PAGE_SIZE, PaymentsPage, type PaymentsQuery } from '../views/payments.tsx';
import { notFound } from './not-found.tsx';
import { actorOf } from './settings.routes.tsx';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const oneOf = (list: readonly string[], v: string) => (list.includes(v) ? v : '');
/** The days page covers a month by default and a year at most: one query, one screen. */
const DEFAULT_DAYS = 31;
const MAX_DAYS = 366;

export function paymentsQuery(query: Record<string, unknown>): PaymentsQuery {
  const day = str(query.day);
  return {
    day: isLocalDate(day) ? day : '', status: oneOf(PAYMENT_STATUSES, str(query.status)), method: oneOf(PAY_METHODS, str(query.method)),
    account: str(query.account).slice(0, 30), collectorId: isUuid(str(query.collectorId)) ? str(query.collectorId) : '',
    page: Math.min(Math.max(1, Number.parseInt(str(query.page), 10) || 1), 10_000),
  };
}

/** The chosen range, or the last DEFAULT_DAYS days in the organisation's zone; reversed or too long ranges are mended. */
export function daysQuery(query: Record<string, unknown>, today: string): DaysQuery {
  const to = isLocalDate(str(query.to)) ? str(query.to) : today;
  const from = isLocalDate(str(query.from)) ? str(query.from) : addDays(to, -(DEFAULT_DAYS - 1));
  const [low, high] = from <= to ? [from, to] : [to, from];
  return { from: low < addDays(high, -(MAX_DAYS - 1)) ? addDays(high, -(MAX_DAYS - 1)) : low, to: high };
}

/** Every problem of the form at once; the service checks the amount against what is left. */
function readRefundForm(values: RefundForm['values']): Result<Kopecks, AppError[]> {
  const errors: AppError[] = [];
  const amount = parseRubles(values.amount);
  if (!amount.ok) errors.push(new AppError(amount.error.code, { field: 'amount', vars: amount.error.vars }));
  else if (amount.value < 0) errors.push(new AppError('MONEY.NEGATIVE', { field: 'amount' }));
  if (!values.reason) errors.push(new AppError('PAYMENTS.REFUND_REASON_REQUIRED', { field: 'reason' }));
  return errors.length || !amount.ok ? err(errors) : ok(amount.value);
}

/** The service names a payment's status by its stored word; staff read it in their language. */
const readable = (t: T, e: AppError) => (typeof e.vars.status === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(e.vars.status)
  ? new AppError(e.code, { field: e.field, vars: { ...e.vars, status: t(`payments.statuses.${e.vars.status}`) } }) : e);

const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;
const readCard = (deps: AdminDeps, orgId: string, id: string) => deps.db.withTenant(orgId, (em) => paymentCard(em, orgId, id));

/** The refund form is offered only to those who may refund, and only where refunds are wired. */
function showCard(deps: AdminDeps, res: Response, card: PaymentCard, extra: { refundForm?: RefundForm; refunded?: boolean } = {}, status = 200) {
  const canRefund = Boolean(deps.payments) && (PAYMENT_REFUNDERS as readonly string[]).includes(locals(res).staff!.current!.role);
  sendPage(res, <PaymentCardPage {...pageProps(res)} card={card} canRefund={canRefund} {...extra} />, status);
}

const listPage = (deps: AdminDeps) => async (req: Request, res: Response) => {
  const orgId = orgIdOf(res);
  const query = paymentsQuery(req.query);
  const { rows, total, collectors } = await deps.db.withTenant(orgId, async (em) => ({
    ...(await listPayments(em, orgId, {
      day: query.day || undefined, status: (query.status || undefined) as PaymentStatus | undefined, method: (query.method || undefined) as PayMethod | undefined,
      account: query.account || undefined, collectorId: query.collectorId || undefined, page: query.page, pageSize: PAYMENTS_PAGE_SIZE,
    })),
    collectors: await listCollectors(em, orgId),
  }));
  sendPage(res, <PaymentsPage {...pageProps(res)} query={query} rows={rows} total={total} collectors={collectors} />);
};

const daysPage = (deps: AdminDeps) => async (req: Request, res: Response) => {
  const orgId = orgIdOf(res);
  const { query, totals } = await deps.db.withTenant(orgId, async (em) => {
    const q = daysQuery(req.query, localDate(deps.clock.now(), await orgTimeZone(em, orgId)));
    return { query: q, totals: await dayTotals(em, orgId, q.from, q.to) };
  });
  sendPage(res, <PaymentDaysPage {...pageProps(res)} query={query} days={totals.days} total={totals.total} />);
};

const cardPage = (deps: AdminDeps) => async (req: Request, res: Response) => {
  const card = await readCard(deps, orgIdOf(res), String(req.params.paymentId));
  if (!card) return notFound(res);
  showCard(deps, res, card, { refunded: req.query.refunded === '1' });
};

/** Someone else's payment id is 404 before the form is even read; errors come back on the card with 422. */
const refund = (deps: AdminDeps) => async (req: Request, res: Response) => {
  const orgId = orgIdOf(res);
  const paymentId = String(req.params.paymentId);
  const card = await readCard(deps, orgId, paymentId);
  if (!card) return notFound(res);
  if (!deps.payments) return res.status(503).type('text/plain').send(locals(res).t('PAYMENTS.PROVIDER_UNAVAILABLE'));
  const values = { amount: field(req.body, 'amount').slice(0, 64), reason: field(req.body, 'reason').slice(0, 500) };
  const amount = readRefundForm(values);
  if (!amount.ok) return showCard(deps, res, card, { refundForm: { values, errors: amount.error } }, 422);
  const actor = actorOf(req, res);
  const done = await deps.payments.refund({ orgId, paymentId, amount: amount.value, reason: values.reason, actor });
  if (!done.ok) {
    if (done.error.code === 'PAYMENTS.NOT_FOUND') return notFound(res);
    // Read again: a refund the bank refused is now listed as failed.
    return showCard(deps, res, (await readCard(deps, orgId, paymentId)) ?? card, { refundForm: { values, errors: [readable(locals(res).t, done.error)] } }, 422);
  }
  res.redirect(303, `/admin/payments/${paymentId}?refunded=1`);
};

/** Payments for staff: everyone who works with accounts reads them; admins and accountants refund. */
export function paymentsRoutes(router: Router, deps: AdminDeps): void {
  const readers = requireRole(...PAYMENT_READERS);
  router.get('/admin/payments', requireStaff, readers, listPage(deps));
  // Before /:paymentId, which would take «days» for an id (and answer 404).
  router.get('/admin/payments/days', requireStaff, readers, daysPage(deps));
  router.get('/admin/payments/:paymentId', requireStaff, readers, cardPage(deps));
  router.post('/admin/payments/:paymentId/refund', requireStaff, requireRole(...PAYMENT_REFUNDERS), refund(deps));
}
