import type { PaymentCard } from '../../core/payments/index.ts';
import { hasMessage, type Locale } from '../../core/shared/index.ts';
import type { T } from '../i18n.ts';
import { ErrorSummary, Field, Notice, type FormErrors } from './components.tsx';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { ExchangeList, LedgerTable } from './payments-ledger.tsx';
import { RefundsSection, SplitTable } from './payments-split.tsx';
import { StatusBadge } from './payments.tsx';
import { formatMoney, formatWhen } from './registries.tsx';

/** What the refund form was sent with, and what was wrong with it (the page is shown again with 422). */
export type RefundForm = { readonly values: { readonly amount: string; readonly reason: string }; readonly errors: FormErrors };

/** What can still be given back: the gross less what was refunded and what is asked of the bank right now. */
export const refundable = (card: PaymentCard) =>
  card.payment.gross - card.payment.refunded - card.refunds.filter((r) => r.status === 'requested').reduce((s, r) => s + r.amount, 0);

const when = (at: Date | null, locale: string) => (at ? formatWhen(at, locale) : '—');

function Sums({ t, card }: { t: T; card: PaymentCard }) {
  const p = card.payment;
  return (
    <dl class="facts sums">
      <dt>{t('payments.amount')}</dt><dd data-amount="">{formatMoney(p.amount)}</dd>
      <dt>{t('payments.fee')}</dt><dd>{formatMoney(p.fee)} <span class="muted">{t('payment.commission', { rate: (p.commissionBp / 100).toFixed(2).replace('.', ','), mode: t(`payment.modes.${p.commissionMode}`) })}</span></dd>
      <dt>{t('payments.gross')}</dt><dd>{formatMoney(p.gross)}</dd>
      <dt>{t('payments.net')}</dt><dd>{formatMoney(p.net)}</dd>
      <dt>{t('payments.refunded')}</dt><dd>{formatMoney(p.refunded)}</dd>
    </dl>
  );
}

function Facts({ t, locale, card }: { t: T; locale: string; card: PaymentCard }) {
  const { payment: p, account } = card;
  return (
    <dl class="facts">
      <dt>{t('payments.status')}</dt><dd><StatusBadge t={t} status={p.status} />{p.statusReason ? <span class="muted"> · {hasMessage(locale as Locale, p.statusReason) ? t(p.statusReason) : p.statusReason}</span> : null}</dd>
      <dt>{t('payments.created')}</dt><dd>{when(p.createdAt, locale)}</dd>
      <dt>{t('payments.paid')}</dt><dd>{when(p.paidAt, locale)}</dd>
      <dt>{t('payments.registryDay')}</dt><dd>{p.registryDay ?? '—'}</dd>
      <dt>{t('payments.method')}</dt><dd>{t(`payments.methods.${p.method}`)} · {p.provider}{p.providerPaymentId ? ` · ${p.providerPaymentId}` : ''}</dd>
      <dt>{t('payments.source')}</dt><dd>{t(`payments.sources.${p.source}`)}</dd>
      <dt>{t('payments.account')}</dt>
      <dd><a href={`/admin/accounts/${p.accountId}`}>{account.number}</a>{account.address ? ` · ${account.address}` : ''}{account.premiseNumber ? `, ${t('payment.premise', { n: account.premiseNumber })}` : ''}</dd>
      <dt>{t('payments.collector')}</dt><dd>{card.collector?.name ?? '—'}</dd>
    </dl>
  );
}

function RefundFormView({ t, csrf, card, form }: { t: T; csrf: string; card: PaymentCard; form?: RefundForm }) {
  const p = card.payment;
  if (p.status !== 'paid' && p.status !== 'partially_refunded') return <p class="muted">{t('refund.notAllowed', { status: t(`payments.statuses.${p.status}`) })}</p>;
  const available = Math.max(0, refundable(card));
  return (
    <form method="post" action={`/admin/payments/${p.id}/refund`} class="card" id="refund">
      <ErrorSummary t={t} errors={form?.errors} />
      <CsrfField csrf={csrf} />
      <Field t={t} name="amount" label={t('refund.amount')} value={form?.values.amount}
        errors={form?.errors} required inputmode="decimal" maxLength={30} hint={t('refund.available', { available: formatMoney(available) })} />
      <Field t={t} name="reason" label={t('refund.reason')} value={form?.values.reason} errors={form?.errors} required maxLength={500} />
      <div class="actions"><button type="submit" class="danger">{t('refund.submit')}</button></div>
    </form>
  );
}

export function PaymentCardPage(p: PageProps & { card: PaymentCard; canRefund: boolean; refundForm?: RefundForm; refunded?: boolean }) {
  const { t, card, locale } = p;
  const splitTotal = card.split.original.reduce((s, r) => s + r.amount, 0);
  return (
    <Layout {...p} title={t('payment.title', { number: card.account.number, date: formatWhen(card.payment.createdAt, locale) })} active="/admin/payments">
      {p.refunded && <Notice>{t('refund.done')}</Notice>}
      <section class="card"><Sums t={t} card={card} /></section>
      <section class="card"><Facts t={t} locale={locale} card={card} /></section>
      <h2>{t('split.title')}</h2>
      {card.split.original.length === 0 ? <p class="muted">{t('split.none')}</p> : (
        <>
          <SplitTable t={t} rows={card.split.original} caption={t('split.caption', { amount: formatMoney(card.payment.amount) })} mark="split" />
          {splitTotal !== card.payment.amount && <p class="error" role="alert">{t('split.mismatch', { total: formatMoney(splitTotal) })}</p>}
        </>
      )}
      <h2>{t('refunds.title')}</h2>
      <RefundsSection t={t} locale={locale} card={card} />
      {p.canRefund && <><h3>{t('refund.title')}</h3><RefundFormView t={t} csrf={p.csrf} card={card} form={p.refundForm} /></>}
      <h2>{t('ledger.title')}</h2>
      <LedgerTable t={t} locale={locale} ledger={card.ledger} />
      <h2>{t('exchange.title')}</h2>
      <ExchangeList t={t} locale={locale} events={card.events} />
    </Layout>
  );
}
