import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { botsCommand } from '../cli/bots-command.ts';
import type { App } from '../cli/compose.ts';
import { embeddedDemo, type EmbeddedDemo } from './support/embedded-demo.ts';
import { makePlatformOrg } from '../core/conversations/index.ts';
import { isStartToken } from '../core/payments/index.ts';
import { signStartToken } from '../core/payments/start-token.calc.ts';
import { linkKey } from '../core/payments/pay-link.calc.ts';

/** `familypay bots …` in-process on an embedded database, and how a platform bot finds a resident's organisation. */
let demo: EmbeddedDemo;
let app: App;
let demoId: string;

beforeAll(async () => {
  demo = await embeddedDemo('fp-bots-');
  ({ app, demoId } = demo);
}, 180_000);

afterAll(async () => {
  await demo?.close();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const code = await botsCommand(app, args);
    return { code, out: out.mock.calls.map((c) => String(c[0])).join('\n'), err: err.mock.calls.map((c) => String(c[0])).join('\n') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('familypay bots', () => {
  // First in the file: nothing has read the signing keys yet, and the embedded database has one connection, which
  // the dialog turn holds. The keys must be read inside the turn, or this waits until the pool gives up.
  it('links an account by a deep link on the embedded database with nothing cached', async () => {
    const [account] = await app.db.withTenant(demoId, (em) => em.execute<{ id: string; number: string }[]>(`select id, number from accounts where org_id = ? order by number limit 1`, [demoId]));
    const token = signStartToken(account!.id, new Date(Date.now() + 86_400_000), 1, linkKey(app.secretKey, 1));
    const reply = await app.dialogs.engine.handle({ channel: 'webchat', orgId: demoId, connectionId: null, externalUserId: 'cold', chatId: 'cold', input: { kind: 'command', command: 'start', arg: token } });
    expect(reply.intents[0]).toMatchObject({ type: 'text', text: { key: 'dialogs.link.done', vars: { number: account!.number } } });
  }, 20_000);

  it('adds the platform bot with its token sealed, and lists it', async () => {
    const added = await run(['add-platform', '--channel', 'telegram', '--token', '123456:platform-token-ABCDEFGHIJKLMNOP', '--title', 'Семейные платежи']);
    expect(added.code).toBe(0);
    const id = /: ([0-9a-f-]{36})\./.exec(added.out)![1]!;
    expect(added.out).toContain(`/hooks/telegram/${id}`);
    const bot = await app.connections.find(id);
    expect(bot).toMatchObject({ orgId: null, channel: 'telegram', token: '123456:platform-token-ABCDEFGHIJKLMNOP', active: true });
    const raw = await app.db.withoutTenant((em) => em.execute<{ token_sealed: string }[]>('select token_sealed from bot_connections where id = ?', [id]));
    expect(raw[0]!.token_sealed).not.toContain('platform-token');
    expect((await run(['list'])).out).toContain(id);
  });

  it('refuses a wrong call with the usage line', async () => {
    for (const args of [[], ['add-platform', '--channel', 'whatsapp', '--token', '12345678'], ['add-platform', '--channel', 'telegram'], ['frobnicate']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toContain('familypay bots add-platform');
    }
  });

  it('names the organisation of a platform bot\'s resident by the start token, then by whom they talked to', async () => {
    const [account] = await app.db.withTenant(demoId, (em) => em.execute<{ id: string }[]>(`select id from accounts where org_id = ? order by number limit 1`, [demoId]));
    const token = await app.payments.links.startToken(account!.id);
    expect(isStartToken(token) && token.length <= 64).toBe(true);
    const orgOf = makePlatformOrg(app.db, async (t) => {
      const id = await app.payments.links.verifyStart(t);
      if (!id.ok) return null;
      const [row] = await app.db.read((em) => em.execute<{ org: string | null }[]>('select fp_account_org(?) as org', [id.value]));
      return row?.org ?? null;
    }, 'telegram');
    expect(await orgOf(token, '777')).toBe(demoId);
    expect(await orgOf(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, '777')).toBeNull();
    // Once the resident has talked to the organisation's dialogs, later messages without a token find it.
    await app.dialogs.engine.handle({ channel: 'telegram', orgId: demoId, connectionId: null, externalUserId: '777', chatId: '777', input: { kind: 'command', command: 'start' } });
    expect(await orgOf(null, '777')).toBe(demoId);
    expect(await orgOf(null, '778')).toBeNull();
  });
});
