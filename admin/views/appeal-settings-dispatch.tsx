import type { ConnectionView } from '../../core/conversations/index.ts';
import { Field, Select } from './components.tsx';
import { APPEAL_SETTINGS, FormCard, SettingsShell, formState, type SettingsPageProps } from './appeal-settings.tsx';

/** The bots a dispatcher chat can use: the organisation's Telegram and MAX bots that are switched on. */
export const dispatchBots = (connections: readonly ConnectionView[]) =>
  connections.filter((c) => c.active && (c.channel === 'telegram' || c.channel === 'max'));

export function DispatchPage(p: SettingsPageProps & {
  bots: readonly ConnectionView[]; connectionId: string | null; chatId: string | null; staleBot: boolean;
}) {
  const { t } = p;
  const { errors, values } = formState(p.failed, 'dispatch');
  const options = [
    { value: '', label: t('appealSettings.dispatch.off') },
    ...p.bots.map((b) => ({ value: b.id, label: `${b.title} · ${t(`account.channels.${b.channel}`)}` })),
  ];
  return (
    <SettingsShell p={p} page="dispatch">
      <FormCard p={p} id="dispatch" action={`${APPEAL_SETTINGS}/dispatch`} title={t('appealSettings.dispatch.title')} errors={errors} submit={t('form.save')}>
        <p class="muted">{t('appealSettings.dispatch.hint')}</p>
        {p.staleBot && <p class="error">{t('appealSettings.dispatch.stale')}</p>}
        {p.bots.length === 0 && <p>{t('appealSettings.dispatch.noBots')} <a href="/admin/channels">{t('appealSettings.dispatch.channelsLink')}</a></p>}
        <Select t={t} name="connectionId" label={t('appealSettings.dispatch.bot')} value={values?.connectionId ?? p.connectionId ?? ''} errors={errors} options={options} />
        <Field t={t} name="chatId" label={t('appealSettings.dispatch.chatId')} value={values?.chatId ?? p.chatId ?? ''} errors={errors} maxLength={24}
          hint={t('appealSettings.dispatch.chatIdHint')} autocomplete="off" />
      </FormCard>
    </SettingsShell>
  );
}
