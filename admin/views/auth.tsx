import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { ErrorSummary, Field, Notice, type FormErrors } from './components.tsx';

export function LoginPage(p: PageProps & { email?: string; next?: string; errors?: FormErrors; notice?: string }) {
  const { t } = p;
  return (
    <Layout {...p} title={t('login.title')}>
      <form method="post" action="/admin/login" class="card auth" novalidate>
        <Notice>{p.notice}</Notice>
        <ErrorSummary t={t} errors={p.errors} />
        <CsrfField csrf={p.csrf} />
        <input type="hidden" name="next" value={p.next ?? ''} />
        <Field t={t} name="email" type="email" label={t('login.email')} value={p.email} autocomplete="username" required />
        <Field t={t} name="password" type="password" label={t('login.password')} autocomplete="current-password" required />
        <div class="actions">
          <button type="submit">{t('login.submit')}</button>
          <a href="/admin/password/forgot">{t('login.forgot')}</a>
        </div>
      </form>
    </Layout>
  );
}

export function ForgotPage(p: PageProps & { sent?: boolean }) {
  const { t } = p;
  return (
    <Layout {...p} title={t('forgot.title')}>
      <form method="post" action="/admin/password/forgot" class="card auth">
        {p.sent ? <Notice>{t('forgot.sent')}</Notice> : <p>{t('forgot.explain')}</p>}
        <CsrfField csrf={p.csrf} />
        <Field t={t} name="email" type="email" label={t('login.email')} autocomplete="username" required />
        <button type="submit">{t('forgot.submit')}</button>
      </form>
    </Layout>
  );
}

export function SetPasswordPage(p: PageProps & { token: string; errors?: FormErrors }) {
  const { t } = p;
  return (
    <Layout {...p} title={t('setPassword.title')}>
      <form method="post" action="/admin/password/set" class="card auth" novalidate>
        <ErrorSummary t={t} errors={p.errors} />
        <CsrfField csrf={p.csrf} />
        <input type="hidden" name="token" value={p.token} />
        <Field t={t} name="password" type="password" label={t('setPassword.password')} hint={t('setPassword.hint')} autocomplete="new-password" required />
        <button type="submit">{t('setPassword.submit')}</button>
      </form>
    </Layout>
  );
}
