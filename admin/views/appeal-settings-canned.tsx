import type { CannedView } from '../../core/appeals/index.ts';
import { Field, PostButton } from './components.tsx';
import { FormCard, SettingsShell, TextArea, formState, pagePath, type SettingsPageProps } from './appeal-settings.tsx';

const CANNED = pagePath('canned');
/** As long as a reply may be (core/appeals MAX_APPEAL_TEXT). */
const TEXT_MAX = 4000;

function Canned({ p, c }: { p: SettingsPageProps; c: CannedView }) {
  const { t } = p;
  const form = `canned-${c.id}`;
  const { errors, values } = formState(p.failed, form);
  return (
    <div>
      <FormCard p={p} id={form} action={`${CANNED}/${c.id}`} title={c.title} errors={errors} submit={t('form.save')}>
        <Field t={t} name="title" label={t('appealSettings.canned.name')} value={values?.title ?? c.title} errors={errors} maxLength={120} required />
        <TextArea t={t} name="text" label={t('appealSettings.canned.text')} value={values?.text ?? c.text} errors={errors} maxLength={TEXT_MAX} />
      </FormCard>
      <PostButton csrf={p.csrf} action={`${CANNED}/${c.id}/delete`} label={t('appealSettings.canned.delete')} kind="danger" />
    </div>
  );
}

export function CannedPage(p: SettingsPageProps & { canned: readonly CannedView[] }) {
  const { t } = p;
  const { errors, values } = formState(p.failed, 'canned-new');
  return (
    <SettingsShell p={p} page="canned">
      <p class="muted">{t('appealSettings.canned.hint')}</p>
      {p.canned.length === 0 && <p>{t('appealSettings.canned.none')}</p>}
      {p.canned.map((c) => <Canned p={p} c={c} />)}
      <FormCard p={p} id="canned-new" action={CANNED} title={t('appealSettings.canned.newTitle')} errors={errors} submit={t('appealSettings.canned.create')}>
        <Field t={t} name="title" label={t('appealSettings.canned.name')} value={values?.title} errors={errors} maxLength={120} required />
        <TextArea t={t} name="text" label={t('appealSettings.canned.text')} value={values?.text} errors={errors} maxLength={TEXT_MAX} />
      </FormCard>
    </SettingsShell>
  );
}
