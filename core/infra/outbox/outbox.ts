import type { Em, Database } from '../database/database.ts';
import type { JobHandler, JobPayload, QueuePort } from '../queue/queue.port.ts';
import type { Clock } from '../../shared/index.ts';
import { OutboxMessage } from './outbox.entity.ts';

export type OutboxEffect = {
  readonly topic: string;
  readonly payload: JobPayload;
  /** Stable id of the effect (e.g. `receipt:<paymentId>`); defaults to `outbox:<row id>`. */
  readonly jobId?: string;
  readonly orgId?: string | null;
  /** Not before this moment (the relay holds the row until then). */
  readonly availableAt?: Date;
};

/**
 * Records an effect in the caller's transaction: it reaches the queue only if the state change commits, and
 * it survives Redis being down or emptied (RELIABILITY.md Q2).
 */
export function addToOutbox(em: Em, effect: OutboxEffect, now: Date): void {
  em.create(OutboxMessage, {
    orgId: effect.orgId ?? null,
    topic: effect.topic,
    payload: { ...effect.payload },
    jobId: effect.jobId ?? '',
    availableAt: effect.availableAt ?? now,
  });
}

/**
 * Marks an effect key as applied in the caller's transaction. false → another delivery already applied it,
 * so the handler must do nothing (queues deliver at least once).
 */
export async function claimEffect(em: Em, key: string): Promise<boolean> {
  const rows = await em.execute<{ key: string }[]>(
    'insert into applied_effects (key, created_at) values (?, now()) on conflict (key) do nothing returning key', [key]);
  return rows.length === 1;
}

type RelayRow = { id: string | number; topic: string; payload: JobPayload; job_id: string; org_id: string | null };

/** Payload key that ties a job back to its outbox row, so its handler's success can be recorded. */
export const OUTBOX_ID = '_outboxId';

export type OutboxRelay = {
  /** Hands up to `batchSize` due rows to the queue; returns how many were enqueued. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
};

export type RelayOptions = {
  db: Database; queue: QueuePort; clock: Clock;
  batchSize?: number; intervalMs?: number;
  /** A dispatched row whose job has not completed after this long is handed over again (default 10 min). */
  redeliverAfterMs?: number;
  /** After this many hand-overs the row is left for an operator (its last_error says so). */
  maxDispatches?: number;
  onError?: (e: unknown) => void;
};

/**
 * Moves outbox rows to the queue. A row counts as done only when its job's handler succeeded
 * (completeOutboxJob), so a queue that lost jobs — Redis restarted empty, or the embedded process died — gets
 * them again; the jobId makes a hand-over of a job the queue still holds a no-op. SKIP LOCKED lets several
 * relays share the table.
 */
export function makeOutboxRelay(options: RelayOptions): OutboxRelay {
  const { db, queue, clock } = options;
  const batchSize = options.batchSize ?? 500;
  const redeliverAfterMs = options.redeliverAfterMs ?? 10 * 60_000;
  const maxDispatches = options.maxDispatches ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const runOnce = () => db.withoutTenant(async (em) => {
    const now = clock.now();
    const rows = await em.execute<RelayRow[]>(
      `select id, topic, payload, job_id, org_id from outbox
       where completed_at is null and available_at <= ? and dispatches < ?
         and (dispatched_at is null or dispatched_at <= ?)
       order by id limit ? for update skip locked`,
      [now, maxDispatches, new Date(now.getTime() - redeliverAfterMs), batchSize]);
    const done: (string | number)[] = [];
    let failure: unknown;
    for (const row of rows) {
      try {
        await queue.enqueue(row.topic, { ...row.payload, [OUTBOX_ID]: String(row.id) }, { jobId: row.job_id || `outbox:${row.id}` });
        done.push(row.id);
      } catch (e) {
        failure = e;
        break;
      }
    }
    // Record what reached the queue even when a later row failed, so it is not handed over again needlessly.
    if (done.length) {
      await em.execute(`update outbox set dispatched_at = ?, dispatches = dispatches + 1 where id in (${done.map(() => '?').join(',')})`,
        [now, ...done]);
    }
    if (failure !== undefined) {
      const message = failure instanceof Error ? failure.message.slice(0, 500) : 'enqueue failed';
      await em.execute('update outbox set last_error = ? where id = ?', [message, rows[done.length]!.id]);
    }
    return { moved: done.length, failure };
  }).then(({ moved, failure }) => {
    if (failure !== undefined) throw failure;
    return moved;
  });

  const tick = async () => {
    try {
      running = runOnce();
      const moved = await running;
      timer = setTimeout(tick, moved === batchSize ? 0 : (options.intervalMs ?? 500));
    } catch (e) {
      options.onError?.(e);
      timer = setTimeout(tick, Math.max(options.intervalMs ?? 500, 2_000));
    }
  };

  return {
    runOnce,
    start: () => { if (!timer) timer = setTimeout(tick, 0); },
    stop: async () => {
      clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

/** Wraps a job handler: when the job came from the outbox, its success marks the row completed. */
export function completingOutbox(db: Database, handler: JobHandler): JobHandler {
  return async (job) => {
    await handler(job);
    const id = job.payload[OUTBOX_ID];
    if (typeof id === 'string') {
      await db.withoutTenant((em) => em.execute('update outbox set completed_at = now() where id = ? and completed_at is null', [id]));
    }
  };
}

/** Completed rows are kept a week for inspection; applied effect keys 400 days (longer than any redelivery). */
export async function pruneOutbox(em: Em, now: Date): Promise<{ outbox: number; effects: number }> {
  const week = new Date(now.getTime() - 7 * 86_400_000);
  const longAgo = new Date(now.getTime() - 400 * 86_400_000);
  const outbox = await em.execute<{ id: string }[]>('delete from outbox where completed_at < ? returning id', [week]);
  const effects = await em.execute<{ key: string }[]>('delete from applied_effects where created_at < ? returning key', [longAgo]);
  return { outbox: outbox.length, effects: effects.length };
}
