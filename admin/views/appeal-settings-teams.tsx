import type { StaffChoice, TeamView } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { Field, PostButton, Select } from './components.tsx';
import { FormCard, SettingsShell, formState, pagePath, type SettingsPageProps } from './appeal-settings.tsx';

const TEAMS = pagePath('teams');
const teamPath = (id: string) => `${TEAMS}/${id}`;
const who = (s: { fullName: string; email: string }) => `${s.fullName} (${s.email})`;

const leadOptions = (t: T, staff: readonly StaffChoice[]) => [{ value: '', label: t('appealSettings.teams.noLead') }, ...staff.map((s) => ({ value: s.userId, label: who(s) }))];

function Members({ p, team, staff }: { p: SettingsPageProps; team: TeamView; staff: readonly StaffChoice[] }) {
  const { t, csrf } = p;
  const form = `members-${team.id}`;
  const { errors, values } = formState(p.failed, form);
  const outside = staff.filter((s) => !team.members.some((m) => m.userId === s.userId));
  return (
    <section id={form}>
      <h3>{t('appealSettings.teams.members')}</h3>
      {team.members.length === 0 ? <p class="muted">{t('appealSettings.teams.noMembers')}</p> : (
        <div class="table-wrap"><table>
          <thead><tr><th>{t('appealSettings.teams.member')}</th><th>{t('appealSettings.teams.onDuty')}</th><th></th></tr></thead>
          <tbody>
            {team.members.map((m) => (
              <tr class={m.active ? undefined : 'inactive'}>
                <td>{who(m)}{!m.active && <span class="muted"> · {t('appealSettings.teams.noAccess')}</span>}</td>
                <td>
                  {m.onDuty ? t('appealSettings.teams.dutyOn') : t('appealSettings.teams.dutyOff')}{' '}
                  <PostButton csrf={csrf} action={`${teamPath(team.id)}/members/${m.userId}/duty`} fields={{ onDuty: m.onDuty ? '0' : '1' }}
                    label={m.onDuty ? t('appealSettings.teams.setOff') : t('appealSettings.teams.setOn')} />
                </td>
                <td><PostButton csrf={csrf} action={`${teamPath(team.id)}/members/${m.userId}/remove`} label={t('appealSettings.teams.remove')} /></td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      {outside.length > 0 && (
        <FormCard p={p} id={`${form}-add`} action={`${teamPath(team.id)}/members`} errors={errors} submit={t('appealSettings.teams.add')}>
          <Select t={t} name="userId" label={t('appealSettings.teams.addMember')} value={values?.userId} errors={errors}
            options={outside.map((s) => ({ value: s.userId, label: who(s) }))} />
        </FormCard>
      )}
    </section>
  );
}

function Team({ p, team, staff }: { p: SettingsPageProps; team: TeamView; staff: readonly StaffChoice[] }) {
  const { t } = p;
  const form = `team-${team.id}`;
  const { errors, values } = formState(p.failed, form);
  return (
    <section class="card">
      <h2>{team.name}</h2>
      <p class="muted">
        {team.leadName ? t('appealSettings.teams.leadIs', { name: team.leadName }) : t('appealSettings.teams.noLead')}
        {' · '}{t('appealSettings.teams.ruleCount', { count: team.rules })}
      </p>
      <Members p={p} team={team} staff={staff} />
      <details open={Boolean(errors)}>
        <summary>{t('appealSettings.teams.edit')}</summary>
        <FormCard p={p} id={form} action={teamPath(team.id)} errors={errors} submit={t('form.save')}>
          <Field t={t} name="name" label={t('appealSettings.teams.name')} value={values?.name ?? team.name} errors={errors} maxLength={120} required />
          <Select t={t} name="leadId" label={t('appealSettings.teams.lead')} value={values?.leadId ?? team.leadId ?? ''} errors={errors} options={leadOptions(t, staff)} />
        </FormCard>
        {team.rules > 0
          ? <p class="muted">{t('appealSettings.teams.inUse')}</p>
          : <PostButton csrf={p.csrf} action={`${teamPath(team.id)}/delete`} label={t('appealSettings.teams.delete')} kind="danger" />}
      </details>
    </section>
  );
}

export function TeamsPage(p: SettingsPageProps & { teams: readonly TeamView[]; people: readonly StaffChoice[] }) {
  const { t } = p;
  const { errors, values } = formState(p.failed, 'team-new');
  return (
    <SettingsShell p={p} page="teams">
      <p class="muted">{t('appealSettings.teams.hint')}</p>
      {p.teams.length === 0 && <p>{t('appealSettings.teams.none')}</p>}
      {p.teams.map((team) => <Team p={p} team={team} staff={p.people} />)}
      <FormCard p={p} id="team-new" action={TEAMS} title={t('appealSettings.teams.newTitle')} errors={errors} submit={t('appealSettings.teams.create')}>
        <Field t={t} name="name" label={t('appealSettings.teams.name')} value={values?.name} errors={errors} maxLength={120} required
          hint={t('appealSettings.teams.nameHint')} />
        <Select t={t} name="leadId" label={t('appealSettings.teams.lead')} value={values?.leadId ?? ''} errors={errors} options={leadOptions(t, p.people)} />
      </FormCard>
    </SettingsShell>
  );
}
