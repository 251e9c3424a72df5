import type { ComponentChildren } from 'preact';
import { ORG_CATEGORIES, PAYMENT_METHODS, COMMISSION_MODES, type OrganizationRow } from '../../core/orgs/index.ts';
import type { T } from '../i18n.ts';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { ErrorSummary, Field, Notice, Select, type FormErrors } from './components.tsx';

/** What a form was sent with, kept when it comes back with errors. */
export type FormValues = Readonly<Record<string, string>>;
export type FailedForm<F extends string = string> = { readonly form: F; readonly values: FormValues; readonly errors: FormErrors };

export const PROFILE_FIELDS = ['name', 'shortName', 'category', 'timeZone'] as const;
export const REQUISITE_FIELDS = ['inn', 'kpp', 'ogrn', 'bankAccount', 'bik', 'corrAccount', 'bankName'] as const;

/** Russia's zones, west to east; a zone stored from elsewhere is still offered as it is. */
const RUSSIAN_TIME_ZONES = [
  'Europe/Kaliningrad', 'Europe/Moscow', 'Europe/Samara', 'Asia/Yekaterinburg', 'Asia/Omsk', 'Asia/Novosibirsk',
  'Asia/Krasnoyarsk', 'Asia/Irkutsk', 'Asia/Yakutsk', 'Asia/Vladivostok', 'Asia/Magadan', 'Asia/Kamchatka',
] as const;

export const categoryOptions = (t: T) => ORG_CATEGORIES.map((c) => ({ value: c, label: t(`orgCategories.${c}`) }));

export function timeZoneOptions(t: T, current: string | undefined) {
  const known = RUSSIAN_TIME_ZONES.map((z) => ({ value: z, label: t(`timeZones.${z}`) }));
  return current && !RUSSIAN_TIME_ZONES.includes(current as never) ? [...known, { value: current, label: current }] : known;
}

/** 60 basis points → «0,6» (ru) or «0.6» (en); integer arithmetic only. */
export function formatPercent(basisPoints: number, locale: string): string {
  const fraction = String(basisPoints % 100).padStart(2, '0').replace(/0+$/, '');
  return `${Math.floor(basisPoints / 100)}${fraction ? `${locale === 'en' ? '.' : ','}${fraction}` : ''}`;
}

/** ИНН, КПП, (ОГРН,) bank account, БИК, correspondent account and bank: the organisation's and a recipient's. */
export function RequisitesFields({ t, values, errors, withOgrn }: { t: T; values: FormValues; errors?: FormErrors; withOgrn?: boolean }) {
  const digits = { inputmode: 'numeric', autocomplete: 'off' } as const;
  return (
    <>
      <Field t={t} name="inn" label={t('requisites.inn')} value={values.inn} errors={errors} maxLength={12} required {...digits} />
      <Field t={t} name="kpp" label={t('requisites.kpp')} value={values.kpp} errors={errors} maxLength={9} hint={t('requisites.kppHint')} autocomplete="off" />
      {withOgrn && <Field t={t} name="ogrn" label={t('requisites.ogrn')} value={values.ogrn} errors={errors} maxLength={15} hint={t('requisites.ogrnHint')} {...digits} />}
      <Field t={t} name="bik" label={t('requisites.bik')} value={values.bik} errors={errors} maxLength={9} required {...digits} />
      <Field t={t} name="bankAccount" label={t('requisites.bankAccount')} value={values.bankAccount} errors={errors} maxLength={20} required {...digits} />
      <Field t={t} name="corrAccount" label={t('requisites.corrAccount')} value={values.corrAccount} errors={errors} maxLength={20} required {...digits} />
      <Field t={t} name="bankName" label={t('requisites.bankName')} value={values.bankName} errors={errors} maxLength={160} required />
    </>
  );
}

/**
 * Label–value pairs for staff who may look but not change. Stacked like the form fields rather than dl.facts:
 * a 20-digit account beside a label does not fit a phone.
 */
export function Facts({ rows }: { rows: readonly (readonly [string, string | null | undefined])[] }) {
  return <>{rows.map(([label, value]) => <div class="field"><span class="muted">{label}</span><span>{value || '—'}</span></div>)}</>;
}

export function requisiteFacts(t: T, row: Partial<Record<(typeof REQUISITE_FIELDS)[number], string | null>>, withOgrn = false) {
  return REQUISITE_FIELDS.filter((f) => withOgrn || f !== 'ogrn').map((f) => [t(`requisites.${f}`), row[f]] as const);
}

function EditCard({ p, form, title, failed, children }: {
  p: PageProps; form: SettingsForm; title: string; failed?: FailedForm<SettingsForm>; children: ComponentChildren;
}) {
  return (
    <form method="post" action={`/admin/settings/${form}`} class="card" id={form} novalidate>
      <h2>{title}</h2>
      <ErrorSummary t={p.t} errors={failed?.form === form ? failed.errors : undefined} />
      <CsrfField csrf={p.csrf} />
      {children}
      <div class="actions"><button type="submit">{p.t('form.save')}</button></div>
    </form>
  );
}

export type SettingsForm = 'profile' | 'requisites' | 'commission';

export function commissionValues(org: OrganizationRow, locale: string): FormValues {
  return Object.fromEntries(PAYMENT_METHODS.flatMap((m) => [
    [`commission.${m}.mode`, org.commission[m].mode], [`commission.${m}`, formatPercent(org.commission[m].basisPoints, locale)],
  ]));
}

export function SettingsPage(p: PageProps & { org: OrganizationRow; canEdit: boolean; saved?: boolean; failed?: FailedForm<SettingsForm> }) {
  const { t, org, failed } = p;
  const valuesOf = (form: SettingsForm, stored: FormValues) => (failed?.form === form ? failed.values : stored);
  const errorsOf = (form: SettingsForm) => (failed?.form === form ? failed.errors : undefined);
  const profile = valuesOf('profile', { name: org.name, shortName: org.shortName, category: org.category, timeZone: org.timeZone });
  const requisites = valuesOf('requisites', Object.fromEntries(REQUISITE_FIELDS.map((f) => [f, org[f] ?? ''])));
  const commission = valuesOf('commission', commissionValues(org, p.locale));
  return (
    <Layout {...p} title={t('settings.title')} active="/admin/settings">
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      {!p.canEdit && <p class="muted">{t('common.readOnly')}</p>}
      {p.canEdit ? (
        <>
          <EditCard p={p} form="profile" title={t('settings.profile')} failed={failed}>
            <Field t={t} name="name" label={t('settings.name')} value={profile.name} errors={errorsOf('profile')} maxLength={300} required />
            <Field t={t} name="shortName" label={t('settings.shortName')} value={profile.shortName} errors={errorsOf('profile')} maxLength={160} hint={t('settings.shortNameHint')} />
            <Select t={t} name="category" label={t('settings.category')} value={profile.category} options={categoryOptions(t)} errors={errorsOf('profile')} />
            <Select t={t} name="timeZone" label={t('settings.timeZone')} value={profile.timeZone} options={timeZoneOptions(t, profile.timeZone)} errors={errorsOf('profile')} />
          </EditCard>
          <EditCard p={p} form="requisites" title={t('settings.requisites')} failed={failed}>
            <p class="muted">{t('settings.requisitesHint')}</p>
            <RequisitesFields t={t} values={requisites} errors={errorsOf('requisites')} withOgrn />
          </EditCard>
          <EditCard p={p} form="commission" title={t('settings.commission')} failed={failed}>
            <p class="muted">{t('settings.commissionHint')}</p>
            {PAYMENT_METHODS.map((m) => (
              <div role="group" aria-labelledby={`method-${m}`}>
                <h3 id={`method-${m}`}>{t(`paymentMethods.${m}`)}</h3>
                <Select t={t} name={`commission.${m}.mode`} label={t('settings.mode')} value={commission[`commission.${m}.mode`]}
                  options={COMMISSION_MODES.map((mode) => ({ value: mode, label: t(`commissionModes.${mode}`) }))} errors={errorsOf('commission')} />
                <Field t={t} name={`commission.${m}`} label={t('settings.rate')} value={commission[`commission.${m}`]} errors={errorsOf('commission')}
                  inputmode="decimal" maxLength={7} hint={t('settings.rateHint')} required />
              </div>
            ))}
          </EditCard>
        </>
      ) : (
        <>
          <section class="card">
            <h2>{t('settings.profile')}</h2>
            <Facts rows={[
              [t('settings.name'), org.name], [t('settings.shortName'), org.shortName],
              [t('settings.category'), t(`orgCategories.${org.category}`)],
              [t('settings.timeZone'), timeZoneOptions(t, org.timeZone).find((z) => z.value === org.timeZone)?.label],
            ]} />
          </section>
          <section class="card"><h2>{t('settings.requisites')}</h2><Facts rows={requisiteFacts(t, org, true)} /></section>
          <section class="card">
            <h2>{t('settings.commission')}</h2>
            <Facts rows={PAYMENT_METHODS.map((m) => [t(`paymentMethods.${m}`), t('settings.commissionValue', {
              rate: formatPercent(org.commission[m].basisPoints, p.locale), mode: t(`commissionModes.${org.commission[m].mode}`),
            })] as const)} />
            <p class="muted">{t('settings.commissionHint')}</p>
          </section>
        </>
      )}
    </Layout>
  );
}
