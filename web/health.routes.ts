import { Router } from 'express';
import type { DatabaseHealth } from '../core/infra/database/database.ts';
import type { QueueHealth } from '../core/infra/queue/queue.port.ts';

export type HealthDeps = {
  readonly database: { health(): Promise<DatabaseHealth> };
  readonly queue: { health(): Promise<QueueHealth> };
  readonly version: string;
  readonly startedAt: Date;
};

/** 200 when the database answers (the queue may degrade: the outbox keeps work), 503 when it does not. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [database, queue] = await Promise.all([deps.database.health(), deps.queue.health()]);
    const status = !database.ok ? 'down' : queue.ok ? 'ok' : 'degraded';
    res.status(database.ok ? 200 : 503).set('Cache-Control', 'no-store').json({
      status,
      version: deps.version,
      uptimeSec: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
      database,
      queue,
    });
  });
  return router;
}
