import { completingOutbox, makeOutboxRelay, pruneOutbox, type OutboxRelay } from '../core/infra/outbox/outbox.ts';
import type { App } from './compose.ts';
import { RECEIPT_TOPIC } from '../core/payments/index.ts';
import { pruneConversations } from '../core/conversations/index.ts';
import { sendReceipt } from '../dialogs/receipts.ts';
import { startBots } from './bots.ts';
import { startAppealsWork } from './appeals-worker.ts';
import { PermanentJobError } from '../core/infra/queue/queue.port.ts';

export const TOPICS = { prune: 'maintenance.prune', reconcile: 'payments.reconcile' } as const;

/**
 * Queue consumers and schedules. Server mode runs this as `familypay worker` (any number of them: BullMQ job
 * schedulers make one job per tick); embedded mode runs it inside `serve`.
 */
export async function startWorker(app: App): Promise<{ stop(): Promise<void> }> {
  // Every handler goes through completingOutbox: a job that came from the outbox is done only when it succeeded.
  const work: typeof app.queue.work = (topic, handler, options) => app.queue.work(topic, completingOutbox(app.db, handler), options);
  work(TOPICS.prune, async () => {
    const removed = await app.db.withoutTenant(async (em) => ({
      ...await pruneOutbox(em, app.clock.now()), conversations: await pruneConversations(em, app.clock.now()),
    }));
    app.logger.info(removed, 'pruned outbox and old effect keys');
  });
  await app.schedule.upsert('maintenance-prune', '30 3 * * *', app.config.TZ_DEFAULT, TOPICS.prune);
  // Payments the bank never told us about are asked about (GetState) every five minutes.
  work(TOPICS.reconcile, async () => {
    const summary = await app.payments.reconcile();
    if (summary.asked > 0) app.logger.info(summary, 'reconciled pending payments');
  });
  await app.schedule.upsert('payments-reconcile', '*/5 * * * *', app.config.TZ_DEFAULT, TOPICS.reconcile);
  // Resident bots: receipts of chat payments; the channels' runners and outbound queues (cli/bots.ts).
  work(RECEIPT_TOPIC, async (job) => {
    const { orgId, paymentId } = job.payload as { orgId?: unknown; paymentId?: unknown };
    if (typeof orgId !== 'string' || typeof paymentId !== 'string') throw new PermanentJobError('receipt job without orgId/paymentId');
    await sendReceipt({ db: app.db, clock: app.clock, payments: app.payments, deliver: app.dialogs.deliver }, orgId, paymentId);
  });
  await startAppealsWork(app, work);
  const bots = await startBots(app, work);
  const relay: OutboxRelay = makeOutboxRelay({
    db: app.db, queue: app.queue, clock: app.clock,
    onError: (e) => app.logger.warn({ err: e }, 'outbox relay could not enqueue; rows stay for the next try'),
  });
  relay.start();
  return { stop: async () => { await bots.stop(); await relay.stop(); } };
}
