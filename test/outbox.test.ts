import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToOutbox, claimEffect, completingOutbox, makeOutboxRelay } from '../core/infra/outbox/outbox.ts';
import { makeInProcessQueue } from '../core/infra/queue/in-process.queue.ts';
import type { Job, QueuePort } from '../core/infra/queue/queue.port.ts';
import { settableClock, systemClock } from '../core/shared/index.ts';
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
    const [pending] = await test.db.withoutTenant((em) => em.execute<{ n: number; errors: number }[]>(
      `select count(*)::int as n, count(last_error)::int as errors from outbox where topic = 'test.outage' and dispatched_at is null`));
    expect(pending).toEqual({ n: 3, errors: 1 });
    down = false;
    expect(await relay.runOnce()).toBe(3);
    await drain(real, 'test.outage', 3, seen);
    expect(seen.map((j) => j.id).sort()).toEqual(['outage:0', 'outage:1', 'outage:2']);
    await real.close();
  });

  it('hands jobs the queue lost over again, until their handler has succeeded (RELIABILITY.md Q2)', async () => {
    const clock = settableClock(new Date());
    await test.db.withoutTenant(async (em) => {
      await em.execute('update outbox set completed_at = now() where completed_at is null'); // earlier tests' rows
      for (let i = 0; i < 4; i++) addToOutbox(em, { topic: 'test.lost', payload: { i } }, clock.now());
    });
    // The first queue takes the jobs and then dies with them: Redis restarted empty, or the embedded process crashed.
    const lost = makeInProcessQueue({ logger: silent });
    expect(await makeOutboxRelay({ db: test.db, queue: lost, clock }).runOnce()).toBe(4);
    await lost.close();

    const queue = makeInProcessQueue({ logger: silent });
    const seen: Job[] = [];
    queue.work('test.lost', completingOutbox(test.db, async (job) => { seen.push(job); }));
    const relay = makeOutboxRelay({ db: test.db, queue, clock, redeliverAfterMs: 10 * 60_000 });
    expect(await relay.runOnce()).toBe(0);
    clock.advance(10 * 60_000 + 1);
    expect(await relay.runOnce()).toBe(4);
    await drain(queue, 'test.lost', 4, seen);
    expect(seen.map((j) => j.payload.i).sort()).toEqual([0, 1, 2, 3]);
    const [open] = await test.db.withoutTenant((em) => em.execute<{ n: number }[]>(
      `select count(*)::int as n from outbox where topic = 'test.lost' and completed_at is null`));
    expect(open!.n).toBe(0);
    clock.advance(60 * 60_000);
    expect(await relay.runOnce()).toBe(0);
    await queue.close();
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
