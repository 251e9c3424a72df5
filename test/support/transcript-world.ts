import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { billCode } from '../../core/accounts/index.ts';
import { makeConnections, type Connections } from '../../core/conversations/index.ts';
import { makeFileSource } from '../../core/documents/index.ts';
import type { Database } from '../../core/infra/database/database.ts';
import { makeLogger, type Logger } from '../../core/infra/logger/logger.ts';
import { makeInProcessQueue } from '../../core/infra/queue/in-process.queue.ts';
import type { JobHandler, QueuePort } from '../../core/infra/queue/queue.port.ts';
import { makePaymentsService, type PaymentsService } from '../../core/payments/index.ts';
import { systemClock } from '../../core/shared/index.ts';
import type { ChannelSender, FileStore } from '../../dialogs/channel.port.ts';
import { makeDialogs, type Dialogs } from '../../dialogs/dialogs.ts';
import { monthIn } from '../../dialogs/flows/common.ts';
import { OUTBOUND_LIMITS, outboundHandler, outboundTopic } from '../../dialogs/outbound.ts';
import type { DialogChannel } from '../../dialogs/types.ts';
import { makeHttpApp } from '../../web/http-app.ts';
import { HARNESS_SECRET } from './dialog-harness.ts';
import { makePaymentsOrg } from './payments-fixture.ts';
import { openTestDatabase, type TestDatabase } from './test-database.ts';
import type { Fixture } from '../transcripts/script.ts';

/**
 * What every transcript file runs on: one database, one organisation, the real dialogs (makeDialogs) with the
 * embedded queue, and the outbound handlers a worker registers. The queue is watched, so a test can wait until
 * every reply and notification queued so far has gone out through the channel's sender.
 */
export type World = {
  readonly db: Database;
  readonly orgId: string;
  readonly fx: Fixture;
  readonly payments: PaymentsService;
  readonly dialogs: Dialogs;
  readonly queue: QueuePort;
  readonly connections: Connections;
  readonly files: FileStore;
  readonly logger: Logger;
  /** Registers a channel's sender on `outbound.<channel>` as cli/bots.ts does. */
  sendWith(channel: DialogChannel, sender: ChannelSender): void;
  /** Resolves once every job queued so far (and the jobs those queued) has finished. */
  settle(timeoutMs?: number): Promise<void>;
  /** Whether a job id was queued on a topic (WhatsApp queues inbound messages after the client event). */
  queued(topic: string, jobId: string): boolean;
  /** The routes on an express app at 127.0.0.1:0, as serve mounts them; returns the base URL. */
  serve(routers: readonly Router[]): Promise<string>;
  /** Rows the resident's channel identity has: its person's linked accounts and its appeals. */
  resident(channel: DialogChannel, externalId: string): ResidentRows;
  /** Counts that must not move when a webhook is refused (RELIABILITY.md A5). */
  footprint(): Promise<string>;
  close(): Promise<void>;
};

export type ResidentRows = {
  links(): Promise<{ number: string; proof: string }[]>;
  appeals(): Promise<{ type: string; category: string | null; urgent: boolean; attachments: number; text: string }[]>;
};

export const PUBLIC_URL = 'https://familypay.test';
export const DISPATCHER_PHONE = '+73422000001';
export const VOICE_NUMBER = '+73422000002';
export const OPERATOR_PHONE = '+73422000003';
/** The phone the organisation recorded (a registry import) for the payer of `fx.phoneAccount`. */
export const ACCOUNT_PHONE = '+79120000055';

export async function makeWorld(slug: string): Promise<World> {
  const test: TestDatabase = await openTestDatabase();
  const db = test.db;
  const org = await makePaymentsOrg(db, slug, { accounts: 6 });
  const orgId = org.orgId;
  const clock = systemClock;
  const logger = makeLogger({ level: 'silent' });
  const payments = makePaymentsService({ db, clock, secretKey: HARNESS_SECRET, provider: 'sandbox', publicUrl: () => PUBLIC_URL, sandboxRetryMs: [0] });
  const watched = watchQueue(makeInProcessQueue({ logger: { warn: () => undefined, error: () => undefined }, backoffBaseMs: 20, defaultAttempts: 3 }));
  const dialogs = makeDialogs({ db, clock, queue: watched.queue, payments, secretKey: HARNESS_SECRET, publicUrl: () => PUBLIC_URL, concurrency: 2 });
  const connections = makeConnections({ db, clock, secretKey: HARNESS_SECRET });
  const files = makeFileSource(db);
  const phoneAccount = org.accounts[5]!;
  const timeZone = await db.withTenant(orgId, async (em) => {
    await em.execute('update organizations set dispatcher_phone = ?, voice_number = ?, operator_phone = ? where id = ?', [DISPATCHER_PHONE, VOICE_NUMBER, OPERATOR_PHONE, orgId]);
    // A payer the organisation knows by phone (as a registry import records it): the proof a shared contact matches.
    const personId = randomUUID();
    await em.execute(`insert into persons (id, org_id, full_name, locale, created_at) values (?, ?, 'Петрова Анна Сергеевна', 'ru', now())`, [personId, orgId]);
    await em.execute(`insert into contacts (id, org_id, person_id, kind, value, created_at) values (gen_random_uuid(), ?, ?, 'phone', ?, now())`, [orgId, personId, ACCOUNT_PHONE]);
    await em.execute(`insert into account_links (id, org_id, account_id, person_id, relation, proof, created_at) values (gen_random_uuid(), ?, ?, ?, 'payer', 'import', now())`,
      [orgId, phoneAccount.id, personId]);
    await addMeters(em, orgId, org.accounts.map((a) => a.id), clock.now());
    const [row] = await em.execute<{ time_zone: string }[]>('select time_zone from organizations where id = ?', [orgId]);
    return row!.time_zone;
  });
  const tokens = new Map<string, string>();
  for (const a of org.accounts) tokens.set(a.id, await payments.links.sign({ orgId, purpose: 'account', subjectId: a.id }));
  const fx: Fixture = {
    accounts: org.accounts,
    phoneAccount: { ...phoneAccount, phone: ACCOUNT_PHONE },
    billCode: (accountId) => billCode(HARNESS_SECRET, orgId, accountId, monthIn(clock.now(), timeZone)),
    token: (accountId) => tokens.get(accountId)!,
    dispatcherPhone: DISPATCHER_PHONE,
    operatorPhone: OPERATOR_PHONE,
  };
  const servers: Server[] = [];

  return {
    db, orgId, fx, payments, dialogs, queue: watched.queue, connections, files, logger,
    sendWith(channel, sender) {
      const limiter = channel === 'telegram' || channel === 'max' ? OUTBOUND_LIMITS[channel] : undefined;
      watched.queue.work(outboundTopic(channel), outboundHandler(sender), { concurrency: 4, ...(limiter ? { limiter } : {}) });
    },
    settle: watched.settle,
    queued: watched.queued,
    async serve(routers) {
      const server = makeHttpApp(logger, routers).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    resident: (channel, externalId) => residentRows(db, orgId, channel, externalId),
    async footprint() {
      const [row] = await db.withTenant(orgId, (em) => em.execute<Record<string, unknown>[]>(
        `select (select count(*) from identities) as identities, (select count(*) from persons) as persons,
           (select coalesce(sum(seq), 0) from dialog_states) as seqs, (select count(*) from dialog_states) as states,
           (select count(*) from dialog_inbox) as inbox, (select count(*) from account_links) as links, (select count(*) from appeals) as appeals`));
      return JSON.stringify(row);
    },
    async close() {
      for (const s of servers) await new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
      await watched.queue.close();
      payments.close();
      await test.drop();
    },
  };
}

/** One cold-water meter per account with six months of history: 100, 110, … 150 up to last month. */
async function addMeters(em: Parameters<Parameters<Database['withTenant']>[1]>[0], orgId: string, accountIds: readonly string[], now: Date): Promise<void> {
  await em.execute(`update services set name = 'Холодная вода', unit = 'м³' where org_id = ? and code = 'HVS'`, [orgId]);
  for (const accountId of accountIds) {
    const meterId = randomUUID();
    await em.execute(`insert into meters (id, org_id, account_id, service_id, number, created_at)
      select ?, ?, ?, s.id, '0042', now() from services s where s.org_id = ? and s.code = 'HVS'`, [meterId, orgId, accountId, orgId]);
    for (let back = 6; back >= 1; back--) {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
      await em.execute(`insert into meter_readings (id, org_id, meter_id, period, value, source, created_at) values (gen_random_uuid(), ?, ?, ?, ?, 'registry', now())`,
        [orgId, meterId, d.toISOString().slice(0, 10), String(100 + (6 - back) * 10)]);
    }
  }
}

function residentRows(db: Database, orgId: string, channel: DialogChannel, externalId: string): ResidentRows {
  return {
    links: () => db.withTenant(orgId, (em) => em.execute<{ number: string; proof: string }[]>(
      `select a.number, l.proof from identities i join account_links l on l.org_id = i.org_id and l.person_id = i.person_id
         join accounts a on a.org_id = l.org_id and a.id = l.account_id
       where i.org_id = ? and i.channel = ? and i.external_id = ? order by a.number`, [orgId, channel, externalId])),
    appeals: async () => (await db.withTenant(orgId, (em) => em.execute<{ type: string; category: string | null; urgent: boolean; attachments: unknown; text: string }[]>(
      `select ap.type, ap.category, ap.urgent, ap.text,
         (select coalesce(sum(jsonb_array_length(m.attachments)), 0) from appeal_messages m where m.org_id = ap.org_id and m.appeal_id = ap.id) as attachments
       from appeals ap join identities i on i.org_id = ap.org_id and i.id = ap.identity_id
       where ap.org_id = ? and i.channel = ? and i.external_id = ? order by ap.number`, [orgId, channel, externalId])))
      .map((r) => ({ ...r, attachments: Number(r.attachments) })),
  };
}

/**
 * The queue with a ledger: every job id queued and not yet finished. A failing job stays in the ledger while it
 * retries; one that never succeeds makes settle() time out, naming the topic and the last error.
 */
function watchQueue(inner: QueuePort) {
  const open = new Set<string>();
  const seen = new Set<string>();
  const errors = new Map<string, string>();
  const queue: QueuePort = {
    kind: inner.kind,
    async enqueue(topic, payload, options = {}) {
      const id = await inner.enqueue(topic, payload, options);
      const key = `${topic}\u0000${id}`;
      // The queue ignores an id it already has or had: nothing new will run for it.
      if (!seen.has(key)) { seen.add(key); open.add(key); }
      return id;
    },
    work(topic, handler: JobHandler, options) {
      inner.work(topic, async (job) => {
        const key = `${topic}\u0000${job.id}`;
        try {
          await handler(job);
          open.delete(key);
        } catch (error) {
          errors.set(key, String((error as Error).message ?? error));
          throw error;
        }
      }, options);
    },
    health: () => inner.health(),
    close: () => inner.close(),
  };
  return {
    queue,
    queued: (topic: string, jobId: string) => seen.has(`${topic}\u0000${jobId}`),
    async settle(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (open.size > 0) {
        if (Date.now() > deadline) {
          const stuck = [...open].map((k) => `${k.replace('\u0000', ' ')}${errors.has(k) ? ` (${errors.get(k)})` : ''}`);
          throw new Error(`queued jobs did not finish: ${stuck.join('; ')}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}
