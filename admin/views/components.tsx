import type { ComponentChildren } from 'preact';
import type { AppError } from '../../core/shared/index.ts';
import type { T } from '../i18n.ts';
import { CsrfField } from './layout.tsx';

/** Errors of a form: one list at the top, and each message again beside its field. */
export type FormErrors = readonly AppError[];

export function ErrorSummary({ t, errors }: { t: T; errors?: FormErrors }) {
  if (!errors?.length) return null;
  return (
    <div class="errors" role="alert">
      <p>{t('form.fixThese')}</p>
      <ul>{errors.map((e) => <li>{e.field ? <a href={`#f-${e.field}`}>{t(e.code, e.vars)}</a> : t(e.code, e.vars)}</li>)}</ul>
    </div>
  );
}

export function Notice({ children }: { children?: ComponentChildren }) {
  return children ? <p class="notice" role="status">{children}</p> : null;
}

type FieldProps = {
  t: T; name: string; label: string; value?: string | number | null; errors?: FormErrors;
  type?: string; required?: boolean; hint?: string; autocomplete?: string; inputmode?: string; maxLength?: number;
};

export function Field(p: FieldProps) {
  const error = p.errors?.find((e) => e.field === p.name);
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={`f-${p.name}`}>{p.label}</label>
      <input id={`f-${p.name}`} name={p.name} type={p.type ?? 'text'} value={p.value ?? ''} required={p.required}
        autocomplete={p.autocomplete} inputMode={p.inputmode as never} maxLength={p.maxLength}
        aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `e-${p.name}` : p.hint ? `h-${p.name}` : undefined} />
      {p.hint && !error && <small id={`h-${p.name}`}>{p.hint}</small>}
      {error && <small id={`e-${p.name}`} class="error">{p.t(error.code, error.vars)}</small>}
    </div>
  );
}

export function Select(p: { t: T; name: string; label: string; value?: string; options: { value: string; label: string }[]; errors?: FormErrors }) {
  const error = p.errors?.find((e) => e.field === p.name);
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={`f-${p.name}`}>{p.label}</label>
      <select id={`f-${p.name}`} name={p.name} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `e-${p.name}` : undefined}>
        {p.options.map((o) => <option value={o.value} selected={o.value === p.value}>{o.label}</option>)}
      </select>
      {error && <small id={`e-${p.name}`} class="error">{p.t(error.code, error.vars)}</small>}
    </div>
  );
}

/** «Показаны 51–100 из 1 234», previous and next, keeping the other query parameters. */
export function Pager({ t, total, page, pageSize, base, query, cap }: {
  t: T; total: number; page: number; pageSize: number; base: string; query: Record<string, string | undefined>;
  /** The total was counted up to this many and stopped: show «more than cap». */
  cap?: number;
}) {
  const capped = cap !== undefined && total > cap;
  const pages = capped ? Number.POSITIVE_INFINITY : Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => `${base}?${new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)), page: String(p) } as Record<string, string>)}`;
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  return (
    <nav class="pager" aria-label={t('table.pages')}>
      <span>{capped ? t('table.shownMany', { from, to: page * pageSize, cap: cap.toLocaleString('ru-RU') })
        : t('table.shown', { from, to: Math.min(total, page * pageSize), total })}</span>
      {page > 1 && <a href={href(page - 1)} rel="prev">{t('table.prev')}</a>}
      {page < pages && <a href={href(page + 1)} rel="next">{t('table.next')}</a>}
    </nav>
  );
}

/** A column header that sorts by `key`, toggling the direction when it is the current sort. */
export function SortHeader({ label, keyName, sort, dir, base, query }: {
  label: string; keyName: string; sort: string; dir: 'asc' | 'desc'; base: string; query: Record<string, string | undefined>;
}) {
  const next = sort === keyName && dir === 'asc' ? 'desc' : 'asc';
  const params = new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)), sort: keyName, dir: next } as Record<string, string>);
  const ariaSort = sort === keyName ? (dir === 'asc' ? 'ascending' : 'descending') : undefined;
  return <th aria-sort={ariaSort}><a href={`${base}?${params}`}>{label}{sort === keyName ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</a></th>;
}

/** A form that is one button (take, close, delete, move up), with the fields it needs as hidden inputs. */
export function PostButton({ csrf, action, label, fields = {}, kind = 'link', title }: {
  csrf: string; action: string; label: string; fields?: Record<string, string>;
  /** The button's class: 'link' (default), 'danger', 'secondary', or '' for a primary button. */
  kind?: string; title?: string;
}) {
  return (
    <form method="post" action={action} class="inline">
      <CsrfField csrf={csrf} />
      {Object.entries(fields).map(([name, value]) => <input type="hidden" name={name} value={value} />)}
      <button type="submit" class={kind || undefined} title={title}>{label}</button>
    </form>
  );
}
