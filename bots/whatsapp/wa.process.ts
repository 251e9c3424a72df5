import { translate } from '../../core/shared/index.ts';
import { PermanentJobError, type QueuePort } from '../../core/infra/queue/queue.port.ts';
import type { BotConnection, ConnectionStore, FileStore, OutboundMessage } from '../../dialogs/channel.port.ts';
import type { WaClient, WaLogger, WaMessage } from './wa-client.port.ts';
import { makePacer, type MayWrite } from './wa-policy.ts';
import { renderWhatsapp, type WaSend } from './wa.renderer.ts';
import { toWaUpdate, waUserOf } from './wa-update.ts';
import { deserialiseOutbound, inboundJob, WHATSAPP_TOPICS } from './wa.jobs.ts';

// The worker side lives in wa.jobs.ts (no Chromium there); re-exported so one import serves the integrator.
export { serialiseEvent, deserialiseEvent, whatsappInboundHandler, outboundJob, WHATSAPP_TOPICS } from './wa.jobs.ts';

export type WhatsappDeps = {
  readonly connection: BotConnection;
  readonly client: WaClient;
  readonly queue: QueuePort;
  readonly connections: ConnectionStore;
  readonly mayWrite: MayWrite;
  /** Where the PDF statements we send are kept. */
  readonly files: FileStore;
  readonly logger: WaLogger;
  readonly paceMs?: number;
  readonly random?: () => number;
  /** false when one consumer serves several sessions (whatsappCommand routes jobs by connection). */
  readonly consumeOutbound?: boolean;
  /** The login QR, for a terminal to draw as well as admin. */
  readonly onQr?: (qr: string) => void;
  readonly onDisconnected?: (reason: string) => void;
  /** How long a reply waits for a session that is logging in before its job is retried later (default 10 s). */
  readonly readyWaitMs?: number;
};

export type WhatsappSession = {
  readonly connection: BotConnection;
  /** Whether this session sends for a message's connection (or for its organisation, when the message names none). */
  serves(message: OutboundMessage): boolean;
  /** Checks the opt-in, renders and sends at the pace. Throws PermanentJobError when the resident never wrote. */
  deliver(message: OutboundMessage): Promise<void>;
  isReady(): boolean;
  stop(): Promise<void>;
};

/** Error codes of failures a retry may fix: the session is logging in, or the job is another session's. */
const transient = (code: string): Error => Object.assign(new Error(code), { code });

/** How many finished message keys are remembered, so a job delivered twice does not send twice. */
const SENT_MEMORY = 2000;

/** One WhatsApp session: its login state goes to admin, messages into the queue, queued replies out at the pace. */
export async function runWhatsapp(deps: WhatsappDeps): Promise<WhatsappSession> {
  const { connection, client, queue, connections, logger } = deps;
  const id = connection.id;
  const pacer = makePacer({ paceMs: deps.paceMs, random: deps.random });
  /** message key → parts already sent: a retry after a half-sent reply resumes instead of repeating. */
  const sentParts = new Map<string, number>();
  let ready = false;
  let stopped = false;
  let readyWaiters: (() => void)[] = [];
  let inbound: Promise<void> = Promise.resolve();

  // A database hiccup while reporting must not take the session down.
  const report = (state: string, detail: string | null = null, error?: string): void => {
    void connections.reportState(id, state, detail).catch((e: unknown) => logger.warn({ connectionId: id, err: e }, 'whatsapp state not saved'));
    if (error) void connections.reportError(id, error).catch(() => undefined);
  };

  const remember = (key: string, parts: number): void => {
    sentParts.delete(key);
    sentParts.set(key, parts);
    for (const oldest of sentParts.keys()) {
      if (sentParts.size <= SENT_MEMORY) break;
      sentParts.delete(oldest);
    }
  };

  const send = (chatId: string, part: WaSend): Promise<void> =>
    pacer.run(() => ('text' in part ? client.sendMessage(chatId, part.text) : client.sendMedia(chatId, part.media, part.caption)));

  const enqueueWithRetry = async (payload: ReturnType<typeof inboundJob>): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await queue.enqueue(WHATSAPP_TOPICS.inbound, payload.payload, { jobId: payload.jobId });
        return;
      } catch (e) {
        // WhatsApp does not deliver a message twice, so a short outage of the queue is waited out here.
        if (attempt >= 3 || stopped) throw e;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  };

  /** Resolves true once ready, false after `ms`: a reply queued during a login waits a little instead of failing. */
  const untilReady = (ms: number): Promise<boolean> => {
    if (ready && !stopped) return Promise.resolve(true);
    if (stopped || ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => { clearTimeout(timer); resolve(ready && !stopped); };
      const timer = setTimeout(() => { readyWaiters = readyWaiters.filter((w) => w !== wake); resolve(false); }, ms);
      readyWaiters.push(wake);
    });
  };

  const onMessage = async (msg: WaMessage): Promise<void> => {
    const update = await toWaUpdate(msg, { orgId: connection.orgId ?? '', connectionId: id });
    if (update.kind === 'event') return enqueueWithRetry(inboundJob(update.event));
    // They just wrote to us, so answering is not cold messaging. Their language is unknown here: Russian.
    if (update.kind === 'refuse') await send(update.chatId, { text: translate('ru', `whatsapp.${update.reason}`) });
  };

  client.on('qr', (qr) => {
    if (stopped) return;
    report('qr', qr);
    deps.onQr?.(qr);
  });
  client.on('authenticated', () => logger.info({ connectionId: id }, 'whatsapp authenticated'));
  client.on('ready', () => {
    if (stopped) return;
    ready = true;
    for (const wake of readyWaiters.splice(0)) wake();
    report('ready');
    logger.info({ connectionId: id }, 'whatsapp ready');
  });
  client.on('auth_failure', () => {
    ready = false;
    report('error', null, 'WHATSAPP.AUTH_FAILURE');
    logger.error({ connectionId: id, code: 'WHATSAPP.AUTH_FAILURE' }, 'whatsapp session rejected; scan a new QR');
  });
  client.on('disconnected', (reason) => {
    ready = false;
    if (stopped) return;
    // The reason is WhatsApp's state name (LOGOUT, CONFLICT…), never personal data.
    report('stopped', String(reason), `WHATSAPP.DISCONNECTED ${String(reason)}`);
    logger.warn({ connectionId: id, reason: String(reason) }, 'whatsapp disconnected');
    deps.onDisconnected?.(String(reason));
  });
  client.on('message', (msg) => {
    if (stopped) return;
    // One at a time, so the queue gets a resident's messages in the order they wrote them.
    inbound = inbound.then(() => onMessage(msg)).catch((e: unknown) => {
      logger.error({ connectionId: id, code: 'WHATSAPP.INBOUND_FAILED', err: e }, 'whatsapp message not queued');
    });
  });

  const session: WhatsappSession = {
    connection,
    serves: (m) => (m.connectionId === null ? connection.orgId === null || connection.orgId === m.orgId : m.connectionId === id),
    isReady: () => ready && !stopped,
    async deliver(message) {
      const user = waUserOf(message.chatId);
      if (!user) throw new PermanentJobError('WHATSAPP.BAD_CHAT');
      if (!(await deps.mayWrite(message.orgId, user.userId))) throw new PermanentJobError('WHATSAPP.NOT_OPTED_IN');
      if (!(await untilReady(deps.readyWaitMs ?? 10_000))) throw transient('WHATSAPP.NOT_READY');
      const parts = await renderWhatsapp(message, deps.files);
      for (let i = sentParts.get(message.key) ?? 0; i < parts.length; i++) {
        await send(message.chatId, parts[i]!);
        remember(message.key, i + 1);
      }
      remember(message.key, parts.length);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      ready = false;
      for (const wake of readyWaiters.splice(0)) wake();
      await inbound;
      await pacer.idle();
      await client.destroy().catch((e: unknown) => logger.warn({ connectionId: id, err: e }, 'whatsapp client did not close cleanly'));
      await connections.reportState(id, 'stopped', null).catch(() => undefined);
    },
  };

  if (deps.consumeOutbound !== false) {
    queue.work(WHATSAPP_TOPICS.outbound, async (job) => {
      const message = deserialiseOutbound(job.payload);
      if (!session.serves(message)) throw transient('WHATSAPP.OTHER_SESSION');
      await session.deliver(message);
    }, { concurrency: 1 });
  }

  // Chromium and the login take seconds to minutes (a QR waits for a person); events report the progress.
  client.initialize().catch((e: unknown) => {
    ready = false;
    report('error', null, 'WHATSAPP.START_FAILED');
    logger.error({ connectionId: id, code: 'WHATSAPP.START_FAILED', err: e }, 'whatsapp client did not start');
  });
  return session;
}
