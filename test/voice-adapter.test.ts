import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { renderVoice } from '../bots/voice/voice.renderer.ts';
import { voiceRoutes } from '../bots/voice/voice.routes.ts';
import type { DialogReply, InboundEvent } from '../dialogs/types.ts';
import { makeHttpApp } from '../web/http-app.ts';

/** The robot's side of `POST /voice/turn` (DOMAIN.md «Messenger and robot limits»), over real HTTP. */

const SECRET = 'Vx9-robot-SECRET-k3y_2026';
const ORG = '0b9a3f5e-1111-4222-8333-444455556666';
const CALLED = '+7 (495) 100-20-30';
const CALLER = '8 912 345-67-89';

const phrase = (key: string, vars?: Record<string, string | number>) => ({ key, ...(vars ? { vars } : {}) });
const reply = (over: Partial<DialogReply> = {}): DialogReply => ({ locale: 'ru', intents: [], expect: { kind: 'none' }, identityId: 'id-1', ...over });

let url = '';
let close: () => void = () => {};
let logs: string[] = [];
let seen: InboundEvent[] = [];
let orgLookups: string[] = [];
let next: DialogReply | Error = reply();

beforeAll(async () => {
  const destination = new Writable({ write(chunk, _e, done) { logs.push(String(chunk)); done(); } });
  const logger = makeLogger({ destination });
  const dialogs = {
    async handle(event: InboundEvent) {
      seen.push(event);
      if (next instanceof Error) throw next;
      return next;
    },
  };
  const resolveOrg = async (to: string) => { orgLookups.push(to); return to === '+74951002030' ? ORG : null; };
  const server = makeHttpApp(logger, [voiceRoutes({ dialogs, resolveOrg, secret: () => SECRET, logger })]).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/voice/turn`;
  close = () => server.close();
});
afterAll(() => close());
beforeEach(() => { seen = []; orgLookups = []; logs = []; next = reply(); });

const turn = (over: Record<string, unknown> = {}) => ({
  callId: 'call-7f3a', seq: 0, provider: 'voximplant', direction: 'inbound', from: CALLER, to: CALLED, event: 'call.started', ...over,
});

const post = (body: unknown, headers: Record<string, string> = { 'X-Voice-Secret': SECRET }) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** RELIABILITY.md A5: 10 000 at FULL=1. */
const MUTANTS = process.env.FULL === '1' ? 10_000 : 1_000;

describe('POST /voice/turn with the right secret', () => {
  it('maps a call start to /start for the caller and answers with what to say and a one-digit gather', async () => {
    next = reply({
      intents: [
        { type: 'text', text: phrase('pay.heading', { name: 'ТСЖ «Берёзка»' }) },
        { type: 'choice', text: phrase('pay.method'), options: [{ id: 'sbp', label: phrase('pay.methodSbp') }, { id: 'card', label: phrase('pay.methodCard') }] },
      ],
      expect: { kind: 'choice' },
    });
    const res = await post(turn());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      say: [
        { text: 'Приём платежей за услуги ТСЖ «Берёзка»' },
        { text: 'Способ оплаты' },
        { text: 'Нажмите 1 — СБП — через приложение банка, 2 — Банковская карта.' },
      ],
      next: { gather: { input: ['dtmf', 'speech'], maxDigits: 1, timeoutSec: 8 } },
    });
    expect(orgLookups).toEqual(['+74951002030']);
    expect(seen).toEqual([{
      channel: 'voice', orgId: ORG, connectionId: null, externalUserId: '79123456789', chatId: 'call-7f3a',
      eventKey: 'voice:call-7f3a:0', channelPhone: '+79123456789', input: { kind: 'command', command: 'start', arg: '' },
    }]);
  });

  it('maps keypad digits without the closing #, speech, silence and hang-up', async () => {
    await post(turn({ seq: 1, event: 'input', input: { kind: 'dtmf', digits: '004512#' } }));
    await post(turn({ seq: 2, event: 'input', input: { kind: 'speech', text: 'долг', confidence: 0.82 } }));
    await post(turn({ seq: 3, event: 'no_input' }));
    await post(turn({ seq: 4, event: 'call.ended' }));
    expect(seen.map((e) => e.input)).toEqual([
      { kind: 'dtmf', digits: '004512' },
      { kind: 'speech', text: 'долг', confidence: 0.82 },
      { kind: 'noInput' },
      { kind: 'end' },
    ]);
    expect(seen.map((e) => e.eventKey)).toEqual(['voice:call-7f3a:1', 'voice:call-7f3a:2', 'voice:call-7f3a:3', 'voice:call-7f3a:4']);
  });

  it('passes a repeated callId + seq with the same eventKey, so the engine answers the first replies again', async () => {
    const body = turn({ seq: 5, event: 'input', input: { kind: 'dtmf', digits: '2' } });
    const [a, b] = [await post(body), await post(body)];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(seen.map((e) => e.eventKey)).toEqual(['voice:call-7f3a:5', 'voice:call-7f3a:5']);
  });

  it('answers 404 for a called number of no organisation, without calling the engine', async () => {
    const res = await post(turn({ to: '+7 800 000-00-00' }));
    expect(res.status).toBe(404);
    expect(seen).toEqual([]);
  });

  it('knows a hidden number for this call only, with no vouched phone', async () => {
    await post(turn({ from: 'anonymous' }));
    expect(seen[0]).toMatchObject({ externalUserId: 'anonymous:call-7f3a', channelPhone: null });
  });

  it('apologises and hangs up with 503 when the engine fails, and logs no phone number', async () => {
    next = new Error('database is down');
    const res = await post(turn());
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ say: [{ text: 'Сервис временно недоступен. Пожалуйста, позвоните позже.' }], next: { hangup: {} } });
    const out = logs.join('');
    expect(out).toContain('VOICE.TURN_FAILED');
    expect(out).not.toMatch(/912|3456789|1002030/);
  });
});

describe('body validation', () => {
  it.each([
    ['callId', turn({ callId: undefined })],
    ['callId', turn({ callId: 'has spaces' })],
    ['seq', turn({ seq: '1' })],
    ['seq', turn({ seq: -1 })],
    ['event', turn({ event: 'ringing' })],
    ['to', turn({ to: undefined })],
    ['input', turn({ event: 'input' })],
    ['input.digits', turn({ event: 'input', input: { kind: 'dtmf' } })],
    ['input.digits', turn({ event: 'input', input: { kind: 'dtmf', digits: '12a' } })],
    ['input.text', turn({ event: 'input', input: { kind: 'speech' } })],
    ['input.confidence', turn({ event: 'input', input: { kind: 'speech', text: 'да', confidence: 3 } })],
    ['body', '{"callId": '],
    ['body', '[1,2]'],
  ])('answers 400 naming %s, and changes nothing', async (field, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((await res.json() as { error: { field: string; code: string } }).error).toMatchObject({ code: 'VOICE.BAD_REQUEST', field });
    expect(seen).toEqual([]);
    expect(orgLookups).toEqual([]);
  });
});

/** RELIABILITY.md A5: only the robot can call its webhook. */
describe('the shared secret', () => {
  /** Deterministic mutants of the secret: a flipped or changed character, another length, case changes, nothing at all. */
  function mutants(count: number): (string | undefined)[] {
    // mulberry32: a fixed seed, so a failure names the same mutants on every run.
    let seed = 0x5eed;
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) % n;
    };
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!$';
    const swapCase = (c: string) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());
    const kinds: ((s: string) => string)[] = [
      (s) => { const i = rand(s.length); return s.slice(0, i) + alphabet[rand(alphabet.length)] + s.slice(i + 1); },
      (s) => { const i = rand(s.length); return s.slice(0, i) + s.slice(i + 1); },
      (s) => { const i = rand(s.length + 1); return s.slice(0, i) + alphabet[rand(alphabet.length)] + s.slice(i); },
      (s) => s.slice(0, rand(s.length)),
      (s) => s + alphabet.slice(0, 1 + rand(8)),
      (s) => { const i = rand(s.length); return s.slice(0, i) + swapCase(s[i] ?? 'a') + s.slice(i + 1); },
      (s) => s.toUpperCase(),
      (s) => s.toLowerCase(),
    ];
    const out: (string | undefined)[] = [undefined, ''];
    while (out.length < count) {
      // One to three edits in a row: near misses of every kind, not only single-character ones.
      let m = SECRET;
      for (let k = 1 + rand(3); k > 0; k--) m = kinds[rand(kinds.length)]!(m);
      if (m !== SECRET) out.push(m);
    }
    return out;
  }

  it('accepts none of 1 000 mutants (10 000 at FULL=1): every one is 401 and neither the engine nor the number lookup runs', async () => {
    const all = mutants(MUTANTS);
    expect(new Set(all.map(String)).size).toBeGreaterThan(600);
    const statuses: number[] = [];
    for (let i = 0; i < all.length; i += 50) {
      const batch = all.slice(i, i + 50).map((m) => post(turn(), m === undefined ? {} : { 'X-Voice-Secret': m }).then((r) => r.status));
      statuses.push(...(await Promise.all(batch)));
    }
    expect(statuses.filter((s) => s !== 401)).toEqual([]);
    expect(seen).toEqual([]);
    expect(orgLookups).toEqual([]);
    // …and the right secret still opens, so the refusals above are not a broken route.
    expect((await post(turn())).status).toBe(200);
  });

  it('refuses everything, an empty header included, while no secret is configured', async () => {
    const dialogs = { handle: async (e: InboundEvent) => { seen.push(e); return reply(); } };
    const logger = makeLogger({ destination: new Writable({ write(_c, _e, done) { done(); } }) });
    const server = makeHttpApp(logger, [voiceRoutes({ dialogs, resolveOrg: async () => ORG, secret: '', logger })]).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}/voice/turn`;
    const cases: Record<string, string>[] = [{}, { 'X-Voice-Secret': '' }, { 'X-Voice-Secret': SECRET }];
    const statuses = await Promise.all(cases.map((h) =>
      fetch(at, { method: 'POST', headers: { 'Content-Type': 'application/json', ...h }, body: JSON.stringify(turn()) }).then((r) => r.status)));
    server.close();
    expect(statuses).toEqual([401, 401, 401]);
    expect(seen).toEqual([]);
  });
});

describe('renderVoice', () => {
  it('gathers one digit for a choice, with no # needed', () => {
    expect(renderVoice(reply({ expect: { kind: 'choice' } })).next).toEqual({ gather: { input: ['dtmf', 'speech'], maxDigits: 1, timeoutSec: 8 } });
  });
  it('gathers a number of up to maxDigits ended by #', () => {
    expect(renderVoice(reply({ expect: { kind: 'number', maxDigits: 8 } })).next).toEqual({ gather: { input: ['dtmf'], maxDigits: 8, finishOnKey: '#', timeoutSec: 8 } });
  });
  it('listens for speech first when a text is expected', () => {
    expect(renderVoice(reply({ expect: { kind: 'text' } })).next).toEqual({ gather: { input: ['speech', 'dtmf'], finishOnKey: '#', timeoutSec: 8 } });
  });
  it('hangs up on end, and when nothing more is expected', () => {
    expect(renderVoice(reply({ intents: [{ type: 'end' }], expect: { kind: 'choice' } })).next).toEqual({ hangup: {} });
    expect(renderVoice(reply()).next).toEqual({ hangup: {} });
  });
  it('transfers to the operator after saying why', () => {
    const out = renderVoice(reply({ intents: [{ type: 'transfer', to: '+74951112233', text: phrase('pay.title') }, { type: 'end' }] }));
    expect(out).toEqual({ say: [{ text: 'Оплата услуг' }], next: { transfer: { to: '+74951112233' } } });
  });
  it('says the link is on its way before the robot sends it, and never reads a URL aloud', () => {
    const out = renderVoice(reply({
      intents: [
        { type: 'link', text: phrase('pay.heading', { name: 'https://pay.example.ru/pay/abc' }), url: 'https://pay.example.ru/pay/abc', label: phrase('pay.title') },
        { type: 'sendLink', url: 'https://pay.example.ru/pay/abc', via: 'sms' },
      ],
      expect: { kind: 'choice' },
    }));
    expect(out).toEqual({ say: [{ text: 'Приём платежей за услуги' }, { text: 'Отправляю ссылку в СМС.' }], next: { sendLink: { via: 'sms', url: 'https://pay.example.ru/pay/abc' } } });
  });
  it('points to the chat bot for a link or a document it cannot send, and falls back to SMS for other messengers', () => {
    const link = renderVoice(reply({ intents: [{ type: 'link', text: phrase('pay.title'), url: 'https://x.ru/a', label: phrase('pay.title') }], expect: { kind: 'choice' } }));
    expect(link.say).toEqual([{ text: 'Оплата услуг' }, { text: 'Ссылка есть в нашем чат-боте.' }]);
    const doc = renderVoice(reply({ intents: [{ type: 'document', name: 'debt.pdf', url: '/f/1', fileId: 'f1' }] }));
    expect(doc.say).toEqual([{ text: 'Документ можно получить в нашем чат-боте.' }]);
    expect(renderVoice(reply({ intents: [{ type: 'sendLink', url: 'https://x.ru/a', via: 'telegram' }] })).next).toEqual({ sendLink: { via: 'sms', url: 'https://x.ru/a' } });
  });
  it('speaks the reply locale and needs two digits and # past nine options', () => {
    const options = Array.from({ length: 10 }, (_, i) => ({ id: `o${i}`, label: phrase('pay.title') }));
    const out = renderVoice(reply({ locale: 'en', intents: [{ type: 'choice', text: phrase('pay.method'), options }], expect: { kind: 'choice' } }));
    expect(out.say[0]).toEqual({ text: 'Payment method' });
    expect(out.say[1]!.text).toMatch(/^Press 1 for .+, 10 for .+\.$/);
    expect(out.next).toEqual({ gather: { input: ['dtmf', 'speech'], maxDigits: 2, finishOnKey: '#', timeoutSec: 8 } });
  });
});
