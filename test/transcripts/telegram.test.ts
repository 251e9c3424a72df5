import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackUpdate, commandUpdate, contactUpdate, textUpdate } from '../support/fake-telegram.ts';
import { transcriptTests } from '../support/transcript-runner.ts';
import { makeWorld, type World } from '../support/transcript-world.ts';
import { TELEGRAM_CAPS, telegramRig, type TelegramRig } from './telegram.harness.ts';

let w: World;
let tg: TelegramRig;

beforeAll(async () => {
  w = await makeWorld('tg-transcripts');
  tg = await telegramRig(w);
});
afterAll(async () => { await w?.close(); });

describe('Telegram: the dialogs through the webhook, the engine and grammY against the fake Bot API', () => {
  transcriptTests('telegram', TELEGRAM_CAPS, () => ({ world: w, driver: tg.driver }));
});

describe('Telegram webhook without the right secret (RELIABILITY.md A5)', () => {
  it('changes nothing and sends nothing; the same updates with the secret do', async () => {
    const who = { userId: 7_199_000_001 };
    const token = w.fx.token(w.fx.accounts[0]!.id);
    const updates = [commandUpdate('/start', token, who), textUpdate('500000', who), callbackUpdate('m.link', who), contactUpdate(w.fx.phoneAccount.phone, { ...who, own: true })];
    const other = await w.connections.add(w.orgId, { channel: 'telegram', title: 'Другой бот', token: '7000002:other-TOKEN_xyz' });
    if (!other.ok) throw new Error(other.error.code);
    const otherSecret = (await w.connections.find(other.value.id))!.webhookSecret;
    const secret = tg.connection.webhookSecret;
    const before = await w.footprint();
    const calls = tg.fake.calls.length;
    for (const update of updates) {
      for (const wrong of [undefined, '', 'x', secret.slice(0, -1), `${secret}x`, secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(), otherSecret]) {
        expect(await tg.post(update, wrong)).toBe(401);
      }
      // The right secret of another bot opens only that bot's hook; an unknown bot is not found at all.
      expect(await tg.post(update, secret, '00000000-0000-4000-8000-000000000000')).toBe(404);
    }
    await w.settle();
    expect(await w.footprint()).toBe(before);
    expect(tg.fake.calls.length).toBe(calls);

    expect(await tg.post(updates[0]!, secret)).toBe(200);
    await w.settle();
    expect(await w.footprint()).not.toBe(before);
    expect(tg.fake.accepted('sendMessage').filter((c) => c.payload.chat_id === String(who.userId))).toHaveLength(1);
    expect(await w.resident('telegram', String(who.userId)).links()).toEqual([{ number: w.fx.accounts[0]!.number, proof: 'deep_link' }]);
  });
});
