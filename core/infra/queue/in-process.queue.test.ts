import { afterEach, describe, expect, it } from 'vitest';
import { makeInProcessQueue } from './in-process.queue.ts';
import type { Job, QueuePort } from './queue.port.ts';
import { recordingLogger, sleep, waitFor } from './queue.test-helpers.ts';

// Behaviour the shared contract cannot pin down because BullMQ keeps it in Redis: how long finished ids dedupe.
describe('in-process queue', () => {
  let queue: QueuePort;
  afterEach(async () => queue.close());

  const collect = (keepFinished: { completedMs?: number; count?: number }) => {
    queue = makeInProcessQueue({ keepFinished, logger: recordingLogger() });
    const seen: Job[] = [];
    queue.work('t', async (job) => void seen.push(job));
    return seen;
  };

  it('runs a finished jobId again once its dedupe time has passed', async () => {
    const seen = collect({ completedMs: 50 });
    await queue.enqueue('t', {}, { jobId: 'bill-1' });
    await waitFor(() => seen.length === 1);
    await sleep(5);
    await queue.enqueue('t', {}, { jobId: 'bill-1' });
    await sleep(20);
    expect(seen).toHaveLength(1);
    await sleep(60);
    await queue.enqueue('t', {}, { jobId: 'bill-1' });
    await waitFor(() => seen.length === 2);
  });

  it('forgets the oldest finished ids beyond the kept count, so memory stays bounded', async () => {
    const seen = collect({ count: 2 });
    for (const jobId of ['a', 'b', 'c']) await queue.enqueue('t', {}, { jobId });
    await waitFor(() => seen.length === 3);
    await sleep(10); // the handler has returned; let the queue record 'c' as finished
    await queue.enqueue('t', {}, { jobId: 'c' }); // still kept → dropped
    await queue.enqueue('t', {}, { jobId: 'a' }); // evicted by 'c' → runs again
    await waitFor(() => seen.length === 4);
    await sleep(20);
    expect(seen.map((j) => j.id)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('dedupes per topic, as BullMQ does per queue', async () => {
    queue = makeInProcessQueue({ logger: recordingLogger() });
    const seen: string[] = [];
    queue.work('x', async (job) => void seen.push(job.topic));
    queue.work('y', async (job) => void seen.push(job.topic));
    await queue.enqueue('x', {}, { jobId: 'same' });
    await queue.enqueue('y', {}, { jobId: 'same' });
    await waitFor(() => seen.length === 2);
    expect(seen.sort()).toEqual(['x', 'y']);
  });

  it('hands handlers a JSON copy of the payload, as BullMQ would', async () => {
    const seen = collect({});
    const payload = { at: new Date('2026-11-25T09:00:00Z'), list: [1] };
    await queue.enqueue('t', payload);
    payload.list.push(2);
    await waitFor(() => seen.length === 1);
    expect(seen[0]!.payload).toEqual({ at: '2026-11-25T09:00:00.000Z', list: [1] });
  });

  it('refuses jobs after close, and logs the delayed ones it drops', async () => {
    const logger = recordingLogger();
    queue = makeInProcessQueue({ logger });
    await queue.enqueue('t', {}, { delayMs: 60_000 });
    await queue.close();
    await expect(queue.enqueue('t', {})).rejects.toThrow(/closed/);
    expect(logger.entries).toEqual([expect.objectContaining({ level: 'warn', fields: { dropped: 1 } })]);
  });
});
