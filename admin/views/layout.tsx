import type { ComponentChildren } from 'preact';
import type { StaffContext } from '../../core/staff/index.ts';
import type { StaffRole } from '../../core/orgs/index.ts';
import type { T } from '../i18n.ts';

export type PageProps = { t: T; csrf: string; staff?: StaffContext; locale: string };

/** Which sections each role sees in the menu; the routes enforce the same rules. */
const SECTIONS: { href: string; key: string; roles: readonly StaffRole[] }[] = [
  { href: '/admin/appeals', key: 'nav.appeals', roles: ['admin', 'accountant', 'operator', 'lawyer'] },
  { href: '/admin/accounts', key: 'nav.accounts', roles: ['admin', 'accountant', 'operator', 'lawyer'] },
  { href: '/admin/registries', key: 'nav.registries', roles: ['admin', 'accountant', 'operator'] },
  { href: '/admin/payments', key: 'nav.payments', roles: ['admin', 'accountant', 'operator', 'lawyer'] },
  { href: '/admin/payments/links', key: 'nav.payLinks', roles: ['admin', 'accountant'] },
  { href: '/admin/residents', key: 'nav.residents', roles: ['admin', 'accountant', 'operator', 'lawyer'] },
  { href: '/admin/channels', key: 'nav.channels', roles: ['admin', 'accountant', 'operator', 'lawyer'] },
  { href: '/admin/settings/payments', key: 'nav.paySettings', roles: ['admin', 'accountant'] },
  { href: '/admin/settings', key: 'nav.settings', roles: ['admin', 'accountant'] },
  { href: '/admin/recipients', key: 'nav.recipients', roles: ['admin', 'accountant'] },
  { href: '/admin/services', key: 'nav.services', roles: ['admin', 'accountant'] },
  { href: '/admin/staff', key: 'nav.staff', roles: ['admin'] },
  { href: '/admin/audit', key: 'nav.audit', roles: ['admin'] },
  { href: '/admin/settings/api-keys', key: 'nav.apiKeys', roles: ['admin'] },
];

export function CsrfField({ csrf }: { csrf: string }) {
  return <input type="hidden" name="_csrf" value={csrf} />;
}

function OrgSwitcher({ t, csrf, staff }: Required<Pick<PageProps, 't' | 'csrf' | 'staff'>>) {
  if (staff.orgs.length < 2) return <span class="org">{staff.current?.shortName ?? ''}</span>;
  return (
    <form method="post" action="/admin/org" class="org-switch">
      <CsrfField csrf={csrf} />
      <label class="visually-hidden" for="org-select">{t('nav.organisation')}</label>
      <select id="org-select" name="orgId" data-autosubmit="">
        {staff.orgs.map((o) => <option value={o.orgId} selected={o.orgId === staff.current?.orgId}>{o.shortName}</option>)}
      </select>
      <noscript><button type="submit">{t('nav.switch')}</button></noscript>
    </form>
  );
}

export function Layout(props: PageProps & { title: string; active?: string; children: ComponentChildren }) {
  const { t, csrf, staff, title, active, children, locale } = props;
  const role = staff?.current?.role;
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${t('product')}`}</title>
        <link rel="stylesheet" href="/admin/static/admin.css" />
        <meta name="csrf-token" content={csrf} />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
        <script src="/admin/static/htmx.min.js" defer></script>
        <script src="/admin/static/admin.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/admin">{t('product')}</a>
          {staff && <OrgSwitcher t={t} csrf={csrf} staff={staff} />}
          {staff && (
            <nav aria-label={t('nav.menu')}>
              {SECTIONS.filter((s) => role && s.roles.includes(role)).map((s) => (
                <a href={s.href} aria-current={active === s.href ? 'page' : undefined}>{t(s.key)}</a>
              ))}
              {staff.user.platformOperator && <a href="/admin/platform/orgs/new">{t('nav.newOrganisation')}</a>}
            </nav>
          )}
          {staff && (
            <form method="post" action="/admin/logout" class="logout">
              <CsrfField csrf={csrf} />
              <span class="who">{staff.user.email}</span>
              <button type="submit" class="link">{t('nav.signOut')}</button>
            </form>
          )}
        </header>
        <main>
          <h1>{title}</h1>
          {children}
        </main>
        <footer>
          <a href={`/admin/lang/ru`} lang="ru">Русский</a> · <a href={`/admin/lang/en`} lang="en">English</a>
        </footer>
      </body>
    </html>
  );
}
