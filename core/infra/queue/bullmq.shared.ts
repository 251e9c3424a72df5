import { Queue } from 'bullmq';
import type { DefaultJobOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { errorFields } from './queue.logger.ts';
import type { QueueLogger } from './queue.port.ts';

/** Braces make Redis Cluster hash every key of every topic to one slot, which BullMQ's multi-key scripts need. */
export const DEFAULT_BULLMQ_PREFIX = '{fp}';

/** Shared by the queue and the schedule adapters, so scheduled ticks carry the same retry and retention rules. */
export const bullmqJobOptions = (attempts: number, backoffBaseMs: number): DefaultJobOptions => ({
  attempts,
  backoff: { type: 'exponential', delay: backoffBaseMs },
  // Kept completed jobs are what makes a repeated jobId a no-op for a day (the port's dedupe promise).
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
});

const escape = (id: string): string =>
  id.replace(/[%:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const unescape = (id: string): string =>
  id.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Marks a caller-chosen job id; BullMQ's own ids are integers and its own key names are plain words. */
const CUSTOM_ID_MARK = '=';

/**
 * A job id becomes the Redis key `prefix:topic:id`, beside the queue's own keys, and BullMQ 6 checks only part of
 * that: it rejects ids with ':' (unless in exactly 3 parts) and integer ids, but accepts `marker`, `meta`, `wait`…
 * which then overwrite its internal keys (a job id `marker` broke the queue with WRONGTYPE). So every custom id gets
 * a leading mark no internal key has, and '%' / ':' are percent-escaped; the mapping is readable and reversible.
 */
export const toBullmqId = (id: string): string => CUSTOM_ID_MARK + escape(id);

/** Scheduler ids live under `repeat:<id>` and reappear in `repeat:<id>:<millis>` job ids, so only ':' is unsafe. */
export const toBullmqSchedulerId = (id: string): string => escape(id);

export const fromBullmqId = (id: string): string => unescape(id.startsWith(CUSTOM_ID_MARK) ? id.slice(1) : id);

/** Wrap for `Promise.race`: the loser may still reject later (e.g. when the connection closes), nobody awaits it. */
export const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

export type BullmqConnections = {
  /** Non-blocking client shared by every Queue (producers) and by health checks. */
  readonly client: Redis;
  queueFor(topic: string): Queue;
  lastError(): string | undefined;
  close(): Promise<void>;
};

export const makeBullmqConnections = (
  redisUrl: string,
  prefix: string,
  defaultJobOptions: DefaultJobOptions,
  logger: QueueLogger,
): BullmqConnections => {
  let lastError: string | undefined;
  let errorLogged = false;
  const client = new Redis(redisUrl, { connectTimeout: 1000 });
  // ioredis retries forever on its own; log the first failure of each outage, not every reconnect attempt.
  client.on('error', (e: unknown) => {
    lastError = String((e as { message?: unknown }).message ?? e);
    if (!errorLogged) logger.error({ ...errorFields(e) }, 'redis connection error');
    errorLogged = true;
  });
  client.on('ready', () => {
    lastError = undefined;
    errorLogged = false;
  });
  const queues = new Map<string, Queue>();

  return {
    client,
    queueFor(topic: string): Queue {
      let queue = queues.get(topic);
      if (!queue) {
        queue = new Queue(topic, { connection: client, prefix, defaultJobOptions });
        queue.on('error', (e: unknown) => logger.error({ topic, ...errorFields(e) }, 'bullmq queue error'));
        queues.set(topic, queue);
      }
      return queue;
    },
    lastError: () => lastError,
    async close(): Promise<void> {
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      queues.clear();
      // quit() would wait for a server that may be gone; disconnect() ends reconnect attempts at once.
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
};
