import { APPEAL_TYPES, BUILDING_CHOICES, EMERGENCY_CATEGORIES, type RuleView, type TeamView } from '../../core/appeals/index.ts';
import { PostButton, Select } from './components.tsx';
import {
  Checkbox, FormCard, SettingsShell, categoryLabel, formState, pagePath, typeLabel, type SettingsPageProps,
} from './appeal-settings.tsx';

const ROUTING = pagePath('routing');

type RoutingProps = SettingsPageProps & {
  rules: readonly RuleView[]; teams: readonly Pick<TeamView, 'id' | 'name'>[]; buildings: readonly { id: string; address: string }[];
};

function Rules({ p }: { p: RoutingProps }) {
  const { t, csrf, rules } = p;
  if (rules.length === 0) return <p>{t('appealSettings.routing.none')}</p>;
  return (
    <div class="table-wrap" id="rules"><table>
      <thead><tr>
        <th class="num">№</th><th>{t('appealSettings.routing.type')}</th><th>{t('appealSettings.routing.category')}</th>
        <th>{t('appealSettings.routing.building')}</th><th>{t('appealSettings.routing.team')}</th><th>{t('appealSettings.routing.autoAssign')}</th><th></th>
      </tr></thead>
      <tbody>
        {rules.map((r, i) => (
          <tr id={`rule-${r.id}`}>
            <td class="num">{r.position}</td>
            <td>{typeLabel(t, r.type)}</td>
            <td>{r.type === 'emergency' || r.category ? categoryLabel(t, r.category) : '—'}</td>
            <td>{r.buildingAddress ?? t('appealSettings.anyBuilding')}</td>
            <td>{r.teamName}</td>
            <td>{r.autoAssign ? t('appealSettings.routing.autoYes') : t('appealSettings.routing.autoNo')}</td>
            <td>
              {i > 0 && <PostButton csrf={csrf} action={`${ROUTING}/${r.id}/move`} fields={{ direction: 'up' }} label="↑" title={t('appealSettings.routing.up')} />}
              {i < rules.length - 1 && <PostButton csrf={csrf} action={`${ROUTING}/${r.id}/move`} fields={{ direction: 'down' }} label="↓" title={t('appealSettings.routing.down')} />}
              <PostButton csrf={csrf} action={`${ROUTING}/${r.id}/delete`} label={t('appealSettings.routing.delete')} />
            </td>
          </tr>
        ))}
      </tbody>
    </table></div>
  );
}

export function RoutingPage(p: RoutingProps) {
  const { t } = p;
  const { errors, values } = formState(p.failed, 'rule-new');
  return (
    <SettingsShell p={p} page="routing">
      <p class="muted">{t('appealSettings.routing.hint')}</p>
      <Rules p={p} />
      {p.teams.length === 0 ? <p><a href={pagePath('teams')}>{t('appealSettings.routing.needTeam')}</a></p> : (
        <FormCard p={p} id="rule-new" action={ROUTING} title={t('appealSettings.routing.newTitle')} errors={errors} submit={t('appealSettings.routing.add')}>
          <Select t={t} name="type" label={t('appealSettings.routing.type')} value={values?.type ?? ''} errors={errors}
            options={[{ value: '', label: t('appealSettings.anyType') }, ...APPEAL_TYPES.map((v) => ({ value: v, label: typeLabel(t, v) }))]} />
          <Select t={t} name="category" label={t('appealSettings.routing.categoryEmergency')} value={values?.category ?? ''} errors={errors}
            options={[{ value: '', label: t('appealSettings.anyCategory') }, ...EMERGENCY_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(t, c) }))]} />
          <Select t={t} name="buildingId" label={t('appealSettings.routing.building')} value={values?.buildingId ?? ''} errors={errors}
            options={[{ value: '', label: t('appealSettings.anyBuilding') }, ...p.buildings.map((b) => ({ value: b.id, label: b.address }))]} />
          {p.buildings.length >= BUILDING_CHOICES && <p class="muted">{t('appealSettings.routing.manyBuildings', { count: BUILDING_CHOICES })}</p>}
          <Select t={t} name="teamId" label={t('appealSettings.routing.team')} value={values?.teamId} errors={errors}
            options={p.teams.map((team) => ({ value: team.id, label: team.name }))} />
          <Checkbox name="autoAssign" label={t('appealSettings.routing.autoAssignLabel')} checked={values ? values.autoAssign === '1' : true} />
        </FormCard>
      )}
    </SettingsShell>
  );
}
