import type { ComponentChildren } from 'preact';
import type { DayTotals, MoneyTotals, RangeTotals } from '../../core/payments/index.ts';
import type { T } from '../i18n.ts';
import { Layout, type PageProps } from './layout.tsx';
import { formatMoney } from './registries.tsx';

export type DaysQuery = { readonly from: string; readonly to: string };

const FIGURES = ['amount', 'fee', 'gross', 'net', 'refunded'] as const;

/** One line of figures; `head` is the first cell (a day, a method or «Итого»). */
function Figures({ head, totals, strong, cls }: { head: ComponentChildren; totals: MoneyTotals; strong?: boolean; cls?: string }) {
  const Cell = strong ? 'th' : 'td';
  return (
    <tr class={cls}>
      <Cell>{head}</Cell>
      <Cell class="num">{totals.count}</Cell>
      {FIGURES.map((f) => <Cell class={`num${f === 'amount' || f === 'gross' ? '' : ' hide-narrow'}`} data-figure={f}>{formatMoney(totals[f])}</Cell>)}
    </tr>
  );
}

/** A day's or the range's split by method, shown only when more than one method was used. */
const byMethod = (t: T, totals: RangeTotals) => (totals.methods.length > 1
  ? totals.methods.map((m) => <Figures head={<span class="muted">{t(`payments.methods.${m.method}`)}</span>} totals={m} cls="method" />) : null);

function DaysTable({ t, days, total }: { t: T; days: readonly DayTotals[]; total: RangeTotals }) {
  return (
    <div class="table-wrap">
      <table class="days">
        <thead><tr>
          <th>{t('days.day')}</th><th class="num">{t('days.count')}</th>
          {FIGURES.map((f) => <th class={`num${f === 'amount' || f === 'gross' ? '' : ' hide-narrow'}`}>{t(`payments.${f}`)}</th>)}
        </tr></thead>
        <tbody>
          {days.map((d) => (
            <>
              <Figures head={<a href={`/admin/payments?day=${d.day}`}>{d.day}</a>} totals={d} strong cls="day" />
              {byMethod(t, d)}
            </>
          ))}
        </tbody>
        <tfoot><Figures head={t('days.total')} totals={total} strong cls="total" />{byMethod(t, total)}</tfoot>
      </table>
    </div>
  );
}

/** Paid payments by registry day: what the day's registry to the recipients and the bank's settlement should show. */
export function PaymentDaysPage(p: PageProps & { query: DaysQuery; days: readonly DayTotals[]; total: RangeTotals }) {
  const { t, query } = p;
  return (
    <Layout {...p} title={t('days.title')} active="/admin/payments">
      <p><a href="/admin/payments">{t('days.back')}</a></p>
      <form method="get" action="/admin/payments/days" class="search">
        <label for="f-from">{t('days.from')}</label>
        <input id="f-from" type="date" name="from" value={query.from} required />
        <label for="f-to">{t('days.to')}</label>
        <input id="f-to" type="date" name="to" value={query.to} required />
        <button type="submit">{t('payments.apply')}</button>
      </form>
      <p class="muted">{t('days.explain')}</p>
      {p.days.length === 0 ? <p class="muted">{t('days.none', { from: query.from, to: query.to })}</p> : <DaysTable t={t} days={p.days} total={p.total} />}
    </Layout>
  );
}
