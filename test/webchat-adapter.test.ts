import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { makeWebchatSender, memoryPendingStore, type PendingStore } from '../bots/webchat/pending.ts';
import { renderWebchat } from '../bots/webchat/webchat.renderer.ts';
import { webchatRoutes, type WebchatDeps } from '../bots/webchat/webchat.routes.ts';
import type { OutboundMessage } from '../dialogs/channel.port.ts';
import type { DialogReply, InboundEvent, OutboundIntent } from '../dialogs/types.ts';
import { makeHttpApp } from '../web/http-app.ts';
import { haveChromium, launchChromium } from './support/chromium.ts';

/** The web chat's page and JSON API over real HTTP, with a stub engine behind them. */

const ORG = '6f1c2d3e-aaaa-4bbb-8ccc-ddddeeeeffff';
const phrase = (key: string, vars?: Record<string, string | number>) => ({ key, ...(vars ? { vars } : {}) });
const reply = (over: Partial<DialogReply> = {}): DialogReply => ({ locale: 'ru', intents: [], expect: { kind: 'none' }, identityId: 'id-1', ...over });
const hashOf = (session: string) => createHash('sha256').update(`${ORG}:${session}`).digest('hex').slice(0, 40);
let counter = 0;
/** A fresh session per test, so the per-session limit of one test never touches another. */
const newSession = () => `s3ss10n-${String(++counter).padStart(4, '0')}-${'x'.repeat(20)}`;

type Server = { url: string; logs: () => string; close(): void };
async function start(over: Partial<WebchatDeps> & { handle?: (e: InboundEvent) => Promise<DialogReply> } = {}): Promise<Server & { seen: InboundEvent[] }> {
  const lines: string[] = [];
  const logger = makeLogger({ destination: new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } }) });
  const seen: InboundEvent[] = [];
  const handle = over.handle ?? (async () => reply());
  const deps: WebchatDeps = {
    dialogs: { handle: async (e) => { seen.push(e); return handle(e); } },
    orgBySlug: async (slug) => (slug === 'demo' ? { id: ORG, name: 'ТСЖ <b>«Берёзка»</b>' } : null),
    pending: memoryPendingStore(),
    logger,
    secure: false,
    ...over,
  };
  const server = makeHttpApp(logger, [webchatRoutes(deps)]).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs: () => lines.join(''), close: () => server.close(), seen };
}

let main: Awaited<ReturnType<typeof start>>;
let answer: DialogReply = reply();
let pending: PendingStore;
beforeAll(async () => {
  pending = memoryPendingStore();
  main = await start({ handle: async () => answer, pending, limits: { perIp: { capacity: 10_000, perMs: 60_000 } } });
});
afterAll(() => main.close());
beforeEach(() => { main.seen.length = 0; answer = reply(); });

const post = (s: { url: string }, body: unknown, headers: Record<string, string> = {}, slug = 'demo') =>
  fetch(`${s.url}/chat/api/${slug}/messages`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const json = async (res: Response) => res.json() as Promise<Record<string, any>>;

const EVERY_INTENT: OutboundIntent[] = [
  { type: 'text', text: phrase('pay.heading', { name: 'ТСЖ' }) },
  { type: 'choice', text: phrase('pay.method'), options: [{ id: 'sbp', label: phrase('pay.methodSbp') }, { id: 'card', label: phrase('pay.methodCard') }] },
  { type: 'link', text: phrase('pay.title'), url: 'https://pay.example.ru/pay/t1', label: phrase('pay.title') },
  { type: 'document', name: 'debt.pdf', url: '/files/f1?sig=x', fileId: 'f1', caption: phrase('pay.title') },
  { type: 'image', url: '/files/f2?sig=y' },
  { type: 'requestContact', text: phrase('pay.payer'), label: phrase('pay.payer') },
  { type: 'transfer', to: '+74951112233', text: phrase('pay.title') },
  { type: 'sendLink', url: 'https://pay.example.ru/pay/t2', via: 'sms' },
  { type: 'end' },
];

describe('POST /chat/api/:orgSlug/messages', () => {
  it('starts a conversation with /start and answers the reply objects of every intent', async () => {
    answer = reply({ intents: EVERY_INTENT, expect: { kind: 'choice' } });
    const session = newSession();
    const res = await post(main, { session, text: '/start' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await json(res)).toEqual({
      replies: [
        { type: 'text', text: 'Приём платежей за услуги ТСЖ' },
        { type: 'choice', text: 'Способ оплаты', options: [{ id: 'sbp', label: 'СБП — через приложение банка' }, { id: 'card', label: 'Банковская карта' }] },
        { type: 'link', text: 'Оплата услуг', url: 'https://pay.example.ru/pay/t1' },
        { type: 'text', text: 'Оплата услуг' },
        { type: 'document', name: 'debt.pdf', url: '/files/f1?sig=x' },
        { type: 'image', url: '/files/f2?sig=y' },
        { type: 'text', text: 'Плательщик\nНапишите номер телефона в ответном сообщении.' },
        { type: 'text', text: 'Оплата услуг\nТелефон: +74951112233' },
        { type: 'link', text: 'Ваша ссылка:', url: 'https://pay.example.ru/pay/t2' },
      ],
      expect: 'choice',
    });
    expect(main.seen).toEqual([{
      channel: 'webchat', orgId: ORG, connectionId: null, externalUserId: hashOf(session), chatId: hashOf(session),
      localeHint: 'ru', input: { kind: 'command', command: 'start', arg: '' },
    }]);
  });

  it('forwards a pressed option, a typed text and a deep-link start, in the asked language', async () => {
    const session = newSession();
    await post(main, { session, choice: 'sbp' });
    await post(main, { session, text: '  сколько я должен?  ' }, { 'Accept-Language': 'en-GB,en;q=0.8' });
    await post(main, { session, text: '/start v1.abc_DEF-123' });
    expect(main.seen.map((e) => e.input)).toEqual([
      { kind: 'choice', optionId: 'sbp' },
      { kind: 'text', text: 'сколько я должен?' },
      { kind: 'command', command: 'start', arg: 'v1.abc_DEF-123' },
    ]);
    expect(main.seen.map((e) => e.localeHint)).toEqual(['ru', 'en', 'ru']);
  });

  it('gives a retried message (same client id) the same eventKey, which never contains the session', async () => {
    const session = newSession();
    await post(main, { session, text: '42', id: 'm-0001' });
    await post(main, { session, text: '42', id: 'm-0001' });
    await post(main, { session, text: '42', id: 'm-0002' });
    expect(main.seen.map((e) => e.eventKey)).toEqual([`web:${hashOf(session)}:m-0001`, `web:${hashOf(session)}:m-0001`, `web:${hashOf(session)}:m-0002`]);
    expect(JSON.stringify(main.seen)).not.toContain(session);
  });

  it.each([
    ['choice', { text: 'да', choice: 'yes' }],
    ['text', {}],
    ['session', { session: 'short', text: 'x' }],
    ['session', { session: 'bad session with spaces!!', text: 'x' }],
    ['session', { session: 'a'.repeat(129), text: 'x' }],
    ['session', { session: undefined, text: 'x' }],
    ['text', { text: 'я'.repeat(4001) }],
    ['text', { text: '   ' }],
    ['text', { text: 5 }],
    ['choice', { choice: 'x'.repeat(33) }],
    ['id', { text: 'x', id: 'has space' }],
    ['body', '{"session": '],
    ['body', '["not", "an", "object"]'],
  ])('answers 400 naming %s and calls nothing', async (field, body) => {
    const full = typeof body === 'string' ? body : { session: newSession(), ...body };
    const res = await post(main, full);
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error).toMatchObject({ code: 'WEBCHAT.BAD_REQUEST', field });
    expect(error.message).toEqual(expect.any(String));
    expect(main.seen).toEqual([]);
  });

  it('answers 404 for an unknown organisation', async () => {
    const res = await post(main, { session: newSession(), text: '/start' }, {}, 'nobody');
    expect([res.status, (await json(res)).error.code]).toEqual([404, 'WEBCHAT.ORG_UNKNOWN']);
    expect(main.seen).toEqual([]);
  });

  it('refuses a post from another site (403) or not in JSON (415), and takes its own origin', async () => {
    const body = { session: newSession(), text: '/start' };
    const foreign = await Promise.all(['https://evil.example', 'null', main.url.replace('127.0.0.1', 'localhost'), `${main.url}.evil.example`]
      .map((origin) => post(main, body, { Origin: origin }).then((r) => r.status)));
    expect(foreign).toEqual([403, 403, 403, 403]);
    const plain = await fetch(`${main.url}/chat/api/demo/messages`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(body) });
    expect(plain.status).toBe(415);
    expect(main.seen).toEqual([]);
    expect((await post(main, body, { Origin: main.url })).status).toBe(200);
    expect(main.seen).toHaveLength(1);
    expect(main.logs()).toContain('WEBCHAT.FOREIGN_ORIGIN');
  });
});

describe('rate limits', () => {
  it('answers 429 past 20 messages in 10 s per session, and lets the session talk again later', async () => {
    let now = 1_000_000;
    const s = await start({ now: () => now });
    const session = newSession();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await post(s, { session, text: `m${i}` })).status);
    expect(statuses.slice(0, 20).every((x) => x === 200)).toBe(true);
    const last = await post(s, { session, text: 'again' });
    expect(statuses[20]).toBe(429);
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(last)).error.code).toBe('WEBCHAT.RATE_LIMITED');
    // Another session is not held back by this one.
    expect((await post(s, { session: newSession(), text: 'hi' })).status).toBe(200);
    now += 1_000;
    expect((await post(s, { session, text: 'after a second' })).status).toBe(200);
    expect(s.seen).toHaveLength(22);
    s.close();
  });

  it('answers 429 past the per-address limit, whatever the sessions', async () => {
    const s = await start({ limits: { perIp: { capacity: 3, perMs: 60_000 } } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(s, { session: newSession(), text: 'hi' })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    s.close();
  });
});

describe('GET /chat/api/:orgSlug/messages (polling)', () => {
  const message = (chatId: string, key: string, text: string): OutboundMessage => ({
    channel: 'webchat', orgId: ORG, connectionId: null, chatId, locale: 'en', key,
    intents: [{ type: 'text', text: phrase('pay.heading', { name: text }) }], expect: { kind: 'none' },
  });

  it('returns what the outbound queue stored after the given seq, once per message key, only to its session', async () => {
    const session = newSession();
    const send = makeWebchatSender(pending);
    await send(message(hashOf(session), 'receipt:p1', 'A'));
    await send(message(hashOf(session), 'receipt:p1', 'A'));
    await send(message(hashOf(newSession()), 'receipt:p9', 'other'));
    await send(message(hashOf(session), 'answer:q1', 'B'));
    const all = await json(await fetch(`${main.url}/chat/api/demo/messages?session=${session}&after=0`));
    expect(all.messages.map((m: { replies: unknown }) => m.replies)).toEqual([
      [{ type: 'text', text: 'Payments for the services of A' }],
      [{ type: 'text', text: 'Payments for the services of B' }],
    ]);
    const [first, second] = all.messages as { seq: number; expect: string }[];
    expect(second!.seq).toBeGreaterThan(first!.seq);
    expect(first!.expect).toBe('none');
    const later = await fetch(`${main.url}/chat/api/demo/messages?after=${first!.seq}`, { headers: { 'X-Chat-Session': session } });
    expect(later.headers.get('cache-control')).toBe('no-store');
    expect((await json(later)).messages.map((m: { seq: number }) => m.seq)).toEqual([second!.seq]);
    await expect(send({ ...message('x', 'k', 'x'), channel: 'telegram' })).rejects.toThrow(/webchat sender/);
  });

  it('answers 400 for a bad session or seq and 404 for an unknown organisation', async () => {
    const at = (q: string, slug = 'demo') => fetch(`${main.url}/chat/api/${slug}/messages?${q}`).then(async (r) => [r.status, (await json(r)).error?.field]);
    expect(await at('after=0')).toEqual([400, 'session']);
    expect(await at(`session=${newSession()}&after=-1`)).toEqual([400, 'after']);
    expect(await at(`session=${newSession()}&after=0`, 'nobody')).toEqual([404, undefined]);
  });
});

describe('GET /chat/:orgSlug (the page)', () => {
  it('serves the page with a strict CSP, no cache, no referrer, no inline script or style, and the name escaped', async () => {
    const res = await fetch(`${main.url}/chat/demo`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => [m[1]!.trim(), m[2]])).toEqual([['src="/chat/static/chat.js" defer', '']]);
    expect(html).not.toMatch(/\son\w+=|style=|<style/i);
    expect(html).toContain('ТСЖ &lt;b>«Берёзка»&lt;/b>');
    expect(html).toContain('lang="ru"');
    expect(html).toContain('Отправить');
  });

  it('speaks English when asked, and answers 404 for an unknown organisation', async () => {
    const en = await (await fetch(`${main.url}/chat/demo`, { headers: { 'Accept-Language': 'en-US,en' } })).text();
    expect(en).toContain('lang="en"');
    expect(en).toContain('>Send<');
    expect((await (await fetch(`${main.url}/chat/demo?lang=en`)).text())).toContain('>Send<');
    const missing = await fetch(`${main.url}/chat/nobody`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Чат не найден');
  });

  it('serves its script and style as files, and nothing else from the folder', async () => {
    const js = await fetch(`${main.url}/chat/static/chat.js`);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, expect.stringMatching(/javascript/)]);
    expect(await js.text()).toContain('crypto.getRandomValues');
    expect((await fetch(`${main.url}/chat/static/chat.css`)).status).toBe(200);
    expect((await fetch(`${main.url}/chat/static/..%2fwebchat.routes.ts`)).status).toBe(404);
    expect((await fetch(`${main.url}/chat/static/nope.js`)).status).toBe(404);
  });
});

describe('logs', () => {
  it('never carry the session, on success, refusal, limit or failure', async () => {
    const s = await start({ limits: { perSession: { capacity: 2, perMs: 10_000 } }, handle: async (e) => { if (e.input.kind === 'text' && e.input.text === 'boom') throw new Error('engine failed'); return reply(); } });
    const session = newSession();
    await post(s, { session, text: '/start' });
    await post(s, { session, text: 'boom' });
    await post(s, { session, text: 'limited' });
    await post(s, { session, text: 'x', choice: 'y' });
    await post(s, { session, text: 'x' }, { Origin: 'https://evil.example' });
    await fetch(`${s.url}/chat/api/demo/messages?session=${session}&after=0`);
    const out = s.logs();
    expect(out).toContain('WEBCHAT.RATE_LIMITED');
    expect(out).toContain('request failed');
    expect(out).not.toContain(session);
    expect(out).not.toContain(session.slice(0, 16));
    s.close();
  });
});

describe('renderWebchat', () => {
  it('drops addresses that are not web or same-site, keeping the words', () => {
    expect(renderWebchat([
      { type: 'link', text: phrase('pay.title'), url: 'javascript:alert(1)', label: phrase('pay.title') },
      { type: 'image', url: '//evil.example/x.png' },
      { type: 'sendLink', url: 'data:text/html,hi', via: 'sms' },
    ], 'en')).toEqual([{ type: 'text', text: 'Pay for services' }]);
  });
});

/** The page's script in chromium: the same API, driven the way a resident drives it. */
describe.skipIf(!haveChromium)('the page in a real browser', () => {
  it('starts, shows buttons, sends the pressed option and a typed text, polls a receipt and survives a reload', async () => {
    const store = memoryPendingStore();
    const s = await start({
      pending: store,
      handle: async (e) => {
        if (e.input.kind === 'command') {
          return reply({ intents: [{ type: 'text', text: phrase('pay.title') }, { type: 'choice', text: phrase('pay.method'), options: [{ id: 'sbp', label: phrase('pay.methodSbp') }, { id: 'card', label: phrase('pay.methodCard') }] }], expect: { kind: 'choice' } });
        }
        if (e.input.kind === 'choice') return reply({ intents: [{ type: 'link', text: phrase('pay.heading', { name: 'ТСЖ' }), url: 'https://pay.example.ru/pay/t1', label: phrase('pay.title') }], expect: { kind: 'number', maxDigits: 8 } });
        return reply({ intents: [{ type: 'text', text: phrase('pay.payer') }], expect: { kind: 'text' } });
      },
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ locale: 'ru-RU' });
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      const origins: Promise<string | undefined>[] = [];
      page.on('request', (r) => { if (r.method() === 'POST') origins.push(r.allHeaders().then((h) => h.origin)); });

      await page.goto(`${s.url}/chat/demo`);
      await page.getByRole('button', { name: 'Банковская карта' }).waitFor();
      expect(s.seen[0]!.input).toEqual({ kind: 'command', command: 'start', arg: '' });
      const session = await page.evaluate(() => localStorage.getItem('familypay.chat.demo.session'));
      expect(session).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(s.seen[0]!.externalUserId).toBe(hashOf(session!));

      await page.getByRole('button', { name: 'СБП — через приложение банка' }).click();
      await page.getByRole('link', { name: 'Открыть' }).waitFor();
      expect(await page.getByRole('link', { name: 'Открыть' }).getAttribute('href')).toBe('https://pay.example.ru/pay/t1');
      expect(await page.getByRole('button', { name: 'Банковская карта' }).isDisabled()).toBe(true);
      expect(await page.locator('#text').getAttribute('inputmode')).toBe('numeric');

      await page.locator('#text').fill('00451');
      await page.locator('#text').press('Enter');
      await page.getByText('Плательщик').waitFor();
      expect(s.seen.map((e) => e.input)).toEqual([
        { kind: 'command', command: 'start', arg: '' }, { kind: 'choice', optionId: 'sbp' }, { kind: 'text', text: '00451' },
      ]);
      // Our own page's posts carry our Origin, not «null», despite its no-referrer policy.
      expect(await Promise.all(origins)).toEqual([s.url, s.url, s.url]);

      await makeWebchatSender(store)({
        channel: 'webchat', orgId: ORG, connectionId: null, chatId: hashOf(session!), locale: 'ru', key: 'receipt:p1',
        intents: [{ type: 'text', text: phrase('pay.heading', { name: 'чек' }) }], expect: { kind: 'none' },
      });
      await page.getByText('Приём платежей за услуги чек').waitFor({ timeout: 8_000 });

      await page.reload();
      await page.getByText('Приём платежей за услуги чек').waitFor();
      await page.waitForTimeout(300);
      expect(s.seen).toHaveLength(3);
      expect(await page.getByText('Приём платежей за услуги чек').count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      s.close();
    }
  });
});
