import { EventEmitter } from 'node:events';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeInProcessQueue } from '../core/infra/queue/in-process.queue.ts';
import { recordingLogger, silentLogger, waitFor } from '../core/infra/queue/queue.test-helpers.ts';
import type { QueuePort } from '../core/infra/queue/queue.port.ts';
import type { BotConnection, ConnectionStore, FileStore, OutboundMessage } from '../dialogs/channel.port.ts';
import type { InboundEvent, OutboundIntent, Phrase } from '../dialogs/types.ts';
import type { WaClient, WaMedia, WaMessage } from '../bots/whatsapp/wa-client.port.ts';
import { jitteredGap, makePacer } from '../bots/whatsapp/wa-policy.ts';
import { deserialiseEvent, outboundJob, runWhatsapp, serialiseEvent, whatsappInboundHandler, WHATSAPP_TOPICS, type WhatsappSession } from '../bots/whatsapp/wa.process.ts';
import { renderWhatsapp } from '../bots/whatsapp/wa.renderer.ts';
import { MAX_FILE_BYTES, toWaUpdate } from '../bots/whatsapp/wa-update.ts';
import { makeWwebjsClient, wwebjsClientOptions } from '../bots/whatsapp/wwebjs.client.ts';
import { paceOf, whatsappCommand } from '../bots/whatsapp/whatsapp-command.ts';

const ORG = '11111111-1111-4111-8111-111111111111';
const CONN = '22222222-2222-4222-8222-222222222222';
const RESIDENT = '79161234567';
const STRANGER = '79990000000';
const ctx = { orgId: ORG, connectionId: CONN };
const connection: BotConnection = { id: CONN, orgId: ORG, channel: 'whatsapp', title: 'УК Демо', token: '', webhookSecret: '', settings: {}, active: true };

type Sent = { readonly chatId: string; readonly text?: string; readonly media?: WaMedia; readonly caption?: string; readonly at: number };

/** The WaClient a test drives: events are emitted by hand, sends are recorded with their time. */
class FakeWaClient extends EventEmitter implements WaClient {
  readonly sent: Sent[] = [];
  initialized = 0;
  destroyed = 0;
  async sendMessage(chatId: string, text: string) { this.sent.push({ chatId, text, at: Date.now() }); }
  async sendMedia(chatId: string, media: WaMedia, caption?: string) { this.sent.push({ chatId, media, caption, at: Date.now() }); }
  async initialize() { this.initialized++; }
  async destroy() { this.destroyed++; }
}

const message = (over: Partial<WaMessage> & { media?: WaMedia | null } = {}): WaMessage => {
  const { media = null, ...rest } = over;
  return {
    id: `false_${RESIDENT}@c.us_3EB0AA${Math.random().toString(16).slice(2, 10)}`, from: `${RESIDENT}@c.us`, body: 'привет',
    type: 'chat', hasMedia: false, timestamp: 1_790_000_000, fromMe: false, isGroup: false, isStatus: false,
    downloadMedia: async () => media, ...rest,
  };
};

const eventOf = async (msg: WaMessage): Promise<InboundEvent> => {
  const update = await toWaUpdate(msg, ctx);
  if (update.kind !== 'event') throw new Error(`expected an event, got ${update.kind}`);
  return update.event;
};

const recordingStore = () => {
  const states: { id: string; state: string; detail?: string | null }[] = [];
  const errors: string[] = [];
  const store: ConnectionStore = {
    find: async () => connection,
    list: async () => [connection],
    reportState: async (id, state, detail) => { states.push({ id, state, detail }); },
    reportError: async (_id, m) => { errors.push(m); },
  };
  return { store, states, errors };
};

const pdf = Buffer.from('%PDF-1.7 statement');
const files: FileStore = { load: async (id) => (id === 'file-1' ? { name: 'stored.pdf', mime: 'application/pdf', data: pdf } : null) };
const p = (text: string): Phrase => ({ key: 'dialogs.literal', vars: { text } });
const outbound = (chatDigits: string, intents: OutboundIntent[], key = `reply:${Math.random()}`): OutboundMessage => ({
  channel: 'whatsapp', orgId: ORG, connectionId: CONN, chatId: `${chatDigits}@c.us`, locale: 'ru', intents, expect: { kind: 'none' }, key,
});
/** Only the resident who wrote first may be written to. */
const mayWrite = async (orgId: string, user: string) => orgId === ORG && user === RESIDENT;

const open: { queues: QueuePort[]; sessions: WhatsappSession[] } = { queues: [], sessions: [] };
afterEach(async () => {
  await Promise.all(open.sessions.splice(0).map((s) => s.stop()));
  await Promise.all(open.queues.splice(0).map((q) => q.close()));
});

const start = async (options: { readyWaitMs?: number; paceMs?: number; random?: () => number; client?: FakeWaClient; logger?: ReturnType<typeof recordingLogger> } = {}) => {
  const logger = options.logger ?? recordingLogger();
  const queue = makeInProcessQueue({ logger, backoffBaseMs: 20, defaultAttempts: 2 });
  const client = options.client ?? new FakeWaClient();
  const store = recordingStore();
  const session = await runWhatsapp({
    connection, client, queue, connections: store.store, mayWrite, files, paceMs: options.paceMs ?? 0, random: options.random, readyWaitMs: options.readyWaitMs,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  open.queues.push(queue);
  open.sessions.push(session);
  return { queue, client, session, logger, ...store };
};

describe('WhatsApp inbound mapping', () => {
  it('keeps text and a bare number as text (the engine maps «2» to the option) and vouches for the sender number', async () => {
    const text = await eventOf(message({ body: '  Сколько я должен? ', id: 'false_x_1' }));
    expect(text).toMatchObject({
      channel: 'whatsapp', orgId: ORG, connectionId: CONN, externalUserId: RESIDENT, chatId: `${RESIDENT}@c.us`,
      channelPhone: `+${RESIDENT}`, eventKey: 'wa:false_x_1', input: { kind: 'text', text: 'Сколько я должен?' },
    });
    expect((await eventOf(message({ body: '2' }))).input).toEqual({ kind: 'text', text: '2' });
  });

  it('turns /start and a wa.me deep-link text into the start command with its token', async () => {
    expect((await eventOf(message({ body: '/start tok.EN-123_x' }))).input).toEqual({ kind: 'command', command: 'start', arg: 'tok.EN-123_x' });
    expect((await eventOf(message({ body: 'start abcDEF12345' }))).input).toEqual({ kind: 'command', command: 'start', arg: 'abcDEF12345' });
    expect((await eventOf(message({ body: '/menu' }))).input).toEqual({ kind: 'command', command: 'menu' });
    expect((await eventOf(message({ body: 'start please help me' }))).input.kind).toBe('text');
  });

  it('reads a shared contact card as someone else\'s phone (own=false)', async () => {
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Мама\nitem1.TEL;waid=79123456789:+7 912 345-67-89\nEND:VCARD';
    expect((await eventOf(message({ type: 'vcard', body: vcard, vCards: [vcard] }))).input).toEqual({ kind: 'contact', phone: '+79123456789', own: false });
  });

  it('downloads a photo into a file with its bytes and caption, and refuses one over 10 MB', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const photo = await eventOf(message({ type: 'image', hasMedia: true, body: 'течёт с потолка', media: { mimetype: 'image/jpeg', data: jpeg.toString('base64') } }));
    expect(photo.input).toMatchObject({ kind: 'file', caption: 'течёт с потолка', file: { name: 'photo.jpg', mime: 'image/jpeg' } });
    expect(photo.input.kind === 'file' && photo.input.file.data.equals(jpeg)).toBe(true);
    const big = message({ type: 'document', hasMedia: true, media: { mimetype: 'application/pdf', data: Buffer.alloc(MAX_FILE_BYTES + 3).toString('base64') } });
    expect(await toWaUpdate(big, ctx)).toEqual({ kind: 'refuse', reason: 'fileTooLarge', chatId: `${RESIDENT}@c.us` });
    let downloaded = false;
    const announced = message({ type: 'document', hasMedia: true, mediaSize: MAX_FILE_BYTES + 1, downloadMedia: async () => { downloaded = true; return null; } });
    expect((await toWaUpdate(announced, ctx)).kind).toBe('refuse');
    expect(downloaded).toBe(false);
  });

  it('ignores groups, statuses, broadcasts and our own messages; refuses a voice note', async () => {
    expect(await toWaUpdate(message({ from: '120363000000000000@g.us', isGroup: true }), ctx)).toEqual({ kind: 'ignore' });
    expect(await toWaUpdate(message({ from: 'status@broadcast', isStatus: true }), ctx)).toEqual({ kind: 'ignore' });
    expect(await toWaUpdate(message({ from: '120363000000000000@g.us' }), ctx)).toEqual({ kind: 'ignore' });
    expect(await toWaUpdate(message({ fromMe: true }), ctx)).toEqual({ kind: 'ignore' });
    // The client's flags count even when the chat id looks like a person's (a broadcast list, a community).
    expect(await toWaUpdate(message({ isGroup: true }), ctx)).toEqual({ kind: 'ignore' });
    expect(await toWaUpdate(message({ isStatus: true }), ctx)).toEqual({ kind: 'ignore' });
    expect((await toWaUpdate(message({ type: 'ptt', hasMedia: true }), ctx)).kind).toBe('refuse');
  });

  it('does not claim a phone for a hidden (@lid) sender', async () => {
    const event = await eventOf(message({ from: '123456789012345@lid' }));
    expect(event).toMatchObject({ externalUserId: 'lid:123456789012345', channelPhone: null, chatId: '123456789012345@lid' });
  });

  it('serialises an event for the queue and back with the file bytes intact', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
    const event = await eventOf(message({ type: 'document', hasMedia: true, body: 'scan.pdf', media: { mimetype: 'application/pdf', data: bytes.toString('base64'), filename: 'scan.pdf' } }));
    const wire = JSON.parse(JSON.stringify(serialiseEvent(event)));
    const back = deserialiseEvent(wire);
    expect(back).toEqual(event);
    expect(back.input.kind === 'file' && Buffer.isBuffer(back.input.file.data) && back.input.file.data.equals(bytes)).toBe(true);
    expect(() => deserialiseEvent({ ...wire, channel: 'telegram' })).toThrow(expect.objectContaining({ permanent: true }));
  });
});

describe('WhatsApp renderer', () => {
  it('draws a choice as a numbered list in the engine\'s order, joined with the texts around it, plus the digit hint', async () => {
    const sends = await renderWhatsapp(outbound(RESIDENT, [
      { type: 'text', text: p('Счёт 100200') },
      { type: 'choice', text: p('Что сделать?'), options: [{ id: 'pay', label: p('Оплатить') }, { id: 'debt', label: p('Долг') }, { id: 'read', label: p('Показания') }] },
    ]), files);
    expect(sends).toEqual([{ text: 'Счёт 100200\n\nЧто сделать?\n1. Оплатить\n2. Долг\n3. Показания\nОтветьте цифрой — номером нужного пункта.' }]);
  });

  it('puts a link on its own line, asks to type the phone, and sends a document from the file store (link when gone)', async () => {
    const sends = await renderWhatsapp(outbound(RESIDENT, [
      { type: 'link', text: p('Оплата'), url: 'https://pay.example/x', label: p('Оплатить') },
      { type: 'requestContact', text: p('Нужен телефон'), label: p('Отправить') },
      { type: 'document', name: 'debt.pdf', url: 'https://pay.example/f/1', fileId: 'file-1', caption: p('Структура долга') },
      { type: 'document', name: 'old.pdf', url: 'https://pay.example/f/2', fileId: 'gone' },
      { type: 'end' },
    ]), files);
    expect(sends).toEqual([
      { text: 'Оплата\nhttps://pay.example/x\n\nНужен телефон\nНапишите номер телефона ответным сообщением, например +7 912 345-67-89.' },
      { media: { mimetype: 'application/pdf', data: pdf.toString('base64'), filename: 'debt.pdf' }, caption: 'Структура долга' },
      { text: 'old.pdf: https://pay.example/f/2' },
    ]);
  });
});

describe('WhatsApp pace', () => {
  it('keeps every gap within ±30 % of the pace', () => {
    expect(jitteredGap(1000, () => 0)).toBe(700);
    expect(jitteredGap(1000, () => 0.9999)).toBe(1300);
  });

  it('runs sends one at a time in call order, the next one pace after the previous', async () => {
    const pacer = makePacer({ paceMs: 100, random: () => 0.5 });
    const at: [string, number][] = [];
    await Promise.all(['a', 'b', 'c'].map((k) => pacer.run(async () => { at.push([k, Date.now()]); })));
    expect(at.map(([k]) => k)).toEqual(['a', 'b', 'c']);
    expect(at[1]![1] - at[0]![1]).toBeGreaterThanOrEqual(95);
    expect(at[2]![1] - at[1]![1]).toBeGreaterThanOrEqual(95);
  });
});

describe('WhatsApp process', () => {
  it('reports the login QR, ready and a disconnect to the connection store and starts the client', async () => {
    const { client, states, errors } = await start();
    expect(client.initialized).toBe(1);
    client.emit('qr', '2@QRDATA,abc');
    client.emit('ready');
    client.emit('disconnected', 'LOGOUT');
    client.emit('auth_failure', 'bad');
    await waitFor(() => states.length === 4 && errors.length === 2, 1000, 'reports');
    expect(states).toEqual([
      { id: CONN, state: 'qr', detail: '2@QRDATA,abc' }, { id: CONN, state: 'ready', detail: null },
      { id: CONN, state: 'stopped', detail: 'LOGOUT' }, { id: CONN, state: 'error', detail: null },
    ]);
    expect(errors).toEqual(['WHATSAPP.DISCONNECTED LOGOUT', 'WHATSAPP.AUTH_FAILURE']);
  });

  it('queues what a resident writes on whatsapp.inbound, once per message, for the worker to hand to the dialogs', async () => {
    const { client, queue } = await start();
    const received: InboundEvent[] = [];
    queue.work(WHATSAPP_TOPICS.inbound, whatsappInboundHandler({ receive: async (e) => { received.push(e); } }));
    const photo = Buffer.from('jpeg-bytes');
    const msg = message({ id: 'false_79161234567@c.us_AAA', type: 'image', hasMedia: true, body: '', media: { mimetype: 'image/jpeg', data: photo.toString('base64') } });
    client.emit('message', msg);
    client.emit('message', msg);
    client.emit('message', message({ body: '1' }));
    client.emit('message', message({ from: '120363000000000000@g.us', isGroup: true }));
    await waitFor(() => received.length >= 2, 1000, 'inbound events');
    await new Promise((r) => setTimeout(r, 50));
    expect(received.map((e) => e.input.kind)).toEqual(['file', 'text']);
    expect(received[0]!.eventKey).toBe('wa:false_79161234567@c.us_AAA');
    expect(received[0]!.input.kind === 'file' && received[0]!.input.file.data.equals(photo)).toBe(true);
  });

  it('answers a too-large file itself with the locale text', async () => {
    const { client } = await start();
    client.emit('message', message({ type: 'document', hasMedia: true, mediaSize: MAX_FILE_BYTES * 2 }));
    await waitFor(() => client.sent.length === 1, 1000, 'the refusal');
    expect(client.sent[0]).toMatchObject({ chatId: `${RESIDENT}@c.us`, text: expect.stringContaining('10 МБ') });
  });

  it('refuses for good to write to a number that never wrote, and sends nothing', async () => {
    const { client, queue, logger } = await start();
    client.emit('ready');
    await queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(outbound(STRANGER, [{ type: 'text', text: p('Квитанция') }])));
    await waitFor(() => logger.entries.some((e) => e.level === 'error'), 1000, 'the refusal');
    expect(logger.entries).toEqual([expect.objectContaining({ level: 'error', fields: expect.objectContaining({ attempt: 1, error: 'WHATSAPP.NOT_OPTED_IN' }) })]);
    expect(logger.entries[0]!.message).toMatch(/permanent/);
    expect(client.sent).toEqual([]);
  });

  it('sends to a resident who wrote first, each message once even if the job comes twice', async () => {
    const { client, queue } = await start();
    client.emit('ready');
    const reply = outbound(RESIDENT, [{ type: 'text', text: p('Долг 1 200 ₽') }], 'reply:i1:e1');
    await queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(reply), { jobId: 'a' });
    await queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(reply), { jobId: 'b' });
    await waitFor(() => client.sent.length >= 1, 1000, 'the send');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.sent.map(({ chatId, text }) => ({ chatId, text }))).toEqual([{ chatId: `${RESIDENT}@c.us`, text: 'Долг 1 200 ₽' }]);
  });

  it('keeps the pace between two messages', async () => {
    const { client, queue } = await start({ paceMs: 200, random: () => 0 });
    client.emit('ready');
    await queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(outbound(RESIDENT, [{ type: 'text', text: p('один') }])));
    await queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(outbound(RESIDENT, [{ type: 'text', text: p('два') }])));
    await waitFor(() => client.sent.length === 2, 2000, 'two sends');
    // random() = 0 is the fastest jitter: 200 ms − 30 % = 140 ms.
    expect(client.sent[1]!.at - client.sent[0]!.at).toBeGreaterThanOrEqual(135);
    expect(client.sent.map((s) => s.text)).toEqual(['один', 'два']);
  });

  it('holds replies while the session is not ready and sends them once it is', async () => {
    const { client, queue } = await start({ readyWaitMs: 10 });
    await queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(outbound(RESIDENT, [{ type: 'text', text: p('позже') }])));
    // Past the 10 ms wait the job fails once and is retried 20 ms later (backoffBaseMs).
    await new Promise((r) => setTimeout(r, 15));
    expect(client.sent).toEqual([]);
    client.emit('ready');
    await waitFor(() => client.sent.length === 1, 1000, 'the retried send');
    const waiting = await start({ readyWaitMs: 5_000 });
    await waiting.queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(outbound(RESIDENT, [{ type: 'text', text: p('ждёт входа') }])));
    await new Promise((r) => setTimeout(r, 30));
    expect(waiting.client.sent).toEqual([]);
    waiting.client.emit('ready');
    await waitFor(() => waiting.client.sent.length === 1, 200, 'the waiting send');
  });

  it('keeps working after a restart: a new process on the same connection, session kept on disk per connection', async () => {
    const first = await start();
    first.client.emit('ready');
    await first.session.stop();
    expect(first.client.destroyed).toBe(1);
    const second = await start();
    second.client.emit('ready');
    await second.queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(outbound(RESIDENT, [{ type: 'text', text: p('снова здесь') }])));
    await waitFor(() => second.client.sent.length === 1, 1000, 'a send after restart');
    expect(first.client.sent).toEqual([]);
    // What survives the restart is the client's LocalAuth directory: per connection, under DATA_DIR.
    const dataPath = (id: string) => (wwebjsClientOptions({ connectionId: id, dataDir: '/var/lib/fp' }).authStrategy as unknown as { dataPath: string }).dataPath;
    expect(dataPath(CONN)).toBe(path.resolve('/var/lib/fp', 'whatsapp', CONN));
    expect(dataPath(CONN)).toBe(dataPath(CONN));
    expect(dataPath('other-connection')).not.toBe(dataPath(CONN));
    expect(wwebjsClientOptions({ connectionId: CONN, dataDir: '/d' }).puppeteer).toMatchObject({
      executablePath: '/usr/bin/chromium', headless: true, args: expect.arrayContaining(['--no-sandbox', '--disable-dev-shm-usage']),
    });
  });

  it('builds the real whatsapp-web.js client without launching it', async () => {
    const client = makeWwebjsClient({ connectionId: CONN, dataDir: '/tmp/familypay-wa-test', executablePath: '/nonexistent/chromium' });
    await expect(client.destroy()).resolves.toBeUndefined();
    expect(() => wwebjsClientOptions({ connectionId: '../escape', dataDir: '/d' })).toThrow(RangeError);
  });
});

describe('familypay whatsapp', () => {
  it('lets a connection slow its pace but never speed it up', () => {
    expect(paceOf({ ...connection, settings: { paceMs: 8000 } }, 3000)).toBe(8000);
    expect(paceOf({ ...connection, settings: { paceMs: 1500 } }, 3000)).toBe(3000);
    expect(paceOf({ ...connection, settings: { paceMs: 'fast' } }, 3000)).toBe(3000);
  });

  it('runs a session per active connection, routes outbound jobs to it, and stops on SIGTERM', async () => {
    const queue = makeInProcessQueue({ logger: silentLogger, backoffBaseMs: 20 });
    open.queues.push(queue);
    const signals = new EventEmitter();
    const clients: FakeWaClient[] = [];
    const lines: string[] = [];
    const { store } = recordingStore();
    const running = whatsappCommand({
      connections: store, queue, files, mayWrite, dataDir: '/tmp/fp', paceMs: 0, signals: signals as never, print: (l) => lines.push(l),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      makeClient: () => { const c = new FakeWaClient(); clients.push(c); return c; },
    });
    await waitFor(() => clients.length === 1 && clients[0]!.initialized === 1, 1000, 'the session');
    clients[0]!.emit('qr', '2@LOGINQR');
    await waitFor(() => lines.some((l) => l.includes('«УК Демо»')), 1000, 'the QR on the terminal');
    expect(lines.at(-1)).toMatch(/[▀▄█]/);
    clients[0]!.emit('ready');
    await queue.enqueue(WHATSAPP_TOPICS.outbound, outboundJob(outbound(RESIDENT, [{ type: 'text', text: p('через команду') }])));
    await waitFor(() => clients[0]!.sent.length === 1, 1000, 'the routed send');
    signals.emit('SIGTERM');
    await expect(running).resolves.toBe(0);
    expect(clients[0]!.destroyed).toBe(1);
    expect(lines.at(-1)).toMatch(/остановлены/);
  });
});
