import type { Server } from 'node:http';
import { makeHttpApp } from '../web/http-app.ts';
import { healthRoutes } from '../web/health.routes.ts';
import { registriesApi } from '../web/api/registries.api.ts';
import { hooksRoutes } from '../web/hooks.routes.ts';
import { paymentsApi } from '../web/api/payments.api.ts';
import type { Config } from '../core/infra/config/config.ts';
import { translate } from '../core/shared/index.ts';
import { billCode } from '../core/accounts/index.ts';
import { compose, type App } from './compose.ts';
import { seedDemo } from './demo-seed.ts';
import { ensureDemoAdmin } from './demo-admin.ts';
import { ensureDemoAppeals } from './demo-appeals.ts';
import { makeAdminRouter } from '../admin/admin.router.tsx';
import { startWorker } from './worker.ts';
import { payRoutes } from '../web/pay/pay.routes.ts';
import { sandboxRoutes } from '../web/sandbox/sandbox.routes.tsx';
import { filesRoutes } from '../web/files.routes.ts';
import { webchatRoutes } from '../bots/webchat/index.ts';
import { voiceRoutes } from '../bots/voice/index.ts';
import { botRoutes } from './bots.ts';

export type Running = { readonly app: App; readonly server: Server; readonly url: string; stop(): Promise<void> };

const say = (key: string, vars: Readonly<Record<string, unknown>>) => console.log(translate('ru', `cli.${key}`, vars));

/**
 * `familypay serve`. Embedded mode is one process: it also runs the worker, and seeds the demo organisation
 * on a database that has none yet.
 */
export async function serve(config: Config, options: { quiet?: boolean } = {}): Promise<Running> {
  const startedAt = new Date();
  const app = await compose(config);
  let demoAdmin: { email: string; password: string | null } | undefined;
  let demoOrgId: string | undefined;
  if (app.embedded && config.DEMO_SEED === 'auto') {
    const summary = await seedDemo(app);
    if (summary.created && !options.quiet) say('demoCreated', { ...summary });
    demoAdmin = await ensureDemoAdmin(app, summary.orgId);
    await ensureDemoAppeals(app, summary.orgId);
    demoOrgId = summary.orgId;
  }
  const worker = app.embedded ? await startWorker(app) : undefined;
  const publicOrigin = config.PUBLIC_URL ? new URL(config.PUBLIC_URL).origin : undefined;
  const admin = makeAdminRouter({
    ...app, secretKey: app.secretKey, secure: publicOrigin?.startsWith('https:') ?? false, publicOrigin,
    // Read at each use: the address is known only once the server listens (app.publicUrl, set below).
    get publicUrl() { return app.publicUrl; },
  });
  const api = registriesApi({ db: app.db, clock: app.clock, registries: app.registries, logger: app.logger });
  const hooks = hooksRoutes({ payments: app.payments, logger: app.logger });
  const secure = publicOrigin?.startsWith('https:') ?? false;
  const webchat = webchatRoutes({ dialogs: app.dialogs.engine, orgBySlug: app.orgLookup.bySlug, pending: app.chatPending, logger: app.logger, secure });
  const voice = voiceRoutes({ dialogs: app.dialogs.engine, resolveOrg: async (to) => (await app.orgLookup.byVoiceNumber(to))?.id ?? null, secret: () => app.voiceSecret, logger: app.logger });
  const files = filesRoutes({ db: app.db, clock: app.clock, secretKey: app.secretKey });
  const http = makeHttpApp(app.logger, [...botRoutes(app), webchat, voice, files, healthRoutes({ database: app.db, queue: app.queue, version: app.version, startedAt }), hooks, api, paymentsApi({ db: app.db, clock: app.clock, payments: app.payments }), admin,
    payRoutes({ payments: app.payments, clock: app.clock, publicUrl: () => app.publicUrl }), sandboxRoutes({ sandbox: app.payments.sandbox, publicUrl: () => app.publicUrl })]);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = http.listen(config.PORT, config.HOST, () => resolve(s)).once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;
  app.publicUrl = url;
  if (!options.quiet) {
    say('started', { mode: app.embedded ? 'embedded' : 'server', url });
    say('health', { url: `${url}/health` });
    if (demoAdmin?.password) say('demoAdmin', { url: `${url}/admin`, email: demoAdmin.email, password: demoAdmin.password });
    const demoPay = demoOrgId ? await demoPayLink(app, demoOrgId) : null;
    if (demoPay) say('demoPayLink', { number: demoPay.number, url: `${url}/pay/${demoPay.token}` });
    if (demoPay) say('demoChat', { url: `${url}/chat/demo`, number: demoPay.number, code: demoPay.code });
  }
  app.logger.info({ port, mode: app.embedded ? 'embedded' : 'server', startupMs: Date.now() - startedAt.getTime() }, 'serving');
  return {
    app, server, url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker?.stop();
      await app.close();
    },
  };
}

/**
 * The demo's first account that owes something, as a signed pay link: one click from the console to a payment.
 * Shortest numbers first: the first house keeps the customer's own (100001…), which people type and remember.
 */
async function demoPayLink(app: App, orgId: string): Promise<{ number: string; token: string; code: string } | null> {
  const [account] = await app.db.withTenant(orgId, (em) => em.execute<{ id: string; number: string }[]>(
    `select a.id, a.number from accounts a where a.org_id = ? and a.status = 'open'
       and exists (select 1 from charges c where c.org_id = a.org_id and c.account_id = a.id and c.to_pay > 0)
     order by length(a.number), a.number limit 1`, [orgId]));
  if (!account) return null;
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Yekaterinburg', year: 'numeric', month: '2-digit' }).format(app.clock.now()).slice(0, 7);
  return {
    number: account.number, token: await app.payments.links.sign({ orgId, purpose: 'account', subjectId: account.id }),
    // The code printed on this month's bill: how a resident proves the account is theirs in the bot.
    code: billCode(app.secretKey, orgId, account.id, month),
  };
}
