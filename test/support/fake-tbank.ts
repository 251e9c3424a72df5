import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as pause } from 'node:timers/promises';
import { BAD_PARAMS, BAD_TOKEN, nspkLink, refusal, sign, type Fields } from './fake-tbank-protocol.ts';

/**
 * A local T-Bank Acquiring API v2 (Init, GetQr, GetState, Cancel at `<url>/v2/`) that checks every Token as the bank
 * does and notifies NotificationURL as the bank does: POST JSON, repeated until HTTP 200 with the body `OK`.
 * The token is computed here on its own, not with core's tbankToken, so the two implementations check each other.
 */
export type FakeTbankOptions = {
  readonly terminalKey: string;
  readonly password: string;
  /** The bank waits an hour between tries; tests wait this long (default 50 ms). */
  readonly notifyRetryMs?: number;
  /** Tries per notification (default 5); the bank keeps going for a month. */
  readonly maxNotifyAttempts?: number;
};

export type FakeDelivery = {
  readonly paymentId: string;
  readonly status: string;
  readonly attempt: number;
  readonly body: string;
  /** null when the hook could not be reached. */
  readonly replyStatus: number | null;
  readonly replyBody: string;
};

export type FakeRequest = { readonly operation: string; readonly body: Readonly<Record<string, unknown>> };

export type FakeTbank = {
  /** `http://127.0.0.1:<port>`; the API lives under `/v2/`. */
  readonly url: string;
  readonly deliveries: readonly FakeDelivery[];
  /** Every request that reached an operation, as sent (Token included). */
  readonly requests: readonly FakeRequest[];
  /** The bank's side of the payment; each resolves once the notification is acknowledged or the tries run out. */
  confirm(paymentId: string): Promise<void>;
  reject(paymentId: string): Promise<void>;
  authorize(paymentId: string): Promise<void>;
  refund(paymentId: string, amount: number): Promise<void>;
  /** Sends the payment's last notification `times` more times, whatever the answer. */
  deliver(paymentId: string, options: { readonly times: number }): Promise<void>;
  /** An outage: every API call answers HTTP 503. */
  setDown(down: boolean): void;
  /** Delays every API answer, for timeouts. */
  setLatency(ms: number): void;
  close(): Promise<void>;
};

type Payment = { id: string; orderId: string; amount: number; left: number; status: string; notificationUrl?: string; last?: Fields };

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const DUE_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

export async function startFakeTbank(options: FakeTbankOptions): Promise<FakeTbank> {
  const retryMs = options.notifyRetryMs ?? 50;
  const maxAttempts = options.maxNotifyAttempts ?? 5;
  const payments = new Map<string, Payment>();
  const orderIds = new Set<string>();
  const deliveries: FakeDelivery[] = [];
  const requests: FakeRequest[] = [];
  const inFlight = new Set<Promise<void>>();
  const closing = new AbortController();
  let nextId = 7_000_000_001;
  let down = false;
  let latencyMs = 0;
  let url = '';

  const paymentOrThrow = (id: string): Payment => {
    const p = payments.get(id);
    if (!p) throw new Error(`fake T-Bank: no payment ${id}`);
    return p;
  };

  async function post(p: Payment, body: Fields, attempt: number): Promise<boolean> {
    const text = JSON.stringify(body);
    let replyStatus: number | null = null;
    let replyBody = '';
    try {
      const res = await fetch(p.notificationUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(10_000)]),
      });
      replyStatus = res.status;
      replyBody = await res.text();
    } catch (e) {
      replyBody = String(e);
    }
    deliveries.push({ paymentId: p.id, status: String(body['Status']), attempt, body: text, replyStatus, replyBody });
    return replyStatus === 200 && replyBody === 'OK';
  }

  async function deliverUntilOk(p: Payment, body: Fields): Promise<void> {
    for (let attempt = 1; attempt <= maxAttempts && !closing.signal.aborted; attempt += 1) {
      if (await post(p, body, attempt)) return;
      if (attempt < maxAttempts) await pause(retryMs, undefined, { signal: closing.signal }).catch(() => undefined);
    }
  }

  function track(work: Promise<void>): Promise<void> {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  }

  // The notification body of the docs' example, card details included, signed with the terminal's password.
  function notify(p: Payment, status: string, amount: number, success = true, errorCode = '0'): Promise<void> {
    p.status = status;
    const fields: Fields = {
      TerminalKey: options.terminalKey, OrderId: p.orderId, Success: success, Status: status, PaymentId: Number(p.id),
      ErrorCode: errorCode, Amount: amount, CardId: 322264, Pan: '430000******0777', ExpDate: '1130',
    };
    p.last = { ...fields, Token: sign(fields, options.password) };
    return p.notificationUrl ? track(deliverUntilOk(p, p.last)) : Promise.resolve();
  }

  // Cancel on the bank's rules: NEW is cancelled whole, a hold is released (REVERSED), a capture refunded.
  function cancel(p: Payment, requested: unknown): Fields {
    const amount = requested === undefined ? p.left : requested;
    if (['NEW', 'FORM_SHOWED'].includes(p.status)) return { status: 'CANCELED', refunded: p.left };
    if (!Number.isSafeInteger(amount) || (amount as number) <= 0 || (amount as number) > p.left) return BAD_PARAMS('Неверная сумма.');
    const whole = amount === p.left;
    if (['AUTHORIZED', 'PARTIAL_REVERSED'].includes(p.status)) return { status: whole ? 'REVERSED' : 'PARTIAL_REVERSED', refunded: amount };
    if (['CONFIRMED', 'PARTIAL_REFUNDED'].includes(p.status)) return { status: whole ? 'REFUNDED' : 'PARTIAL_REFUNDED', refunded: amount };
    return BAD_PARAMS(`Нельзя отменить платеж в статусе ${p.status}.`);
  }

  const operations: Record<string, (body: Fields) => Fields> = {
    Init(body) {
      const { Amount: amount, OrderId: orderId, RedirectDueDate: due, NotificationURL: notificationUrl } = body;
      if (!Number.isSafeInteger(amount) || (amount as number) < 100) {
        return refusal('251', 'Неверная сумма. Сумма должна быть больше или равна 100 копеек.');
      }
      if (typeof orderId !== 'string' || orderId === '' || orderId.length > 36) return BAD_PARAMS('Неверный OrderId.');
      if (orderIds.has(orderId)) return BAD_PARAMS('Заказ с таким OrderId уже существует.');
      if (due !== undefined && (typeof due !== 'string' || !DUE_DATE.test(due))) return BAD_PARAMS('Неверный формат RedirectDueDate.');
      const id = String(nextId++);
      orderIds.add(orderId);
      const hook = typeof notificationUrl === 'string' ? { notificationUrl } : {};
      payments.set(id, { id, orderId, amount: amount as number, left: amount as number, status: 'NEW', ...hook });
      return {
        Success: true, ErrorCode: '0', TerminalKey: options.terminalKey, Status: 'NEW', PaymentId: id, OrderId: orderId,
        Amount: amount, PaymentURL: `${url}/pay/${id}`,
      };
    },
    GetQr(body) {
      const p = payments.get(String(body['PaymentId']));
      if (!p) return BAD_PARAMS('Платеж не найден.');
      if (!['NEW', 'FORM_SHOWED'].includes(p.status)) return BAD_PARAMS(`Неверный статус платежа ${p.status}.`);
      const type = body['DataType'] ?? 'PAYLOAD';
      if (type !== 'PAYLOAD' && type !== 'IMAGE') return BAD_PARAMS('Неверный DataType.');
      p.status = 'FORM_SHOWED';
      const data = type === 'PAYLOAD' ? nspkLink(p.amount) : '<svg xmlns="http://www.w3.org/2000/svg"/>';
      return { Success: true, ErrorCode: '0', TerminalKey: options.terminalKey, OrderId: p.orderId, PaymentId: Number(p.id), Data: data };
    },
    GetState(body) {
      const p = payments.get(String(body['PaymentId']));
      if (!p) return BAD_PARAMS('Платеж не найден.');
      return {
        Success: true, ErrorCode: '0', Message: 'OK', TerminalKey: options.terminalKey, Status: p.status, PaymentId: p.id,
        OrderId: p.orderId, Amount: p.amount,
      };
    },
    Cancel(body) {
      const p = payments.get(String(body['PaymentId']));
      if (!p) return BAD_PARAMS('Платеж не найден.');
      const outcome = cancel(p, body['Amount']);
      if (outcome['Success'] === false) return outcome;
      const before = p.left;
      p.left -= outcome['refunded'] as number;
      void notify(p, outcome['status'] as string, outcome['refunded'] as number);
      return {
        Success: true, ErrorCode: '0', TerminalKey: options.terminalKey, OrderId: p.orderId, Status: p.status,
        OriginalAmount: before, NewAmount: p.left, PaymentId: Number(p.id),
      };
    },
  };

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (latencyMs > 0) await pause(latencyMs, undefined, { signal: closing.signal }).catch(() => undefined);
    const send = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type }).end(body);
    if (down) return void send(503, 'text/html', '<html><body>503 Service Temporarily Unavailable</body></html>');
    const operation = /^\/v2\/(\w+)$/.exec(req.url ?? '')?.[1];
    const run = operation && Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (req.method !== 'POST' || !operation || !run) return void send(404, 'text/plain', 'Not Found');
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    const json = (fields: Fields) => send(200, 'application/json; charset=utf-8', JSON.stringify(fields));
    if (!isObject(body)) return void json(BAD_PARAMS('Неверный формат запроса.'));
    requests.push({ operation, body });
    if (body['TerminalKey'] !== options.terminalKey) return void json(refusal('501', 'Терминал не найден.'));
    if (body['Token'] !== sign(body, options.password)) return void json(BAD_TOKEN);
    json(run(body));
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const moveTo = (id: string, from: readonly string[], status: string, success = true, errorCode = '0'): Promise<void> => {
    const p = paymentOrThrow(id);
    if (!from.includes(p.status)) throw new Error(`fake T-Bank: payment ${id} is ${p.status}, cannot become ${status}`);
    return notify(p, status, p.amount, success, errorCode);
  };
  const OPEN = ['NEW', 'FORM_SHOWED'];

  return {
    url,
    deliveries,
    requests,
    confirm: (id) => moveTo(id, [...OPEN, 'AUTHORIZED'], 'CONFIRMED'),
    authorize: (id) => moveTo(id, OPEN, 'AUTHORIZED'),
    // 1051 «Недостаточно средств»: a decline as the card's bank reports it.
    reject: (id) => moveTo(id, OPEN, 'REJECTED', false, '1051'),
    async refund(id, amount) {
      const p = paymentOrThrow(id);
      if (!['CONFIRMED', 'PARTIAL_REFUNDED'].includes(p.status) || amount <= 0 || amount > p.left) {
        throw new Error(`fake T-Bank: cannot refund ${amount} of payment ${id} (${p.status}, ${p.left} left)`);
      }
      p.left -= amount;
      await notify(p, p.left === 0 ? 'REFUNDED' : 'PARTIAL_REFUNDED', amount);
    },
    async deliver(id, { times }) {
      const p = paymentOrThrow(id);
      if (!p.last || !p.notificationUrl) throw new Error(`fake T-Bank: payment ${id} has nothing to deliver`);
      for (let i = 1; i <= times; i += 1) await track(post(p, p.last, i).then(() => undefined));
    },
    setDown: (value) => void (down = value),
    setLatency: (ms) => void (latencyMs = ms),
    async close() {
      closing.abort();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
