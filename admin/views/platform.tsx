import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { ErrorSummary, Field, Notice, Select, type FormErrors } from './components.tsx';
import { categoryOptions, RequisitesFields, timeZoneOptions, type FormValues } from './settings.tsx';
import type { InviteOutcome } from './staff.tsx';

export const NEW_ORG_FIELDS = [
  'slug', 'name', 'shortName', 'category', 'timeZone', 'inn', 'kpp', 'ogrn', 'bankAccount', 'bik', 'corrAccount', 'bankName',
  'adminEmail', 'adminFullName',
] as const;

/** For platform operators: a new organisation and the invitation of its first administrator. */
export function NewOrganizationPage(p: PageProps & {
  values: FormValues; errors?: FormErrors; created?: { name: string; invited: InviteOutcome };
}) {
  const { t, values, errors } = p;
  return (
    <Layout {...p} title={t('platform.title')}>
      {p.created && (
        <Notice>{t('platform.created', { name: p.created.name })} {t(`platform.invitedNotice.${p.created.invited}`)}</Notice>
      )}
      <p class="muted">{t('platform.explain')}</p>
      <form method="post" action="/admin/platform/orgs" class="card" novalidate>
        <ErrorSummary t={t} errors={errors} />
        <CsrfField csrf={p.csrf} />
        <h2>{t('platform.profile')}</h2>
        <Field t={t} name="slug" label={t('platform.slug')} value={values.slug} errors={errors} maxLength={40} hint={t('platform.slugHint')} autocomplete="off" required />
        <Field t={t} name="name" label={t('settings.name')} value={values.name} errors={errors} maxLength={300} required />
        <Field t={t} name="shortName" label={t('settings.shortName')} value={values.shortName} errors={errors} maxLength={160} hint={t('settings.shortNameHint')} />
        <Select t={t} name="category" label={t('settings.category')} value={values.category}
          options={[{ value: '', label: t('common.choose') }, ...categoryOptions(t)]} errors={errors} />
        <Select t={t} name="timeZone" label={t('settings.timeZone')} value={values.timeZone || 'Europe/Moscow'}
          options={timeZoneOptions(t, values.timeZone)} errors={errors} />
        <h2>{t('settings.requisites')}</h2>
        <RequisitesFields t={t} values={values} errors={errors} withOgrn />
        <h2>{t('platform.firstAdmin')}</h2>
        <Field t={t} name="adminEmail" type="email" label={t('platform.adminEmail')} value={values.adminEmail} errors={errors} maxLength={254} autocomplete="off" required />
        <Field t={t} name="adminFullName" label={t('platform.adminFullName')} value={values.adminFullName} errors={errors} maxLength={200} hint={t('platform.optional')} autocomplete="off" />
        <div class="actions"><button type="submit">{t('platform.submit')}</button></div>
      </form>
    </Layout>
  );
}
