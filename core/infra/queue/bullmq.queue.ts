import { UnrecoverableError, Worker } from 'bullmq';
import type { Job as BullmqJob } from 'bullmq';
import {
  DEFAULT_BULLMQ_PREFIX,
  bullmqJobOptions,
  fromBullmqId,
  makeBullmqConnections,
  toBullmqId,
  withTimeout,
} from './bullmq.shared.ts';
import { consoleQueueLogger, errorFields } from './queue.logger.ts';
import { isPermanentJobError } from './queue.port.ts';
import type { EnqueueOptions, JobHandler, JobPayload, QueueHealth, QueueLogger, QueuePort, WorkerOptions } from './queue.port.ts';

export type BullmqQueueOptions = {
  readonly redisUrl: string;
  /** Redis key prefix; tests pass a random one to stay isolated. Default `{fp}` (see DEFAULT_BULLMQ_PREFIX). */
  readonly prefix?: string;
  readonly defaultAttempts?: number;
  /** First retry waits this long, then it doubles. */
  readonly backoffBaseMs?: number;
  readonly logger?: QueueLogger;
};

/** Health must answer quickly for load balancers even when Redis hangs instead of refusing. */
const HEALTH_TIMEOUT_MS = 900;

export const makeBullmqQueue = (options: BullmqQueueOptions): QueuePort => {
  const prefix = options.prefix ?? DEFAULT_BULLMQ_PREFIX;
  const logger = options.logger ?? consoleQueueLogger;
  const jobOptions = bullmqJobOptions(options.defaultAttempts ?? 5, options.backoffBaseMs ?? 1000);
  const connections = makeBullmqConnections(options.redisUrl, prefix, jobOptions, logger);
  const workers = new Set<Worker>();
  // Enqueue stays open while closing: running jobs may still add follow-ups, and Redis keeps them.
  let state: 'open' | 'closing' | 'closed' = 'open';
  let closing: Promise<void> | undefined;

  const toProcessor =
    (topic: string, handler: JobHandler) =>
    async (job: BullmqJob): Promise<void> => {
      try {
        await handler({ id: fromBullmqId(job.id ?? ''), topic, payload: job.data as JobPayload, attempt: job.attemptsMade + 1 });
      } catch (error) {
        // Recognised by its `permanent` flag, not instanceof: the error may come from another realm or a copy of the port.
        if (isPermanentJobError(error)) {
          const { message, code } = error as { message?: string; code?: unknown };
          // Keep the code: it is what the 'failed' log line reports (STYLE: logs get the code).
          throw Object.assign(new UnrecoverableError(message ?? String(error)), { code });
        }
        throw error;
      }
    };

  return {
    kind: 'bullmq',

    async enqueue(topic: string, payload: JobPayload, opts: EnqueueOptions = {}): Promise<string> {
      if (state === 'closed') throw new Error(`bullmq queue is closed; cannot enqueue to ${topic}`);
      if (opts.jobId === '') throw new RangeError('jobId must not be empty');
      const job = await connections.queueFor(topic).add(topic, payload, {
        ...(opts.jobId !== undefined && { jobId: toBullmqId(opts.jobId) }),
        ...(opts.delayMs !== undefined && opts.delayMs > 0 && { delay: opts.delayMs }),
        ...(opts.attempts !== undefined && { attempts: opts.attempts }),
      });
      return fromBullmqId(job.id ?? '');
    },

    work(topic: string, handler: JobHandler, opts: WorkerOptions = {}): void {
      if (state !== 'open') throw new Error(`bullmq queue is closed; cannot work on ${topic}`);
      const worker = new Worker(topic, toProcessor(topic, handler), {
        // Blocking connections must retry forever (STACK.md G11); BullMQ refuses a shared client for them.
        connection: { url: options.redisUrl, maxRetriesPerRequest: null },
        prefix,
        concurrency: opts.concurrency ?? 1,
        ...(opts.limiter && { limiter: { max: opts.limiter.max, duration: opts.limiter.durationMs } }),
      });
      worker.on('failed', (job, error) => {
        const fields = { topic, jobId: job && fromBullmqId(job.id ?? ''), attempt: job?.attemptsMade, ...errorFields(error) };
        const final = !job || isPermanentJobError(error) || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
        if (final) logger.error(fields, 'job failed');
        else logger.warn(fields, 'job failed, will retry');
      });
      worker.on('error', (error) => logger.error({ topic, ...errorFields(error) }, 'bullmq worker error'));
      workers.add(worker);
    },

    async health(): Promise<QueueHealth> {
      if (state !== 'open') return { ok: false, kind: 'bullmq', detail: state };
      try {
        await withTimeout(connections.client.ping(), HEALTH_TIMEOUT_MS, 'redis ping');
        return { ok: true, kind: 'bullmq' };
      } catch (error) {
        const cause = connections.lastError();
        const detail = `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
        return { ok: false, kind: 'bullmq', detail };
      }
    },

    close(): Promise<void> {
      closing ??= (async () => {
        state = 'closing';
        // Workers first: they finish running jobs, which may still enqueue follow-ups through the queues.
        await Promise.allSettled([...workers].map((w) => w.close()));
        workers.clear();
        state = 'closed';
        await connections.close();
      })();
      return closing;
    },
  };
};
