import { AppError, kopecks, systemClock, type Clock, type Kopecks } from '../shared/index.ts';
import type { ProviderExchange, ProviderStatus } from './provider.port.ts';
import { tbankToken } from './tbank-token.calc.ts';

export type TbankClientOptions = {
  /** The API root, e.g. `https://securepay.tinkoff.ru/v2/` in production; the caller chooses, there is no default. */
  readonly baseUrl: string;
  readonly terminalKey: string;
  readonly password: string;
  readonly fetch?: typeof fetch;
  /** Per request, the whole answer included. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
};

export type TbankReply = { readonly body: Readonly<Record<string, unknown>>; readonly exchange: ProviderExchange };

export type TbankClient = {
  /** POSTs a signed `operation`; throws PAYMENTS.PROVIDER_UNAVAILABLE or PAYMENTS.PROVIDER_REFUSED. */
  call(operation: string, params: Readonly<Record<string, unknown>>): Promise<TbankReply>;
};

const DEFAULT_TIMEOUT_MS = 15_000;

// Card data the bank may echo: never into an exchange log or a stored notification (152-ФЗ, PCI DSS).
const CARD_KEYS = new Set(['Pan', 'ExpDate', 'CardId', 'RebillId', 'CardData', 'CVV']);
const SECRET_KEYS = new Set(['Token', 'Password']);

export function withoutSecrets(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !SECRET_KEYS.has(key) && !CARD_KEYS.has(key)));
}

/** The exchange of a failed call, carried on the AppError's cause so the payment card in admin can show it. */
export function exchangeOfFailure(error: unknown): ProviderExchange | undefined {
  const cause = error instanceof Error ? (error.cause as { exchange?: ProviderExchange } | undefined) : undefined;
  return cause?.exchange;
}

// The bank's code goes into a user-facing message, so only a code-shaped value is passed on, never its free text.
const reasonOf = (body: Readonly<Record<string, unknown>>): string => {
  const code = body['ErrorCode'];
  const text = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  return /^[0-9A-Za-z_-]{1,20}$/.test(text) ? text : 'unknown';
};

const objectOf = (text: string): Record<string, unknown> | null => {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

export function makeTbankClient(options: TbankClientOptions): TbankClient {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const send = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    async call(operation, params) {
      const request = { TerminalKey: options.terminalKey, ...params };
      const started = clock.now();
      let response: Record<string, unknown> | null = null;
      const exchange = (): ProviderExchange => ({
        operation,
        request: withoutSecrets(request),
        response: response && withoutSecrets(response),
        ms: clock.now().getTime() - started.getTime(),
        at: started.toISOString(),
      });
      const unavailable = (detail: string, cause?: unknown) =>
        new AppError('PAYMENTS.PROVIDER_UNAVAILABLE', { vars: { operation }, cause: { exchange: exchange(), detail, cause } });

      let status: number;
      let text: string;
      try {
        const res = await send(new URL(operation, base), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...request, Token: tbankToken(request, options.password) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = res.status;
        text = await res.text();
      } catch (cause) {
        throw unavailable('no answer (network error or timeout)', cause);
      }
      response = objectOf(text);
      if (status >= 500) throw unavailable(`HTTP ${status}`);
      if (response === null) throw unavailable(`HTTP ${status}, not a JSON object`);
      if (response['Success'] === false) {
        // The bank's Message and Details stay in the exchange log; users get the code alone.
        throw new AppError('PAYMENTS.PROVIDER_REFUSED', { vars: { reason: reasonOf(response) }, cause: { exchange: exchange() } });
      }
      if (status >= 300 || response['Success'] !== true) throw unavailable(`HTTP ${status} without Success: true`);
      return { body: response, exchange: exchange() };
    },
  };
}

/** A successful answer that lacks a field the protocol promises: the bank is not speaking the protocol we know. */
export function protocolError(reply: TbankReply, field: string): AppError {
  return new AppError('PAYMENTS.PROVIDER_UNAVAILABLE', {
    vars: { operation: reply.exchange.operation },
    cause: { exchange: reply.exchange, detail: `answer without a valid ${field}` },
  });
}

// Statuses from the Acquiring API «Статусная модель платежа» (card and СБП) and the notification list.
const STATUSES = new Map<string, ProviderStatus>([
  ['CONFIRMED', 'paid'],
  ['AUTHORIZED', 'authorized'],
  // Part of a hold released, the rest still held and waiting for Confirm.
  ['PARTIAL_REVERSED', 'authorized'],
  ['REJECTED', 'failed'],
  ['AUTH_FAIL', 'failed'],
  ['DEADLINE_EXPIRED', 'failed'],
  ['ATTEMPTS_EXPIRED', 'failed'],
  ['CANCELED', 'canceled'],
  ['REVERSED', 'canceled'],
  ['REFUNDED', 'refunded'],
  ['PARTIAL_REFUNDED', 'partially_refunded'],
]);

/** Everything not final (NEW, FORM_SHOWED, AUTHORIZING, 3DS_CHECKING, REFUNDING, ASYNC_REFUNDING, …) and every new word is pending. */
export const tbankStatus = (raw: string): ProviderStatus => STATUSES.get(raw) ?? 'pending';

/** PaymentId arrives as a string in Init and GetState and as a number in GetQr, Cancel and notifications. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return /^[0-9A-Za-z_-]{1,50}$/.test(value) ? value : undefined;
  return Number.isSafeInteger(value) && (value as number) >= 0 ? String(value) : undefined;
}

export const amountOf = (value: unknown): Kopecks | undefined =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? kopecks(value as number) : undefined;

export const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
