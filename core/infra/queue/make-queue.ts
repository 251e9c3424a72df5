import { makeBullmqQueue } from './bullmq.queue.ts';
import { makeBullmqSchedule } from './bullmq.schedule.ts';
import { makeInProcessQueue } from './in-process.queue.ts';
import { makeCronSchedule } from './node-cron.schedule.ts';
import type { QueueLogger, QueuePort, SchedulePort } from './queue.port.ts';

export type MakeQueueOptions = {
  /** Set → server mode (BullMQ + job schedulers); unset → embedded mode (in memory + node-cron). */
  readonly redisUrl?: string;
  readonly prefix?: string;
  readonly defaultAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly logger?: QueueLogger;
};

/** Close `schedule` before `queue`, so no tick is enqueued into a closed queue. */
export const makeQueue = (options: MakeQueueOptions = {}): { queue: QueuePort; schedule: SchedulePort } => {
  const { redisUrl, prefix, defaultAttempts, backoffBaseMs, logger } = options;
  if (redisUrl) {
    const common = { redisUrl, prefix, defaultAttempts, backoffBaseMs, logger };
    return { queue: makeBullmqQueue(common), schedule: makeBullmqSchedule(common) };
  }
  const queue = makeInProcessQueue({ defaultAttempts, backoffBaseMs, logger });
  return { queue, schedule: makeCronSchedule(queue, { logger }) };
};
