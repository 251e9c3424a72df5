import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type App } from '../cli/compose.ts';
import { startWorker } from '../cli/worker.ts';
import { upsertContact } from '../core/accounts/index.ts';
import { fileAppeal, replyToAppeal } from '../core/appeals/index.ts';
import { parseConfig } from '../core/infra/config/config.ts';
import { waitFor } from '../core/infra/queue/queue.test-helpers.ts';
import { makeFakeTelegram, type FakeTelegram } from './support/fake-telegram.ts';
import { startFakeSmsRu, type FakeSmsRu } from './support/fake-smsru.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';
import { requireServices } from './support/services.ts';
import { createScratchDatabase } from './support/test-database.ts';

const serverUrl = process.env.DATABASE_URL;
const TOKEN = '123456:delivery-test-token';
const API_ID = 'A3CA597E-3ACF-4E7D-82EE-CF82B52B1A8B';

let scratch: { url: string; drop(): Promise<void> };
let dir: string;
let telegram: FakeTelegram;
let sms: FakeSmsRu;
let app: App;
let worker: { stop(): Promise<void> };
let org: PaymentsOrg;
let botId: string;
let staffId: string;

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => app.db.withTenant(org.orgId, (em) => em.execute<T[]>(text, params));

/** A resident who wrote to the organisation's Telegram bot from chat `user`, optionally with a consented contact. */
async function residentAppeal(user: string, contact?: { kind: 'phone' | 'email'; value: string }): Promise<string> {
  const reply = await app.dialogs.engine.handle({ channel: 'telegram', orgId: org.orgId, connectionId: botId, externalUserId: user, chatId: user, eventKey: `${user}-1`, input: { kind: 'command', command: 'start' } });
  const [identity] = await sql<{ person_id: string }>('select person_id from identities where id = ?', [reply.identityId]);
  return app.db.withTenant(org.orgId, async (em) => {
    if (contact) {
      const added = await upsertContact(em, org.orgId, identity!.person_id, { ...contact, consentService: true, consentSource: 'test' }, new Date());
      if (!added.ok) throw new Error(JSON.stringify(added.error));
    }
    return (await fileAppeal(em, { orgId: org.orgId, type: 'question', personId: identity!.person_id, identityId: reply.identityId, channel: 'telegram', text: 'Когда перерасчёт?', now: new Date() })).id;
  });
}
const answer = (appealId: string) => app.db.withTenant(org.orgId, async (em) => {
  const r = await replyToAppeal(em, { orgId: org.orgId, userId: staffId, now: new Date() }, appealId, { text: 'Перерасчёт будет в декабре.', then: 'answered' });
  if (!r.ok) throw new Error(r.error);
  return r.value.messageId;
});
const deliveredVia = async (messageId: string) => (await sql<{ delivered_via: string | null }>('select delivered_via from appeal_messages where id = ?', [messageId]))[0]!.delivered_via;

describe.skipIf(!serverUrl && !requireServices)('a staff answer on its way to the resident', () => {
  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl!);
    dir = await mkdtemp(path.join(tmpdir(), 'fp-appeals-delivery-'));
    telegram = makeFakeTelegram({ token: TOKEN });
    const apiRoot = await telegram.listen();
    sms = await startFakeSmsRu({ apiId: API_ID });
    app = await compose(parseConfig({
      DATABASE_URL: scratch.url, SECRET_KEY: 'k'.repeat(48), DATA_DIR: dir, LOG_LEVEL: 'silent', TELEGRAM_API_URL: apiRoot, SMS_RU_API_ID: API_ID, SMS_API_URL: sms.url,
    }));
    org = await makePaymentsOrg(app.db, 'appeals-delivery', { accounts: 1 });
    const bot = await app.connections.add(org.orgId, { channel: 'telegram', title: 'Бот УК', token: TOKEN });
    if (!bot.ok) throw new Error('bot');
    botId = bot.value.id;
    staffId = randomUUID();
    await app.db.withoutTenant((em) => em.execute(`insert into users (id, email, full_name, password_hash, active, platform_operator, created_at) values (?, ?, 'Оператор', 'x', true, false, now())`, [staffId, `${staffId}@t.test`]));
    await sql(`insert into memberships (id, org_id, user_id, role, active, created_at) values (?, ?, ?, 'operator', true, now())`, [randomUUID(), org.orgId, staffId]);
    worker = await startWorker(app);
  });
  afterAll(async () => {
    await worker?.stop();
    await app?.close();
    await telegram?.close();
    await sms?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reaches the Telegram chat the resident wrote from and records it', async () => {
    const messageId = await answer(await residentAppeal('601'));
    await waitFor(() => telegram.accepted('sendMessage').some((c) => String(c.payload.chat_id) === '601' && String(c.payload.text).includes('Перерасчёт будет в декабре.')), 10_000, 'the answer in Telegram');
    for (let i = 0; i < 50 && (await deliveredVia(messageId)) === null; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await deliveredVia(messageId)).toBe('telegram');
    expect(sms.sent).toHaveLength(0);
  });

  it('goes by SMS to the consented phone when the resident blocked the bot', async () => {
    telegram.block('602');
    const messageId = await answer(await residentAppeal('602', { kind: 'phone', value: '+79001112233' }));
    await waitFor(() => sms.sent.length > 0, 10_000, 'the SMS');
    expect(sms.sent[0]).toMatchObject({ to: '79001112233' });
    expect(sms.sent[0]!.text).toContain('Перерасчёт будет в декабре.');
    for (let i = 0; i < 50 && (await deliveredVia(messageId)) === null; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await deliveredVia(messageId)).toBe('sms');
  });

  it('tells the assignee to call when neither the chat nor a consented contact can take it', async () => {
    telegram.block('603');
    const appealId = await residentAppeal('603');
    const messageId = await answer(appealId);
    const undelivered = async () => (await sql(`select 1 from appeal_events where appeal_id = ? and kind = 'undelivered'`, [appealId])).length;
    for (let i = 0; i < 100 && (await undelivered()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await undelivered()).toBe(1);
    expect(await deliveredVia(messageId)).toBeNull();
    const [note] = await sql<{ user_id: string }>(`select user_id from staff_notifications where appeal_id = ? and kind = 'undelivered'`, [appealId]);
    expect(note!.user_id).toBe(staffId);
  });
});
