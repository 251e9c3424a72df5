import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import { translate } from '../../core/shared/index.ts';
import type { QueuePort } from '../../core/infra/queue/queue.port.ts';
import type { BotConnection, ConnectionStore, FileStore } from '../../dialogs/channel.port.ts';
import type { WaClient, WaLogger } from './wa-client.port.ts';
import { DEFAULT_PACE_MS, type MayWrite } from './wa-policy.ts';
import { runWhatsapp, type WhatsappSession } from './wa.process.ts';
import { deserialiseOutbound, WHATSAPP_TOPICS } from './wa.jobs.ts';
import { reportingSend, type DeliveryReport } from '../../dialogs/outbound.ts';

export type WhatsappCommandDeps = {
  readonly connections: ConnectionStore;
  readonly queue: QueuePort;
  readonly files: FileStore;
  readonly mayWrite: MayWrite;
  /** Where staff answers' delivery is recorded (cli/appeals-worker.ts). */
  readonly report?: DeliveryReport;
  readonly logger: WaLogger;
  /** DATA_DIR: sessions are kept in <DATA_DIR>/whatsapp/<connection id>. */
  readonly dataDir: string;
  readonly chromiumPath?: string;
  readonly paceMs?: number;
  /** After WhatsApp drops a session, a fresh client is started this much later (a new QR after a logout). */
  readonly restartDelayMs?: number;
  /** Tests pass a fake; the real client is loaded only here, so the rest of the CLI never loads Chromium's driver. */
  readonly makeClient?: (connection: BotConnection) => WaClient | Promise<WaClient>;
  /** Where SIGINT/SIGTERM come from (process by default). */
  readonly signals?: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
  /** Console output for the operator (Russian, from locales/). */
  readonly print?: (line: string) => void;
};

/** A connection may be slowed further in admin (settings.paceMs); a setting under 1 s or faster than the default is ignored. */
export const paceOf = (connection: BotConnection, fallbackMs: number): number => {
  const own = connection.settings.paceMs;
  return typeof own === 'number' && Number.isFinite(own) && own >= 1000 ? Math.max(own, fallbackMs) : fallbackMs;
};

const realClient = (deps: WhatsappCommandDeps) => async (connection: BotConnection): Promise<WaClient> => {
  const { makeWwebjsClient } = await import('./wwebjs.client.ts');
  return makeWwebjsClient({ connectionId: connection.id, dataDir: deps.dataDir, executablePath: deps.chromiumPath });
};

/**
 * `familypay whatsapp [--connection ID]`: one WhatsApp session per active connection, in this process, until
 * SIGINT/SIGTERM. 0 stopped cleanly, 1 nothing to run, 2 a usage mistake.
 */
export async function whatsappCommand(deps: WhatsappCommandDeps, args: readonly string[] = []): Promise<number> {
  const print = deps.print ?? ((line: string) => console.log(line));
  const say = (key: string, vars: Record<string, unknown> = {}) => print(translate('ru', `whatsapp.${key}`, vars));
  let only: string | undefined;
  try {
    only = parseArgs({ args: [...args], options: { connection: { type: 'string' } }, strict: true }).values.connection;
  } catch {
    say('cliUsage');
    return 2;
  }
  const active = (await deps.connections.list('whatsapp')).filter((c) => c.active && (only === undefined || c.id === only));
  if (active.length === 0) { say('cliNone'); return 1; }

  const makeClient = deps.makeClient ?? realClient(deps);
  const sessions = new Map<string, WhatsappSession>();
  const restarts = new Set<NodeJS.Timeout>();
  let stopping = false;

  const start = async (connection: BotConnection): Promise<void> => {
    const session = await runWhatsapp({
      connection, client: await makeClient(connection), queue: deps.queue, connections: deps.connections,
      mayWrite: deps.mayWrite, files: deps.files, logger: deps.logger, paceMs: paceOf(connection, deps.paceMs ?? DEFAULT_PACE_MS), consumeOutbound: false,
      onQr: (qr) => void QRCode.toString(qr, { type: 'terminal', small: true })
        .then((drawing) => { say('cliScanQr', { title: connection.title }); print(drawing); }),
      onDisconnected: () => {
        if (stopping) return;
        const timer = setTimeout(() => {
          restarts.delete(timer);
          void session.stop().then(() => (stopping ? undefined : start(connection))).catch((e: unknown) =>
            deps.logger.error({ connectionId: connection.id, err: e }, 'whatsapp session did not restart'));
        }, deps.restartDelayMs ?? 30_000);
        restarts.add(timer);
      },
    });
    sessions.set(connection.id, session);
  };

  // One consumer for every session of this process: a job goes to the session of its connection.
  deps.queue.work(WHATSAPP_TOPICS.outbound, (job) => reportingSend({ ...job, payload: { message: deserialiseOutbound(job.payload) } }, async (message) => {
    const session = [...sessions.values()].find((s) => s.serves(message));
    // Not ours yet (starting, or restarting after a drop): the queue retries with backoff.
    if (!session) throw Object.assign(new Error('WHATSAPP.NO_SESSION'), { code: 'WHATSAPP.NO_SESSION' });
    await session.deliver(message);
  }, deps.report), { concurrency: 1 });

  for (const connection of active) await start(connection);
  say('cliStarted', { count: active.length });

  const signals = deps.signals ?? process;
  await new Promise<void>((resolve) => {
    signals.once('SIGINT', resolve);
    signals.once('SIGTERM', resolve);
  });
  stopping = true;
  for (const timer of restarts) clearTimeout(timer);
  await Promise.all([...sessions.values()].map((s) => s.stop()));
  say('cliStopped');
  return 0;
}
