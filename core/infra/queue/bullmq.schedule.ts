import { DEFAULT_BULLMQ_PREFIX, bullmqJobOptions, makeBullmqConnections, toBullmqSchedulerId } from './bullmq.shared.ts';
import { consoleQueueLogger } from './queue.logger.ts';
import type { JobPayload, QueueLogger, SchedulePort } from './queue.port.ts';

export type BullmqScheduleOptions = {
  readonly redisUrl: string;
  /** Must equal the BullMQ queue adapter's prefix, or that adapter's workers never see the ticks. */
  readonly prefix?: string;
  readonly defaultAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly logger?: QueueLogger;
};

/**
 * Server mode: BullMQ job schedulers live in Redis, so every instance may upsert the same id at start
 * and each tick still becomes exactly one job. A scheduler belongs to its topic's queue; the id → topic
 * map is kept in Redis too, so `remove` works from any instance and a schedule can move to another topic.
 */
export const makeBullmqSchedule = (options: BullmqScheduleOptions): SchedulePort => {
  const prefix = options.prefix ?? DEFAULT_BULLMQ_PREFIX;
  const logger = options.logger ?? consoleQueueLogger;
  const jobOptions = bullmqJobOptions(options.defaultAttempts ?? 5, options.backoffBaseMs ?? 1000);
  const connections = makeBullmqConnections(options.redisUrl, prefix, jobOptions, logger);
  // Two-part key: BullMQ's own keys have at least three parts (prefix:queue:type), so this cannot collide.
  const topicsKey = `${prefix}:schedule-topics`;

  const removeFrom = async (topic: string, id: string): Promise<void> => {
    await connections.queueFor(topic).removeJobScheduler(toBullmqSchedulerId(id));
  };

  return {
    async upsert(id: string, cron: string, tz: string, topic: string, payload: JobPayload = {}): Promise<void> {
      const previous = await connections.client.hget(topicsKey, id);
      // Upsert first: an invalid cron throws here, before the old schedule is touched.
      await connections.queueFor(topic).upsertJobScheduler(
        toBullmqSchedulerId(id),
        { pattern: cron, tz },
        { name: topic, data: payload, opts: jobOptions },
      );
      await connections.client.hset(topicsKey, id, topic);
      if (previous !== null && previous !== topic) await removeFrom(previous, id);
    },

    async remove(id: string): Promise<void> {
      const topic = await connections.client.hget(topicsKey, id);
      if (topic === null) return;
      await removeFrom(topic, id);
      await connections.client.hdel(topicsKey, id);
    },

    close: () => connections.close(),
  };
};
