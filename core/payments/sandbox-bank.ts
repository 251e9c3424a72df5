import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../infra/database/database.ts';
import type { Clock } from '../shared/index.ts';
import type { InitiateRequest } from './provider.port.ts';

/**
 * The sandbox bank: a stand-in for an acquirer in the embedded mode and the demo. It keeps its own books
 * (sandbox_payments), shows a confirmation screen like a bank app's, and on «Подтвердить» sends our hook a signed
 * notification over HTTP, repeating it until it is answered `OK` — exactly the path a real bank's report takes.
 */
export type SandboxPaymentView = {
  readonly id: string; readonly orderId: string; readonly amount: number; readonly refunded: number; readonly method: string;
  readonly status: string; readonly description: string; readonly successUrl: string; readonly failUrl: string; readonly expiresAt: Date;
};

export type SandboxBank = {
  open(request: InitiateRequest): Promise<SandboxPaymentView>;
  get(id: string): Promise<SandboxPaymentView | null>;
  /** The payer's answer on the confirmation screen. Returns where the bank sends the payer next. */
  decide(id: string, answer: 'confirm' | 'decline'): Promise<string | null>;
  refund(id: string, amount: number): Promise<'refunded' | 'partially_refunded' | null>;
  /** Signs a notification body (header X-Sandbox-Signature). */
  sign(body: string): string;
  verify(body: Buffer, signature: string | undefined): boolean;
  /** Guards the confirmation screen's buttons: only the page the bank showed can press them. */
  formToken(id: string): string;
  checkFormToken(id: string, token: string): boolean;
  close(): void;
};

/** Delays between deliveries of one notification, like a bank that keeps trying for a while. */
export const SANDBOX_RETRY_MS = [0, 2_000, 10_000, 60_000, 300_000];

const equal = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function makeSandboxBank(deps: { db: Database; clock: Clock; secretKey: string; retryMs?: readonly number[] }): SandboxBank {
  const key = createHmac('sha256', deps.secretKey).update('familypay/sandbox-bank/v1').digest();
  const timers = new Set<NodeJS.Timeout>();
  const sign = (body: string) => createHmac('sha256', key).update(body).digest('hex');
  const read = async (id: string) => {
    const rows = await deps.db.read((em) => em.execute<Record<string, unknown>[]>('select * from sandbox_payments where id = ?', [id]));
    return rows[0] ? toView(rows[0]) : null;
  };
  const notify = (payment: SandboxPaymentView, status: string, amount: number, notificationUrl: string) => {
    const body = JSON.stringify({ TerminalKey: 'sandbox', OrderId: payment.orderId, PaymentId: payment.id, Status: status, Success: status !== 'REJECTED', ErrorCode: '0', Amount: amount });
    return deliver(notificationUrl, body, sign(body), deps.retryMs ?? SANDBOX_RETRY_MS, timers);
  };
  const transition = async (id: string, from: readonly string[], to: string, refund = 0) => {
    const rows = await deps.db.withoutTenant((em) => em.execute<Record<string, unknown>[]>(
      `update sandbox_payments set status = ?, refunded = refunded + ?, updated_at = ? where id = ? and status in (${from.map(() => '?').join(', ')}) returning *`,
      [to, refund, deps.clock.now(), id, ...from]));
    return rows[0] ? { view: toView(rows[0]), url: String(rows[0].notification_url) } : null;
  };
  return {
    async open(request) {
      const id = `sbx_${randomBytes(12).toString('hex')}`;
      const now = deps.clock.now();
      await deps.db.withoutTenant((em) => em.execute(
        `insert into sandbox_payments (id, order_id, amount, refunded, method, status, description, notification_url, success_url, fail_url, expires_at, created_at, updated_at)
         values (?, ?, ?, 0, ?, 'NEW', ?, ?, ?, ?, ?, ?, ?)`,
        [id, request.orderId, request.gross, request.method, request.description.slice(0, 250), request.notificationUrl, request.successUrl, request.failUrl, request.expiresAt, now, now]));
      return (await read(id))!;
    },
    get: read,
    async decide(id, answer) {
      const payment = await read(id);
      if (!payment) return null;
      const expired = payment.expiresAt < deps.clock.now();
      const to = answer === 'confirm' && !expired ? 'CONFIRMED' : expired ? 'DEADLINE_EXPIRED' : 'REJECTED';
      const changed = await transition(id, ['NEW'], to);
      if (!changed) return payment.status === 'CONFIRMED' ? payment.successUrl : payment.failUrl;
      // The first delivery is awaited, so the payer usually lands on a status page that already says «Оплачено».
      await notify(changed.view, to === 'DEADLINE_EXPIRED' ? 'REJECTED' : to, changed.view.amount, changed.url);
      return to === 'CONFIRMED' ? changed.view.successUrl : changed.view.failUrl;
    },
    async refund(id, amount) {
      const payment = await read(id);
      if (!payment || amount <= 0 || amount > payment.amount - payment.refunded) return null;
      const full = amount === payment.amount - payment.refunded;
      const changed = await transition(id, ['CONFIRMED', 'PARTIAL_REFUNDED'], full ? 'REFUNDED' : 'PARTIAL_REFUNDED', amount);
      if (!changed) return null;
      await notify(changed.view, changed.view.status, amount, changed.url);
      return full ? 'refunded' : 'partially_refunded';
    },
    sign,
    verify: (body, signature) => typeof signature === 'string' && equal(sign(body.toString('utf8')), signature),
    formToken: (id) => createHmac('sha256', key).update(`form/${id}`).digest('base64url').slice(0, 22),
    checkFormToken: (id, token) => equal(createHmac('sha256', key).update(`form/${id}`).digest('base64url').slice(0, 22), token),
    close: () => { for (const t of timers) clearTimeout(t); timers.clear(); },
  };
}

function toView(r: Record<string, unknown>): SandboxPaymentView {
  return {
    id: String(r.id), orderId: String(r.order_id), amount: Number(r.amount), refunded: Number(r.refunded), method: String(r.method),
    status: String(r.status), description: String(r.description), successUrl: String(r.success_url), failUrl: String(r.fail_url),
    expiresAt: new Date(r.expires_at as string),
  };
}

/** POSTs until the hook answers 200 `OK`; later attempts run on timers, as a bank's retries would. */
async function deliver(url: string, body: string, signature: string, schedule: readonly number[], timers: Set<NodeJS.Timeout>, attempt = 0): Promise<void> {
  let acknowledged = false;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-signature': signature }, body, signal: AbortSignal.timeout(10_000) });
    acknowledged = res.status === 200 && (await res.text()).trim() === 'OK';
  } catch {
    acknowledged = false;
  }
  const next = schedule[attempt + 1];
  if (acknowledged || next === undefined) return;
  const timer = setTimeout(() => {
    timers.delete(timer);
    void deliver(url, body, signature, schedule, timers, attempt + 1);
  }, next);
  timer.unref();
  timers.add(timer);
}
