import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToOutbox, claimEffect, makeOutboxRelay } from '../core/infra/outbox/outbox.ts';
import { makeInProcessQueue } from '../core/infra/queue/in-process.queue.ts';
import type { Job, QueuePort } from '../core/infra/queue/queue.port.ts';
import { systemClock } from '../core/shared/clock.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

let test: TestDatabase;
beforeAll(async () => { test = await openTestDatabase(); });
afterAll(() => test.drop());

const silent = { warn: () => undefined, error: () => undefined };

async function drain(queue: QueuePort, topic: string, count: number, seen: Job[]): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (seen.filter((j) => j.topic === topic).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
}

describe('outbox', () => {
  it('enqueues an effect only when its transaction commits, and each row once across concurrent relays', async () => {
    const queue = makeInProcessQueue({ logger: silent });
    const seen: Job[] = [];
    queue.work('test.commit', async (job) => { seen.push(job); }, { concurrency: 4 });
    await test.db.withoutTenant(async (em) => {
      for (let i = 0; i < 20; i++) addToOutbox(em, { topic: 'test.commit', payload: { i } }, new Date());
    });
    await expect(test.db.withoutTenant(async (em) => {
      addToOutbox(em, { topic: 'test.commit', payload: { i: 'rolled back' } }, new Date());
      await em.flush();
      throw new Error('state change failed');
    })).rejects.toThrow('state change failed');

    const relays = [1, 2, 3].map(() => makeOutboxRelay({ db: test.db, queue, clock: systemClock, batchSize: 7 }));
    for (let round = 0; round < 4; round++) await Promise.all(relays.map((r) => r.runOnce()));
    await drain(queue, 'test.commit', 20, seen);
    expect(seen.map((j) => j.payload.i).sort((a, b) => Number(a) - Number(b))).toEqual([...Array(20).keys()]);
    await queue.close();
  });

  it('keeps rows when the queue is down and delivers them once it is back', async () => {
    let down = true;
    const real = makeInProcessQueue({ logger: silent });
    const seen: Job[] = [];
    real.work('test.outage', async (job) => { seen.push(job); });
    const flaky: QueuePort = { ...real, enqueue: (...args) => (down ? Promise.reject(new Error('Redis is down')) : real.enqueue(...args)) };
    await test.db.withoutTenant(async (em) => {
      for (let i = 0; i < 3; i++) addToOutbox(em, { topic: 'test.outage', payload: { i }, jobId: `outage:${i}` }, new Date());
    });
    const relay = makeOutboxRelay({ db: test.db, queue: flaky, clock: systemClock });
    await expect(relay.runOnce()).rejects.toThrow('Redis is down');
    const [pending] = await test.db.withoutTenant((em) => em.execute<{ n: number; attempts: number }[]>(
      `select count(*)::int as n, max(attempts)::int as attempts from outbox where topic = 'test.outage' and dispatched_at is null`));
    expect(pending).toEqual({ n: 3, attempts: 1 });
    down = false;
    expect(await relay.runOnce()).toBe(3);
    await drain(real, 'test.outage', 3, seen);
    expect(seen.map((j) => j.id).sort()).toEqual(['outage:0', 'outage:1', 'outage:2']);
    await real.close();
  });

  it('lets an effect key be claimed once only', async () => {
    const first = await test.db.withoutTenant((em) => claimEffect(em, 'receipt:42'));
    const second = await test.db.withoutTenant((em) => claimEffect(em, 'receipt:42'));
    expect([first, second]).toEqual([true, false]);
  });

  it('forgets a claim whose transaction rolled back, so the retry can apply it', async () => {
    await expect(test.db.withoutTenant(async (em) => {
      expect(await claimEffect(em, 'receipt:43')).toBe(true);
      throw new Error('effect failed half-way');
    })).rejects.toThrow();
    expect(await test.db.withoutTenant((em) => claimEffect(em, 'receipt:43'))).toBe(true);
  });
});
