import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type App } from '../cli/compose.ts';
import { startWorker } from '../cli/worker.ts';
import { APPEAL_TOPICS, fileAppeal } from '../core/appeals/index.ts';
import { parseConfig } from '../core/infra/config/config.ts';
import { waitFor } from '../core/infra/queue/queue.test-helpers.ts';
import { settableClock } from '../core/shared/index.ts';
import { makeFakeTelegram, type FakeTelegram } from './support/fake-telegram.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';
import { requireServices } from './support/services.ts';
import { createScratchDatabase } from './support/test-database.ts';

const serverUrl = process.env.DATABASE_URL;
const TOKEN = '123456:worker-test-token';
const DISPATCH_CHAT = '-1001234567890';
const FILED = new Date('2026-12-05T20:00:00Z');
const MIN = 60_000;

let scratch: { url: string; drop(): Promise<void> };
let dir: string;
let fake: FakeTelegram;
let apiRoot: string;

/** The app as `familypay worker` composes it (PostgreSQL, the in-process queue) with a clock the test moves. */
async function boot(at: Date): Promise<{ app: App; clock: ReturnType<typeof settableClock>; worker: { stop(): Promise<void> } }> {
  const clock = settableClock(at);
  const app = await compose(parseConfig({ DATABASE_URL: scratch.url, SECRET_KEY: 'k'.repeat(48), DATA_DIR: dir, LOG_LEVEL: 'silent', TELEGRAM_API_URL: apiRoot }), { clock });
  return { app, clock, worker: await startWorker(app) };
}

const alerts = () => fake.accepted('sendMessage').filter((c) => String(c.payload.chat_id) === DISPATCH_CHAT);

describe.skipIf(!serverUrl && !requireServices)('escalation timers across a worker restart', () => {
  let org: PaymentsOrg;
  let appealId: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl!);
    dir = await mkdtemp(path.join(tmpdir(), 'fp-appeals-worker-'));
    fake = makeFakeTelegram({ token: TOKEN });
    apiRoot = await fake.listen();
  });
  afterAll(async () => {
    await fake?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('files an emergency while one worker runs, and the next worker alerts the dispatcher chat at 5 minutes, once', async () => {
    const first = await boot(FILED);
    org = await makePaymentsOrg(first.app.db, 'appeals-worker', { accounts: 1 });
    const bot = await first.app.connections.add(org.orgId, { channel: 'telegram', title: 'Бот УК', token: TOKEN });
    if (!bot.ok) throw new Error('bot');
    await first.app.db.withTenant(org.orgId, async (em) => {
      await em.execute('insert into appeal_settings (org_id, dispatcher_connection_id, dispatcher_chat_id, updated_at) values (?, ?, ?, now())', [org.orgId, bot.value.id, DISPATCH_CHAT]);
      appealId = (await fileAppeal(em, { orgId: org.orgId, type: 'emergency', category: 'leak', urgent: true, accountId: org.accounts[0]!.id, address: 'ул. Ленина, 10, кв. 1', text: 'Течёт стояк', now: FILED })).id;
    });
    // A minute later the worker stops (a deploy, a crash): nothing is due yet.
    first.clock.set(new Date(FILED.getTime() + MIN));
    await first.app.queue.enqueue(APPEAL_TOPICS.sweep, {});
    await new Promise((r) => setTimeout(r, 300));
    await first.worker.stop();
    await first.app.close();
    expect(alerts()).toHaveLength(0);

    // Another worker starts 4 min 59 s after filing: still nothing; at 5 minutes the timer kept in the database fires.
    const second = await boot(new Date(FILED.getTime() + 5 * MIN - 1000));
    try {
      await second.app.queue.enqueue(APPEAL_TOPICS.sweep, {});
      await new Promise((r) => setTimeout(r, 500));
      expect(alerts()).toHaveLength(0);
      second.clock.set(new Date(FILED.getTime() + 5 * MIN));
      await second.app.queue.enqueue(APPEAL_TOPICS.sweep, {});
      await waitFor(() => alerts().length > 0, 10_000, 'the dispatcher alert');
      const text = String(alerts()[0]!.payload.text);
      expect(text).toContain('не принята уже 5 мин');
      expect(text).toContain('ул. Ленина, 10, кв. 1');
      expect(text).toContain(`/admin/appeals/${appealId}`);
      // More sweeps (and the schedule's own ticks) make no second alert.
      for (let i = 0; i < 3; i++) await second.app.queue.enqueue(APPEAL_TOPICS.sweep, {});
      await new Promise((r) => setTimeout(r, 1500));
      expect(alerts()).toHaveLength(1);
      const [row] = await second.app.db.withTenant(org.orgId, (em) => em.execute<{ alerted_at: Date }[]>('select alerted_at from appeals where id = ?', [appealId]));
      expect(new Date(row!.alerted_at).toISOString()).toBe(new Date(FILED.getTime() + 5 * MIN).toISOString());
    } finally {
      await second.worker.stop();
      await second.app.close();
    }
  }, 60_000);
});
