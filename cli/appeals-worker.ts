import {
  APPEAL_TOPICS, deliverByFallback, mailStaffNotification, markDelivered, runAutoClose, runEscalations, type DeliverPayload,
} from '../core/appeals/index.ts';
import { PermanentJobError } from '../core/infra/queue/queue.port.ts';
import { deliverAppealNotice } from '../dialogs/appeal-notices.ts';
import type { OutboundMessage } from '../dialogs/channel.port.ts';
import { alertDispatchers } from '../dialogs/dispatch-alert.ts';
import type { DeliveryReport } from '../dialogs/outbound.ts';
import type { App } from './compose.ts';

/** The sweep's pace: an emergency's 5-minute acknowledgement is alerted at most this late. */
export const SWEEP_CRON = '*/10 * * * * *';

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v === '') throw new PermanentJobError(`appeal job without ${name}`);
  return v;
};

const outreach = (app: App) => ({ db: app.db, clock: app.clock, mailer: app.mailer, sms: app.sms, publicUrl: () => app.publicUrl });

/** What the outbound queues report about staff answers: delivered, or handed to e-mail/SMS. */
export function appealDeliveryReport(app: App): DeliveryReport {
  return {
    delivered: async (m: OutboundMessage) => {
      await app.db.withTenant(m.orgId, (em) => markDelivered(em, m.orgId, m.appealMessageId!, m.channel, app.clock.now()));
    },
    undeliverable: async (m: OutboundMessage, reason: string) => {
      app.logger.info({ orgId: m.orgId, messageId: m.appealMessageId, channel: m.channel, reason }, 'appeal answer undeliverable in chat; trying e-mail or SMS');
      await app.queue.enqueue(APPEAL_TOPICS.fallback, { orgId: m.orgId, messageId: m.appealMessageId }, { jobId: `appeal-fallback:${m.appealMessageId}` });
    },
  };
}

/**
 * Appeals in the worker: messages to residents' chats, e-mail/SMS fallbacks, staff e-mails, the dispatcher alert,
 * and the escalation sweep whose timers live in the database (so a restarted worker picks them up as they were).
 */
export async function startAppealsWork(app: App, work: App['queue']['work']): Promise<void> {
  work(APPEAL_TOPICS.deliver, async (job) => {
    const p = job.payload as Partial<DeliverPayload>;
    await deliverAppealNotice({
      db: app.db, clock: app.clock, deliver: app.dialogs.deliver, fileUrl: app.dialogs.fileUrl,
      fallback: (orgId, messageId) => deliverByFallback(outreach(app), orgId, messageId),
    }, { orgId: str(p.orgId, 'orgId'), appealId: str(p.appealId, 'appealId'), kind: p.kind ?? 'answer', ...(p.messageId ? { messageId: p.messageId } : {}) });
  }, { concurrency: 4 });
  work(APPEAL_TOPICS.fallback, async (job) => {
    await deliverByFallback(outreach(app), str(job.payload.orgId, 'orgId'), str(job.payload.messageId, 'messageId'));
  });
  work(APPEAL_TOPICS.notify, async (job) => {
    await mailStaffNotification(outreach(app), str(job.payload.orgId, 'orgId'), str(job.payload.notificationId, 'notificationId'));
  });
  work(APPEAL_TOPICS.dispatch, async (job) => {
    await alertDispatchers({ db: app.db, clock: app.clock, deliver: app.dialogs.deliver, publicUrl: () => app.publicUrl },
      str(job.payload.orgId, 'orgId'), str(job.payload.appealId, 'appealId'));
  });
  work(APPEAL_TOPICS.sweep, async () => {
    const made = await runEscalations(app.db, app.clock.now());
    const closed = await runAutoClose(app.db, app.clock.now());
    if (made + closed > 0) app.logger.info({ made, closed }, 'appeal escalations made and answered appeals closed');
  }, { concurrency: 1 });
  await app.schedule.upsert('appeals-sweep', SWEEP_CRON, app.config.TZ_DEFAULT, APPEAL_TOPICS.sweep);
}
