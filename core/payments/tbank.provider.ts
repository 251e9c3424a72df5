import { err, ok, type Kopecks, type Result } from '../shared/index.ts';
import type {
  InitiateRequest,
  Initiated,
  NotificationAck,
  NotificationRejection,
  PaymentProvider,
  ProviderNotification,
  RefundResult,
  StatusReport,
} from './provider.port.ts';
import { verifyTbankToken } from './tbank-token.calc.ts';
import {
  amountOf,
  idOf,
  makeTbankClient,
  protocolError,
  tbankStatus,
  textOf,
  withoutSecrets,
  type TbankClientOptions,
  type TbankReply,
} from './tbank.client.ts';

export type TbankProviderOptions = TbankClientOptions;

// «Ответ на HTTP(s)-уведомление»: HTTP 200 and exactly `OK`, or the bank repeats hourly for a day, then daily for a month.
const ACK: NotificationAck = { status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' };

const MOSCOW_OFFSET_MS = 3 * 60 * 60 * 1000;

/** RedirectDueDate as the bank asks: `YYYY-MM-DDTHH:MM:SS+03:00`. Moscow has kept UTC+3 all year since 2014. */
export function moscowDateTime(at: Date): string {
  return `${new Date(at.getTime() + MOSCOW_OFFSET_MS).toISOString().slice(0, 19)}+03:00`;
}

// Each partial refund (or release) is its own notification with its own amount; a repeat carries the same one.
const PER_AMOUNT_STATUSES = new Set(['REFUNDED', 'PARTIAL_REFUNDED', 'PARTIAL_REVERSED']);

// Every root key of the payment and fiscalisation notifications in the docs. The token signs values, not keys, so a
// renamed key still verifies: a key we do not know is refused rather than believed.
const NOTIFICATION_KEYS = new Set([
  'TerminalKey', 'OrderId', 'Success', 'Status', 'PaymentId', 'ErrorCode', 'Amount', 'Message', 'Details', 'RebillId',
  'CardId', 'Pan', 'ExpDate', 'CustomerKey', 'Token', 'DATA', 'Data', 'ErrorMessage', 'FiscalNumber', 'ShiftNumber',
  'ReceiptDatetime', 'FnNumber', 'EcrRegNumber', 'FiscalDocumentNumber', 'FiscalDocumentAttribute', 'Receipt', 'Type',
  'Ofd', 'Url', 'QrCodeUrl', 'CalculationPlace', 'CashierName', 'SettlePlace',
]);

const MASKED_PAN = /\d{4,6}\*{2,}\d{2,4}/;
const DIGIT_RUN = /\d{13,19}/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const cardLike = (value: unknown): boolean =>
  typeof value === 'string' && (MASKED_PAN.test(value) || [...value.matchAll(DIGIT_RUN)].some(([run]) => luhn(run)));

// Only signed scalars are kept: nested DATA is unsigned by the bank's rule, and card data never reaches our log.
const storedPayload = (fields: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(withoutSecrets(fields)).filter(([, value]) => value !== null && typeof value !== 'object' && !cardLike(value)),
  );

function parseTbankNotification(
  raw: Buffer,
  terminalKey: string,
  password: string,
): Result<ProviderNotification, NotificationRejection> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return err('malformed');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return err('malformed');
  const fields = parsed as Readonly<Record<string, unknown>>;
  // Nothing in the body is believed before its signature is checked; only its JSON shape is looked at first.
  if (fields['TerminalKey'] !== terminalKey || !verifyTbankToken(fields, password)) return err('signature');
  if (Object.keys(fields).some((key) => !NOTIFICATION_KEYS.has(key))) return err('malformed');

  const rawStatus = textOf(fields['Status']);
  const orderId = textOf(fields['OrderId']);
  const providerPaymentId = idOf(fields['PaymentId']);
  const amount = amountOf(fields['Amount']);
  const errorCode = fields['ErrorCode'];
  if (!rawStatus || !orderId || !providerPaymentId || amount === undefined) return err('malformed');
  if (typeof fields['Success'] !== 'boolean' || (typeof errorCode !== 'string' && typeof errorCode !== 'number')) return err('malformed');

  const operationId = PER_AMOUNT_STATUSES.has(rawStatus)
    ? `${providerPaymentId}:${rawStatus}:${amount}`
    : `${providerPaymentId}:${rawStatus}`;
  return ok({ operationId, orderId, providerPaymentId, status: tbankStatus(rawStatus), rawStatus, amount, payload: storedPayload(fields) });
}

const REFUND_RESULTS = new Map<string, RefundResult['status']>([
  ['REFUNDED', 'refunded'],
  ['REVERSED', 'refunded'],
  ['PARTIAL_REFUNDED', 'partially_refunded'],
  ['PARTIAL_REVERSED', 'partially_refunded'],
]);

export function makeTbankProvider(options: TbankProviderOptions): PaymentProvider {
  const client = makeTbankClient(options);

  const paymentIdOrThrow = (reply: TbankReply): string => {
    const id = idOf(reply.body['PaymentId']);
    if (id === undefined) throw protocolError(reply, 'PaymentId');
    return id;
  };

  return {
    name: 'tbank',
    ack: ACK,

    async initiate(request: InitiateRequest): Promise<Initiated> {
      // OperationInitiatorType 0: a payer-initiated card payment, card not kept (CIT CNC) — the regulator's flag for cards.
      const data = request.method === 'card' ? { ...request.data, OperationInitiatorType: '0' } : { ...request.data };
      const init = await client.call('Init', {
        Amount: request.gross,
        OrderId: request.orderId,
        Description: request.description,
        NotificationURL: request.notificationUrl,
        SuccessURL: request.successUrl,
        FailURL: request.failUrl,
        RedirectDueDate: moscowDateTime(request.expiresAt),
        ...(Object.keys(data).length > 0 ? { DATA: data } : {}),
      });
      const providerPaymentId = paymentIdOrThrow(init);
      const paymentUrl = textOf(init.body['PaymentURL']);
      if (paymentUrl === undefined) throw protocolError(init, 'PaymentURL');
      if (request.method === 'card') return { providerPaymentId, paymentUrl, exchange: [init.exchange] };

      const qr = await client.call('GetQr', { PaymentId: providerPaymentId, DataType: 'PAYLOAD' });
      const sbpPayload = textOf(qr.body['Data']);
      if (sbpPayload === undefined) throw protocolError(qr, 'Data');
      return { providerPaymentId, paymentUrl, sbpPayload, exchange: [init.exchange, qr.exchange] };
    },

    async status(providerPaymentId: string, orderId: string): Promise<StatusReport> {
      const state = await client.call('GetState', { PaymentId: providerPaymentId });
      const rawStatus = textOf(state.body['Status']);
      if (rawStatus === undefined) throw protocolError(state, 'Status');
      const amount = amountOf(state.body['Amount']);
      if (amount === undefined) throw protocolError(state, 'Amount');
      return {
        providerPaymentId: paymentIdOrThrow(state),
        orderId: textOf(state.body['OrderId']) ?? orderId,
        status: tbankStatus(rawStatus),
        rawStatus,
        amount,
        exchange: [state.exchange],
      };
    },

    // Cancel has no OrderId; the bank knows the payment by PaymentId alone.
    async refund(providerPaymentId: string, amount: Kopecks, _orderId: string): Promise<RefundResult> {
      const cancel = await client.call('Cancel', { PaymentId: providerPaymentId, Amount: amount });
      const rawStatus = textOf(cancel.body['Status']);
      if (rawStatus === undefined) throw protocolError(cancel, 'Status');
      // REFUNDING, ASYNC_REFUNDING (СБП), REVERSING: the bank finishes later and notifies.
      return { status: REFUND_RESULTS.get(rawStatus) ?? 'pending', exchange: [cancel.exchange] };
    },

    parseNotification: (body) => parseTbankNotification(body, options.terminalKey, options.password),
  };
}
