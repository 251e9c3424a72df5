import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { RetryAfterError, type BotConnection, type ConnectionStore, type FileStore, type OutboundMessage } from '../dialogs/channel.port.ts';
import type { InboundEvent, OutboundIntent } from '../dialogs/types.ts';
import { makeMaxClient, makeMaxSender, maxRoutes, startMax, type OrgForPlatformBot } from '../bots/max/index.ts';
import { startFakeMax, type FakeMax } from './support/fake-max.ts';

const TOKEN = 'max-bot-token-0f1e2d3c4b5a69788796a5b4';
const SECRET = 'Hook-secret_0123456789abcdefABCDEF';
const ID = 'a3f1c2d4-0000-4000-8000-000000000001';
const USER = 5001;
const CHAT = -70001;
const logger = makeLogger({ level: 'silent' });
const fast = { sleep: async () => {} };
const say = (text: string) => ({ key: 'dialogs.literal', vars: { text } });

let fake: FakeMax;
beforeAll(async () => { fake = await startFakeMax({ token: TOKEN }); });
afterAll(async () => { await fake.close(); });

const connection = (over: Partial<BotConnection> = {}): BotConnection => ({
  id: ID, orgId: 'org-1', channel: 'max', title: 'УК Демо в MAX', token: TOKEN, webhookSecret: SECRET, settings: { baseUrl: fake.url }, active: true, ...over,
});

function memoryStore(list: BotConnection[]) {
  const states: { id: string; state: string; detail: string | null }[] = [];
  const errors: { id: string; message: string }[] = [];
  const store: ConnectionStore = {
    find: async (id) => list.find((c) => c.id === id) ?? null,
    list: async (channel) => list.filter((c) => c.channel === channel),
    reportState: async (id, state, detail = null) => { states.push({ id, state, detail }); },
    reportError: async (id, message) => { errors.push({ id, message }); },
  };
  return { store, states, errors };
}

function gateway(onEvent?: (e: InboundEvent) => Promise<void>) {
  const events: InboundEvent[] = [];
  return { events, receive: async (e: InboundEvent) => { await onEvent?.(e); events.push(e); } };
}

const textUpdate = (text: string, mid: string) => ({
  update_type: 'message_created', timestamp: Date.now(), user_locale: 'ru',
  message: { recipient: { chat_id: CHAT, chat_type: 'dialog', user_id: 1000 }, timestamp: Date.now(), body: { mid, seq: 1, text }, sender: { user_id: USER, first_name: 'Иван', is_bot: false } },
});
const callbackUpdate = (callbackId: string, payload: string) => ({
  update_type: 'message_callback', timestamp: Date.now(), user_locale: 'ru',
  callback: { timestamp: Date.now(), callback_id: callbackId, payload, user: { user_id: USER, first_name: 'Иван' } },
  message: { recipient: { chat_id: CHAT, chat_type: 'dialog', user_id: USER }, timestamp: Date.now(), body: { mid: 'mid.kb', seq: 2, text: 'Меню' }, sender: { user_id: 1000, is_bot: true } },
});

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function serveRoutes(list: BotConnection[], gw: ReturnType<typeof gateway>, orgForPlatformBot?: OrgForPlatformBot) {
  const app = express();
  app.use(maxRoutes({ connections: memoryStore(list).store, gateway: gw, logger, orgForPlatformBot }));
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** RELIABILITY.md A5: 10 000 at FULL=1. */
const MUTANTS = process.env.FULL === '1' ? 10_000 : 1_000;

describe('MAX webhook route', () => {
  it('hands an update with the right secret to the dialogs and answers the button press afterwards', async () => {
    const gw = gateway();
    const hook = await serveRoutes([connection()], gw);
    try {
      expect(await fake.deliver(`${hook.url}/hooks/max/${ID}`, textUpdate('Привет', 'mid.w1'), SECRET)).toBe(200);
      expect(gw.events[0]).toMatchObject({ channel: 'max', orgId: 'org-1', connectionId: ID, externalUserId: '5001', chatId: '-70001', eventKey: 'max:mid.w1', input: { kind: 'text', text: 'Привет' } });
      expect(await fake.deliver(`${hook.url}/hooks/max/${ID}`, callbackUpdate('cb-w2', 'menu.debt'), SECRET)).toBe(200);
      expect(gw.events[1]?.input).toEqual({ kind: 'choice', optionId: 'menu.debt' });
      await until(() => fake.calls.some((c) => c.path === '/answers' && c.query.callback_id === 'cb-w2'));
    } finally {
      await hook.close();
    }
  });

  it('answers 404 for unknown, inactive or foreign bots and 500 when the dialogs fail, so MAX delivers again', async () => {
    const gw = gateway(async () => { throw new Error('database down'); });
    const hook = await serveRoutes([connection(), connection({ id: 'off', active: false }), connection({ id: 'tg', channel: 'telegram' })], gw);
    try {
      for (const id of ['nope', 'off', 'tg', '..%2F..%2Fadmin']) expect(await fake.deliver(`${hook.url}/hooks/max/${id}`, textUpdate('x', 'mid.x'), SECRET)).toBe(404);
      expect(await fake.deliver(`${hook.url}/hooks/max/${ID}`, textUpdate('x', 'mid.y'), SECRET)).toBe(500);
      const bad = await fetch(`${hook.url}/hooks/max/${ID}`, { method: 'POST', headers: { 'x-max-bot-api-secret': SECRET }, body: '{not json' });
      expect(bad.status).toBe(400);
    } finally {
      await hook.close();
    }
  });

  it('accepts none of 1 000 (10 000 at FULL=1) requests with a mutated or missing secret header (RELIABILITY.md A5)', async () => {
    const gw = gateway();
    const other = connection({ id: 'b2', webhookSecret: 'Other-secret-0123456789' });
    const hook = await serveRoutes([connection(), other], gw);
    let seed = 20260601;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const printable = () => String.fromCharCode(33 + rnd(94));
    const mutants: { name: string; value?: string }[] = [];
    const header = 'x-max-bot-api-secret';
    const strategies: (() => { name: string; value?: string })[] = [
      () => ({ name: header }),
      () => ({ name: header, value: '' }),
      () => ({ name: header, value: SECRET.slice(0, rnd(SECRET.length)) }),
      () => ({ name: header, value: SECRET + printable() }),
      () => { const i = rnd(SECRET.length); return { name: header, value: SECRET.slice(0, i) + printable() + SECRET.slice(i + 1) }; },
      () => { const i = rnd(SECRET.length); const c = SECRET[i]!; return { name: header, value: SECRET.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + SECRET.slice(i + 1) }; },
      () => ({ name: header, value: Array.from({ length: 1 + rnd(300) }, printable).join('') }),
      () => ({ name: header, value: 'Other-secret-0123456789' }),
      () => ({ name: header, value: `${SECRET}, ${SECRET}` }),
      () => ({ name: header, value: `${SECRET.slice(0, 10)} ${SECRET.slice(10)}` }),
      () => ({ name: ['x-max-bot-api-secret-token', 'x-telegram-bot-api-secret-token', 'authorization', 'x-max-secret'][rnd(4)]!, value: SECRET }),
    ];
    while (mutants.length < MUTANTS) {
      const m = strategies[rnd(strategies.length)]!();
      if (!(m.name === header && m.value === SECRET)) mutants.push(m);
    }
    const statuses: number[] = [];
    try {
      for (let i = 0; i < mutants.length; i += 25) {
        statuses.push(...await Promise.all(mutants.slice(i, i + 25).map(async (m) => {
          const res = await fetch(`${hook.url}/hooks/max/${ID}`, {
            method: 'POST', body: JSON.stringify(textUpdate('взлом', `mid.m${i}`)),
            headers: { 'content-type': 'application/json', ...(m.value === undefined ? {} : { [m.name]: m.value }) },
          });
          await res.arrayBuffer();
          return res.status;
        })));
      }
      expect(statuses).toHaveLength(MUTANTS);
      expect(statuses.filter((s) => s !== 401)).toEqual([]);
      expect(gw.events).toEqual([]);
      // The same route still takes the genuine request.
      expect(await fake.deliver(`${hook.url}/hooks/max/${ID}`, textUpdate('ok', 'mid.ok'), SECRET)).toBe(200);
      expect(gw.events).toHaveLength(1);
    } finally {
      await hook.close();
    }
  });

  it('asks for the bill link when the platform bot cannot tell the organisation, and passes on one it can', async () => {
    const gw = gateway();
    const orgFor: OrgForPlatformBot = async (startArg) => (startArg === 'org9-token' ? 'org-9' : null);
    const hook = await serveRoutes([connection({ orgId: null })], gw, orgFor);
    try {
      const before = fake.sent.length;
      expect(await fake.deliver(`${hook.url}/hooks/max/${ID}`, textUpdate('Привет', 'mid.p1'), SECRET)).toBe(200);
      await until(() => fake.sent.length > before);
      expect(fake.sent.at(-1)?.body.text).toContain('QR');
      const started = { update_type: 'bot_started', timestamp: Date.now(), chat_id: CHAT, user: { user_id: USER, first_name: 'Иван' }, payload: 'org9-token' };
      expect(await fake.deliver(`${hook.url}/hooks/max/${ID}`, started, SECRET)).toBe(200);
      expect(gw.events).toHaveLength(1);
      expect(gw.events[0]).toMatchObject({ orgId: 'org-9', input: { kind: 'command', command: 'start', arg: 'org9-token' } });
    } finally {
      await hook.close();
    }
  });

  it('fetches a photo from MAX storage and tells the resident when a file is over 10 MB', async () => {
    const gw = gateway();
    const hook = await serveRoutes([connection()], gw);
    try {
      const url = fake.serveFile('leak.jpg', Buffer.from('jpeg-bytes'), 'image/jpeg');
      const photo = textUpdate('Течёт', 'mid.ph');
      Object.assign(photo.message.body, { attachments: [{ type: 'image', payload: { photo_id: 77, token: 't', url } }] });
      expect(await fake.deliver(`${hook.url}/hooks/max/${ID}`, photo, SECRET)).toBe(200);
      expect(gw.events[0]?.input).toEqual({ kind: 'file', caption: 'Течёт', file: { name: 'photo-77.jpg', mime: 'image/jpeg', data: Buffer.from('jpeg-bytes') } });
      const bigUrl = fake.serveFile('big.pdf', Buffer.alloc(10 * 1024 * 1024 + 1), 'application/pdf');
      const big = textUpdate('', 'mid.big');
      Object.assign(big.message.body, { attachments: [{ type: 'file', filename: 'big.pdf', size: 100, payload: { url: bigUrl, token: 't' } }] });
      const before = fake.sent.length;
      expect(await fake.deliver(`${hook.url}/hooks/max/${ID}`, big, SECRET)).toBe(200);
      expect(gw.events).toHaveLength(1);
      await until(() => fake.sent.length > before);
      expect(fake.sent.at(-1)?.body.text).toContain('10 МБ');
    } finally {
      await hook.close();
    }
  });
});

const message = (intents: OutboundIntent[], key: string, over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  channel: 'max', orgId: 'org-1', connectionId: ID, chatId: String(CHAT), locale: 'ru', intents, expect: { kind: 'none' }, key, ...over,
});

describe('MAX sender against the fake API', () => {
  const files = new Map<string, { name: string; mime: string; data: Buffer }>([['file-1', { name: 'debt.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.7 statement') }]]);
  const fileStore: FileStore = { load: async (id) => files.get(id) ?? null };

  it('sends to the chat with the token in Authorization, and turns a 429 into RetryAfterError', async () => {
    const send = makeMaxSender(memoryStore([connection()]).store, fileStore, fast);
    const from = fake.calls.length;
    await send(message([{ type: 'choice', text: say('Что сделать?'), options: [{ id: 'pay', label: say('Оплатить') }] }], 'reply:1'));
    expect(fake.sent.at(-1)).toMatchObject({ query: { chat_id: '-70001' }, body: { text: 'Что сделать?', attachments: [{ type: 'inline_keyboard' }] } });
    expect(fake.calls.slice(from).map((c) => c.authorization)).toEqual([TOKEN]);
    fake.fail429(1, 3);
    await expect(send(message([{ type: 'text', text: say('x') }], 'reply:2'))).rejects.toSatisfy((e) => e instanceof RetryAfterError && e.retryAfterMs === 3000);
    fake.fail429(1, null);
    await expect(send(message([{ type: 'text', text: say('x') }], 'reply:3'))).rejects.toMatchObject({ code: 'CHANNEL.RETRY_AFTER', retryAfterMs: 1000 });
  });

  it('resumes a long message after a 429 instead of sending its first part twice', async () => {
    const send = makeMaxSender(memoryStore([connection()]).store, fileStore, fast);
    const long = `${'Строка начислений. '.repeat(230)}\n${'Вторая часть. '.repeat(100)}`;
    const before = fake.sent.length;
    fake.fail429(1, 0, 1);
    await expect(send(message([{ type: 'text', text: say(long) }], 'reply:long'))).rejects.toBeInstanceOf(RetryAfterError);
    expect(fake.sent.length - before).toBe(1);
    await send(message([{ type: 'text', text: say(long) }], 'reply:long'));
    expect(fake.sent.length - before).toBe(2);
  });

  it('uploads a document through POST /uploads and its URL, waiting out attachment.not.ready', async () => {
    const send = makeMaxSender(memoryStore([connection()]).store, fileStore, fast);
    fake.notReady(2);
    await send(message([{ type: 'document', name: 'debt.pdf', url: 'https://pay.example.ru/f/1', fileId: 'file-1', caption: say('Структура долга') }], 'reply:doc'));
    const upload = fake.uploads.at(-1)!;
    expect(upload).toMatchObject({ type: 'file', name: 'debt.pdf', mime: 'application/pdf', bytes: Buffer.from('%PDF-1.7 statement') });
    expect(fake.calls.some((c) => c.method === 'POST' && c.path === '/uploads' && c.query.type === 'file' && c.authorization === TOKEN)).toBe(true);
    expect(fake.sent.at(-1)?.body).toEqual({ text: 'Структура долга', attachments: [{ type: 'file', payload: { token: upload.token } }] });
    await send(message([{ type: 'document', name: 'gone.pdf', url: 'https://pay.example.ru/f/9', fileId: 'missing' }], 'reply:gone'));
    expect(fake.sent.at(-1)?.body.text).toBe('Документ «gone.pdf»: https://pay.example.ru/f/9');
  });

  it('refuses a message for an unknown connection and reports refusals without the token', async () => {
    const send = makeMaxSender(memoryStore([connection()]).store, fileStore, fast);
    await expect(send(message([{ type: 'text', text: say('x') }], 'k', { connectionId: 'missing' }))).rejects.toMatchObject({ code: 'MAX.NO_CONNECTION' });
    const wrong = makeMaxClient({ token: 'wrong-token-123456', baseUrl: fake.url });
    const error = (await wrong.getMe().then(() => null, (e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'MAX.API_REFUSED', status: 401, apiCode: 'verify.token' });
    expect(error.message).not.toContain('wrong-token');
    const down = makeMaxClient({ token: TOKEN, baseUrl: fake.url, fetch: async () => new Response('oops', { status: 503 }) });
    await expect(down.getMe()).rejects.toMatchObject({ code: 'MAX.UNAVAILABLE' });
    const gone = makeMaxClient({ token: TOKEN, baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await expect(gone.getMe()).rejects.toMatchObject({ code: 'MAX.UNAVAILABLE' });
  });
});

describe('MAX runner', () => {
  let own: FakeMax;
  beforeAll(async () => { own = await startFakeMax({ token: TOKEN }); });
  afterAll(async () => { await own.close(); });
  const conn = (over: Partial<BotConnection> = {}) => connection({ settings: { baseUrl: own.url }, ...over });
  const files: FileStore = { load: async () => null };

  it('subscribes the webhook with the secret when the public URL is https', async () => {
    const { store, states } = memoryStore([conn(), conn({ id: 'weak', webhookSecret: 'bad secret!' })]);
    const runner = await startMax({ connections: store, gateway: gateway(), publicUrl: 'https://pay.example.ru/', logger, files });
    await runner.stop();
    expect(own.subscriptions).toEqual([expect.objectContaining({ url: `https://pay.example.ru/hooks/max/${ID}`, secret: SECRET, update_types: ['message_created', 'message_callback', 'bot_started'] })]);
    expect(states).toContainEqual({ id: ID, state: 'webhook', detail: `https://pay.example.ru/hooks/max/${ID}` });
    expect(states).toContainEqual({ id: 'weak', state: 'error', detail: 'MAX.SECRET_SHAPE' });
  });

  it('long-polls in order after dropping its old webhook, and stop() ends a poll in flight', async () => {
    const { store, states } = memoryStore([conn()]);
    const gw = gateway(async () => { await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15))); });
    await makeMaxClient({ token: TOKEN, baseUrl: own.url }).subscribe(`https://old.example.ru/hooks/max/${ID}`, ['message_created'], SECRET);
    own.push(...[1, 2, 3].map((n) => textUpdate(`m${n}`, `mid.p${n}`)));
    const runner = await startMax({ connections: store, gateway: gw, publicUrl: 'http://localhost:3000', logger, files, pollTimeoutSec: 30, retryPauseMs: 10 });
    await until(() => gw.events.length === 3);
    expect(own.subscriptions).toEqual([]);
    own.push(callbackUpdate('cb-p4', 'menu.pay'), textUpdate('m5', 'mid.p5'));
    await until(() => gw.events.length === 5);
    expect(gw.events.map((e) => e.eventKey)).toEqual(['max:mid.p1', 'max:mid.p2', 'max:mid.p3', 'max:cb-p4', 'max:mid.p5']);
    await until(() => own.calls.some((c) => c.path === '/answers' && c.query.callback_id === 'cb-p4'));
    expect(states).toContainEqual({ id: ID, state: 'polling', detail: null });
    const polls = own.calls.filter((c) => c.path === '/updates');
    expect(polls.every((c) => c.authorization === TOKEN && c.query.types === 'message_created,message_callback,bot_started')).toBe(true);
    const started = Date.now();
    await runner.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(states.at(-1)).toEqual({ id: ID, state: 'stopped', detail: null });
    own.push(textUpdate('late', 'mid.late'));
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.events).toHaveLength(5);
  });
});
