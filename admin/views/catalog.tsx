import { SERVICE_KINDS, type RecipientRow, type ServiceRow } from '../../core/orgs/index.ts';
import type { T } from '../i18n.ts';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { ErrorSummary, Field, Notice, Select, type FormErrors } from './components.tsx';
import { Facts, RequisitesFields, requisiteFacts, type FormValues } from './settings.tsx';

export const RECIPIENT_FIELDS = ['name', 'inn', 'kpp', 'bankAccount', 'bik', 'corrAccount', 'bankName'] as const;
export const SERVICE_FIELDS = ['code', 'name', 'unit', 'kind', 'recipientId'] as const;

type ListProps = PageProps & { canEdit: boolean; saved?: boolean };
type FormProps = PageProps & { values: FormValues; errors?: FormErrors };

/** «Включить» / «Отключить» for one row; nothing is deleted, so this is the only way out of a list. */
function ActiveToggle({ t, csrf, action, active, label }: { t: T; csrf: string; action: string; active: boolean; label: string }) {
  return (
    <form method="post" action={action}>
      <CsrfField csrf={csrf} />
      <input type="hidden" name="active" value={active ? '0' : '1'} />
      <button type="submit" class="secondary" aria-label={label}>{t(active ? 'common.disable' : 'common.enable')}</button>
    </form>
  );
}

export function RecipientsPage(p: ListProps & { rows: RecipientRow[] }) {
  const { t } = p;
  return (
    <Layout {...p} title={t('recipients.title')} active="/admin/recipients">
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      <p class="muted">{t('recipients.explain')}</p>
      {p.canEdit && <p><a class="button" href="/admin/recipients/new">{t('recipients.add')}</a></p>}
      {p.rows.length === 0 ? <p class="muted">{t('recipients.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th>{t('recipients.name')}</th><th>{t('requisites.inn')}</th><th class="hide-narrow">{t('requisites.bankAccount')}</th>
              <th class="hide-narrow">{t('recipients.status')}</th>{p.canEdit && <th><span class="visually-hidden">{t('common.disable')}</span></th>}
            </tr></thead>
            <tbody>
              {p.rows.map((r) => (
                <tr class={r.active ? undefined : 'inactive'}>
                  <td><a href={`/admin/recipients/${r.id}`}>{r.name}</a></td>
                  <td>{r.inn}</td>
                  <td class="hide-narrow">{r.bankAccount}</td>
                  <td class="hide-narrow">{t(`recipients.statuses.${r.active ? 'active' : 'inactive'}`)}</td>
                  {p.canEdit && <td><ActiveToggle t={t} csrf={p.csrf} action={`/admin/recipients/${r.id}/active`} active={r.active}
                    label={t(r.active ? 'recipients.disableNamed' : 'recipients.enableNamed', { name: r.name })} /></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

/** New (no `recipient`) or edit; staff who may not change it see the values only. */
export function RecipientPage(p: FormProps & { recipient?: RecipientRow; canEdit: boolean; saved?: boolean }) {
  const { t, recipient } = p;
  const title = recipient ? t('recipients.edit', { name: recipient.name }) : t('recipients.new');
  return (
    <Layout {...p} title={title} active="/admin/recipients">
      <p><a href="/admin/recipients">{t('common.backToList')}</a></p>
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      {p.canEdit ? (
        <form method="post" action={recipient ? `/admin/recipients/${recipient.id}` : '/admin/recipients'} class="card" novalidate>
          <ErrorSummary t={t} errors={p.errors} />
          <CsrfField csrf={p.csrf} />
          <Field t={t} name="name" label={t('recipients.name')} value={p.values.name} errors={p.errors} maxLength={300} required />
          <RequisitesFields t={t} values={p.values} errors={p.errors} />
          <div class="actions">
            <button type="submit">{t('form.save')}</button>
            <a href="/admin/recipients">{t('common.cancel')}</a>
          </div>
        </form>
      ) : recipient && (
        <section class="card">
          <p class="muted">{t('common.readOnly')}</p>
          <Facts rows={[[t('recipients.name'), recipient.name], ...requisiteFacts(t, recipient),
            [t('recipients.status'), t(`recipients.statuses.${recipient.active ? 'active' : 'inactive'}`)]]} />
        </section>
      )}
    </Layout>
  );
}

export function ServicesPage(p: ListProps & { rows: ServiceRow[]; recipients: RecipientRow[] }) {
  const { t } = p;
  const recipientName = new Map(p.recipients.map((r) => [r.id, r.name]));
  return (
    <Layout {...p} title={t('services.title')} active="/admin/services">
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      <p class="muted">{t('services.explain')}</p>
      {p.canEdit && <p><a class="button" href="/admin/services/new">{t('services.add')}</a></p>}
      {p.rows.length === 0 ? <p class="muted">{t('services.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th>{t('services.code')}</th><th>{t('services.name')}</th><th class="hide-narrow">{t('services.kind')}</th>
              <th class="hide-narrow">{t('services.unit')}</th><th class="hide-narrow">{t('services.recipient')}</th>
              <th class="hide-narrow">{t('services.status')}</th>{p.canEdit && <th><span class="visually-hidden">{t('common.disable')}</span></th>}
            </tr></thead>
            <tbody>
              {p.rows.map((s) => (
                <tr class={s.active ? undefined : 'inactive'}>
                  <td>{s.code}</td>
                  <td><a href={`/admin/services/${s.id}`}>{s.name}</a></td>
                  <td class="hide-narrow">{t(`serviceKinds.${s.kind}`)}</td>
                  <td class="hide-narrow">{s.unit}</td>
                  <td class="hide-narrow">{recipientName.get(s.recipient) ?? '—'}</td>
                  <td class="hide-narrow">{t(`services.statuses.${s.active ? 'active' : 'inactive'}`)}</td>
                  {p.canEdit && <td><ActiveToggle t={t} csrf={p.csrf} action={`/admin/services/${s.id}/active`} active={s.active}
                    label={t(s.active ? 'services.disableNamed' : 'services.enableNamed', { name: s.name })} /></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

/** Offered recipients: the active ones, plus the service's own when it has been disabled since, so a save keeps it. */
function recipientOptions(t: T, recipients: RecipientRow[], current: string | undefined, isNew: boolean) {
  const options = recipients.filter((r) => r.active || r.id === current)
    .map((r) => ({ value: r.id, label: r.active ? r.name : t('services.recipientInactive', { name: r.name }) }));
  return isNew ? [{ value: '', label: t('common.choose') }, ...options] : options;
}

export function ServicePage(p: FormProps & { service?: ServiceRow; recipients: RecipientRow[]; canEdit: boolean; saved?: boolean }) {
  const { t, service, values } = p;
  const title = service ? t('services.edit', { name: service.name }) : t('services.new');
  const kinds = [...(service ? [] : [{ value: '', label: t('common.choose') }]), ...SERVICE_KINDS.map((k) => ({ value: k, label: t(`serviceKinds.${k}`) }))];
  const recipients = recipientOptions(t, p.recipients, service?.recipient, !service);
  const noRecipients = !service && !p.recipients.some((r) => r.active);
  return (
    <Layout {...p} title={title} active="/admin/services">
      <p><a href="/admin/services">{t('common.backToList')}</a></p>
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      {!p.canEdit ? service && (
        <section class="card">
          <p class="muted">{t('common.readOnly')}</p>
          <Facts rows={[
            [t('services.code'), service.code], [t('services.name'), service.name], [t('services.unit'), service.unit],
            [t('services.kind'), t(`serviceKinds.${service.kind}`)],
            [t('services.recipient'), p.recipients.find((r) => r.id === service.recipient)?.name],
            [t('services.status'), t(`services.statuses.${service.active ? 'active' : 'inactive'}`)],
          ]} />
        </section>
      ) : noRecipients ? (
        <p class="card">{t('services.noRecipients')} <a href="/admin/recipients/new">{t('recipients.add')}</a></p>
      ) : (
        <form method="post" action={service ? `/admin/services/${service.id}` : '/admin/services'} class="card" novalidate>
          <ErrorSummary t={t} errors={p.errors} />
          <CsrfField csrf={p.csrf} />
          {service
            ? <Facts rows={[[t('services.code'), service.code]]} />
            : <Field t={t} name="code" label={t('services.code')} value={values.code} errors={p.errors} maxLength={32} hint={t('services.codeHint')} required />}
          <Field t={t} name="name" label={t('services.name')} value={values.name} errors={p.errors} maxLength={200} required />
          <Field t={t} name="unit" label={t('services.unit')} value={values.unit} errors={p.errors} maxLength={32} hint={t('services.unitHint')} required />
          <Select t={t} name="kind" label={t('services.kind')} value={values.kind} options={kinds} errors={p.errors} />
          <Select t={t} name="recipientId" label={t('services.recipient')} value={values.recipientId} options={recipients} errors={p.errors} />
          <div class="actions">
            <button type="submit">{t('form.save')}</button>
            <a href="/admin/services">{t('common.cancel')}</a>
          </div>
        </form>
      )}
    </Layout>
  );
}
