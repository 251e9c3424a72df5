import { describe, expect, it } from 'vitest';
import { makeQueue } from './make-queue.ts';
import { silentLogger } from './queue.test-helpers.ts';

describe('makeQueue', () => {
  it('chooses the in-process queue without a Redis URL', async () => {
    const { queue, schedule } = makeQueue({ logger: silentLogger });
    expect(queue.kind).toBe('in-process');
    await schedule.close();
    await queue.close();
  });

  it('chooses BullMQ when a Redis URL is given, without connecting eagerly enough to fail', async () => {
    const { queue, schedule } = makeQueue({ redisUrl: 'redis://127.0.0.1:6390', logger: silentLogger });
    expect(queue.kind).toBe('bullmq');
    await schedule.close();
    await queue.close();
  });
});
