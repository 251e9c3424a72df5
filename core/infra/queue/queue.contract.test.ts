import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { requireServices } from '../../../test/support/services.ts';
import { makeBullmqQueue } from './bullmq.queue.ts';
import { makeBullmqSchedule } from './bullmq.schedule.ts';
import { makeInProcessQueue } from './in-process.queue.ts';
import { makeCronSchedule } from './node-cron.schedule.ts';
import { describeQueueContract } from './queue.contract.ts';
import type { QueueContractHarness } from './queue.contract.ts';
import { describeScheduleContract } from './schedule.contract.ts';
import { silentLogger } from './queue.test-helpers.ts';

const inProcess: QueueContractHarness = {
  kind: 'in-process',
  makeQueue: (options) => makeInProcessQueue(options),
  makeSchedule: (queue, logger) => makeCronSchedule(queue, { logger }),
};
describeQueueContract('in-process', inProcess);
describeScheduleContract('node-cron → in-process', inProcess);

// A real PING, not a TCP connect: something else may listen on 6379.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const probe = makeBullmqQueue({ redisUrl, logger: silentLogger, prefix: 'fp-probe' });
const redisAnswers = (await probe.health()).ok;
await probe.close();
// Random per file so parallel runs and leftovers never meet; braces keep Redis Cluster's one-slot rule.
const prefix = `{fp-test-${randomBytes(4).toString('hex')}}`;

const bullmq: QueueContractHarness = {
  kind: 'bullmq',
  async setup() {
    if (!redisAnswers) throw new Error(`Redis required (REDIS_URL or REQUIRE_SERVICES=1) but ${redisUrl} does not answer PING`);
  },
  async teardown() {
    if (!redisAnswers) return;
    const redis = new Redis(redisUrl);
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
    await redis.quit();
  },
  makeQueue: (options) => makeBullmqQueue({ redisUrl, prefix, ...options }),
  makeSchedule: (_queue, logger) => makeBullmqSchedule({ redisUrl, prefix, logger, backoffBaseMs: 20 }),
};
const skipBullmq = !redisAnswers && !process.env.REDIS_URL && !requireServices;
describeQueueContract('bullmq', bullmq, { skip: skipBullmq });
describeScheduleContract('bullmq job schedulers → bullmq', bullmq, { skip: skipBullmq });

describe('bullmq queue health without a usable Redis', () => {
  const expectDownWithin = async (url: string, ms: number): Promise<void> => {
    const queue = makeBullmqQueue({ redisUrl: url, logger: silentLogger });
    const start = Date.now();
    const health = await queue.health();
    expect(Date.now() - start).toBeLessThan(ms);
    expect(health).toMatchObject({ ok: false, kind: 'bullmq' });
    expect(health.detail).toBeTruthy();
    await queue.close();
  };

  it('reports ok:false within 1.5 s when nothing listens on the port', async () => {
    await expectDownWithin('redis://127.0.0.1:6390', 1500);
  });

  it('reports ok:false within 1.5 s when the server accepts but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await expectDownWithin(`redis://127.0.0.1:${port}`, 1500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
