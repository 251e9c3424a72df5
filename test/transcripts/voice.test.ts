import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../core/shared/index.ts';
import { transcriptTests } from '../support/transcript-runner.ts';
import { makeWorld, type World } from '../support/transcript-world.ts';
import { telegramRig, type TelegramRig } from './telegram.harness.ts';
import { VOICE_CAPS, VOICE_SECRET, voiceRig, type VoiceRig } from './voice.harness.ts';

let w: World;
let voice: VoiceRig;
let tg: TelegramRig;

beforeAll(async () => {
  w = await makeWorld('voice-transcripts');
  voice = await voiceRig(w);
  // The robot sends a pay link to the caller's messenger: Telegram here, against its fake.
  tg = await telegramRig(w);
});
afterAll(async () => { await w?.close(); });

describe('phone robot: the dialogs through POST /voice/turn and the real engine', () => {
  transcriptTests('voice', VOICE_CAPS, () => ({ world: w, driver: voice.driver }));
});

describe('phone robot: the pay link goes to the resident\'s messenger', () => {
  it('sends the bank\'s link to the caller\'s Telegram chat and says so', async () => {
    const account = w.fx.accounts[4]!;
    const r = voice.driver.resident(null);
    await voice.driver.act(r, { kind: 'start' }, []);
    // The same person also writes to the organisation's Telegram bot (one person, two identities).
    const tgUser = 7_188_000_001;
    await w.db.withTenant(w.orgId, async (em) => {
      const [me] = await em.execute<{ id: string; person_id: string }[]>(`select id, person_id from identities where org_id = ? and channel = 'voice' and external_id = ?`, [w.orgId, r.externalUserId]);
      const [tgIdentity] = await em.execute<{ id: string }[]>(`insert into identities (id, org_id, person_id, channel, external_id, consent_notifications, created_at)
        values (gen_random_uuid(), ?, ?, 'telegram', ?, false, now()) returning id`, [w.orgId, me!.person_id, String(tgUser)]);
      await em.execute(`insert into dialog_states (identity_id, org_id, flow, step, version, data, connection_id, chat_id, seq, updated_at)
        values (?, ?, 'menu', 'main', 1, '{}', ?, ?, 3, now())`, [tgIdentity!.id, w.orgId, tg.connection.id, String(tgUser)]);
    });
    const say = async (act: Parameters<VoiceRig['driver']['act']>[1], shown: string[]) => (await voice.driver.act(r, act, shown)).texts.join('\n');
    await say({ kind: 'choose', id: 'm.link' }, ['m.link', 'm.emergency', 'm.question', 'm.settings', 'm.operator']);
    await say({ kind: 'text', text: account.number }, []);
    await say({ kind: 'choose', id: 'lp.code' }, ['lp.code', 'lp.amount', 'lp.cancel']);
    expect(await say({ kind: 'text', text: w.fx.billCode(account.id) }, [])).toContain(`${account.number} привязан`);
    await say({ kind: 'choose', id: 'm.pay' }, ['m.debt', 'm.pay']);
    const calls = tg.fake.calls.length;
    const paid = await voice.driver.act(r, { kind: 'choose', id: 'p.full' }, ['p.full', 'p.other', 'p.menu']);
    expect(paid.texts.join('\n')).toContain(translate('ru', 'dialogs.pay.sentTo'));
    expect(paid.links).toEqual([]);
    const sent = tg.fake.calls.slice(calls).filter((c) => c.method === 'sendMessage' && c.status === 200);
    expect(sent.map((c) => c.payload.chat_id)).toEqual([String(tgUser)]);
    const button = (sent[0]!.payload.reply_markup as { inline_keyboard: { text: string; url: string }[][] }).inline_keyboard[0]![0]!;
    expect(button).toMatchObject({ text: translate('ru', 'dialogs.pay.sbpButton') });
    expect(button.url).toMatch(/^https:\/\/familypay\.test\/sandbox\/pay\//);
  });
});

describe('phone robot without the right secret (RELIABILITY.md A5)', () => {
  it('changes nothing and says nothing; the same turns with the secret do', async () => {
    const r = voice.driver.resident(null);
    const turns = [voice.turn(r, { event: 'call.started' }), voice.turn(r, { input: { kind: 'dtmf', digits: '1' } })];
    const before = await w.footprint();
    for (const turn of turns) {
      for (const wrong of [undefined, '', 'x', VOICE_SECRET.slice(0, -1), `${VOICE_SECRET}x`, VOICE_SECRET.toLowerCase(), 'Bearer ' + VOICE_SECRET]) {
        const answer = await voice.post(turn, wrong);
        expect(answer.status).toBe(401);
        expect(answer.body).not.toHaveProperty('say');
      }
    }
    expect(await w.footprint()).toBe(before);
    const answer = await voice.post(turns[0]!, VOICE_SECRET);
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveProperty('say');
    expect(await w.footprint()).not.toBe(before);
  });
});
