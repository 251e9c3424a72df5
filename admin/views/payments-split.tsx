import type { CardRefund, CardSplit, PaymentCard } from '../../core/payments/index.ts';
import type { T } from '../i18n.ts';
import { formatMoney, formatWhen } from './registries.tsx';

const REASONS = ['covered', 'proportional', 'oldestFirst', 'fixedShare', 'penaltyLast', 'advance'];
const KINDS = ['principal', 'penalty', 'advance'];
/** Values written by a later version than this page are shown as stored instead of failing the card. */
const known = (t: T, group: string, list: readonly string[], value: string) => (list.includes(value) ? t(`${group}.${value}`) : value);

function periodText(t: T, period: string | null): string {
  if (!period) return '—';
  const [year, month] = period.split('-');
  return t('charges.period', { month: t(`charges.month${Number(month)}`), year });
}

const sum = (rows: readonly CardSplit[], pick: (s: CardSplit) => number) => rows.reduce((s, r) => s + pick(r), 0);

/** One table of parts: the payment's own (positive) or one refund's reversal (negative), with its totals row. */
export function SplitTable({ t, rows, caption, mark }: { t: T; rows: readonly CardSplit[]; caption: string; mark?: string }) {
  return (
    <div class="table-wrap">
      <table class="split">
        <caption>{caption}</caption>
        <thead><tr>
          <th>{t('split.service')}</th><th>{t('split.period')}</th><th>{t('split.recipient')}</th><th class="hide-narrow">{t('split.kind')}</th>
          <th class="hide-narrow">{t('split.reason')}</th><th class="num hide-narrow">{t('split.debtBefore')}</th>
          <th class="num">{t('split.amount')}</th><th class="num">{t('split.feeShare')}</th>
        </tr></thead>
        <tbody>
          {rows.map((s) => (
            <tr>
              <td>{s.serviceName ?? s.serviceCode ?? t('split.noService')}</td>
              <td>{periodText(t, s.period)}</td>
              <td>{s.recipientName}</td>
              <td class="hide-narrow">{known(t, 'split.kinds', KINDS, s.kind)}</td>
              <td class="hide-narrow">{known(t, 'split.reasons', REASONS, s.reason)}</td>
              <td class="num hide-narrow">{s.debtBefore === null ? '—' : formatMoney(s.debtBefore)}</td>
              <td class="num">{formatMoney(s.amount)}</td>
              <td class="num">{formatMoney(s.feeShare)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot><tr>
          <th colSpan={6}>{t('split.total')}</th>
          <th class="num" data-total={mark}>{formatMoney(sum(rows, (s) => s.amount))}</th>
          <th class="num">{formatMoney(sum(rows, (s) => s.feeShare))}</th>
        </tr></tfoot>
      </table>
    </div>
  );
}

/** What a refund gave back of the fee: its entries on the fee income account (so it holds for either commission mode). */
const feeBackOf = (card: PaymentCard, refundId: string) =>
  card.ledger.entries.filter((e) => e.refundId === refundId && e.accountKind === 'fee_income').reduce((s, e) => s + e.amount, 0);

function RefundBlock({ t, locale, refund, reversal, feeBack }: { t: T; locale: string; refund: CardRefund; reversal: readonly CardSplit[]; feeBack: number }) {
  return (
    <section class="card refund" id={`refund-${refund.id}`}>
      <p>
        <strong>{t('refunds.heading', { amount: formatMoney(refund.amount) })}</strong>{' · '}
        {known(t, 'refunds.statuses', ['requested', 'done', 'failed'], refund.status)}
        <span class="muted">{' · '}{refund.actorLabel}, {formatWhen(refund.createdAt, locale)}</span>
      </p>
      <p>{t('refunds.reason')}: {refund.reason}</p>
      {feeBack !== 0 && <p class="muted">{t('refunds.feeBack', { fee: formatMoney(feeBack) })}</p>}
      {reversal.length > 0 && <SplitTable t={t} rows={reversal} caption={t('refunds.reversal')} />}
    </section>
  );
}

/**
 * The refunds, each with the reversal of the split it posted. A full refund reported by the bank without our
 * request is reversed under an id of its own that has no refund row: it is listed as the bank's.
 */
export function RefundsSection({ t, locale, card }: { t: T; locale: string; card: PaymentCard }) {
  const ours = new Set(card.refunds.map((r) => r.id));
  const bankIds = [...new Set(card.split.reversals.map((s) => s.refundId!).filter((id) => !ours.has(id)))];
  const reversalOf = (id: string) => card.split.reversals.filter((s) => s.refundId === id);
  if (card.refunds.length === 0 && bankIds.length === 0) return <p class="muted">{t('refunds.none')}</p>;
  return (
    <>
      {card.refunds.map((r) => <RefundBlock t={t} locale={locale} refund={r} reversal={reversalOf(r.id)} feeBack={feeBackOf(card, r.id)} />)}
      {bankIds.map((id) => (
        <section class="card refund">
          <p><strong>{t('refunds.fromBank')}</strong></p>
          <SplitTable t={t} rows={reversalOf(id)} caption={t('refunds.reversal')} />
        </section>
      ))}
    </>
  );
}
