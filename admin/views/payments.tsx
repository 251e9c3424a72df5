import { PAY_METHODS, PAYMENT_STATUSES, PAYMENTS_COUNT_CAP, type CollectorRecord as CollectorOption, type PaymentListRow, type PaymentStatus } from '../../core/payments/index.ts';
import type { T } from '../i18n.ts';
import { Pager } from './components.tsx';
import { Layout, type PageProps } from './layout.tsx';
import { formatMoney, formatWhen } from './registries.tsx';

export const PAYMENTS_PAGE_SIZE = 50;
/** Who opens payments: everyone who works with accounts answers residents' «I paid» questions. */
export const PAYMENT_READERS = ['admin', 'accountant', 'operator', 'lawyer'] as const;
/** Who gives money back: those who answer for the money. */
export const PAYMENT_REFUNDERS = ['admin', 'accountant'] as const;

/** The list's filters as the GET form sends them back; '' is «any». */
export type PaymentsQuery = { day: string; status: string; method: string; account: string; collectorId: string; page: number };

/** A status word the page has no translation for (never expected) is shown as it is rather than failing the page. */
export function StatusBadge({ t, status }: { t: T; status: PaymentStatus }) {
  const known = (PAYMENT_STATUSES as readonly string[]).includes(status);
  return <span class={`badge status-${status}`}>{known ? t(`payments.statuses.${status}`) : status}</span>;
}

function FilterSelect({ id, label, value, options, anyLabel }: {
  id: string; label: string; value: string; options: readonly { value: string; label: string }[]; anyLabel: string;
}) {
  return (
    <>
      <label class="visually-hidden" for={`f-${id}`}>{label}</label>
      <select id={`f-${id}`} name={id} aria-label={label}>
        <option value="">{anyLabel}</option>
        {options.map((o) => <option value={o.value} selected={o.value === value}>{o.label}</option>)}
      </select>
    </>
  );
}

function Filters({ t, query, collectors }: { t: T; query: PaymentsQuery; collectors: readonly CollectorOption[] }) {
  return (
    <form method="get" action="/admin/payments" class="search" role="search">
      <label class="visually-hidden" for="f-day">{t('payments.day')}</label>
      <input id="f-day" type="date" name="day" value={query.day} aria-label={t('payments.day')} />
      <FilterSelect id="status" label={t('payments.status')} value={query.status} anyLabel={t('payments.anyStatus')}
        options={PAYMENT_STATUSES.map((s) => ({ value: s, label: t(`payments.statuses.${s}`) }))} />
      <FilterSelect id="method" label={t('payments.method')} value={query.method} anyLabel={t('payments.anyMethod')}
        options={PAY_METHODS.map((m) => ({ value: m, label: t(`payments.methods.${m}`) }))} />
      <label class="visually-hidden" for="f-account">{t('payments.account')}</label>
      <input id="f-account" type="search" name="account" value={query.account} inputMode="numeric" maxLength={30} placeholder={t('payments.account')} />
      {collectors.length > 0 && <FilterSelect id="collectorId" label={t('payments.collector')} value={query.collectorId} anyLabel={t('payments.anyCollector')}
        options={collectors.map((c) => ({ value: c.id, label: c.active ? c.name : t('payments.retired', { name: c.name }) }))} />}
      <button type="submit">{t('payments.apply')}</button>
      <a class="button secondary" href="/admin/payments">{t('payments.reset')}</a>
    </form>
  );
}

function PaymentsTable({ t, locale, rows }: { t: T; locale: string; rows: readonly PaymentListRow[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead><tr>
          <th>{t('payments.created')}</th><th class="hide-narrow">{t('payments.registryDay')}</th><th>{t('payments.account')}</th>
          <th class="num">{t('payments.amount')}</th><th class="num hide-narrow">{t('payments.fee')}</th><th class="num hide-narrow">{t('payments.gross')}</th>
          <th class="num hide-narrow">{t('payments.refunded')}</th><th>{t('payments.status')}</th><th class="hide-narrow">{t('payments.method')}</th>
          <th class="hide-narrow">{t('payments.source')}</th>
        </tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr class={r.status === 'failed' || r.status === 'canceled' ? 'inactive' : undefined}>
              <td><a href={`/admin/payments/${r.id}`}>{formatWhen(r.createdAt, locale)}</a></td>
              <td class="hide-narrow">{r.registryDay ?? '—'}</td>
              <td><a href={`/admin/accounts/${r.accountId}`}>{r.accountNumber}</a></td>
              <td class="num">{formatMoney(r.amount)}</td>
              <td class="num hide-narrow">{formatMoney(r.fee)}</td>
              <td class="num hide-narrow">{formatMoney(r.gross)}</td>
              <td class="num hide-narrow">{r.refunded ? formatMoney(r.refunded) : '—'}</td>
              <td><StatusBadge t={t} status={r.status} /></td>
              <td class="hide-narrow">{t(`payments.methods.${r.method}`)}</td>
              <td class="hide-narrow">{t(`payments.sources.${r.source}`)}{r.collectorName ? ` · ${r.collectorName}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PaymentsPage(p: PageProps & { query: PaymentsQuery; rows: readonly PaymentListRow[]; total: number; collectors: readonly CollectorOption[] }) {
  const { t, query } = p;
  const { page: _page, ...keep } = query;
  const filtered = Object.values(keep).some(Boolean);
  return (
    <Layout {...p} title={t('payments.title')} active="/admin/payments">
      <p><a href="/admin/payments/days">{t('payments.daysLink')}</a></p>
      <Filters t={t} query={query} collectors={p.collectors} />
      {p.rows.length === 0 ? <p class="muted">{filtered ? t('payments.nothingFound') : t('payments.none')}</p>
        : <PaymentsTable t={t} locale={p.locale} rows={p.rows} />}
      <Pager t={t} total={p.total} page={query.page} pageSize={PAYMENTS_PAGE_SIZE} base="/admin/payments" query={keep} cap={PAYMENTS_COUNT_CAP} />
    </Layout>
  );
}
