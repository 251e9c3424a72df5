/**
 * The job queue port. Two adapters: BullMQ (server mode, REDIS_URL set) and in-process (embedded mode).
 * Delivery is at least once in both: every effect a handler makes must be guarded by a database unique key.
 */
export type JobPayload = Readonly<Record<string, unknown>>;

export type EnqueueOptions = {
  /** Same jobId while the job is waiting, running or kept as done → enqueued once. */
  readonly jobId?: string;
  readonly delayMs?: number;
  /** Total tries including the first (default 5). */
  readonly attempts?: number;
};

export type Job = {
  readonly id: string;
  readonly topic: string;
  readonly payload: JobPayload;
  /** 1 on the first try. */
  readonly attempt: number;
};

export type JobHandler = (job: Job) => Promise<void>;

export type WorkerOptions = {
  readonly concurrency?: number;
  /** At most `max` jobs start per `durationMs` across the whole topic (e.g. Telegram's 30 msg/s). */
  readonly limiter?: { readonly max: number; readonly durationMs: number };
};

/** What the adapters log: failures they swallow (retries, final failures, connection errors). Pino's logger fits. */
export type QueueLogger = {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

export type QueueHealth = { readonly ok: boolean; readonly kind: 'bullmq' | 'in-process'; readonly detail?: string };

export type QueuePort = {
  readonly kind: 'bullmq' | 'in-process';
  enqueue(topic: string, payload: JobPayload, options?: EnqueueOptions): Promise<string>;
  /** Starts consuming a topic. A handler that throws is retried with exponential backoff; an error whose
   * `permanent` is true (see PermanentJobError) is not retried. */
  work(topic: string, handler: JobHandler, options?: WorkerOptions): void;
  health(): Promise<QueueHealth>;
  /** Stops taking jobs, waits for running ones, releases connections. */
  close(): Promise<void>;
};

/** A failure that retrying cannot fix (bad payload, missing row). BullMQ adapter maps it to UnrecoverableError. */
export class PermanentJobError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

export const isPermanentJobError = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { permanent?: unknown }).permanent === true;

/** Recurring schedules: BullMQ job schedulers in server mode (one job per tick across instances), node-cron embedded. */
export type SchedulePort = {
  /** Cron with seconds optional (`0 0 * * *`), evaluated in `tz`; each tick enqueues `topic` with `payload`. */
  upsert(id: string, cron: string, tz: string, topic: string, payload?: JobPayload): Promise<void>;
  remove(id: string): Promise<void>;
  close(): Promise<void>;
};
