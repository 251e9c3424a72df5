import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QueueContractHarness } from './queue.contract.ts';
import type { Job } from './queue.port.ts';
import { recordingLogger, sleep, waitFor } from './queue.test-helpers.ts';

/** SchedulePort against the queue it feeds: node-cron → in-process, BullMQ job schedulers → BullMQ workers. */
export const describeScheduleContract = (name: string, harness: QueueContractHarness, options: { skip?: boolean } = {}) =>
  describe.skipIf(options.skip ?? false)(`SchedulePort contract: ${name}`, () => {
    const open: { close(): Promise<void> }[] = [];
    beforeAll(async () => harness.setup?.());
    afterAll(async () => harness.teardown?.());
    afterEach(async () => {
      // Schedules before the queue: a tick must not enqueue into a closed queue.
      for (const c of open.reverse()) await c.close();
      open.length = 0;
    });

    it('turns a per-second schedule into one job per tick, even when upserted twice, until removed', async () => {
      const logger = recordingLogger();
      const queue = harness.makeQueue({ backoffBaseMs: 20, logger });
      const [first, second] = [harness.makeSchedule(queue, logger), harness.makeSchedule(queue, logger)];
      open.push(queue, first, second);
      const topic = `t-${randomUUID().slice(0, 8)}`;
      const id = `every-second:${randomUUID().slice(0, 8)}`;
      const ticks: Job[] = [];
      const receivedAt: number[] = [];
      queue.work(topic, async (job) => void (ticks.push(job), receivedAt.push(Date.now())), { concurrency: 4 });
      const start = Date.now();
      // Two instances of the app both declare the schedule at start-up.
      await first.upsert(id, '* * * * * *', 'Europe/Moscow', topic, { kind: 'tick' });
      await second.upsert(id, '* * * * * *', 'Europe/Moscow', topic, { kind: 'tick' });
      await waitFor(() => ticks.length >= 2, 4000, 'two ticks');
      await first.remove(id);
      await second.remove(id);
      const elapsedS = (Date.now() - start) / 1000;
      const atRemoval = ticks.length;
      await sleep(1300);
      expect(ticks.length).toBe(atRemoval);
      expect(new Set(ticks.map((t) => t.id)).size).toBe(ticks.length);
      // One job per slot: a slot enqueued twice would show up as two jobs a few ms apart.
      const gaps = receivedAt.slice(1).map((at, i) => at - receivedAt[i]!);
      expect(Math.min(...gaps)).toBeGreaterThan(400);
      expect(ticks.length).toBeLessThanOrEqual(Math.ceil(elapsedS) + 1);
      expect(ticks.every((t) => t.topic === topic && t.payload.kind === 'tick')).toBe(true);
      expect(logger.entries).toEqual([]);
    });

    it('moves a schedule to another topic when upserted with it', async () => {
      const logger = recordingLogger();
      const queue = harness.makeQueue({ backoffBaseMs: 20, logger });
      const schedule = harness.makeSchedule(queue, logger);
      open.push(queue, schedule);
      const [from, to] = [`t-${randomUUID().slice(0, 8)}`, `t-${randomUUID().slice(0, 8)}`];
      const seen: string[] = [];
      for (const topic of [from, to]) queue.work(topic, async (job) => void seen.push(job.topic));
      const id = `moving-${randomUUID().slice(0, 8)}`;
      await schedule.upsert(id, '* * * * * *', 'UTC', from);
      await schedule.upsert(id, '* * * * * *', 'UTC', to);
      await waitFor(() => seen.length >= 2, 4000, 'two ticks');
      await schedule.remove(id);
      expect(seen.every((topic) => topic === to)).toBe(true);
    });

    it('rejects an invalid cron expression', async () => {
      const queue = harness.makeQueue({ backoffBaseMs: 20, logger: recordingLogger() });
      const schedule = harness.makeSchedule(queue, recordingLogger());
      open.push(queue, schedule);
      await expect(schedule.upsert('bad', 'every tuesday', 'Europe/Moscow', 't-bad')).rejects.toThrow();
    });
  });
