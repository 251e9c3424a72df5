import { STAFF_ROLES, type StaffMember } from '../../core/orgs/index.ts';
import { AppError } from '../../core/shared/index.ts';
import type { T } from '../i18n.ts';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { ErrorSummary, Field, Notice, Select, type FormErrors } from './components.tsx';
import type { FormValues } from './settings.tsx';

export const INVITE_FIELDS = ['email', 'fullName', 'role'] as const;
export type InviteOutcome = 'new' | 'existing' | 'unsent';
export type MemberFailed = { readonly membershipId: string; readonly values: FormValues; readonly errors: FormErrors };

export const roleOptions = (t: T) => STAFF_ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }));

/** Row controls share one page, so their ids (and the summary's links) carry the membership id. */
const rowErrors = (membershipId: string, errors: FormErrors) =>
  errors.map((e) => new AppError(e.code, { field: `${e.field ?? 'role'}-${membershipId}`, vars: { ...e.vars } }));

/** One card per member (a table of forms does not fit a phone): role, access and its own save button. */
function MemberCard({ t, csrf, m, you, failed }: { t: T; csrf: string; m: StaffMember; you: boolean; failed?: MemberFailed }) {
  const values = failed ? { role: failed.values.role, active: failed.values.active === '1' } : { role: m.role, active: m.active };
  const errors = failed ? rowErrors(m.membershipId, failed.errors) : [];
  const errorOf = (name: 'role' | 'active') => errors.find((e) => e.field === `${name}-${m.membershipId}`);
  const message = (name: 'role' | 'active') => {
    const e = errorOf(name);
    return e && <div class="error" id={`e-${name}-${m.membershipId}`}><small>{t(e.code, e.vars)}</small></div>;
  };
  const invalid = (name: 'role' | 'active') => (errorOf(name) ? { 'aria-invalid': 'true' as const, 'aria-describedby': `e-${name}-${m.membershipId}` } : {});
  const closed = !m.active || !m.userActive;
  return (
    <form method="post" action={`/admin/staff/${m.membershipId}`} class="card" id={`m-${m.membershipId}`}>
      <CsrfField csrf={csrf} />
      <p class={closed ? 'muted' : undefined}>
        <strong>{m.fullName}</strong>{you && ` (${t('staff.you')})`} · {m.email}
        {closed && ` · ${t(m.userActive ? 'staff.accessClosed' : 'staff.userBlocked')}`}
      </p>
      <div class="actions">
        <label class="visually-hidden" for={`f-role-${m.membershipId}`}>{t('staff.roleFor', { name: m.fullName })}</label>
        <select id={`f-role-${m.membershipId}`} name="role" {...invalid('role')}>
          {STAFF_ROLES.map((r) => <option value={r} selected={r === values.role}>{t(`roles.${r}`)}</option>)}
        </select>
        <label>
          <input type="checkbox" id={`f-active-${m.membershipId}`} name="active" value="1" checked={values.active} {...invalid('active')} />
          {' '}{t('staff.activeLabel')}
        </label>
        <button type="submit" class="secondary" aria-label={t('staff.saveFor', { name: m.fullName })}>{t('form.save')}</button>
      </div>
      {message('role')}
      {message('active')}
    </form>
  );
}

export function StaffPage(p: PageProps & {
  members: StaffMember[]; saved?: boolean; invited?: InviteOutcome;
  rowFailed?: MemberFailed; inviteFailed?: { values: FormValues; errors: FormErrors };
}) {
  const { t } = p;
  const invite = p.inviteFailed?.values ?? { role: 'operator' };
  const summary = p.rowFailed ? rowErrors(p.rowFailed.membershipId, p.rowFailed.errors) : undefined;
  return (
    <Layout {...p} title={t('staff.title')} active="/admin/staff">
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      {p.invited && <Notice>{t(`staff.invitedNotice.${p.invited}`)}</Notice>}
      <ErrorSummary t={t} errors={summary} />
      <p class="muted">{t('staff.rolesExplain')}</p>
      {p.members.map((m) => (
        <MemberCard t={t} csrf={p.csrf} m={m} you={m.userId === p.staff?.user.id}
          failed={p.rowFailed?.membershipId === m.membershipId ? p.rowFailed : undefined} />
      ))}
      <form method="post" action="/admin/staff" class="card" id="invite" novalidate>
        <h2>{t('staff.invite')}</h2>
        <p class="muted">{t('staff.inviteExplain')}</p>
        <ErrorSummary t={t} errors={p.inviteFailed?.errors} />
        <CsrfField csrf={p.csrf} />
        <Field t={t} name="email" type="email" label={t('staff.email')} value={invite.email} errors={p.inviteFailed?.errors} autocomplete="off" maxLength={254} required />
        <Field t={t} name="fullName" label={t('staff.fullName')} value={invite.fullName} errors={p.inviteFailed?.errors} autocomplete="off" maxLength={200} />
        <Select t={t} name="role" label={t('staff.role')} value={invite.role} options={roleOptions(t)} errors={p.inviteFailed?.errors} />
        <div class="actions"><button type="submit">{t('staff.inviteSubmit')}</button></div>
      </form>
    </Layout>
  );
}
