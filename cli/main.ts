import { parseArgs } from 'node:util';
import { ConfigError, parseConfig, type Config } from '../core/infra/config/config.ts';
import { migratePostgres } from '../core/infra/database/database.ts';
import { translate } from '../core/shared/index.ts';
import { compose } from './compose.ts';
import { seedDemo, type DemoSummary } from './demo-seed.ts';
import { ensureDemoAdmin } from './demo-admin.ts';
import { userCommand } from './user-command.ts';
import { linksCommand } from './links-command.ts';
import { verifyCommand } from './verify-command.ts';
import { importCommand } from './import-command.ts';
import { serve } from './serve.ts';
import { startWorker } from './worker.ts';
import { whatsappProcess } from './bots.ts';
import { botsCommand } from './bots-command.ts';

/** Console output of the CLI is for the operator at the terminal: Russian, from locales/. */
const say = (key: string, vars: Readonly<Record<string, unknown>> = {}) => console.log(translate('ru', `cli.${key}`, vars));

export function printSeed(summary: DemoSummary): void {
  say(summary.created ? 'demoCreated' : 'demoExists', { ...summary });
}

async function migrate(config: Config): Promise<void> {
  if (config.DATABASE_URL) {
    const applied = await migratePostgres(config.DATABASE_URL);
    if (applied.length) say('migrated', { names: applied.join(', ') });
    else say('upToDate');
    return;
  }
  const app = await compose(config);
  say('upToDate');
  await app.close();
}

/** Waits for SIGINT/SIGTERM, then stops in order so no job or request is cut mid-way. */
function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) process.exit(1);
    stopping = true;
    say('stopping');
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

async function main(argv: string[]): Promise<void> {
  const [command = 'help', ...rest] = argv;
  const config = parseConfig(process.env);
  switch (command) {
    case 'serve': {
      const running = await serve(config);
      onShutdown(running.stop);
      return;
    }
    case 'worker': {
      const app = await compose(config);
      const worker = await startWorker(app);
      say('workerStarted', { queue: app.queue.kind });
      onShutdown(async () => { await worker.stop(); await app.close(); });
      return;
    }
    case 'migrate':
      return migrate(config);
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' } } });
      if (!values.demo) { say('seedNeedsDemo'); process.exitCode = 2; return; }
      const app = await compose(config);
      try {
        const summary = await seedDemo(app);
        printSeed(summary);
        const admin = await ensureDemoAdmin(app, summary.orgId);
        if (admin.password) say('demoAdmin', { url: `${config.PUBLIC_URL ?? `http://localhost:${config.PORT}`}/admin`, email: admin.email, password: admin.password });
      } finally { await app.close(); }
      return;
    }
    case 'user': {
      const app = await compose(config);
      try { process.exitCode = await userCommand(app, rest); } finally { await app.close(); }
      return;
    }
    case 'import': {
      const app = await compose(config);
      try { process.exitCode = await importCommand(app, rest); } finally { await app.close(); }
      return;
    }
    case 'verify': {
      const app = await compose(config);
      try { process.exitCode = await verifyCommand(app, rest); } finally { await app.close(); }
      return;
    }
    case 'links': {
      const app = await compose(config);
      try { process.exitCode = await linksCommand(app, rest); } finally { await app.close(); }
      return;
    }
    case 'bots': {
      const app = await compose(config);
      try { process.exitCode = await botsCommand(app, rest); } finally { await app.close(); }
      return;
    }
    case 'whatsapp': {
      // Handles SIGINT/SIGTERM itself: the sessions close their browsers before the process ends.
      const app = await compose(config);
      try { process.exitCode = await whatsappProcess(app, rest); } finally { await app.close(); }
      return;
    }
    case 'help': case '--help': case '-h':
      say('usage');
      return;
    default:
      say('unknownCommand', { command });
      say('usage');
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  // A bad setting is one line naming the variable and the expected form; nothing else is printed.
  if (e instanceof ConfigError) console.error(translate('ru', 'CONFIG.INVALID', { variable: e.variable, expected: e.expected }));
  else console.error(e);
  process.exit(1);
});
