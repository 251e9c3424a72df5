import type { ComponentChildren } from 'preact';
import type { T } from '../i18n.ts';
import { ErrorSummary, Notice, type FormErrors } from './components.tsx';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import type { FormValues } from './settings.tsx';

/** Appeal settings (issue 7): teams, routing, SLA, working calendar, canned answers, dispatcher chat. Admins only. */
export const APPEAL_SETTINGS = '/admin/appeals/settings';
export const SETTINGS_PAGES = ['teams', 'routing', 'sla', 'calendar', 'canned', 'dispatch'] as const;
export type SettingsPageName = (typeof SETTINGS_PAGES)[number];

/** A form that came back with problems: which one (its id on the page), what was typed, and what to fix. */
export type FailedSettingsForm = { readonly form: string; readonly values: FormValues; readonly errors: FormErrors };
export type SettingsPageProps = PageProps & { readonly saved?: boolean; readonly failed?: FailedSettingsForm };

export const pagePath = (page: SettingsPageName) => `${APPEAL_SETTINGS}/${page}`;

/** The failed form's errors and values when `form` is the one that failed. */
export function formState(failed: FailedSettingsForm | undefined, form: string): { errors?: FormErrors; values?: FormValues } {
  return failed?.form === form ? { errors: failed.errors, values: failed.values } : {};
}

export const typeLabel = (t: T, type: string | null) => (type ? t(`appeals.type.${type}`) : t('appealSettings.anyType'));
export const categoryLabel = (t: T, category: string | null) => (category ? t(`dialogs.emergency.cat.${category}`) : t('appealSettings.anyCategory'));

/** The page frame: the section title, a tab per sub-page, the «saved» notice. */
export function SettingsShell({ p, page, children }: { p: SettingsPageProps; page: SettingsPageName; children: ComponentChildren }) {
  const { t } = p;
  return (
    <Layout {...p} title={t('appealSettings.title')} active={APPEAL_SETTINGS}>
      <nav class="tabs" aria-label={t('appealSettings.sections')}>
        {SETTINGS_PAGES.map((name) => (
          <a href={pagePath(name)} aria-current={name === page ? 'page' : undefined}>{t(`appealSettings.tabs.${name}`)}</a>
        ))}
      </nav>
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      {children}
    </Layout>
  );
}

/** One button that posts: delete, move, on/off duty. Hidden fields carry what the button means. */
/** A card with its own form, its errors above the fields. */
export function FormCard({ p, id, action, title, errors, submit, children }: {
  p: PageProps; id: string; action: string; title?: string; errors?: FormErrors; submit: string; children: ComponentChildren;
}) {
  return (
    <form method="post" action={action} class="card" id={id} novalidate>
      {title && <h2>{title}</h2>}
      <ErrorSummary t={p.t} errors={errors} />
      <CsrfField csrf={p.csrf} />
      {children}
      <div class="actions"><button type="submit">{submit}</button></div>
    </form>
  );
}

export function Checkbox({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  return (
    <div class="field">
      <label><input type="checkbox" id={`f-${name}`} name={name} value="1" checked={checked} /> {label}</label>
    </div>
  );
}

export function TextArea({ t, name, label, value, errors, maxLength, hint }: {
  t: T; name: string; label: string; value?: string; errors?: FormErrors; maxLength: number; hint?: string;
}) {
  const error = errors?.find((e) => e.field === name);
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={`f-${name}`}>{label}</label>
      <textarea id={`f-${name}`} name={name} rows={5} maxLength={maxLength} aria-invalid={error ? 'true' : undefined}>{value ?? ''}</textarea>
      {hint && !error && <small>{hint}</small>}
      {error && <small class="error">{t(error.code, error.vars)}</small>}
    </div>
  );
}
