import { schedule as cronSchedule, validate } from 'node-cron';
import type { Logger as CronLogger, ScheduledTask } from 'node-cron';
import { consoleQueueLogger, errorFields } from './queue.logger.ts';
import type { JobPayload, QueueLogger, QueuePort, SchedulePort } from './queue.port.ts';

export type CronScheduleOptions = { readonly logger?: QueueLogger };

const toCronLogger = (logger: QueueLogger): CronLogger => ({
  info: () => undefined,
  debug: () => undefined,
  warn: (message) => logger.warn({}, `node-cron: ${message}`),
  error: (message, err) => logger.error({ ...errorFields(err ?? message) }, 'node-cron error'),
});

/**
 * Embedded mode only (STACK.md: BullMQ schedulers in server mode). Each tick enqueues with jobId
 * `${id}:${tick ISO}`, so a tick fired twice (two schedules with one id, a restart inside the same second)
 * is handled once: the queue drops the repeated jobId.
 */
export const makeCronSchedule = (queue: QueuePort, options: CronScheduleOptions = {}): SchedulePort => {
  const logger = options.logger ?? consoleQueueLogger;
  const tasks = new Map<string, ScheduledTask>();

  const stop = async (id: string): Promise<void> => {
    const task = tasks.get(id);
    tasks.delete(id);
    await task?.destroy();
  };

  return {
    async upsert(id: string, cron: string, tz: string, topic: string, payload: JobPayload = {}): Promise<void> {
      if (!validate(cron)) throw new RangeError(`invalid cron expression for schedule ${id}: ${cron}`);
      await stop(id);
      const task = cronSchedule(
        cron,
        async (ctx) => {
          // ctx.date is the scheduled slot (whole seconds), not the moment the timer fired.
          const jobId = `${id}:${ctx.date.toISOString()}`;
          try {
            await queue.enqueue(topic, payload, { jobId });
          } catch (error) {
            logger.error({ scheduleId: id, topic, jobId, ...errorFields(error) }, 'schedule tick not enqueued');
          }
        },
        { timezone: tz, name: id, logger: toCronLogger(logger) },
      );
      tasks.set(id, task);
    },

    remove: stop,

    async close(): Promise<void> {
      await Promise.all([...tasks.keys()].map(stop));
    },
  };
};
