import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../core/staff/index.ts';
import { emailKey } from '../core/staff/tokens.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { Browser, startAdmin, TEST_SECRET, type AdminHarness } from './support/admin-harness.ts';
import { orgInput } from './fixtures/orgs.ts';

/** RELIABILITY.md A3 (guessing) and A4 (sessions and forms) over HTTP, against the real admin router. */
const PASSWORD = 'correct horse battery';
let test: TestDatabase;
let admin: AdminHarness;
let orgId = '';
let people = 0;

async function newAdmin(): Promise<string> {
  const email = `admin${(people += 1)}@security.test`;
  const added = await admin.orgs.addStaffUser(orgId, { email, fullName: 'Админ', password: PASSWORD }, 'admin');
  if (!added.ok) throw new Error('staff');
  return email;
}

const MINUTE = 60_000;
const stateChangingRoutes = () => (admin.router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack
  .flatMap((l) => (l.route && !l.route.methods.get ? [l.route.path] : []));
const concrete = (path: string) => path.replace(/:(\w+)/g, (_a, name: string) => (name === 'lang' ? 'ru' : '00000000-0000-4000-8000-000000000000'));

beforeAll(async () => {
  test = await openTestDatabase();
  admin = await startAdmin(test.db);
  const org = await admin.orgs.createOrganization(orgInput('security'));
  if (!org.ok) throw new Error('org');
  orgId = org.value.id;
});
afterAll(async () => { await admin.close(); await test.drop(); });

describe('sessions (A4)', () => {
  it('sets an HttpOnly, SameSite session cookie, new at every sign-in, and not the pre-session value', async () => {
    const email = await newAdmin();
    const browser = new Browser(admin.url);
    await browser.get('/admin/login');
    const pre = browser.cookie('fp_pre');
    const res = await fetch(`${admin.url}/admin/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `fp_pre=${pre}` },
      body: new URLSearchParams({ _csrf: browser.csrf, email, password: PASSWORD }).toString(),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('fp_sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toContain(pre!);
    const again = new Browser(admin.url);
    await again.signIn(email, PASSWORD);
    expect(again.cookie('fp_sid')).not.toBe(/fp_sid=([^;]+)/.exec(cookie)![1]);
  });

  it('marks cookies Secure with the __Host- prefix behind HTTPS', async () => {
    const secure = await startAdmin(test.db, { secure: true });
    try {
      const res = await fetch(`${secure.url}/admin/login`);
      expect(res.headers.getSetCookie().join('\n')).toMatch(/^__Host-fp_pre=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    } finally { await secure.close(); }
  });

  it('ends the session on the server at sign-out: the old cookie no longer works', async () => {
    const browser = new Browser(admin.url);
    await browser.signIn(await newAdmin(), PASSWORD);
    const stolen = browser.cookie('fp_sid')!;
    expect((await browser.get('/admin/accounts')).status).toBe(200);
    expect((await browser.post('/admin/logout')).status).toBe(303);
    const replay = new Browser(admin.url);
    replay.setCookie('fp_sid', stolen);
    const res = await replay.get('/admin/accounts');
    expect([res.status, res.location?.startsWith('/admin/login')]).toEqual([303, true]);
  });

  it('ends after 30 idle minutes and after 12 hours however active', async () => {
    const idle = new Browser(admin.url);
    await idle.signIn(await newAdmin(), PASSWORD);
    admin.clock.advance(29 * MINUTE);
    expect((await idle.get('/admin/accounts')).status).toBe(200);
    admin.clock.advance(30 * MINUTE + 1);
    expect((await idle.get('/admin/accounts')).status).toBe(303);

    const busy = new Browser(admin.url);
    await busy.signIn(await newAdmin(), PASSWORD);
    let alive = 0;
    for (let i = 0; i < 40; i++) {
      admin.clock.advance(20 * MINUTE);
      if ((await busy.get('/admin/accounts')).status !== 200) break;
      alive += 20;
    }
    // Alive through 11 h 40 min of requests every 20 minutes, gone at 12 h.
    expect(alive).toBe(700);
  });
});

describe('forms (A4: CSRF on every state-changing route)', () => {
  it.each(['none', 'wrong', 'another session'] as const)('refuses every POST route with %s token', async (kind) => {
    const browser = new Browser(admin.url);
    await browser.signIn(await newAdmin(), PASSWORD);
    const other = new Browser(admin.url);
    await other.signIn(await newAdmin(), PASSWORD);
    const routes = stateChangingRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const path of routes) {
      const token = kind === 'none' ? '' : kind === 'wrong' ? 'x'.repeat(43) : other.csrf;
      const res = await browser.request('POST', concrete(path), { _csrf: token });
      expect(`${path} → ${res.status}`).toBe(`${path} → 403`);
    }
    expect((await browser.get('/admin/accounts')).status).toBe(200);
  });

  it('refuses a POST from a foreign Origin even with the right token', async () => {
    const browser = new Browser(admin.url);
    await browser.signIn(await newAdmin(), PASSWORD);
    const res = await browser.post('/admin/logout', {}, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await browser.get('/admin/accounts')).status).toBe(200);
  });

  it('protects the sign-in form too (login CSRF)', async () => {
    const email = await newAdmin();
    const res = await new Browser(admin.url).request('POST', '/admin/login', { email, password: PASSWORD });
    expect(res.status).toBe(403);
  });
});

describe('guessing (A3)', () => {
  it('answers an unknown e-mail and a wrong password with the same page', async () => {
    const email = await newAdmin();
    const pages: string[] = [];
    for (const [who, password] of [[email, 'wrong password!'], ['nobody@security.test', 'wrong password!']] as const) {
      const browser = new Browser(admin.url);
      await browser.get('/admin/login');
      const res = await browser.post('/admin/login', { email: 'X', password });
      const page = await browser.post('/admin/login', { email: who, password });
      expect(res.status).toBe(401);
      pages.push(page.text.replace(/(csrf-token" content="|name="_csrf" value=")[^"]+/g, '$1').replace(who, 'EMAIL'));
    }
    expect(pages[0]).toBe(pages[1]);
    expect(pages[0]).toContain('Неверная почта или пароль.');
  });

  it(`answers 429 after ${LIMITS.accountFailuresPerHour} failures for one e-mail, even with the right password`, async () => {
    const email = await newAdmin();
    const key = emailKey(TEST_SECRET, email);
    await test.db.withoutTenant((em) => em.execute(
      `insert into login_attempts (email_key, ip, success, at) select ?, '198.51.100.7', false, ? from generate_series(1, ?)`,
      [key, admin.clock.now(), LIMITS.accountFailuresPerHour]));
    const browser = new Browser(admin.url);
    await browser.get('/admin/login');
    const res = await browser.post('/admin/login', { email, password: PASSWORD });
    expect(res.status).toBe(429);
    expect(res.text).toContain('Слишком много неудачных попыток входа');
  });
});

describe('password reset over HTTP', () => {
  it('mails a one-time link, sets the password through it, and says the same for unknown e-mails', async () => {
    const email = await newAdmin();
    const browser = new Browser(admin.url);
    await browser.get('/admin/password/forgot');
    const known = await browser.post('/admin/password/forgot', { email });
    const unknown = await browser.post('/admin/password/forgot', { email: 'nobody@security.test' });
    const strip = (t: string) => t.replace(/(csrf-token" content="|name="_csrf" value=")[^"]+/g, '$1');
    expect(strip(known.text)).toBe(strip(unknown.text));
    expect(admin.mails).toHaveLength(1);
    const link = /\/admin\/password\/set\?token=([\w-]+)/.exec(admin.mails[0]!)!;
    await browser.get(link[0]);
    expect((await browser.post('/admin/password/set', { token: link[1]!, password: 'новый длинный пароль' })).status).toBe(200);
    expect((await browser.post('/admin/password/set', { token: link[1]!, password: 'ещё один пароль!' })).status).toBe(400);
    expect(await new Browser(admin.url).signIn(email, 'новый длинный пароль')).toBe(303);
    expect(await new Browser(admin.url).signIn(email, PASSWORD)).toBe(401);
  });
});

describe('redirects', () => {
  it('does not follow a «next» that leaves the admin app (open redirect)', async () => {
    const email = await newAdmin();
    const browser = new Browser(admin.url);
    await browser.get('/admin/login');
    const res = await browser.post('/admin/login', { email, password: PASSWORD, next: '//evil.example/admin' });
    expect(res.location).toBe('/admin');
  });
});
