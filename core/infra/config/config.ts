import { z } from 'zod';

/**
 * The one place that reads process.env (STYLE.md). Parsed once at start; a bad value stops the process with
 * one line naming the variable and the expected form.
 */
const url = (protocols: readonly string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  });

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Each variable: its schema, the expected form shown on error, its default and an example (for the README table). */
export const CONFIG_VARIABLES = {
  DATABASE_URL: {
    schema: url(['postgres:', 'postgresql:']).optional(),
    expected: 'a PostgreSQL URL such as postgres://familypay@127.0.0.1:5432/familypay',
    default: '(unset: embedded PGlite under DATA_DIR)',
    example: 'postgres://familypay_owner@127.0.0.1:5432/familypay',
    about: 'Server mode database, connected as the owner that runs migrations.',
  },
  DATABASE_APP_URL: {
    schema: url(['postgres:', 'postgresql:']).optional(),
    expected: 'a PostgreSQL URL of the application role',
    default: '(unset: DATABASE_URL, then SET ROLE familypay_app)',
    example: 'postgres://familypay_app:secret@127.0.0.1:5432/familypay',
    about: 'The application login: a member of familypay_app that owns nothing and is not a superuser, so row-level security applies.',
  },
  DATABASE_POOL_MAX: {
    schema: z.coerce.number().int().min(1).max(200).default(10),
    expected: 'a whole number from 1 to 200',
    default: '10',
    example: '20',
    about: 'Connections per process (server mode).',
  },
  REDIS_URL: {
    schema: url(['redis:', 'rediss:']).optional(),
    expected: 'a Redis URL such as redis://127.0.0.1:6379',
    default: '(unset: in-process queue and node-cron)',
    example: 'redis://127.0.0.1:6379',
    about: 'BullMQ queues and job schedulers (server mode).',
  },
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(3000),
    expected: 'a TCP port from 0 to 65535',
    default: '3000',
    example: '8080',
    about: 'HTTP port of `familypay serve`.',
  },
  HOST: {
    schema: z.string().min(1).default('0.0.0.0'),
    expected: 'an interface address',
    default: '0.0.0.0',
    example: '127.0.0.1',
    about: 'HTTP listen address.',
  },
  PUBLIC_URL: {
    schema: url(['http:', 'https:']).optional(),
    expected: 'an http(s) URL such as https://pay.example.ru',
    default: '(unset: http://localhost:PORT)',
    example: 'https://pay.familypay.ru',
    about: 'Where residents and webhooks reach the service; https turns on Secure cookies and webhooks.',
  },
  DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    expected: 'a directory path',
    default: './data',
    example: '/var/lib/familypay',
    about: 'Embedded database, generated secret key, stored files.',
  },
  SECRET_KEY: {
    schema: z.string().min(32).optional(),
    expected: 'at least 32 characters (e.g. `openssl rand -hex 32`)',
    default: '(unset: generated once and kept in DATA_DIR/secret.key)',
    example: '3f9c…(64 hex chars)',
    about: 'Signs links and sessions. Required to be the same on every server process.',
  },
  TZ_DEFAULT: {
    schema: z.string().refine(isTimeZone).default('Europe/Moscow'),
    expected: 'an IANA time zone such as Europe/Moscow',
    default: 'Europe/Moscow',
    example: 'Asia/Yekaterinburg',
    about: 'Zone of business days and cut-offs for organisations that do not set their own.',
  },
  SMTP_URL: {
    schema: url(['smtp:', 'smtps:']).optional(),
    expected: 'an SMTP URL such as smtps://user:password@smtp.example.ru:465',
    default: '(unset: e-mails are printed on the console)',
    example: 'smtps://noreply%40uk.ru:secret@smtp.yandex.ru:465',
    about: 'Outgoing mail: password-reset and invitation links.',
  },
  MAIL_FROM: {
    schema: z.string().min(3).max(200).default('FamilyPay <no-reply@familypay.local>'),
    expected: 'a sender such as "УК Демо <no-reply@uk.ru>"',
    default: 'FamilyPay <no-reply@familypay.local>',
    example: 'Семейные платежи <no-reply@familypay.ru>',
    about: 'Sender of outgoing mail.',
  },
  SMS_RU_API_ID: {
    schema: z.string().min(8).max(128).optional(),
    expected: 'the api_id from the SMS.ru account (a key such as A3CA597E-3ACF-4E7D-82EE-CF82B52B1A8B)',
    default: '(unset: SMS is printed on the console)',
    example: '(secret)',
    about: 'SMS.ru key for appeal answers to residents whom the messenger cannot reach and who consented; never logged.',
  },
  SMS_API_URL: {
    schema: url(['https:', 'http:']).default('https://sms.ru'),
    expected: 'an http(s) URL of the SMS.ru API',
    default: 'https://sms.ru',
    example: 'https://sms.ru',
    about: 'Where SMS are sent (a local fake in tests).',
  },
  SMS_FROM: {
    schema: z.string().min(1).max(15).optional(),
    expected: 'a sender name approved in the SMS.ru account (up to 11 Latin letters, or a number)',
    default: "(unset: the account's default sender)",
    example: 'UK-Demo',
    about: 'Sender name residents see on an SMS.',
  },
  DEMO_ADMIN_PASSWORD: {
    schema: z.string().min(10).optional(),
    expected: 'at least 10 characters',
    default: '(unset: generated, kept in DATA_DIR/demo-admin-password.txt and printed at start)',
    example: 'демо-пароль-2026',
    about: 'Password of admin@demo.familypay.local, the demo organisation\'s administrator.',
  },
  PAYMENT_PROVIDER: {
    schema: z.enum(['sandbox', 'tbank']).default('sandbox'),
    expected: 'sandbox or tbank',
    default: 'sandbox',
    example: 'tbank',
    about: 'Who takes residents\' money: the built-in sandbox bank (demo, embedded trials) or T-Bank acquiring with СБП.',
  },
  TBANK_API_URL: {
    schema: url(['https:', 'http:']).default('https://securepay.tinkoff.ru/v2/'),
    expected: 'the base URL of T-Bank Acquiring API v2, ending in /v2/',
    default: 'https://securepay.tinkoff.ru/v2/',
    example: 'https://rest-api-test.tinkoff.ru/v2/',
    about: 'T-Bank API endpoint (the test contour for trials).',
  },
  TBANK_TERMINAL_KEY: {
    schema: z.string().min(1).max(64).optional(),
    expected: 'the TerminalKey from the T-Bank merchant account',
    default: '(unset)',
    example: '1700000000000DEMO',
    about: 'Required when PAYMENT_PROVIDER=tbank.',
  },
  TBANK_PASSWORD: {
    schema: z.string().min(1).max(128).optional(),
    expected: 'the terminal password from the T-Bank merchant account',
    default: '(unset)',
    example: '(secret)',
    about: 'Signs requests and verifies notifications (Token). Required when PAYMENT_PROVIDER=tbank; never logged.',
  },
  TELEGRAM_API_URL: {
    schema: url(['http:', 'https:']).default('https://api.telegram.org'),
    expected: 'an http(s) URL of the Telegram Bot API (a local Bot API server or a proxy)',
    default: 'https://api.telegram.org',
    example: 'http://127.0.0.1:8081',
    about: 'Where the Telegram bots call the Bot API.',
  },
  MAX_API_URL: {
    schema: url(['http:', 'https:']).default('https://platform-api.max.ru'),
    expected: 'an http(s) URL of the MAX Bot API',
    default: 'https://platform-api.max.ru',
    example: 'https://platform-api.max.ru',
    about: 'Where the MAX bots call the Bot API (a connection may override it in admin).',
  },
  VOICE_SECRET: {
    schema: z.string().min(16).max(200).optional(),
    expected: 'at least 16 characters',
    default: '(unset: derived from SECRET_KEY, shown in admin)',
    example: '(secret)',
    about: 'The phone robot platform sends it in X-Voice-Secret with every turn; never logged.',
  },
  WHATSAPP_PACE_MS: {
    schema: z.coerce.number().int().min(200).max(600_000).default(3000),
    expected: 'milliseconds from 200 to 600000',
    default: '3000',
    example: '5000',
    about: 'At least this long between two WhatsApp messages of one session (numbers that write too fast get banned).',
  },
  CHROMIUM_PATH: {
    schema: z.string().min(1).default('/usr/bin/chromium'),
    expected: 'a path to a Chromium binary',
    default: '/usr/bin/chromium',
    example: '/usr/bin/chromium',
    about: 'The browser `familypay whatsapp` drives.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    expected: 'one of fatal, error, warn, info, debug, trace, silent',
    default: 'info',
    example: 'debug',
    about: 'pino log level.',
  },
  DEMO_SEED: {
    schema: z.enum(['auto', 'off']).default('auto'),
    expected: 'auto or off',
    default: 'auto',
    example: 'off',
    about: 'auto: the first `serve` on an empty embedded database creates the demo organisation.',
  },
} as const;

type Vars = typeof CONFIG_VARIABLES;
export type Config = { readonly [K in keyof Vars]: z.output<Vars[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly expected: string) {
    super(`Invalid setting ${variable}: expected ${expected}.`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, as shells and .env files often leave them. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = (spec.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) throw new ConfigError(name, spec.expected);
    out[name] = parsed.data;
  }
  if (out.PAYMENT_PROVIDER === 'tbank' && !(out.TBANK_TERMINAL_KEY && out.TBANK_PASSWORD)) {
    throw new ConfigError(out.TBANK_TERMINAL_KEY ? 'TBANK_PASSWORD' : 'TBANK_TERMINAL_KEY', 'a value when PAYMENT_PROVIDER=tbank');
  }
  return out as Config;
}

export const isEmbedded = (config: Config): boolean => config.DATABASE_URL === undefined;
