import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isEmbedded, type Config } from '../core/infra/config/config.ts';
import { resolveSecretKey } from '../core/infra/config/secret-key.ts';
import { openDatabase, type Database } from '../core/infra/database/database.ts';
import { makeLogger, type Logger } from '../core/infra/logger/logger.ts';
import { makeQueue } from '../core/infra/queue/make-queue.ts';
import type { QueuePort, SchedulePort } from '../core/infra/queue/queue.port.ts';
import { makeOrgsService, type OrgsService } from '../core/orgs/index.ts';
import { makeAccountsService, type AccountsService } from '../core/accounts/index.ts';
import { systemClock, type Clock } from '../core/shared/index.ts';
import { makeStaffAuthService, type StaffAuthService } from '../core/staff/index.ts';
import { makeMailer, type Mailer } from '../core/infra/mail/mailer.ts';
import { makeSms } from '../core/infra/sms/make-sms.ts';
import type { SmsSender } from '../core/infra/sms/sms.port.ts';
import { makeRegistriesService, type RegistriesService } from '../core/registries/index.ts';
import { makePaymentsService, makeTbankProvider, type PaymentsService, type PaymentProvider } from '../core/payments/index.ts';
import { makeChatPending, makeConnections, makeOrgLookup, type ChatPending, type Connections, type OrgLookup } from '../core/conversations/index.ts';
import { createHmac } from 'node:crypto';
import { makeDialogs, type Dialogs } from '../dialogs/dialogs.ts';


/** The one plain deps object every role passes down (STYLE.md: no DI container). */
export type App = {
  readonly config: Config;
  readonly embedded: boolean;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly secretKey: string;
  readonly db: Database;
  readonly queue: QueuePort;
  readonly schedule: SchedulePort;
  readonly orgs: OrgsService;
  readonly accounts: AccountsService;
  readonly auth: StaffAuthService;
  readonly registries: RegistriesService;
  readonly payments: PaymentsService;
  /** Bot connections (tokens sealed), the web chat's waiting messages, and the dialog engine with its outbound queue. */
  readonly connections: Connections;
  readonly chatPending: ChatPending;
  readonly dialogs: Dialogs;
  readonly orgLookup: OrgLookup;
  /** What the phone robot platform must send in X-Voice-Secret (VOICE_SECRET, else derived from the service key). */
  readonly voiceSecret: string;
  /** Where residents and banks reach this service; set by `serve` once it listens. */
  publicUrl: string;
  readonly mailer: Mailer;
  /** SMS for appeal answers the chat could not deliver (SMS.ru, else the console). */
  readonly sms: SmsSender;
  readonly version: string;
  close(): Promise<void>;
};

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function compose(config: Config, options: { migrate?: boolean; logger?: Logger; clock?: Clock } = {}): Promise<App> {
  const logger = options.logger ?? makeLogger({ level: config.LOG_LEVEL });
  const clock = options.clock ?? systemClock;
  const secretKey = await resolveSecretKey(config);
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    appUrl: config.DATABASE_APP_URL,
    pgliteDir: path.join(config.DATA_DIR, 'pglite'),
    poolMax: config.DATABASE_POOL_MAX,
    migrate: options.migrate ?? true,
  });
  const { queue, schedule } = makeQueue({ redisUrl: config.REDIS_URL, logger: queueLogger(logger) });
  const tbank: PaymentProvider[] = config.TBANK_TERMINAL_KEY && config.TBANK_PASSWORD
    ? [makeTbankProvider({ baseUrl: config.TBANK_API_URL, terminalKey: config.TBANK_TERMINAL_KEY, password: config.TBANK_PASSWORD, clock })] : [];
  const app: App = {
    config, embedded: isEmbedded(config), logger, clock, secretKey, db, queue, schedule, version: VERSION,
    orgs: makeOrgsService({ db, clock }),
    accounts: makeAccountsService({ db, clock }),
    auth: makeStaffAuthService({ db, clock, secretKey }),
    registries: makeRegistriesService({ db, clock }),
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    payments: makePaymentsService({
      db, clock, secretKey, provider: config.PAYMENT_PROVIDER, extraProviders: tbank, publicUrl: () => app.publicUrl,
    }),
    mailer: makeMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM }),
    sms: makeSms({ apiId: config.SMS_RU_API_ID, baseUrl: config.SMS_API_URL, ...(config.SMS_FROM ? { from: config.SMS_FROM } : {}) }),
    connections: makeConnections({ db, clock, secretKey }),
    chatPending: makeChatPending({ db, clock }),
    orgLookup: makeOrgLookup(db),
    voiceSecret: config.VOICE_SECRET ?? createHmac('sha256', secretKey).update('voice-robot').digest('base64url').slice(0, 32),
    get dialogs() { return dialogs; },
    close: async () => {
      app.payments.close();
      await schedule.close();
      await queue.close();
      await db.close();
      logger.flush();
    },
  };
  // Half the pool: a turn may hold its connection while a payment takes a second one (dialogs/serial.ts).
  const dialogs = makeDialogs({
    db, clock, queue, payments: app.payments, secretKey, publicUrl: () => app.publicUrl,
    concurrency: Math.max(1, Math.floor((db.mode === 'pglite' ? 2 : config.DATABASE_POOL_MAX) / 2)),
  });
  return app;
}

const queueLogger = (logger: Logger) => ({
  warn: (fields: Record<string, unknown>, message: string) => logger.warn(fields, message),
  error: (fields: Record<string, unknown>, message: string) => logger.error(fields, message),
});
