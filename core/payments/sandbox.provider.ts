import { AppError, err, kopecks, ok } from '../shared/index.ts';
import type { PaymentProvider, ProviderStatus, StatusReport } from './provider.port.ts';
import type { SandboxBank } from './sandbox-bank.ts';

/** The sandbox bank's status words are T-Bank's, so the same mapping (and the same habits) apply. */
const STATUS: Readonly<Record<string, ProviderStatus>> = {
  NEW: 'pending', CONFIRMED: 'paid', REJECTED: 'failed', DEADLINE_EXPIRED: 'failed', CANCELED: 'canceled',
  REFUNDED: 'refunded', PARTIAL_REFUNDED: 'partially_refunded',
};
const mapStatus = (word: string): ProviderStatus => STATUS[word] ?? 'pending';
const REFUNDS = new Set(['REFUNDED', 'PARTIAL_REFUNDED']);

/**
 * Our client of the sandbox bank. The bank lives in this process, so initiating is a call, not a request; its
 * notifications still travel over HTTP to /hooks/sandbox and are verified like a real bank's.
 */
export function makeSandboxProvider(bank: SandboxBank, pageUrl: (id: string) => string): PaymentProvider {
  const at = () => new Date().toISOString();
  return {
    name: 'sandbox',
    async initiate(request) {
      const started = performance.now();
      const opened = await bank.open(request);
      const url = pageUrl(opened.id);
      return {
        providerPaymentId: opened.id, paymentUrl: url, ...(request.method === 'sbp' ? { sbpPayload: url } : {}),
        exchange: [{ operation: 'Init', request: { OrderId: request.orderId, Amount: request.gross, Method: request.method }, response: { PaymentId: opened.id, Status: 'NEW' }, ms: Math.round(performance.now() - started), at: at() }],
      };
    },
    async status(providerPaymentId, orderId): Promise<StatusReport> {
      const payment = await bank.get(providerPaymentId);
      if (!payment || payment.orderId !== orderId) throw new AppError('PAYMENTS.PROVIDER_REFUSED', { vars: { reason: 'NOT_FOUND' } });
      // Like a real bank, an attempt nobody confirmed in time is over.
      const word = payment.status === 'NEW' && payment.expiresAt < new Date() ? 'DEADLINE_EXPIRED' : payment.status;
      return {
        providerPaymentId, orderId, status: mapStatus(word), rawStatus: word, amount: kopecks(payment.amount),
        exchange: [{ operation: 'GetState', request: { PaymentId: providerPaymentId }, response: { Status: payment.status }, ms: 0, at: at() }],
      };
    },
    parseNotification(body, headers) {
      if (!bank.verify(body, headers['x-sandbox-signature'])) return err('signature');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return err('malformed');
      }
      const n = parsed as Record<string, unknown>;
      if (typeof n !== 'object' || n === null || Array.isArray(n)) return err('malformed');
      const { OrderId, PaymentId, Status, Amount } = n;
      if (typeof OrderId !== 'string' || typeof PaymentId !== 'string' || typeof Status !== 'string' || !Number.isSafeInteger(Amount) || (Amount as number) < 0) {
        return err('malformed');
      }
      return ok({
        operationId: REFUNDS.has(Status) ? `${PaymentId}:${Status}:${Amount as number}` : `${PaymentId}:${Status}`,
        orderId: OrderId, providerPaymentId: PaymentId, status: mapStatus(Status), rawStatus: Status, amount: kopecks(Amount as number), payload: n,
      });
    },
    ack: { status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' },
    async refund(providerPaymentId, amount) {
      const result = await bank.refund(providerPaymentId, amount);
      if (!result) throw new AppError('PAYMENTS.PROVIDER_REFUSED', { vars: { reason: 'REFUND_REFUSED' } });
      return { status: result, exchange: [{ operation: 'Cancel', request: { PaymentId: providerPaymentId, Amount: amount }, response: { Status: result }, ms: 0, at: at() }] };
    },
  };
}
