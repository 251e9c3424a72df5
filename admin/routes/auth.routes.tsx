import type { Request, Router } from 'express';
import { translate, type Locale } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { clearSessionCookie, locals, requireStaff, setLanguageCookie, setSessionCookie } from '../session.ts';
import { ForgotPage, LoginPage, SetPasswordPage } from '../views/auth.tsx';

/** Only local paths under /admin: an open redirect would hand our sign-in to a phishing page. */
const safeNext = (next: string) => (/^\/admin(\/[\w\-./?=&%]*)?$/.test(next) && !next.startsWith('//') ? next : '/admin');
const clientIp = (req: Request) => (req.ip ?? req.socket.remoteAddress ?? 'unknown').slice(0, 45);

export async function sendPasswordLink(deps: AdminDeps, to: string, token: string, purpose: 'reset' | 'invite', locale: Locale): Promise<void> {
  const link = `${deps.publicUrl}/admin/password/set?token=${encodeURIComponent(token)}`;
  await deps.mailer.send({
    to,
    subject: translate(locale, `mail.${purpose}.subject`),
    text: translate(locale, `mail.${purpose}.text`, { link, hours: purpose === 'reset' ? 1 : 72 }),
  });
}

export function authRoutes(router: Router, deps: AdminDeps): void {
  router.get('/admin/login', (req, res) => {
    if (locals(res).staff) return res.redirect(303, '/admin');
    sendPage(res, <LoginPage {...pageProps(res)} next={typeof req.query.next === 'string' ? req.query.next : ''} />);
  });

  router.post('/admin/login', async (req, res) => {
    const email = field(req.body, 'email');
    const result = await deps.auth.signIn({ email, password: field(req.body, 'password'), ip: clientIp(req), userAgent: req.get('user-agent') });
    if (!result.ok) {
      sendPage(res, <LoginPage {...pageProps(res)} email={email} next={field(req.body, 'next')} errors={[result.error]} />, result.error.code === 'AUTH.TOO_MANY_ATTEMPTS' ? 429 : 401);
      return;
    }
    setSessionCookie(res, deps, result.value.token);
    res.redirect(303, safeNext(field(req.body, 'next')));
  });

  router.post('/admin/logout', requireStaff, async (_req, res) => {
    await deps.auth.signOut(locals(res).sessionToken!);
    clearSessionCookie(res, deps);
    res.redirect(303, '/admin/login');
  });

  router.get('/admin/password/forgot', (_req, res) => sendPage(res, <ForgotPage {...pageProps(res)} />));

  /** The same answer whether or not the e-mail is known. */
  router.post('/admin/password/forgot', async (_req, res) => {
    const email = field(_req.body, 'email');
    const issued = email ? await deps.auth.requestPasswordReset(email) : null;
    if (issued) await sendPasswordLink(deps, email.toLowerCase(), issued.token, 'reset', locals(res).locale);
    sendPage(res, <ForgotPage {...pageProps(res)} sent />);
  });

  router.get('/admin/password/set', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    sendPage(res, <SetPasswordPage {...pageProps(res)} token={token} />);
  });

  router.post('/admin/password/set', async (req, res) => {
    const token = field(req.body, 'token');
    const result = await deps.auth.setPasswordWithToken(token, typeof req.body?.password === 'string' ? req.body.password : '');
    if (!result.ok) return sendPage(res, <SetPasswordPage {...pageProps(res)} token={token} errors={[result.error]} />, 400);
    clearSessionCookie(res, deps);
    sendPage(res, <LoginPage {...pageProps(res)} notice={locals(res).t('setPassword.done')} />);
  });

  router.get('/admin/lang/:lang', (req, res) => {
    const lang = req.params.lang === 'en' ? 'en' : 'ru';
    setLanguageCookie(res, deps, lang);
    const back = req.get('referer');
    res.redirect(303, back && back.startsWith(deps.publicUrl) ? safeNext(new URL(back).pathname + new URL(back).search) : '/admin');
  });

  router.post('/admin/org', requireStaff, async (req, res) => {
    const switched = await deps.auth.switchOrg(locals(res).staff!, field(req.body, 'orgId'));
    if (!switched) return res.status(404).type('text/plain').send(locals(res).t('http.notFound'));
    res.redirect(303, '/admin');
  });
}
