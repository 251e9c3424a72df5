import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSmsRu, smsParts, type FakeSmsRu } from '../../../test/support/fake-smsru.ts';
import { makeSmsRuSender } from './smsru.client.ts';
import { makeConsoleSms } from './console.sender.ts';
import { makeSms } from './make-sms.ts';
import { SMS_MAX_CHARS, type SmsResult } from './sms.port.ts';

const API_ID = 'A3CA597E-3ACF-4E7D-82EE-CF82B52B1A8B';
const PHONE = '+79123456789';
const DIGITS = '79123456789';
const TEXT = 'Здравствуйте! Счётчик воды в квартире 12 поверят в пятницу с 10 до 14.';

let fake: FakeSmsRu;
beforeEach(async () => { fake = await startFakeSmsRu({ apiId: API_ID }); });
afterEach(async () => { await fake.close(); });

const sender = (options: { apiId?: string; from?: string; timeoutMs?: number } = {}) =>
  makeSmsRuSender({ apiId: options.apiId ?? API_ID, baseUrl: fake.url, ...options });

const failure = (result: SmsResult) => {
  if (result.ok) throw new Error(`expected a failure, got id ${result.id}`);
  return result;
};

describe('SMS.ru client', () => {
  it('sends one message and returns the sms_id SMS.ru gave it', async () => {
    const result = await sender().send({ to: PHONE, text: TEXT });
    expect(fake.sent).toHaveLength(1);
    expect(result).toEqual({ ok: true, id: fake.sent[0]!.id });
    expect(fake.sent[0]).toMatchObject({ to: DIGITS, text: TEXT });
  });

  it.each(['+79123456789', '79123456789', '89123456789'])('posts api_id, json=1 and %s as the digits 79123456789 in a form', async (to) => {
    await sender().send({ to, text: TEXT });
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request).toMatchObject({ method: 'POST', path: '/sms/send' });
    expect(request.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.fields).toEqual({ api_id: API_ID, to: DIGITS, msg: TEXT, json: '1' });
  });

  it('sends the sender name only when one is configured', async () => {
    await sender({ from: 'UK-Demo' }).send({ to: PHONE, text: TEXT });
    expect(fake.requests[0]!.fields.from).toBe('UK-Demo');
    expect(fake.sent[0]!.from).toBe('UK-Demo');
  });

  it.each([202, 207, 209, 215, 216])('gives up on a per-number error %i', async (code) => {
    fake.failNumber(DIGITS, code);
    const result = failure(await sender().send({ to: PHONE, text: TEXT }));
    expect(result).toMatchObject({ permanent: true });
    expect(result.reason).toContain(String(code));
    expect(fake.sent).toHaveLength(0);
  });

  it.each([201, 220, 231, 500, 999])('retries later on code %i, which time, a top-up or nothing known rules out curing', async (code) => {
    fake.failNumber(DIGITS, code);
    expect(failure(await sender().send({ to: PHONE, text: TEXT }))).toMatchObject({ permanent: false });
    fake.failNumber(DIGITS, null);
    fake.failNext(code);
    expect(failure(await sender().send({ to: PHONE, text: TEXT }))).toMatchObject({ permanent: false });
  });

  it('gives up when SMS.ru refuses the api_id for the whole request', async () => {
    const result = failure(await sender({ apiId: 'wrong-key' }).send({ to: PHONE, text: TEXT }));
    expect(result).toMatchObject({ permanent: true });
    expect(result.reason).toContain('200');
  });

  it('retries later after HTTP 500', async () => {
    fake.fail500();
    expect(failure(await sender().send({ to: PHONE, text: TEXT }))).toMatchObject({ permanent: false });
    expect(await sender().send({ to: PHONE, text: TEXT })).toMatchObject({ ok: true });
  });

  it('stops waiting after timeoutMs and retries later', async () => {
    fake.hang();
    const started = performance.now();
    const result = failure(await sender({ timeoutMs: 200 }).send({ to: PHONE, text: TEXT }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ permanent: false });
    expect(result.reason).toContain('200 ms');
    expect(fake.requests).toHaveLength(1);
  }, 10_000);

  it.each([[404, true], [400, true], [429, false], [503, false]])('treats HTTP %i as permanent: %s', async (status, permanent) => {
    const stub = (async () => new Response('<html></html>', { status })) as typeof fetch;
    expect(failure(await makeSmsRuSender({ apiId: API_ID, fetch: stub }).send({ to: PHONE, text: TEXT }))).toMatchObject({ permanent });
  });

  it('retries later when HTTP 200 carries something other than JSON', async () => {
    const stub = (async () => new Response('100\n000000-10000001\nbalance=10', { status: 200 })) as typeof fetch;
    expect(failure(await makeSmsRuSender({ apiId: API_ID, fetch: stub }).send({ to: PHONE, text: TEXT }))).toMatchObject({ permanent: false });
  });

  it('retries later when the gateway cannot be reached', async () => {
    const url = fake.url;
    await fake.close();
    const result = failure(await makeSmsRuSender({ apiId: API_ID, baseUrl: url }).send({ to: PHONE, text: TEXT }));
    expect(result).toMatchObject({ permanent: false });
    fake = await startFakeSmsRu({ apiId: API_ID });
  });

  it.each(['9123456789', '+7 912 345-67-89', '+19123456789', '+7912345678', '+791234567890', '', '79123456789\n'])(
    'refuses %j for good without calling SMS.ru', async (to) => {
      expect(failure(await sender().send({ to, text: TEXT }))).toMatchObject({ permanent: true });
      expect(fake.requests).toHaveLength(0);
    });

  it('refuses an empty text for good without calling SMS.ru', async () => {
    expect(failure(await sender().send({ to: PHONE, text: ' \n ' }))).toMatchObject({ permanent: true });
    expect(fake.requests).toHaveLength(0);
  });

  it('cuts a text past 8 Cyrillic parts to 536 characters ending in «…», which SMS.ru accepts', async () => {
    const long = 'Ответ управляющей компании. '.repeat(30);
    expect(smsParts(long)).toBeGreaterThan(8);
    expect(await sender().send({ to: PHONE, text: long })).toMatchObject({ ok: true });
    const got = fake.sent[0]!.text;
    expect(got.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(got.length).toBeGreaterThan(SMS_MAX_CHARS - 3);
    expect(got.endsWith('…')).toBe(true);
    expect(long.startsWith(got.slice(0, -1))).toBe(true);
    expect(fake.sent[0]!.parts).toBe(8);
  });

  it('sends a text of exactly 536 characters whole, and never splits a surrogate pair when cutting', async () => {
    const exact = 'я'.repeat(SMS_MAX_CHARS);
    await sender().send({ to: PHONE, text: exact });
    expect(fake.sent[0]!.text).toBe(exact);
    await sender().send({ to: PHONE, text: `${'я'.repeat(SMS_MAX_CHARS - 2)}😀 и ещё` });
    expect(fake.sent[1]!.text).toBe(`${'я'.repeat(SMS_MAX_CHARS - 2)}…`);
  });

  it('keeps the phone, the text and the api_id out of every failure reason', async () => {
    const text = 'Секретный ответ жильцу: код домофона 4512';
    const reasons: string[] = [];
    const send = async (to = PHONE, s = sender()) => reasons.push(failure(await s.send({ to, text })).reason);
    fake.failNumber(DIGITS, 207); await send();
    fake.failNumber(DIGITS, 201); await send();
    fake.failNumber(DIGITS, 999); await send();
    fake.failNumber(DIGITS, null);
    fake.failNext(220); await send();
    await send(PHONE, sender({ apiId: 'wrong-key' }));
    fake.fail500(); await send();
    fake.hang(); await send(PHONE, sender({ timeoutMs: 100 }));
    await send('+7 912 345 67 89');
    await send(PHONE, makeSmsRuSender({ apiId: API_ID, baseUrl: 'http://127.0.0.1:1' }));
    expect(reasons).toHaveLength(9);
    for (const reason of reasons) {
      expect(reason).not.toMatch(/912\D?345|4567|6789/);
      expect(reason).not.toContain('домофон');
      expect(reason).not.toContain(API_ID);
      expect(reason).not.toContain('wrong-key');
    }
    }, 10_000);
});

describe('SMS without a gateway', () => {
  it('prints the SMS on the console and returns an id', async () => {
    const printed: string[] = [];
    const result = await makeConsoleSms((t) => printed.push(t)).send({ to: '89123456789', text: TEXT });
    expect(result).toMatchObject({ ok: true, id: expect.stringMatching(/^console-/) });
    expect(printed.join('')).toContain(`— SMS для +${DIGITS} —\n${TEXT}\n`);
    expect(failure(await makeConsoleSms((t) => printed.push(t)).send({ to: 'nobody', text: TEXT }))).toMatchObject({ permanent: true });
    expect(printed).toHaveLength(1);
  });

  it('uses SMS.ru only when an api_id is configured', () => {
    expect(makeSms({}).kind).toBe('console');
    expect(makeSms({ apiId: API_ID, baseUrl: fake.url }).kind).toBe('smsru');
  });
});
