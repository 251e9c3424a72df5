import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentJobError } from './queue.port.ts';
import type { Job, QueueLogger, QueuePort, SchedulePort } from './queue.port.ts';
import { recordingLogger, sleep, waitFor } from './queue.test-helpers.ts';

export type QueueContractHarness = {
  readonly kind: QueuePort['kind'];
  /** Runs before any test; throw here to fail (not skip) the suite when a required service is missing. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  makeQueue(options: { backoffBaseMs: number; logger: QueueLogger }): QueuePort;
  makeSchedule(queue: QueuePort, logger: QueueLogger): SchedulePort;
};

const BACKOFF_MS = 20;

/** One behaviour for both adapters: the embedded mode must not hide bugs that server mode would show. */
export const describeQueueContract = (name: string, harness: QueueContractHarness, options: { skip?: boolean } = {}) =>
  describe.skipIf(options.skip ?? false)(`QueuePort contract: ${name}`, () => {
    const open: { close(): Promise<void> }[] = [];
    let logger = recordingLogger();
    const newQueue = (): QueuePort => {
      const queue = harness.makeQueue({ backoffBaseMs: BACKOFF_MS, logger });
      open.push(queue);
      return queue;
    };
    const newTopic = (): string => `t-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => harness.setup?.());
    afterAll(async () => harness.teardown?.());
    afterEach(async () => {
      // Schedules before queues: a tick must not enqueue into a closed queue.
      for (const c of open.reverse()) await c.close();
      open.length = 0;
      logger = recordingLogger();
    });

    it('delivers the payload, topic, id and first attempt to the worker', async () => {
      const queue = newQueue();
      const topic = newTopic();
      const seen: Job[] = [];
      queue.work(topic, async (job) => void seen.push(job));
      const payload = { account: 'acc-521000909', amountKop: 123_45, lines: [{ service: 'water', m3: 3 }] };
      const id = await queue.enqueue(topic, payload);
      await waitFor(() => seen.length === 1);
      expect(seen[0]).toEqual({ id, topic, payload, attempt: 1 });
    });

    it('handles a jobId once when enqueued twice, and again after it completed', async () => {
      const queue = newQueue();
      const topic = newTopic();
      const jobId = 'invoice:2026-11:acc-1';
      expect(await queue.enqueue(topic, { n: 1 }, { jobId })).toBe(jobId);
      expect(await queue.enqueue(topic, { n: 2 }, { jobId })).toBe(jobId);
      const seen: Job[] = [];
      queue.work(topic, async (job) => void seen.push(job));
      await waitFor(() => seen.length === 1);
      await queue.enqueue(topic, { n: 3 }, { jobId });
      await queue.enqueue(topic, { n: 4 }, { jobId: 'sentinel' });
      // FIFO with concurrency 1: once the sentinel ran, a second copy of jobId would have run before it.
      await waitFor(() => seen.some((j) => j.id === 'sentinel'));
      expect(seen.filter((j) => j.id === jobId).map((j) => j.payload)).toEqual([{ n: 1 }]);
    });

    it('gives the handler back the exact jobId: integers, % and :, and names BullMQ uses for its own keys', async () => {
      const queue = newQueue();
      const topic = newTopic();
      const ids = ['42', 'a:b', 'pay:%3A:x', '-7', 'счёт:1', '=x', 'marker', 'meta', 'wait', 'id', 'events'];
      const seen: string[] = [];
      queue.work(topic, async (job) => void seen.push(job.id));
      for (const jobId of ids) expect(await queue.enqueue(topic, {}, { jobId })).toBe(jobId);
      await waitFor(() => seen.length === ids.length);
      expect(seen).toEqual(ids);
    });

    it('retries a failing handler with a growing attempt number until it succeeds', async () => {
      const queue = newQueue();
      const topic = newTopic();
      const attempts: number[] = [];
      queue.work(topic, async (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error('bank timeout');
      });
      await queue.enqueue(topic, {}, { attempts: 5 });
      await waitFor(() => attempts.length === 3);
      await sleep(BACKOFF_MS * 8);
      expect(attempts).toEqual([1, 2, 3]);
      expect(logger.entries.filter((e) => e.level === 'warn' && e.message.includes('retry'))).toHaveLength(2);
    });

    it('stops after `attempts` tries and logs the final failure', async () => {
      const queue = newQueue();
      const topic = newTopic();
      let calls = 0;
      queue.work(topic, async () => {
        calls += 1;
        throw new Error('still down');
      });
      const id = await queue.enqueue(topic, {}, { attempts: 2 });
      await waitFor(() => logger.entries.some((e) => e.level === 'error' && e.fields.jobId === id));
      await sleep(BACKOFF_MS * 8);
      expect(calls).toBe(2);
    });

    it('does not retry a PermanentJobError', async () => {
      const queue = newQueue();
      const topic = newTopic();
      let calls = 0;
      queue.work(topic, async () => {
        calls += 1;
        throw new PermanentJobError('account not found');
      });
      const id = await queue.enqueue(topic, {}, { attempts: 5 });
      await waitFor(() => logger.entries.some((e) => e.level === 'error' && e.fields.jobId === id));
      await sleep(BACKOFF_MS * 16);
      expect(calls).toBe(1);
    });

    it('holds a delayed job for delayMs while later jobs run', async () => {
      const queue = newQueue();
      const topic = newTopic();
      const done = new Map<string, number>();
      queue.work(topic, async (job) => void done.set(job.id, Date.now()));
      const start = Date.now();
      await queue.enqueue(topic, {}, { jobId: 'late', delayMs: 400 });
      await queue.enqueue(topic, {}, { jobId: 'now' });
      await waitFor(() => done.has('late'), 3000);
      expect(done.get('now')!).toBeLessThan(done.get('late')!);
      expect(done.get('late')! - start).toBeGreaterThanOrEqual(390);
      expect(done.get('late')! - start).toBeLessThan(400 + 1000);
    });

    it('keeps enqueue order and one job at a time with concurrency 1', async () => {
      const queue = newQueue();
      const topic = newTopic();
      for (let n = 0; n < 20; n += 1) await queue.enqueue(topic, { n });
      const order: unknown[] = [];
      let running = 0;
      let maxRunning = 0;
      queue.work(topic, async (job) => {
        maxRunning = Math.max(maxRunning, ++running);
        await sleep(Math.random() * 5);
        order.push(job.payload.n);
        running -= 1;
      });
      await waitFor(() => order.length === 20);
      expect(order).toEqual([...Array(20).keys()]);
      expect(maxRunning).toBe(1);
    });

    it('runs up to `concurrency` jobs at once', async () => {
      const queue = newQueue();
      const topic = newTopic();
      let running = 0;
      let maxRunning = 0;
      let finished = 0;
      queue.work(topic, async () => {
        maxRunning = Math.max(maxRunning, ++running);
        await sleep(100);
        running -= 1;
        finished += 1;
      }, { concurrency: 3 });
      for (let n = 0; n < 6; n += 1) await queue.enqueue(topic, { n });
      await waitFor(() => finished === 6);
      expect(maxRunning).toBe(3);
    });

    it('caps throughput with the limiter: 15 jobs at 5 per 200 ms take at least 400 ms', async () => {
      const queue = newQueue();
      const topic = newTopic();
      for (let n = 0; n < 15; n += 1) await queue.enqueue(topic, { n });
      const starts: number[] = [];
      queue.work(topic, async () => void starts.push(Date.now()), { concurrency: 15, limiter: { max: 5, durationMs: 200 } });
      await waitFor(() => starts.length === 15, 5000);
      expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(390);
    });

    it('processes jobs enqueued before any worker once work() is called', async () => {
      const queue = newQueue();
      const topic = newTopic();
      for (let n = 0; n < 3; n += 1) await queue.enqueue(topic, { n });
      await sleep(100);
      const seen: unknown[] = [];
      queue.work(topic, async (job) => void seen.push(job.payload.n));
      await waitFor(() => seen.length === 3);
      expect(seen).toEqual([0, 1, 2]);
    });

    it('close() waits for the running job, not for delayed ones, and health turns false', async () => {
      const queue = newQueue();
      const topic = newTopic();
      let started = false;
      let finished = false;
      queue.work(topic, async () => {
        started = true;
        await sleep(200);
        finished = true;
      });
      await queue.enqueue(topic, {}, { jobId: 'far-future', delayMs: 60_000 });
      await queue.enqueue(topic, {});
      await waitFor(() => started);
      const closingAt = Date.now();
      await queue.close();
      expect(finished).toBe(true);
      expect(Date.now() - closingAt).toBeLessThan(2000);
      expect((await queue.health()).ok).toBe(false);
    });

    it('reports health ok while open', async () => {
      expect(await newQueue().health()).toEqual({ ok: true, kind: harness.kind });
    });
  });
