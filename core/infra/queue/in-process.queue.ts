import { randomUUID } from 'node:crypto';
import { consoleQueueLogger, errorFields } from './queue.logger.ts';
import { isPermanentJobError } from './queue.port.ts';
import type { EnqueueOptions, JobHandler, JobPayload, QueueLogger, QueuePort, WorkerOptions } from './queue.port.ts';

export type InProcessQueueOptions = {
  readonly defaultAttempts?: number;
  /** First retry waits this long, then it doubles (BullMQ's exponential backoff). */
  readonly backoffBaseMs?: number;
  readonly logger?: QueueLogger;
  /** How long finished ids keep deduplicating; mirrors the BullMQ adapter's removeOnComplete/removeOnFail. */
  readonly keepFinished?: { readonly completedMs?: number; readonly failedMs?: number; readonly count?: number };
};

type Entry = { readonly id: string; readonly payload: JobPayload; readonly attempts: number; readonly attempt: number };
type Consumer = { readonly handler: JobHandler; readonly concurrency: number; running: number };
type Topic = {
  readonly name: string;
  readonly ready: Entry[];
  readonly consumers: Consumer[];
  limiter?: { readonly max: number; readonly durationMs: number };
  /** Start times inside the current limiter window, oldest first. */
  starts: number[];
  wakeAt?: number;
  /** Ids waiting, delayed or running: enqueueing them again is a no-op, as in BullMQ. */
  readonly pending: Set<string>;
  /** Finished id → time its dedupe ends; insertion order lets the oldest be evicted first. */
  readonly finished: Map<string, number>;
};

const positiveInt = (n: number, what: string): number => {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);
  return n;
};

/** Embedded single-process mode: jobs live in memory and are lost on exit, so handlers must tolerate that too. */
export const makeInProcessQueue = (options: InProcessQueueOptions = {}): QueuePort => {
  const defaultAttempts = positiveInt(options.defaultAttempts ?? 5, 'defaultAttempts');
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const logger = options.logger ?? consoleQueueLogger;
  const keep = { completedMs: 24 * 3600_000, failedMs: 7 * 24 * 3600_000, count: 10_000, ...options.keepFinished };
  const topics = new Map<string, Topic>();
  const timers = new Set<NodeJS.Timeout>();
  const inflight = new Set<Promise<void>>();
  let closing = false;

  const topicOf = (name: string): Topic => {
    let t = topics.get(name);
    if (!t) {
      t = { name, ready: [], consumers: [], starts: [], pending: new Set(), finished: new Map() };
      topics.set(name, t);
    }
    return t;
  };

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const isKnown = (t: Topic, id: string): boolean => {
    if (t.pending.has(id)) return true;
    const until = t.finished.get(id);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    t.finished.delete(id);
    return false;
  };

  const markFinished = (t: Topic, id: string, keepMs: number): void => {
    t.pending.delete(id);
    t.finished.delete(id);
    t.finished.set(id, Date.now() + keepMs);
    for (const oldest of t.finished.keys()) {
      if (t.finished.size <= keep.count) break;
      t.finished.delete(oldest);
    }
  };

  /** Sliding window, stricter than BullMQ's fixed one (STACK.md G22): never more than `max` starts in any `durationMs`. */
  const limiterWaitMs = (t: Topic, now: number): number => {
    if (!t.limiter) return 0;
    const { max, durationMs } = t.limiter;
    t.starts = t.starts.filter((s) => now - s < durationMs);
    return t.starts.length < max ? 0 : t.starts[0]! + durationMs - now;
  };

  const pump = (t: Topic): void => {
    while (!closing && t.ready.length > 0) {
      const consumer = t.consumers.find((c) => c.running < c.concurrency);
      if (!consumer) return;
      const now = Date.now();
      const waitMs = limiterWaitMs(t, now);
      if (waitMs > 0) {
        if (t.wakeAt === undefined || t.wakeAt > now + waitMs) {
          t.wakeAt = now + waitMs;
          later(waitMs, () => {
            t.wakeAt = undefined;
            pump(t);
          });
        }
        return;
      }
      if (t.limiter) t.starts.push(now);
      const entry = t.ready.shift()!;
      const run = execute(t, consumer, entry).finally(() => inflight.delete(run));
      inflight.add(run);
    }
  };

  const execute = async (t: Topic, consumer: Consumer, entry: Entry): Promise<void> => {
    consumer.running += 1;
    try {
      await consumer.handler({ id: entry.id, topic: t.name, payload: entry.payload, attempt: entry.attempt });
      markFinished(t, entry.id, keep.completedMs);
    } catch (error) {
      onFailure(t, entry, error);
    } finally {
      consumer.running -= 1;
      pump(t);
    }
  };

  const onFailure = (t: Topic, entry: Entry, error: unknown): void => {
    const fields = { topic: t.name, jobId: entry.id, attempt: entry.attempt, ...errorFields(error) };
    const permanent = isPermanentJobError(error);
    if (permanent || entry.attempt >= entry.attempts || closing) {
      const why = permanent ? 'permanent error' : closing ? 'queue closing' : 'attempts exhausted';
      logger.error(fields, `job failed: ${why}`);
      markFinished(t, entry.id, keep.failedMs);
      return;
    }
    const delayMs = backoffBaseMs * 2 ** (entry.attempt - 1);
    logger.warn({ ...fields, retryInMs: delayMs }, 'job failed, will retry');
    later(delayMs, () => {
      t.ready.push({ ...entry, attempt: entry.attempt + 1 });
      pump(t);
    });
  };

  return {
    kind: 'in-process',

    async enqueue(topic: string, payload: JobPayload, opts: EnqueueOptions = {}): Promise<string> {
      if (closing) throw new Error(`in-process queue is closed; cannot enqueue to ${topic}`);
      if (opts.jobId === '') throw new RangeError('jobId must not be empty');
      const t = topicOf(topic);
      const id = opts.jobId ?? randomUUID();
      if (isKnown(t, id)) return id;
      // A JSON round trip hands handlers what BullMQ would (Dates become strings), so both modes behave alike.
      const copy = JSON.parse(JSON.stringify(payload)) as JobPayload;
      const entry: Entry = { id, payload: copy, attempts: positiveInt(opts.attempts ?? defaultAttempts, 'attempts'), attempt: 1 };
      t.pending.add(id);
      const push = (): void => {
        t.ready.push(entry);
        pump(t);
      };
      if ((opts.delayMs ?? 0) > 0) later(opts.delayMs!, push);
      else push();
      return id;
    },

    work(topic: string, handler: JobHandler, opts: WorkerOptions = {}): void {
      if (closing) throw new Error(`in-process queue is closed; cannot work on ${topic}`);
      const t = topicOf(topic);
      if (opts.limiter) {
        positiveInt(opts.limiter.max, 'limiter.max');
        t.limiter = opts.limiter;
      }
      t.consumers.push({ handler, concurrency: positiveInt(opts.concurrency ?? 1, 'concurrency'), running: 0 });
      pump(t);
    },

    async health() {
      return closing ? { ok: false, kind: 'in-process', detail: 'closed' } : { ok: true, kind: 'in-process' };
    },

    async close(): Promise<void> {
      if (!closing) {
        closing = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const dropped = [...topics.values()].reduce((n, t) => n + t.pending.size, 0) - inflight.size;
        if (dropped > 0) logger.warn({ dropped }, 'in-process queue closed with jobs not run; they are lost');
      }
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
};
