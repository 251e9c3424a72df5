import { SLA_MODES, type PolicyLine, type SlaMode } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { Field, PostButton, Select } from './components.tsx';
import { FormCard, SettingsShell, categoryLabel, formState, pagePath, typeLabel, type SettingsPageProps } from './appeal-settings.tsx';

const SLA = pagePath('sla');
export const policyForm = (type: string, category: string) => `sla-${type}-${category || 'all'}`;

/** Minutes as people read them: whole working days of this organisation, whole hours, or minutes. */
export function humanMinutes(t: T, minutes: number | null, mode: SlaMode, workday: number): string {
  if (minutes === null) return t('appealSettings.sla.noTarget');
  if (mode === 'business' && workday > 0 && minutes % workday === 0) return t('appealSettings.sla.workdays', { count: minutes / workday });
  if (minutes % 60 === 0) return t(mode === 'business' ? 'appealSettings.sla.workHours' : 'appealSettings.sla.hours', { count: minutes / 60 });
  return t(mode === 'business' ? 'appealSettings.sla.workMinutes' : 'appealSettings.sla.minutes', { count: minutes });
}

function Policy({ p, line, workday }: { p: SettingsPageProps; line: PolicyLine; workday: number }) {
  const { t } = p;
  const form = policyForm(line.type, line.category);
  const { errors, values } = formState(p.failed, form);
  const v = values ?? {
    mode: line.targets.mode, responseMin: line.targets.responseMin?.toString() ?? '', resolutionMin: line.targets.resolutionMin?.toString() ?? '',
  };
  const title = line.category ? `${typeLabel(t, line.type)}: ${categoryLabel(t, line.category)}` : typeLabel(t, line.type);
  const { mode, responseMin, resolutionMin } = line.targets;
  return (
    <FormCard p={p} id={form} action={SLA} errors={errors} submit={t('form.save')}>
      <h3>{title} <span class="badge">{t(`appealSettings.sla.source.${line.source}`)}</span></h3>
      <p class="muted">{t('appealSettings.sla.now', {
        mode: t(`appealSettings.sla.modes.${mode}`), response: humanMinutes(t, responseMin, mode, workday), resolution: humanMinutes(t, resolutionMin, mode, workday),
      })}</p>
      <input type="hidden" name="type" value={line.type} />
      <input type="hidden" name="category" value={line.category} />
      <Select t={t} name="mode" label={t('appealSettings.sla.mode')} value={v.mode} errors={errors}
        options={SLA_MODES.map((m) => ({ value: m, label: t(`appealSettings.sla.modes.${m}`) }))} />
      <Field t={t} name="responseMin" label={t('appealSettings.sla.response')} value={v.responseMin} errors={errors} inputmode="numeric" maxLength={7} />
      <Field t={t} name="resolutionMin" label={t('appealSettings.sla.resolution')} value={v.resolutionMin} errors={errors} inputmode="numeric" maxLength={7} />
    </FormCard>
  );
}

function AutoClose({ p, days }: { p: SettingsPageProps; days: number }) {
  const { t } = p;
  const { errors, values } = formState(p.failed, 'auto-close');
  return (
    <FormCard p={p} id="auto-close" action={`${SLA}/auto-close`} title={t('appealSettings.autoClose.title')} errors={errors} submit={t('form.save')}>
      <p class="muted">{t('appealSettings.autoClose.hint')}</p>
      <Field t={t} name="autoCloseDays" type="number" label={t('appealSettings.autoClose.days')} value={values?.autoCloseDays ?? days} errors={errors} inputmode="numeric" />
    </FormCard>
  );
}

export function SlaPage(p: SettingsPageProps & { policies: readonly PolicyLine[]; workday: number; autoCloseDays: number }) {
  const { t } = p;
  return (
    <SettingsShell p={p} page="sla">
      <section class="card">
        <h2>{t('appealSettings.sla.unitsTitle')}</h2>
        <p>{t('appealSettings.sla.units')}</p>
        <p>{t('appealSettings.sla.workday', { minutes: p.workday, hours: humanMinutes(t, p.workday, 'always', 0) })}{' '}
          <a href={pagePath('calendar')}>{t('appealSettings.sla.workdayLink')}</a></p>
        <p class="muted">{t('appealSettings.sla.modesHint')}</p>
        <p class="muted">{t('appealSettings.sla.emergencyHint')}</p>
      </section>
      {p.policies.map((line) => (
        <div id={`${policyForm(line.type, line.category)}-wrap`}>
          <Policy p={p} line={line} workday={p.workday} />
          {line.source === 'own' && (
            <PostButton csrf={p.csrf} action={`${SLA}/reset`} fields={{ type: line.type, category: line.category }} label={t('appealSettings.sla.reset')} />
          )}
        </div>
      ))}
      <AutoClose p={p} days={p.autoCloseDays} />
    </SettingsShell>
  );
}
