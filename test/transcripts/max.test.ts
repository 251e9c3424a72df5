import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transcriptTests } from '../support/transcript-runner.ts';
import { makeWorld, type World } from '../support/transcript-world.ts';
import { MAX_CAPS, maxRig, type MaxRig } from './max.harness.ts';

let w: World;
let max: MaxRig;

beforeAll(async () => {
  w = await makeWorld('max-transcripts');
  max = await maxRig(w);
});
afterAll(async () => {
  await w?.close();
  await max?.fake.close();
});

describe('MAX: the dialogs through the webhook, the engine and the MAX client against the fake MAX API', () => {
  transcriptTests('max', MAX_CAPS, () => ({ world: w, driver: max.driver }));
});

describe('MAX webhook without the right secret (RELIABILITY.md A5)', () => {
  it('changes nothing and sends nothing; the same updates with the secret do', async () => {
    const [user, chat] = [6_999_001, -99_999_001];
    const updates = [max.updates.started(user, chat, w.fx.token(w.fx.accounts[0]!.id)), max.updates.text(user, chat, '500000')];
    const other = await w.connections.add(w.orgId, { channel: 'max', title: 'Другой бот', token: 'max-other-token-0123456789' });
    if (!other.ok) throw new Error(other.error.code);
    const otherSecret = (await w.connections.find(other.value.id))!.webhookSecret;
    const secret = max.connection.webhookSecret;
    const before = await w.footprint();
    const calls = max.fake.calls.length;
    for (const update of updates) {
      for (const wrong of [undefined, '', 'x', secret.slice(0, -1), `${secret}x`, secret.toLowerCase() === secret ? secret.toUpperCase() : secret.toLowerCase(), otherSecret]) {
        expect(await max.fake.deliver(max.hookUrl, update, wrong)).toBe(401);
      }
    }
    await w.settle();
    expect(await w.footprint()).toBe(before);
    expect(max.fake.calls.length).toBe(calls);

    expect(await max.fake.deliver(max.hookUrl, updates[0], secret)).toBe(200);
    await w.settle();
    expect(await w.footprint()).not.toBe(before);
    expect(max.fake.sent.filter((m) => m.query.chat_id === String(chat)).length).toBeGreaterThan(0);
    expect(await w.resident('max', String(user)).links()).toEqual([{ number: w.fx.accounts[0]!.number, proof: 'deep_link' }]);
  });
});
