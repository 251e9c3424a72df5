import type { PaymentRecord, PaymentStatus } from '../../../core/payments/index.ts';
import { assertNever, formatRubles, kopecks } from '../../../core/shared/index.ts';
import { localDayTime } from '../pay-form.ts';
import type { Ctx } from '../pay-http.ts';
import { Fact, PayLayout } from './layout.tsx';

export type StatusView = {
  readonly payment: PaymentRecord;
  /** The organisation and account, when the account still opens (a closed one shows the payment alone). */
  readonly face: { readonly orgName: string; readonly accountNumber: string; readonly timeZone: string } | null;
  /** Our own URLs of this payment: its state for pay.js, its СБП QR. */
  readonly stateUrl: string;
  readonly qrUrl: string;
  /** A fresh long-lived link, offered once the payment went through. */
  readonly bookmarkUrl: string | null;
  /** Back to the payment page after a failure. */
  readonly retryUrl: string | null;
  /** This page's own path, for the language links. */
  readonly here: string;
};

type Phase = 'waiting' | 'paid' | 'failed' | 'refunded';

export function phaseOf(status: PaymentStatus): Phase {
  switch (status) {
    case 'created': case 'pending': case 'authorized': return 'waiting';
    case 'paid': return 'paid';
    case 'failed': case 'canceled': return 'failed';
    case 'refunded': case 'partially_refunded': return 'refunded';
    default: return assertNever(status);
  }
}

/** One payment's page: the sums, whom it went to, and where it stands; it refreshes itself while the bank decides. */
export function StatusPage({ ctx, view }: { ctx: Ctx; view: StatusView }) {
  const { t } = ctx;
  const { payment, face } = view;
  const phase = phaseOf(payment.status);
  return (
    <PayLayout ctx={ctx} title={t(`status.${phase}`)} refresh={phase === 'waiting'} here={view.here}>
      <h1 class={`status status-${phase}`} id="status-title">{t(`status.${phase}`)}</h1>
      <div id="status" data-status={payment.status} data-poll={phase === 'waiting' ? view.stateUrl : undefined}>
        <section class="card facts">
          {face && <Fact label={t('organisation')}>{face.orgName}</Fact>}
          {face && <Fact label={t('account')}>{face.accountNumber}</Fact>}
          <Fact label={t('sum.amount')}>{formatRubles(kopecks(payment.amount))}</Fact>
          <Fact label={t('sum.fee')}>{payment.commissionMode === 'internal' || payment.fee === 0 ? t('sum.noFee') : formatRubles(kopecks(payment.fee))}</Fact>
          <Fact label={t('sum.total')}>{formatRubles(kopecks(payment.gross))}</Fact>
          {payment.paidAt && face && <Fact label={t('status.paidAt')}>{localDayTime(payment.paidAt, face.timeZone)}</Fact>}
          {payment.refunded > 0 && <Fact label={t('status.refundedSum')}>{formatRubles(kopecks(payment.refunded))}</Fact>}
        </section>
        <PhaseBlock ctx={ctx} view={view} phase={phase} />
      </div>
      {view.bookmarkUrl && (
        <p class="bookmark">
          <a href={view.bookmarkUrl}>{t('bookmark')}</a>
          <br /><small>{t('bookmarkHint')}</small>
        </p>
      )}
    </PayLayout>
  );
}

function PhaseBlock({ ctx, view, phase }: { ctx: Ctx; view: StatusView; phase: Phase }) {
  const { t } = ctx;
  const { payment } = view;
  switch (phase) {
    case 'waiting':
      return (
        <section class="card waiting">
          {payment.sbpPayload && (
            <figure class="qr">
              <img src={view.qrUrl} alt={t('status.qrAlt')} width={220} height={220} />
              <figcaption>{t('status.scan')}</figcaption>
            </figure>
          )}
          {payment.paymentUrl && <a class="pay-button" href={payment.paymentUrl} id="bank-link">{t('status.openBank')}</a>}
          <p class="muted">{t('status.updating')}</p>
        </section>
      );
    case 'paid':
      return <p class="notice" role="status">{t('status.paidText')}</p>;
    case 'failed':
      return (
        <section class="card">
          <p>{t('status.failedText')}</p>
          {view.retryUrl && <a class="pay-button" href={view.retryUrl}>{t('status.retry')}</a>}
        </section>
      );
    case 'refunded':
      return <p class="notice" role="status">{t('status.refundedText')}</p>;
    default:
      return assertNever(phase);
  }
}
