import type { Kopecks, Result } from '../shared/index.ts';

/** The acquirers we speak to. `sandbox` is our own simulated bank for the embedded mode and the demo. */
export const PROVIDER_NAMES = ['sandbox', 'tbank'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** How the payer pays: СБП (a link or QR that opens their bank app) or a card on the acquirer's page. */
export const PAY_METHODS = ['sbp', 'card'] as const;
export type PayMethod = (typeof PAY_METHODS)[number];

/**
 * A provider's statuses mapped onto ours. `paid` is money taken (T-Bank CONFIRMED); `authorized` is held but
 * not yet taken; `failed` covers REJECTED and expired attempts; `canceled` is an authorisation released before
 * capture; `refunded` / `partially_refunded` report money given back.
 */
export const PROVIDER_STATUSES = ['pending', 'authorized', 'paid', 'failed', 'canceled', 'refunded', 'partially_refunded'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export type InitiateRequest = {
  /** Our payment id: unique per attempt, the bank's OrderId. */
  readonly orderId: string;
  /** What the payer is charged: amount plus an external fee. */
  readonly gross: Kopecks;
  readonly method: PayMethod;
  /** Shown in the bank app; no personal data beyond the account number. */
  readonly description: string;
  readonly notificationUrl: string;
  readonly successUrl: string;
  readonly failUrl: string;
  /** After this the attempt may no longer be paid (RedirectDueDate). */
  readonly expiresAt: Date;
  /** Extra scalar data the acquirer keeps with the payment (T-Bank DATA). */
  readonly data?: Readonly<Record<string, string>>;
};

export type Initiated = {
  readonly providerPaymentId: string;
  /** The acquirer's card page (T-Bank PaymentURL) or the sandbox bank's confirmation page. */
  readonly paymentUrl: string;
  /** For СБП: the https://qr.nspk.ru/… link (T-Bank GetQr PAYLOAD) that opens the payer's bank app. */
  readonly sbpPayload?: string;
  /** Request and response as exchanged, secrets removed, for the payment card in admin. */
  readonly exchange: readonly ProviderExchange[];
};

export type ProviderExchange = {
  readonly operation: string;
  readonly request: Readonly<Record<string, unknown>>;
  readonly response: Readonly<Record<string, unknown>> | null;
  readonly ms: number;
  readonly at: string;
};

export type StatusReport = {
  readonly providerPaymentId: string;
  readonly orderId: string;
  readonly status: ProviderStatus;
  /** The provider's own status word (CONFIRMED, REJECTED, …) as it reported it. */
  readonly rawStatus: string;
  readonly amount: Kopecks;
  readonly exchange: readonly ProviderExchange[];
};

/** One delivery of a provider's notification, verified and read. */
export type ProviderNotification = {
  /** Unique per state change at the provider: repeats of the same delivery carry the same id. */
  readonly operationId: string;
  readonly orderId: string;
  readonly providerPaymentId: string;
  readonly status: ProviderStatus;
  readonly rawStatus: string;
  /** For payments the amount paid; for refunds the amount refunded by this operation. */
  readonly amount: Kopecks;
  /** The body as received (secrets such as Token and card data removed) for the payment's exchange log. */
  readonly payload: Readonly<Record<string, unknown>>;
};

/** Why a delivery was refused: both answer 4xx without changing anything; neither says which check failed. */
export type NotificationRejection = 'signature' | 'malformed';

/** What the hook answers after the notification is committed (T-Bank wants HTTP 200 with the body `OK`). */
export type NotificationAck = { readonly status: number; readonly contentType: string; readonly body: string };

export type RefundResult = {
  readonly status: 'refunded' | 'partially_refunded' | 'pending';
  readonly exchange: readonly ProviderExchange[];
};

/**
 * The one port every acquirer implements (Medusa's provider contract, cut to what we use). Network failures
 * throw an AppError with code PAYMENTS.PROVIDER_UNAVAILABLE; a refusal by the provider is PAYMENTS.PROVIDER_REFUSED.
 */
export type PaymentProvider = {
  readonly name: ProviderName;
  initiate(request: InitiateRequest): Promise<Initiated>;
  status(providerPaymentId: string, orderId: string): Promise<StatusReport>;
  /** Verifies the signature first (constant time), then reads the body. Never throws for bad input. */
  parseNotification(body: Buffer, headers: Readonly<Record<string, string | undefined>>): Result<ProviderNotification, NotificationRejection>;
  readonly ack: NotificationAck;
  refund(providerPaymentId: string, amount: Kopecks, orderId: string): Promise<RefundResult>;
};
