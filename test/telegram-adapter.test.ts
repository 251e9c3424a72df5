import express from 'express';
import fc from 'fast-check';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { makeChatPace } from '../bots/telegram/chat-pace.ts';
import { makeBotCache } from '../bots/telegram/telegram.bot.ts';
import type { TelegramLogger } from '../bots/telegram/telegram.inbound.ts';
import { telegramRoutes, TELEGRAM_SECRET_HEADER } from '../bots/telegram/telegram.routes.ts';
import { startTelegram } from '../bots/telegram/telegram.runner.ts';
import { makeTelegramSender, sendTelegramMessage, TELEGRAM_CODES } from '../bots/telegram/telegram.sender.ts';
import { mapTelegramUpdate, TELEGRAM_FILE_CAP_BYTES } from '../bots/telegram/telegram-update.ts';
import { RetryAfterError, type BotConnection, type ConnectionStore, type DialogGateway, type FileStore, type OutboundMessage } from '../dialogs/channel.port.ts';
import type { InboundEvent, OutboundIntent } from '../dialogs/types.ts';
import {
  callbackUpdate, commandUpdate, contactUpdate, documentUpdate, makeFakeTelegram, photoUpdate, textUpdate, type FakeTelegram,
} from './support/fake-telegram.ts';

const TOKEN = '123456:TEST-token';
const SECRET = 'wh_Secret-0123456789abcdefABCDEF';
const connection = (over: Partial<BotConnection> = {}): BotConnection => ({
  id: '0b3c8f2e-1d2a-4c55-9d6e-7f8a9b0c1d2e', orgId: 'org-1', channel: 'telegram', title: 'УК «Дом»', token: TOKEN, webhookSecret: SECRET, settings: {}, active: true, ...over,
});
const silent: TelegramLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function store(list: BotConnection[]) {
  const states: { id: string; state: string; detail?: string | null }[] = [];
  const errors: { id: string; message: string }[] = [];
  const connections: ConnectionStore = {
    find: async (id) => list.find((c) => c.id === id) ?? null,
    list: async (channel) => list.filter((c) => c.channel === channel),
    reportState: async (id, state, detail) => { states.push({ id, state, detail }); },
    reportError: async (id, message) => { errors.push({ id, message }); },
  };
  return { connections, states, errors };
}

function stubGateway(behaviour: (e: InboundEvent) => Promise<void> = async () => undefined) {
  const events: InboundEvent[] = [];
  const gateway: DialogGateway = { receive: async (event) => { await behaviour(event); events.push(event); } };
  return { gateway, events };
}

const files = (entries: Record<string, Buffer> = {}): FileStore => ({
  load: async (id) => (entries[id] ? { name: `${id}.pdf`, mime: 'application/pdf', data: entries[id] } : null),
});

async function until(check: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

function fakeApi(options?: { token?: string }): FakeTelegram {
  const fake = makeFakeTelegram(options);
  cleanups.push(() => fake.close());
  return fake;
}

/** RELIABILITY.md A5: 10 000 at FULL=1. */
const MUTANTS = process.env.FULL === '1' ? 10_000 : 1_000;

describe('telegram updates → InboundEvent', () => {
  const mapWith = (fake: FakeTelegram, update: Parameters<typeof mapTelegramUpdate>[0], c = connection(), orgId?: string) =>
    mapTelegramUpdate(update, c, makeBotCache({ fetch: fake.fetch, apiRoot: fake.apiRoot })(c).download, orgId ?? c.orgId);

  it('maps a text with who, where, the event key and the language', async () => {
    const fake = fakeApi();
    const update = textUpdate('Добрый день', { userId: 11, languageCode: 'en-GB', updateId: 901 });
    expect(await mapWith(fake, update)).toMatchObject({ kind: 'event', event: {
      channel: 'telegram', orgId: 'org-1', connectionId: connection().id, externalUserId: '11', chatId: '11', eventKey: 'tg:901',
      localeHint: 'en', input: { kind: 'text', text: 'Добрый день' },
    } });
    expect(await mapWith(fake, textUpdate('x', { languageCode: 'uk' }))).toMatchObject({ event: { localeHint: 'ru' } });
  });

  it('maps /start with its deep-link argument and other commands, with or without the bot name', async () => {
    const fake = fakeApi();
    const input = async (u: ReturnType<typeof textUpdate>) => ((await mapWith(fake, u)) as { event: InboundEvent }).event.input;
    expect(await input(commandUpdate('/start', 'tok_abc-123'))).toEqual({ kind: 'command', command: 'start', arg: 'tok_abc-123' });
    expect(await input(commandUpdate('/menu'))).toEqual({ kind: 'command', command: 'menu' });
    expect(await input(commandUpdate('/start@FamilyPayBot', 'x'))).toEqual({ kind: 'command', command: 'start', arg: 'x' });
  });

  it('maps a button press to its option id, in a group too, and a contact with whose it is', async () => {
    const fake = fakeApi();
    const press = (await mapWith(fake, callbackUpdate('pay.full', { userId: 5, chatId: -100777, chatType: 'supergroup' }))) as { event: InboundEvent };
    expect(press.event).toMatchObject({ input: { kind: 'choice', optionId: 'pay.full' }, externalUserId: '5', chatId: '-100777' });
    expect(((await mapWith(fake, contactUpdate('79123456789', { own: true }))) as { event: InboundEvent }).event.input).toEqual({ kind: 'contact', phone: '79123456789', own: true });
    expect(((await mapWith(fake, contactUpdate('79123456789', { own: false }))) as { event: InboundEvent }).event.input).toEqual({ kind: 'contact', phone: '79123456789', own: false });
  });

  it('downloads the largest photo size and a document through getFile and the file URL', async () => {
    const fake = fakeApi();
    const small = fake.addFile(Buffer.from('small'));
    const big = fake.addFile(Buffer.from('the big one'));
    const photo = (await mapWith(fake, photoUpdate([{ fileId: small, width: 90, height: 90 }, { fileId: big, width: 1280, height: 960 }], { caption: 'течь' }))) as { event: InboundEvent };
    expect(photo.event.input).toMatchObject({ kind: 'file', caption: 'течь', file: { mime: 'image/jpeg', data: Buffer.from('the big one') } });
    expect(fake.accepted('getFile').map((c) => c.payload.file_id)).toEqual([big]);
    const scan = fake.addFile(Buffer.from('%PDF-1.4'));
    const doc = (await mapWith(fake, documentUpdate({ fileId: scan, name: 'скан.pdf', mime: 'application/pdf' }))) as { event: InboundEvent };
    expect(doc.event.input).toEqual({ kind: 'file', file: { name: 'скан.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4') } });
  });

  it('refuses a file over 10 MB without downloading it, whether the update, getFile or the bytes tell', async () => {
    const fake = fakeApi();
    const announced = await mapWith(fake, documentUpdate({ fileId: 'nope', name: 'a.zip', mime: 'application/zip', size: TELEGRAM_FILE_CAP_BYTES + 1 }));
    expect(announced).toMatchObject({ kind: 'refused', reason: 'fileTooLarge' });
    expect(fake.calls).toEqual([]);
    const bigByGetFile = fake.addFile(Buffer.from('x'), { announcedSize: TELEGRAM_FILE_CAP_BYTES + 1 });
    expect(await mapWith(fake, documentUpdate({ fileId: bigByGetFile, name: 'b', mime: 'x/y' }))).toMatchObject({ kind: 'refused' });
    const lying = fake.addFile(Buffer.alloc(TELEGRAM_FILE_CAP_BYTES + 1), { announcedSize: 10 });
    expect(await mapWith(fake, documentUpdate({ fileId: lying, name: 'c', mime: 'x/y' }))).toMatchObject({ kind: 'refused' });
  });

  it('ignores group messages and what the dialogs do not read, and needs an organisation for the platform bot', async () => {
    const fake = fakeApi();
    expect(await mapWith(fake, textUpdate('hi', { chatType: 'group', chatId: -5 }))).toBeNull();
    expect(await mapWith(fake, { update_id: 1, edited_message: textUpdate('x').message } as never)).toBeNull();
    const platform = connection({ orgId: null });
    await expect(mapWith(fake, textUpdate('hi'), platform)).rejects.toThrow(/pass the orgId/);
    expect(await mapWith(fake, textUpdate('hi'), platform, 'org-9')).toMatchObject({ event: { orgId: 'org-9' } });
  });
});

async function serveRoutes(deps: Parameters<typeof telegramRoutes>[0]): Promise<string> {
  const app = express();
  app.use(telegramRoutes(deps));
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  cleanups.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown, secret?: string) => fetch(url, {
  method: 'POST', body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...(secret !== undefined ? { [TELEGRAM_SECRET_HEADER]: secret } : {}) },
});

describe('webhook POST /hooks/telegram/:botId', () => {
  async function setup(options: { behaviour?: (e: InboundEvent) => Promise<void>; list?: BotConnection[]; orgForPlatformBot?: (arg: string | null) => Promise<string | null> } = {}) {
    const fake = fakeApi();
    const { gateway, events } = stubGateway(options.behaviour);
    const { connections } = store(options.list ?? [connection()]);
    const base = await serveRoutes({ connections, gateway, logger: silent, client: { fetch: fake.fetch, apiRoot: fake.apiRoot },
      ...(options.orgForPlatformBot ? { orgForPlatformBot: options.orgForPlatformBot } : {}) });
    return { fake, events, url: `${base}/hooks/telegram/${connection().id}`, base };
  }

  it('hands the update to the dialogs and answers 200 only once they have it', async () => {
    let resolved = false;
    const { url, events } = await setup({ behaviour: async () => { await sleep(150); resolved = true; } });
    const started = performance.now();
    const response = await post(url, textUpdate('Добрый день', { updateId: 4242 }), SECRET);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(resolved).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventKey: 'tg:4242', input: { kind: 'text', text: 'Добрый день' } });
  });

  it('answers the button press after the dialogs have it', async () => {
    const { url, fake, events } = await setup();
    const update = callbackUpdate('menu.pay');
    expect((await post(url, update, SECRET)).status).toBe(200);
    expect(events[0]?.input).toEqual({ kind: 'choice', optionId: 'menu.pay' });
    await until(() => fake.accepted('answerCallbackQuery').length === 1);
    expect(fake.accepted('answerCallbackQuery')[0]!.payload).toMatchObject({ callback_query_id: update.callback_query!.id });
  });

  it('answers 500 when the dialogs fail, so Telegram delivers the update again', async () => {
    const { url } = await setup({ behaviour: async () => { throw new Error('database down'); } });
    expect((await post(url, textUpdate('x'), SECRET)).status).toBe(500);
  });

  it('refuses a missing, wrong or other-length secret with 401 and changes nothing (RELIABILITY.md A5)', async () => {
    const { url, events, fake } = await setup();
    for (const secret of [undefined, '', 'x', SECRET.slice(0, -1), `${SECRET}x`, SECRET.toLowerCase()]) {
      expect((await post(url, textUpdate('x'), secret)).status).toBe(401);
    }
    // 1 000 mutants of the right header: flipped, dropped, added and swapped characters, prefixes and random strings.
    const printable = fc.string({ unit: fc.constantFrom(...'abcdefXYZ0189_-+/=.~ '), maxLength: 64 });
    const mutant = fc.oneof(
      fc.tuple(fc.nat(SECRET.length - 1), fc.constantFrom(...'aZ9_-+')).map(([i, ch]) => SECRET.slice(0, i) + ch + SECRET.slice(i + 1)),
      fc.nat(SECRET.length - 1).map((i) => SECRET.slice(0, i) + SECRET.slice(i + 1)),
      fc.tuple(fc.nat(SECRET.length), printable).map(([i, extra]) => SECRET.slice(0, i) + extra + SECRET.slice(i)),
      fc.nat(SECRET.length).map((n) => SECRET.slice(0, n)),
      printable,
    // HTTP trims a header value's outer spaces, so « secret » arrives as the secret itself: not a mutant.
    ).filter((m) => m.trim() !== SECRET);
    const statuses = new Map<number, number>();
    for (const m of fc.sample(mutant, { numRuns: MUTANTS, seed: 6 })) {
      const status = (await post(url, textUpdate('x'), m)).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: MUTANTS });
    expect(events).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('answers 404 for an unknown, inactive or non-Telegram bot', async () => {
    const inactive = connection({ id: '11111111-1d2a-4c55-9d6e-7f8a9b0c1d2e', active: false });
    const max = connection({ id: '22222222-1d2a-4c55-9d6e-7f8a9b0c1d2e', channel: 'max' });
    const { base, events } = await setup({ list: [connection(), inactive, max] });
    for (const id of ['33333333-1d2a-4c55-9d6e-7f8a9b0c1d2e', inactive.id, max.id, 'no-such-bot', '..%2F..%2Fetc']) {
      expect((await post(`${base}/hooks/telegram/${id}`, textUpdate('x'), SECRET)).status).toBe(404);
    }
    expect(events).toEqual([]);
  });

  it('lets the platform bot find the organisation from the deep link, and explains when it cannot', async () => {
    const platform = connection({ orgId: null });
    const { url, events, fake } = await setup({ list: [platform], orgForPlatformBot: async (arg) => (arg === 'org-link-7' ? 'org-7' : null) });
    expect((await post(url, commandUpdate('/start', 'org-link-7'), SECRET)).status).toBe(200);
    expect(events[0]).toMatchObject({ orgId: 'org-7', input: { kind: 'command', command: 'start', arg: 'org-link-7' } });
    expect((await post(url, textUpdate('привет', { userId: 99 }), SECRET)).status).toBe(200);
    expect(events).toHaveLength(1);
    await until(() => fake.accepted('sendMessage').length === 1);
    expect(fake.accepted('sendMessage')[0]!.payload).toMatchObject({ chat_id: '99', text: expect.stringContaining('QR') });
  });

  it('tells the resident a file is too big instead of passing it on', async () => {
    const { url, events, fake } = await setup();
    const update = documentUpdate({ fileId: 'f', name: 'big.zip', mime: 'application/zip', size: 50_000_000 }, { languageCode: 'en' });
    expect((await post(url, update, SECRET)).status).toBe(200);
    expect(events).toEqual([]);
    await until(() => fake.accepted('sendMessage').length === 1);
    expect(fake.accepted('sendMessage')[0]!.payload.text).toMatch(/too large/);
  });
});

const outbound = (intents: OutboundIntent[], over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  channel: 'telegram', orgId: 'org-1', connectionId: connection().id, chatId: '555', locale: 'ru', intents,
  expect: { kind: 'none' }, key: `reply:${Math.random()}`, ...over,
});
const hello: OutboundIntent = { type: 'text', text: { key: 'pay.title' } };

describe('sending through the Bot API', () => {
  /** Without pacing unless asked: the pacing has its own test, the others need not wait a second per call. */
  function sender(fake: FakeTelegram, fileStore = files(), client: { fetch?: typeof fetch; apiRoot?: string } = { fetch: fake.fetch, apiRoot: fake.apiRoot }, pace = makeChatPace({ gapMs: 0 })) {
    const s = store([connection()]);
    return { ...s, send: makeTelegramSender(s.connections, fileStore, { ...client, pace }) };
  }

  it('uploads a stored document as multipart over HTTP, and sends the link when the file is gone', async () => {
    const fake = fakeApi();
    const apiRoot = await fake.listen();
    const pdf = Buffer.alloc(20_000, 7);
    const { send } = sender(fake, files({ f1: pdf }), { apiRoot });
    await send(outbound([hello, { type: 'document', name: 'долг.pdf', url: 'https://x/f1', fileId: 'f1', caption: { key: 'pay.title' } }]));
    await send(outbound([{ type: 'document', name: 'gone.pdf', url: 'https://x/gone', fileId: 'gone' }]));
    expect(fake.calls.map((c) => c.method)).toEqual(['sendMessage', 'sendDocument', 'sendMessage']);
    expect(fake.calls[1]!.payload).toEqual({ chat_id: '555', caption: 'Оплата услуг', document: { filename: 'долг.pdf', size: 20_000 } });
    expect(fake.calls[2]!.payload.text).toBe('gone.pdf\nhttps://x/gone');
  });

  it('waits out a short retry_after in place and then delivers', async () => {
    const fake = fakeApi();
    fake.rateLimit(1, 1, 'sendMessage');
    const { send } = sender(fake);
    const started = performance.now();
    await send(outbound([hello]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it('hands a long retry_after to the queue and, retried, does not repeat what already went out', async () => {
    const fake = fakeApi();
    const { send } = sender(fake, files({ f1: Buffer.from('%PDF') }));
    const message = outbound([hello, { type: 'document', name: 'a.pdf', url: 'https://x/a', fileId: 'f1' }]);
    fake.rateLimit(60, 1, 'sendDocument');
    const error = await send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryAfterError);
    expect(error).toMatchObject({ code: 'CHANNEL.RETRY_AFTER', retryAfterMs: 60_000 });
    await send(message);
    expect(fake.accepted('sendMessage')).toHaveLength(1);
    expect(fake.accepted('sendDocument')).toHaveLength(1);
  });

  it('reports a resident who blocked the bot and does not throw', async () => {
    const fake = fakeApi();
    fake.block('555');
    const { send, errors } = sender(fake);
    await expect(send(outbound([hello]))).resolves.toBe('undeliverable');
    expect(errors).toEqual([{ id: connection().id, message: expect.stringContaining(TELEGRAM_CODES.blocked) }]);
    const s = store([connection()]);
    const result = await sendTelegramMessage({ bot: makeBotCache({ fetch: fake.fetch })(connection()).bot, connection: connection(), connections: s.connections,
      files: files(), pace: makeChatPace() }, outbound([hello]));
    expect(result).toEqual({ status: 'blocked', code: 'TELEGRAM.BLOCKED' });
  });

  it('fails for good on a refused call or a message without a connection', async () => {
    const fake = fakeApi();
    const { send } = sender(fake);
    await expect(send(outbound([hello], { chatId: 'not-a-chat' }))).rejects.toMatchObject({ code: TELEGRAM_CODES.rejected, permanent: true });
    await expect(send(outbound([hello], { connectionId: 'other' }))).rejects.toMatchObject({ code: TELEGRAM_CODES.noConnection });
  });

  it('keeps a second between calls to one chat, within a message and across messages, while another chat goes at once', async () => {
    const fake = fakeApi();
    const { send } = sender(fake, files({ f1: Buffer.from('%PDF') }), { fetch: fake.fetch }, makeChatPace());
    const started = performance.now();
    await Promise.all([
      send(outbound([hello, { type: 'document', name: 'a.pdf', url: 'https://x/a', fileId: 'f1' }], { chatId: '1001' })),
      send(outbound([hello], { chatId: '1001' })),
      send(outbound([hello], { chatId: '1002' })),
    ]);
    const at = (chat: string) => fake.calls.filter((c) => c.payload.chat_id === chat).map((c) => c.at - started);
    const one = at('1001');
    expect(one).toHaveLength(3);
    // Booked a second apart when the calls start; the fake stamps arrival, a few milliseconds later.
    for (let i = 1; i < one.length; i++) expect(one[i]! - one[i - 1]!).toBeGreaterThanOrEqual(950);
    expect(at('1002')[0]!).toBeLessThan(500);
  });
});

describe('startTelegram', () => {
  it('polls without a public https address, delivers updates in order and stops', async () => {
    const fake = fakeApi();
    const apiRoot = await fake.listen();
    const { connections, states } = store([connection(), connection({ id: 'off', active: false })]);
    const { gateway, events } = stubGateway(async () => { await sleep(5); });
    const running = await startTelegram({ connections, gateway, publicUrl: 'http://localhost:3000', logger: silent, files: files(), apiRoot, pollTimeoutSeconds: 10 });
    fake.pushUpdates(textUpdate('один'), textUpdate('два'), callbackUpdate('три'));
    await until(() => events.length === 3);
    fake.pushUpdates(textUpdate('четыре'));
    await until(() => events.length === 4);
    expect(events.map((e) => (e.input.kind === 'text' ? e.input.text : e.input.kind))).toEqual(['один', 'два', 'choice', 'четыре']);
    expect(fake.calls[0]!.method).toBe('deleteWebhook');
    const lastOffset = () => Number(fake.calls.filter((c) => c.method === 'getUpdates').at(-1)!.payload.offset);
    await until(() => lastOffset() === Number(events.at(-1)!.eventKey!.slice(3)) + 1);
    expect(states).toEqual([{ id: connection().id, state: 'polling', detail: undefined }]);
    expect([...running.senders.keys()]).toEqual([connection().id]);
    const stopping = performance.now();
    await running.stop();
    expect(performance.now() - stopping).toBeLessThan(2000);
    fake.pushUpdates(textUpdate('после'));
    await sleep(50);
    expect(events).toHaveLength(4);
  });

  it('registers the webhook with the secret when the public address is https', async () => {
    const fake = fakeApi();
    const { connections, states } = store([connection()]);
    const running = await startTelegram({ connections, gateway: stubGateway().gateway, publicUrl: 'https://pay.example.ru/', logger: silent, files: files(), fetch: fake.fetch });
    const url = `https://pay.example.ru/hooks/telegram/${connection().id}`;
    expect(fake.calls.map((c) => c.method)).toEqual(['setWebhook']);
    expect(fake.calls[0]!.payload).toEqual({ url, secret_token: SECRET, allowed_updates: ['message', 'callback_query'] });
    expect(states).toEqual([{ id: connection().id, state: 'webhook', detail: url }]);
    await running.stop();
  });

  it('shows a connection whose token Telegram refuses as an error and starts the others', async () => {
    const fake = fakeApi({ token: TOKEN });
    const bad = connection({ id: 'bad', token: '999:revoked' });
    const { connections, states } = store([bad, connection()]);
    const running = await startTelegram({ connections, gateway: stubGateway().gateway, publicUrl: 'https://pay.example.ru', logger: silent, files: files(), fetch: fake.fetch });
    expect(states).toEqual([
      { id: 'bad', state: 'error', detail: 'TELEGRAM.START_FAILED: 401' },
      { id: connection().id, state: 'webhook', detail: expect.stringContaining('/hooks/telegram/') },
    ]);
    await running.stop();
  });
});
