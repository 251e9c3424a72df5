import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationRejection, PaymentProvider, ProviderNotification } from '../core/payments/provider.port.ts';
import { tbankToken } from '../core/payments/tbank-token.calc.ts';
import { exchangeOfFailure, tbankStatus } from '../core/payments/tbank.client.ts';
import { makeTbankProvider, moscowDateTime } from '../core/payments/tbank.provider.ts';
import { fixedClock, isAppError, kopecks, type Result } from '../core/shared/index.ts';
import { startFakeTbank, type FakeTbank } from './support/fake-tbank.ts';

const TERMINAL = 'FamilyPayDEMO';
const PASSWORD = 'w9fk2LZq7pRt';
const RUNS = process.env.FULL === '1' ? 5_000 : 400;

type Hook = {
  readonly url: string;
  readonly received: { readonly raw: Buffer; readonly result: Result<ProviderNotification, NotificationRejection> }[];
  /** The next `n` deliveries get HTTP 503, as a hook that is down would answer. */
  failNext(n: number): void;
  close(): Promise<void>;
};

/** Our side of the notification: a tiny HTTP hook that parses with the provider and answers with its ack. */
async function startHook(provider: PaymentProvider): Promise<Hook> {
  const received: Hook['received'] = [];
  let failing = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (failing > 0) {
      failing -= 1;
      return void res.writeHead(503).end('busy');
    }
    const raw = Buffer.concat(chunks);
    const result = provider.parseNotification(raw, { 'content-type': req.headers['content-type'] });
    received.push({ raw, result });
    if (!result.ok) return void res.writeHead(400).end('rejected');
    res.writeHead(provider.ack.status, { 'content-type': provider.ack.contentType }).end(provider.ack.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tbank`,
    received,
    failNext: (n) => void (failing = n),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

let fake: FakeTbank;
let hook: Hook;
let provider: PaymentProvider;
let seq = 0;

const providerWith = (overrides: Partial<Parameters<typeof makeTbankProvider>[0]> = {}) =>
  makeTbankProvider({ baseUrl: `${fake.url}/v2/`, terminalKey: TERMINAL, password: PASSWORD, ...overrides });

const attempt = (method: 'sbp' | 'card', gross = 123_456) => ({
  orderId: `pay-${Date.now()}-${(seq += 1)}`,
  gross: kopecks(gross),
  method,
  description: 'Оплата ЖКУ, ЛС 1234567890',
  notificationUrl: hook.url,
  successUrl: 'https://pay.example.ru/ok',
  failUrl: 'https://pay.example.ru/fail',
  expiresAt: new Date('2030-03-01T09:00:00Z'),
  data: { account: '1234567890' },
});

const last = <T>(list: readonly T[]): T => {
  if (list.length === 0) throw new Error('nothing there');
  return list[list.length - 1]!;
};

const okNotifications = () => hook.received.flatMap((r) => (r.result.ok ? [r.result.value] : []));

async function eventually<T>(read: () => T | undefined, ms = 3_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function appErrorOf(work: Promise<unknown>) {
  const error = await work.then(() => undefined, (e: unknown) => e);
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  fake = await startFakeTbank({ terminalKey: TERMINAL, password: PASSWORD, notifyRetryMs: 20, maxNotifyAttempts: 4 });
  provider = providerWith();
  hook = await startHook(provider);
});

afterAll(async () => {
  await fake.close();
  await hook.close();
});

describe('T-Bank provider, payments', () => {
  it('initiates an СБП payment with Init then GetQr and returns the qr.nspk.ru link', async () => {
    const request = attempt('sbp');
    const initiated = await provider.initiate(request);
    expect(initiated.sbpPayload).toMatch(/^https:\/\/qr\.nspk\.ru\/[A-Z0-9]{32}\?type=02&bank=100000000004&sum=123456&cur=RUB&crc=[0-9A-F]{4}$/);
    expect(initiated.paymentUrl).toBe(`${fake.url}/pay/${initiated.providerPaymentId}`);
    expect(initiated.exchange.map((e) => e.operation)).toEqual(['Init', 'GetQr']);
    const init = last(fake.requests.filter((r) => r.operation === 'Init')).body;
    expect(init).toMatchObject({
      TerminalKey: TERMINAL, Amount: 123_456, OrderId: request.orderId, Description: request.description,
      NotificationURL: hook.url, SuccessURL: request.successUrl, FailURL: request.failUrl,
      RedirectDueDate: '2030-03-01T12:00:00+03:00', DATA: { account: '1234567890' },
    });
  });

  it('initiates a card payment with the PaymentURL and no GetQr, flagging a payer-initiated operation', async () => {
    // The base URL is taken with or without its closing slash.
    const initiated = await providerWith({ baseUrl: `${fake.url}/v2` }).initiate(attempt('card'));
    expect(initiated.sbpPayload).toBeUndefined();
    expect(initiated.exchange.map((e) => e.operation)).toEqual(['Init']);
    expect(fake.requests.at(-1)!.body['DATA']).toEqual({ account: '1234567890', OperationInitiatorType: '0' });
  });

  it('logs each exchange without Token or Password, with its time', async () => {
    const clock = fixedClock(new Date('2026-04-01T10:00:00Z'));
    const { exchange } = await providerWith({ clock }).initiate(attempt('sbp'));
    for (const e of exchange) {
      expect(Object.keys(e.request)).not.toContain('Token');
      expect(Object.keys(e.request)).not.toContain('Password');
      expect(e.response).toMatchObject({ Success: true, ErrorCode: '0' });
      expect(e).toMatchObject({ at: '2026-04-01T10:00:00.000Z', ms: 0 });
    }
  });

  it('writes RedirectDueDate in Moscow time whatever the instant', () => {
    expect(moscowDateTime(new Date('2026-12-31T22:30:15.999Z'))).toBe('2027-01-01T01:30:15+03:00');
  });

  it('is refused by the bank for a second Init with the same OrderId', async () => {
    const request = attempt('card');
    await provider.initiate(request);
    const error = await appErrorOf(provider.initiate(request));
    expect(error.code).toBe('PAYMENTS.PROVIDER_REFUSED');
  });

  it('reads the state as the bank moves the payment', async () => {
    const sbp = await provider.initiate(attempt('sbp'));
    const card = await provider.initiate(attempt('card'));
    const held = await provider.initiate(attempt('card'));
    expect(await provider.status(sbp.providerPaymentId, 'x')).toMatchObject({ status: 'pending', rawStatus: 'FORM_SHOWED', amount: 123_456 });
    await fake.confirm(sbp.providerPaymentId);
    await fake.reject(card.providerPaymentId);
    await fake.authorize(held.providerPaymentId);
    expect(await provider.status(sbp.providerPaymentId, 'x')).toMatchObject({ status: 'paid', rawStatus: 'CONFIRMED' });
    expect(await provider.status(card.providerPaymentId, 'x')).toMatchObject({ status: 'failed', rawStatus: 'REJECTED' });
    expect(await provider.status(held.providerPaymentId, 'x')).toMatchObject({ status: 'authorized', rawStatus: 'AUTHORIZED' });
  });

  it('refunds part, then the rest, and hears a notification for each', async () => {
    const { providerPaymentId } = await provider.initiate(attempt('sbp', 10_000));
    await fake.confirm(providerPaymentId);
    expect((await provider.refund(providerPaymentId, kopecks(2_500), 'x')).status).toBe('partially_refunded');
    expect((await provider.status(providerPaymentId, 'x')).status).toBe('partially_refunded');
    expect((await provider.refund(providerPaymentId, kopecks(7_500), 'x')).status).toBe('refunded');
    expect((await provider.status(providerPaymentId, 'x')).status).toBe('refunded');
    const ids = await eventually(() => {
      const found = okNotifications().filter((n) => n.providerPaymentId === providerPaymentId).map((n) => n.operationId);
      return found.length === 3 ? found : undefined;
    });
    const id = providerPaymentId;
    expect(ids.sort()).toEqual([`${id}:CONFIRMED`, `${id}:PARTIAL_REFUNDED:2500`, `${id}:REFUNDED:7500`].sort());
  });

  it('maps every status word of the docs, and keeps an unknown one as pending with its word', async () => {
    const expected = {
      NEW: 'pending', FORM_SHOWED: 'pending', AUTHORIZING: 'pending', '3DS_CHECKING': 'pending', '3DS_CHECKED': 'pending',
      CONFIRMING: 'pending', REVERSING: 'pending', REFUNDING: 'pending', ASYNC_REFUNDING: 'pending', SOMETHING_NEW: 'pending',
      AUTHORIZED: 'authorized', PARTIAL_REVERSED: 'authorized', CONFIRMED: 'paid', REJECTED: 'failed', AUTH_FAIL: 'failed',
      DEADLINE_EXPIRED: 'failed', ATTEMPTS_EXPIRED: 'failed', CANCELED: 'canceled', REVERSED: 'canceled',
      REFUNDED: 'refunded', PARTIAL_REFUNDED: 'partially_refunded', constructor: 'pending', ['__proto__']: 'pending',
    };
    for (const [word, status] of Object.entries(expected)) {
      const answer = { Success: true, ErrorCode: '0', Status: word, PaymentId: '42', OrderId: 'o-1', Amount: 100 };
      const stub = providerWith({ fetch: async () => new Response(JSON.stringify(answer)) });
      expect(await stub.status('42', 'o-1')).toMatchObject({ status, rawStatus: word });
      expect(tbankStatus(word)).toBe(status);
    }
  });
});

describe('T-Bank provider, failures', () => {
  it('turns a wrong password into PROVIDER_REFUSED with the bank’s code and none of its text', async () => {
    const error = await appErrorOf(providerWith({ password: 'not-the-password' }).initiate(attempt('card')));
    expect(error.code).toBe('PAYMENTS.PROVIDER_REFUSED');
    expect(error.vars).toEqual({ reason: '204' });
    expect(error.message).not.toMatch(/токен/i);
    expect(exchangeOfFailure(error)?.response).toMatchObject({ Details: 'Неверный токен. Проверьте пару TerminalKey/SecretKey.' });
  });

  it('turns an outage (HTTP 503) into PROVIDER_UNAVAILABLE', async () => {
    fake.setDown(true);
    try {
      expect((await appErrorOf(provider.initiate(attempt('sbp')))).code).toBe('PAYMENTS.PROVIDER_UNAVAILABLE');
    } finally {
      fake.setDown(false);
    }
  });

  it('gives up on a slow bank after the timeout with PROVIDER_UNAVAILABLE', async () => {
    fake.setLatency(2_000);
    try {
      const started = Date.now();
      const error = await appErrorOf(providerWith({ timeoutMs: 100 }).status('7000000001', 'x'));
      expect(error.code).toBe('PAYMENTS.PROVIDER_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      fake.setLatency(0);
    }
  });

  it('turns a non-JSON answer, an answer without Success, and a refused connection into PROVIDER_UNAVAILABLE', async () => {
    const html = providerWith({ fetch: async () => new Response('<html>Bad Gateway</html>', { status: 200 }) });
    const odd = providerWith({ fetch: async () => new Response(JSON.stringify({ Status: 'NEW' })) });
    const closed = await startFakeTbank({ terminalKey: TERMINAL, password: PASSWORD });
    const gone = closed.url;
    await closed.close();
    const refused = makeTbankProvider({ baseUrl: `${gone}/v2/`, terminalKey: TERMINAL, password: PASSWORD });
    for (const p of [html, odd, refused]) {
      expect((await appErrorOf(p.status('1', 'x'))).code).toBe('PAYMENTS.PROVIDER_UNAVAILABLE');
    }
  });

  it('treats a successful answer that lacks the PaymentURL as the bank not speaking the protocol', async () => {
    const stub = providerWith({ fetch: async () => new Response(JSON.stringify({ Success: true, ErrorCode: '0', PaymentId: '5' })) });
    expect((await appErrorOf(stub.initiate(attempt('card')))).code).toBe('PAYMENTS.PROVIDER_UNAVAILABLE');
  });
});

describe('T-Bank provider, notifications', () => {
  it('answers the bank with HTTP 200 and exactly OK', () => {
    expect(provider.ack).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' });
  });

  it('verifies and reads the bank’s notification, keeping no token or card data', async () => {
    const { providerPaymentId } = await provider.initiate(attempt('card', 54_321));
    await fake.confirm(providerPaymentId);
    const note = last(okNotifications().filter((n) => n.providerPaymentId === providerPaymentId));
    expect(note).toMatchObject({ operationId: `${providerPaymentId}:CONFIRMED`, status: 'paid', rawStatus: 'CONFIRMED', amount: 54_321 });
    expect(note.orderId).toMatch(/^pay-/);
    expect(Object.keys(note.payload).sort()).toEqual(['Amount', 'ErrorCode', 'OrderId', 'PaymentId', 'Status', 'Success', 'TerminalKey']);
    expect(last(fake.deliveries.filter((d) => d.paymentId === providerPaymentId))).toMatchObject({ attempt: 1, replyStatus: 200, replyBody: 'OK' });
  });

  it('reads the documented example notification of the bank', () => {
    const fields = {
      TerminalKey: '1321054611234DEMO', OrderId: '201709', Success: true, Status: 'AUTHORIZED', PaymentId: 8742591,
      ErrorCode: '0', Amount: 9855, CardId: 322264, Pan: '430000******0777', ExpDate: '1122', RebillId: 101709,
      Token: 'b906d28e76c6428e37b25fcf86c0adc52c63d503013fdd632e300593d165766b',
    };
    const docs = makeTbankProvider({ baseUrl: 'https://securepay.tinkoff.ru/v2/', terminalKey: '1321054611234DEMO', password: 'Dfsfh56dgKl' });
    const result = docs.parseNotification(Buffer.from(JSON.stringify(fields)), {});
    expect(result).toMatchObject({ ok: true, value: { operationId: '8742591:AUTHORIZED', status: 'authorized', amount: 9855, orderId: '201709' } });
  });

  it('is tried again until our hook answers OK', async () => {
    const { providerPaymentId } = await provider.initiate(attempt('card'));
    hook.failNext(2);
    await fake.authorize(providerPaymentId);
    const tries = fake.deliveries.filter((d) => d.paymentId === providerPaymentId);
    expect(tries.map((d) => [d.attempt, d.replyStatus, d.replyBody])).toEqual([[1, 503, 'busy'], [2, 503, 'busy'], [3, 200, 'OK']]);
  });

  it('carries the same operationId on every repeat of a delivery', async () => {
    const { providerPaymentId } = await provider.initiate(attempt('sbp'));
    await fake.confirm(providerPaymentId);
    await fake.deliver(providerPaymentId, { times: 3 });
    const ids = okNotifications().filter((n) => n.providerPaymentId === providerPaymentId).map((n) => n.operationId);
    expect(ids).toEqual(Array(4).fill(`${providerPaymentId}:CONFIRMED`));
  });
});

describe('T-Bank provider, hostile notifications', () => {
  let genuine: Buffer;
  let fields: Record<string, unknown>;
  const parse = (body: Buffer) => provider.parseNotification(body, { 'content-type': 'application/json' });
  const rejection = (body: Buffer) => {
    const result = parse(body);
    return result.ok ? 'accepted' : result.error;
  };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));

  beforeAll(async () => {
    const { providerPaymentId } = await provider.initiate(attempt('card'));
    await fake.confirm(providerPaymentId);
    genuine = last(hook.received.filter((r) => r.result.ok && r.result.value.providerPaymentId === providerPaymentId)).raw;
    fields = JSON.parse(genuine.toString('utf8')) as Record<string, unknown>;
    expect(parse(genuine).ok).toBe(true);
  });

  it('refuses every body with one byte flipped anywhere', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const mutant = Buffer.from(genuine);
        const i = at % mutant.length;
        mutant.writeUInt8(mutant.readUInt8(i) ^ mask, i);
        expect(rejection(mutant)).not.toBe('accepted');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a re-serialised body with another Amount as a bad signature', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000_000 }), (amount) => {
        fc.pre(amount !== fields['Amount']);
        expect(rejection(json({ ...fields, Amount: amount }))).toBe('signature');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a Token of another length, a missing Token and another TerminalKey as bad signatures', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdef') }).filter((t) => t.length !== 64), (token) => {
        expect(rejection(json({ ...fields, Token: token }))).toBe('signature');
      }),
      { numRuns: RUNS },
    );
    const { Token: _, ...unsigned } = fields;
    expect(rejection(json(unsigned))).toBe('signature');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k !== TERMINAL), (terminalKey) => {
        const other = { ...fields, TerminalKey: terminalKey };
        // Signed correctly for that terminal (same password even), still not ours.
        expect(rejection(json({ ...other, Token: tbankToken(other, PASSWORD) }))).toBe('signature');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses an empty body, non-JSON and JSON that is not an object, never throwing', () => {
    expect(rejection(Buffer.alloc(0))).toBe('malformed');
    expect(rejection(Buffer.from('TerminalKey=x&Token=y'))).toBe('malformed');
    expect(rejection(json([fields]))).toBe('malformed');
    const notAnObject = fc.oneof(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.jsonValue().filter((v) => typeof v !== 'object' || v === null));
    fc.assert(fc.property(notAnObject, (value) => void expect(rejection(json(value))).toBe('malformed')), { numRuns: RUNS });
    // Random bytes are almost never JSON; when they happen to be an object, it is unsigned.
    const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));
    fc.assert(fc.property(bytes, (body) => void expect(rejection(body)).not.toBe('accepted')), { numRuns: RUNS });
  });

  it('refuses a correctly signed body with an unknown key, since keys are not signed', () => {
    const { CardId, ...rest } = fields;
    expect(rejection(json({ ...rest, CardIe: CardId }))).toBe('malformed');
  });
});
