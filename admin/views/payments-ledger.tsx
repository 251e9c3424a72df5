import type { CardEvent, PaymentCard } from '../../core/payments/index.ts';
import type { T } from '../i18n.ts';
import { formatMoney, formatWhen } from './registries.tsx';

const TRANSFERS = ['payment', 'refund', 'fee', 'reversal', 'correction'];
const label = (t: T, group: string, list: readonly string[], value: string) => (list.includes(value) ? t(`${group}.${value}`) : value);

/** The payment's ledger entries (debit positive, credit negative) and their sum, which a balanced ledger keeps at 0. */
export function LedgerTable({ t, locale, ledger }: { t: T; locale: string; ledger: PaymentCard['ledger'] }) {
  if (ledger.entries.length === 0) return <p class="muted">{t('ledger.none')}</p>;
  return (
    <div class="table-wrap">
      <table class="ledger">
        <thead><tr>
          <th class="hide-narrow">{t('ledger.at')}</th><th>{t('ledger.transfer')}</th><th>{t('ledger.account')}</th><th class="num">{t('ledger.amount')}</th>
        </tr></thead>
        <tbody>
          {ledger.entries.map((e) => (
            <tr>
              <td class="hide-narrow">{formatWhen(e.createdAt, locale)}</td>
              <td>{label(t, 'ledger.transfers', TRANSFERS, e.kind)}</td>
              <td>{t(`ledger.kinds.${e.accountKind}`)}{e.recipientName ? ` · ${e.recipientName}` : ''}</td>
              <td class="num">{formatMoney(e.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot><tr>
          <th colSpan={3}>{t('ledger.sum')} {ledger.sum === 0 ? t('ledger.balanced') : <strong class="error">{t('ledger.unbalanced')}</strong>}</th>
          <th class="num" data-total="ledger">{formatMoney(ledger.sum)}</th>
        </tr></tfoot>
      </table>
    </div>
  );
}

function EventItem({ t, locale, event }: { t: T; locale: string; event: CardEvent }) {
  const change = event.statusFrom || event.statusTo ? ` · ${event.statusFrom ?? '—'} → ${event.statusTo ?? '—'}` : '';
  return (
    <li>
      <p><strong>{event.operation}</strong> <span class="muted">{label(t, 'exchange.kinds', ['state', 'request', 'notification', 'reconcile', 'refund'], event.kind)}{change} · {formatWhen(event.createdAt, locale)}</span></p>
      {/* Rendered as text: preact escapes it, so whatever the bank sent cannot become markup. */}
      <pre class="exchange">{JSON.stringify(event.data, null, 2)}</pre>
    </li>
  );
}

/** «Обмен с банком»: every request, answer and notification as stored, oldest first. */
export function ExchangeList({ t, locale, events }: { t: T; locale: string; events: readonly CardEvent[] }) {
  if (events.length === 0) return <p class="muted">{t('exchange.none')}</p>;
  return <ol class="exchange">{events.map((e) => <EventItem t={t} locale={locale} event={e} />)}</ol>;
}
