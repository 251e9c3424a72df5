import { SPLIT_RULES, shareField, type PaymentSettings, type PaymentSettingsInput } from '../../core/payments/index.ts';
import { AppError } from '../../core/shared/index.ts';
import type { T } from '../i18n.ts';
import { field } from '../render.tsx';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { ErrorSummary, Field, Notice, type FormErrors } from './components.tsx';
import type { FormValues } from './settings.tsx';

export const PAYMENT_SETTINGS_PAGE = '/admin/settings/payments';

/** The stored terms as form values, so a form that comes back with errors and a fresh one render alike. */
export function settingsValues(s: PaymentSettings): FormValues {
  return { splitRule: s.splitRule, offerUrl: s.offerUrl ?? '', ...Object.fromEntries(s.shares.map((l) => [shareField(l.serviceId), l.weight ? String(l.weight) : ''])) };
}

/** The form's fields; shares only for the organisation's own services (the page lists nothing else). */
export function settingsInput(body: unknown, serviceIds: readonly string[]): PaymentSettingsInput {
  return {
    splitRule: field(body, 'splitRule'), offerUrl: field(body, 'offerUrl'),
    shares: Object.fromEntries(serviceIds.map((id) => [id, field(body, shareField(id))])),
  };
}

/** What was typed, to show again beside the problems. */
export const inputValues = (input: PaymentSettingsInput): FormValues => ({
  splitRule: input.splitRule, offerUrl: input.offerUrl, ...Object.fromEntries(Object.entries(input.shares).map(([id, v]) => [shareField(id), v])),
});

/** The core names why shares were refused by a key; the reader gets it in their language inside the message. */
export const readableErrors = (t: T, errors: FormErrors): FormErrors => errors.map((e) => (typeof e.vars.reason === 'string'
  ? new AppError(e.code, { field: e.field, vars: { ...e.vars, reason: t(`paySettings.reasons.${e.vars.reason}`) } }) : e));

function RuleChoice({ t, value, errors }: { t: T; value: string; errors?: FormErrors }) {
  const error = errors?.find((e) => e.field === 'splitRule');
  return (
    <fieldset id="f-splitRule" class={error ? 'invalid' : undefined} aria-describedby={error ? 'e-splitRule' : undefined}>
      <legend>{t('paySettings.rule')}</legend>
      {SPLIT_RULES.map((rule) => (
        <div class="field">
          <label>
            <input type="radio" name="splitRule" value={rule} checked={value === rule} aria-describedby={`h-rule-${rule}`} /> {t(`paySettings.rules.${rule}`)}
          </label>
          <small id={`h-rule-${rule}`}>{t(`paySettings.rulesHint.${rule}`)}</small>
        </div>
      ))}
      {error && <small id="e-splitRule" class="error">{t(error.code, error.vars)}</small>}
    </fieldset>
  );
}

/** Open when fixed shares are chosen (or have a problem): under the other rules the weights are kept but unused. */
function Shares({ t, settings, values, errors }: { t: T; settings: PaymentSettings; values: FormValues; errors?: FormErrors }) {
  const error = errors?.find((e) => e.field === 'shares');
  const open = values.splitRule === 'fixedShares' || Boolean(errors?.some((e) => e.code === 'PAYMENTS.SPLIT_SHARES_INVALID'));
  return (
    <details id="f-shares" open={open} class={error ? 'invalid' : undefined}>
      <summary>{t('paySettings.shares')}</summary>
      <p class="muted">{t('paySettings.sharesHint')}</p>
      {settings.shares.length === 0 && <p class="muted">{t('paySettings.noServices')}</p>}
      {settings.shares.map((line) => (
        <Field t={t} name={shareField(line.serviceId)} label={`${line.code} — ${line.name}`} value={values[shareField(line.serviceId)]}
          errors={errors} inputmode="numeric" maxLength={7} autocomplete="off" />
      ))}
      {error && <small id="e-shares" class="error">{t(error.code, error.vars)}</small>}
    </details>
  );
}

export function PaymentSettingsPage(p: PageProps & { settings: PaymentSettings; values: FormValues; errors?: FormErrors; canEdit: boolean; saved?: boolean }) {
  const { t, errors } = p;
  return (
    <Layout {...p} title={t('paySettings.title')} active={PAYMENT_SETTINGS_PAGE}>
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      {!p.canEdit && <p class="muted">{t('common.readOnly')}</p>}
      <form method="post" action={PAYMENT_SETTINGS_PAGE} class="card" id="payments" novalidate>
        <ErrorSummary t={t} errors={errors} />
        <CsrfField csrf={p.csrf} />
        <fieldset disabled={!p.canEdit} class="plain">
          <RuleChoice t={t} value={p.values.splitRule ?? ''} errors={errors} />
          <Shares t={t} settings={p.settings} values={p.values} errors={errors} />
          <Field t={t} name="offerUrl" label={t('paySettings.offerUrl')} value={p.values.offerUrl} errors={errors} type="url" maxLength={500}
            hint={t('paySettings.offerUrlHint')} autocomplete="off" />
        </fieldset>
        {p.canEdit && <div class="actions"><button type="submit">{t('form.save')}</button></div>}
      </form>
      <p><a href="/admin/payments/links">{t('paySettings.toLinks')}</a></p>
    </Layout>
  );
}
