import type { ChargeLine } from '../../core/billing/index.ts';
import type { AccountDebt } from '../../core/payments/index.ts';
import { formatRubles, kopecks } from '../../core/shared/index.ts';
import type { PageProps } from './layout.tsx';

const COLUMNS = ['openingBalance', 'accrued', 'recalculation', 'benefit', 'paid', 'penalty', 'toPay'] as const;
const money = (k: number | null) => (k === null ? '—' : formatRubles(kopecks(k)));
const sum = (lines: readonly ChargeLine[], field: (typeof COLUMNS)[number]) =>
  lines.some((l) => l[field] !== null) ? lines.reduce((s, l) => s + (l[field] ?? 0), 0) : null;

/** The account's charges by period, newest first: one table per month with its total line. */
export function ChargesTables({ t, lines }: { t: PageProps['t']; lines: readonly ChargeLine[] }) {
  if (lines.length === 0) return <p class="muted">{t('account.noCharges')}</p>;
  const periods = [...new Set(lines.map((l) => l.period))];
  return (
    <>
      {periods.map((period) => {
        const rows = lines.filter((l) => l.period === period);
        const [year, month] = period.split('-');
        return (
          <div class="table-wrap">
            <table>
              <caption>{t('charges.period', { month: t(`charges.month${Number(month)}`), year })}</caption>
              <thead><tr>
                <th>{t('charges.service')}</th>
                {COLUMNS.map((c) => <th class={`num${c === 'toPay' || c === 'accrued' ? '' : ' hide-narrow'}`}>{t(`charges.${c}`)}</th>)}
              </tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>{r.serviceName}{r.volume ? <span class="muted"> · {r.volume.replace(/\.?0+$/, '')}{r.tariff ? ` × ${r.tariff.replace(/\.?0+$/, '')}` : ''}</span> : null}</td>
                    {COLUMNS.map((c) => <td class={`num${c === 'toPay' || c === 'accrued' ? '' : ' hide-narrow'}`}>{money(r[c])}</td>)}
                  </tr>
                ))}
              </tbody>
              <tfoot><tr>
                <th>{t('charges.total')}</th>
                {COLUMNS.map((c) => <th class={`num${c === 'toPay' || c === 'accrued' ? '' : ' hide-narrow'}`}>{money(sum(rows, c))}</th>)}
              </tr></tfoot>
            </table>
          </div>
        );
      })}
    </>
  );
}

/**
 * What the account owes now: the latest registry's figures less every payment taken through us since, by service,
 * month and kind — the same figures the payment page recommends, so staff and residents see one number.
 */
export function DebtNow({ t, debt, charges }: { t: PageProps['t']; debt: AccountDebt; charges: readonly ChargeLine[] }) {
  const names = new Map(charges.map((c) => [c.serviceCode, c.serviceName]));
  return (
    <section class="card">
      <h2>{t('charges.debtNow')}</h2>
      <p class="muted">{t('charges.debtNowHint')}</p>
      <div class="table-wrap">
        <table>
          <thead><tr><th>{t('charges.service')}</th><th>{t('charges.debtPeriod')}</th><th class="num">{t('charges.debtAmount')}</th></tr></thead>
          <tbody>
            {debt.lines.map((l) => (
              <tr>
                <td>{names.get(l.serviceCode) ?? l.serviceCode}{l.kind === 'penalty' ? <span class="muted"> · {t('charges.penalty')}</span> : null}</td>
                <td>{l.period.split('-').reverse().join('.')}</td>
                <td class="num">{formatRubles(l.amount)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot><tr><th colSpan={2}>{t('charges.total')}</th><th class="num" data-total="debt">{formatRubles(debt.total)}</th></tr></tfoot>
        </table>
      </div>
    </section>
  );
}
