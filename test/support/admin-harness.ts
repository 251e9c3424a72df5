import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Router } from 'express';
import { makeAccountsService, type AccountsService } from '../../core/accounts/index.ts';
import { makeLogger } from '../../core/infra/logger/logger.ts';
import { makeMailer } from '../../core/infra/mail/mailer.ts';
import { makeOrgsService, type OrgsService } from '../../core/orgs/index.ts';
import { makeRegistriesService, type RegistriesService } from '../../core/registries/index.ts';
import { settableClock, type SettableClock } from '../../core/shared/index.ts';
import { makeStaffAuthService, type StaffAuthService } from '../../core/staff/index.ts';
import { makeAdminRouter } from '../../admin/admin.router.tsx';
import { makePaymentsService, type PaymentsService } from '../../core/payments/index.ts';
import { makeHttpApp } from '../../web/http-app.ts';
import { makeConnections, type Connections } from '../../core/conversations/index.ts';
import type { ChannelDeps } from '../../admin/routes/channels.routes.tsx';
import type { Database } from '../../core/infra/database/database.ts';

export type AdminHarness = {
  readonly url: string;
  readonly router: Router;
  readonly orgs: OrgsService;
  readonly accounts: AccountsService;
  readonly registries: RegistriesService;
  /** Sandbox-bank payments; notifications are applied with `payments.hook` (the harness serves no hooks). */
  readonly payments: PaymentsService;
  readonly auth: StaffAuthService;
  readonly clock: SettableClock;
  /** The organisation's bots (admin/channels); the phone robot's secret is TEST_VOICE_SECRET. */
  readonly connections: Connections;
  readonly mails: string[];
  close(): Promise<void>;
};

export const TEST_SECRET = 's'.repeat(64);
export const TEST_VOICE_SECRET = 'voice-secret-for-tests-0123456789';

/** The admin app on 127.0.0.1:<random>, over the given test database, with mail captured in `mails`. */
export async function startAdmin(db: Database, options: { secure?: boolean } = {}): Promise<AdminHarness> {
  const clock = settableClock(new Date());
  const mails: string[] = [];
  const orgs = makeOrgsService({ db, clock });
  const accounts = makeAccountsService({ db, clock });
  const registries = makeRegistriesService({ db, clock });
  const auth = makeStaffAuthService({ db, clock, secretKey: TEST_SECRET });
  let url = '';
  const payments = makePaymentsService({ db, clock, secretKey: TEST_SECRET, provider: 'sandbox', publicUrl: () => url, sandboxRetryMs: [0] });
  const channels: ChannelDeps = { connections: makeConnections({ db, clock, secretKey: TEST_SECRET }), voiceSecret: TEST_VOICE_SECRET };
  const router = makeAdminRouter({
    ...channels,
    db, clock, orgs, accounts, registries, payments, auth, secretKey: TEST_SECRET, secure: options.secure ?? false,
    mailer: makeMailer({ from: 'test', print: (text) => mails.push(text) }), logger: makeLogger({ level: 'silent' }),
    get publicUrl() { return url; },
  });
  const app = makeHttpApp(makeLogger({ level: 'silent' }), [router]);
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, router, orgs, accounts, registries, payments, auth, clock, mails, connections: channels.connections, close: () => { payments.close(); return new Promise((r) => server.close(() => r())); } };
}

/** A browser-like HTTP client: keeps cookies, reads the page's CSRF token, never follows redirects by itself. */
export class Browser {
  private readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly base: string) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/Max-Age=0/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
  }

  cookie(name: string): string | undefined { return this.cookies.get(name); }
  setCookie(name: string, value: string): void { this.cookies.set(name, value); }

  async request(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; text: string; location: string | null; bytes: Buffer; headers: Headers }> {
    const res = await fetch(this.base + path, {
      method, redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    this.remember(res);
    // Downloads (ZIP, PNG, NFC records) are read as bytes too.
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const token = /name="csrf-token" content="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, text, location: res.headers.get('location'), bytes, headers: res.headers };
  }

  get(path: string) { return this.request('GET', path); }
  post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) {
    return this.request('POST', path, { _csrf: this.csrf, ...form }, headers);
  }

  async signIn(email: string, password: string): Promise<number> {
    await this.get('/admin/login');
    return (await this.post('/admin/login', { email, password })).status;
  }
}
