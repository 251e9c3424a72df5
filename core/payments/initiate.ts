import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { createHash, randomUUID } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { AppError, err, formatRubles, isAppError, kopecks, ok, type Clock, type Kopecks, type Result } from '../shared/index.ts';
import { commissionFor } from './commission.calc.ts';
import { addPaymentEvent, loadPayment, type PaymentRecord } from './payment-record.ts';
import type { PaymentSource } from './payments.entity.ts';
import type { PaymentProvider, PayMethod } from './provider.port.ts';
import type { CoverTarget } from './split.calc.ts';

/** СБП and cards take a rouble at least; the upper bound stops a typo of extra zeros, not a real bill. */
export const MIN_PAYMENT: Kopecks = kopecks(100);
export const MAX_PAYMENT: Kopecks = kopecks(100_000_000);
/** How long the bank keeps an attempt payable (RedirectDueDate); a pending one is asked about after that. */
export const ATTEMPT_TTL_MS = 30 * 60_000;

export type CreatePaymentInput = {
  readonly orgId: string;
  readonly accountId: string;
  readonly amount: Kopecks;
  readonly method: PayMethod;
  readonly source: PaymentSource;
  readonly collectorId?: string | null;
  readonly cover?: readonly CoverTarget[] | null;
  /** Same key, same request → the same payment; same key, another request → refused (RELIABILITY.md P4). */
  readonly idempotencyKey?: string | null;
};

export type InitiateDeps = {
  readonly db: Database;
  readonly clock: Clock;
  readonly provider: PaymentProvider;
  /** Where the provider sends the payer back and its notifications. */
  readonly urls: (payment: { id: string }) => { notification: string; success: string; fail: string };
};

export const IDEMPOTENCY_KEY = /^[\w-]{8,64}$/;

export const requestHash = (input: CreatePaymentInput): string => createHash('sha256').update(JSON.stringify([
  input.accountId, input.amount, input.method, input.source, input.collectorId ?? null, input.cover ?? null,
])).digest('hex');

type Prepared = { readonly payment: PaymentRecord; readonly fresh: boolean; readonly description: string };

/**
 * Creates an attempt: the commission is fixed now from the organisation's terms for the method, the row is
 * written before the bank is asked (so a notification can always find its order), then the provider initiates
 * it outside any transaction and the answer is recorded. A provider failure leaves the attempt failed and says
 * so; nothing was taken from the payer.
 */
export async function createPayment(deps: InitiateDeps, input: CreatePaymentInput): Promise<Result<PaymentRecord, AppError>> {
  if (!Number.isSafeInteger(input.amount) || input.amount < MIN_PAYMENT) return err(new AppError('PAYMENTS.AMOUNT_TOO_SMALL', { field: 'amount', vars: { min: formatRubles(MIN_PAYMENT) } }));
  if (input.amount > MAX_PAYMENT) return err(new AppError('PAYMENTS.AMOUNT_TOO_LARGE', { field: 'amount', vars: { max: formatRubles(MAX_PAYMENT) } }));
  if (input.idempotencyKey != null && !IDEMPOTENCY_KEY.test(input.idempotencyKey)) return err(new AppError('PAYMENTS.IDEMPOTENCY_KEY_INVALID', { field: 'idempotencyKey' }));
  const attempt = () => deps.db.withTenant(input.orgId, (em) => prepare(em, deps, input));
  // Two requests with one key at once: the loser's insert hits the unique key; read again and find the winner's.
  const prepared = await attempt().catch((e: unknown) => (e instanceof UniqueConstraintViolationException ? attempt() : Promise.reject(e)));
  if (!prepared.ok) return prepared;
  const { payment, fresh, description } = prepared.value;
  if (!fresh) return ok(payment);
  const urls = deps.urls(payment);
  try {
    const initiated = await deps.provider.initiate({
      orderId: payment.id, gross: kopecks(payment.gross), method: payment.method, description,
      notificationUrl: urls.notification, successUrl: urls.success, failUrl: urls.fail, expiresAt: payment.expiresAt,
    });
    const updated = await deps.db.withTenant(input.orgId, async (em) => {
      const now = deps.clock.now();
      await em.execute(
        `update payments set provider_payment_id = coalesce(provider_payment_id, ?), payment_url = ?, sbp_payload = ?,
           status = case when status = 'created' then 'pending' else status end, updated_at = ? where org_id = ? and id = ?`,
        [initiated.providerPaymentId, initiated.paymentUrl, initiated.sbpPayload ?? null, now, input.orgId, payment.id]);
      await addPaymentEvent(em, { orgId: input.orgId, paymentId: payment.id, kind: 'request', operation: 'initiate', from: 'created', to: 'pending', data: initiated.exchange, at: now });
      return loadPayment(em, input.orgId, payment.id);
    });
    return ok(updated!);
  } catch (e) {
    const code = isAppError(e) ? e.code : 'PAYMENTS.PROVIDER_UNAVAILABLE';
    await deps.db.withTenant(input.orgId, async (em) => {
      const now = deps.clock.now();
      await em.execute(`update payments set status = 'failed', status_reason = ?, updated_at = ? where org_id = ? and id = ? and status = 'created'`, [code, now, input.orgId, payment.id]);
      await addPaymentEvent(em, { orgId: input.orgId, paymentId: payment.id, kind: 'request', operation: 'initiate', from: 'created', to: 'failed', data: { error: code }, at: now });
    });
    if (isAppError(e)) return err(e);
    throw e;
  }
}

async function prepare(em: Em, deps: InitiateDeps, input: CreatePaymentInput): Promise<Result<Prepared, AppError>> {
  const hash = requestHash(input);
  if (input.idempotencyKey) {
    const [seen] = await em.execute<{ request_hash: string; payment_id: string }[]>(
      'select request_hash, payment_id from idempotency_keys where org_id = ? and key = ?', [input.orgId, input.idempotencyKey]);
    if (seen) return seen.request_hash === hash ? ok({ payment: (await loadPayment(em, input.orgId, seen.payment_id))!, fresh: false, description: '' })
      : err(new AppError('PAYMENTS.IDEMPOTENCY_MISMATCH', { field: 'idempotencyKey', vars: { key: input.idempotencyKey } }));
  }
  const [row] = await em.execute<{ number: string; status: string; short_name: string; commission: Record<string, { mode: 'internal' | 'external'; basisPoints: number }> | string }[]>(
    `select a.number, a.status, o.short_name, o.commission from accounts a join organizations o on o.id = a.org_id where a.org_id = ? and a.id = ?`,
    [input.orgId, input.accountId]);
  if (!row) return err(new AppError('PAYMENTS.ACCOUNT_NOT_FOUND', { vars: { number: '' } }));
  if (row.status !== 'open') return err(new AppError('PAYMENTS.ACCOUNT_CLOSED'));
  const terms = (typeof row.commission === 'string' ? JSON.parse(row.commission) : row.commission)[input.method];
  if (!terms) return err(new AppError('PAYMENTS.METHOD_INVALID', { field: 'method', vars: { value: input.method } }));
  const c = commissionFor(input.amount, terms);
  const now = deps.clock.now();
  const id = randomUUID();
  await em.execute(
    `insert into payments (id, org_id, account_id, provider, method, status, amount, fee, gross, net, commission_mode, commission_bp, refunded,
       collector_id, source, cover, idempotency_key, request_hash, expires_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'created', ?, ?, ?, ?, ?, ?, 0, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)`,
    [id, input.orgId, input.accountId, deps.provider.name, input.method, c.amount, c.fee, c.gross, c.net, c.mode, c.basisPoints,
      input.collectorId ?? null, input.source, input.cover ? JSON.stringify(input.cover) : null, input.idempotencyKey ?? null, hash,
      new Date(now.getTime() + ATTEMPT_TTL_MS), now, now]);
  if (input.idempotencyKey) {
    await em.execute('insert into idempotency_keys (org_id, key, request_hash, payment_id, created_at) values (?, ?, ?, ?, ?)',
      [input.orgId, input.idempotencyKey, hash, id, now]);
  }
  await addPaymentEvent(em, { orgId: input.orgId, paymentId: id, kind: 'state', operation: 'create', to: 'created', data: { amount: c.amount, fee: c.fee, gross: c.gross }, at: now });
  return ok({ payment: (await loadPayment(em, input.orgId, id))!, fresh: true, description: `Оплата по л/с ${row.number}, ${row.short_name}`.slice(0, 140) });
}
