import type { ComponentChildren } from 'preact';
import type { SandboxPaymentView } from '../../../core/payments/index.ts';
import { formatRubles, kopecks } from '../../../core/shared/index.ts';
import type { Ctx } from '../../pay/pay-http.ts';

/** T-Bank's published test card: what a tester of the real contour would type. */
const TEST_CARD = '4300 0000 0000 0777';

function BankLayout({ ctx, title, children }: { ctx: Ctx; title: string; children: ComponentChildren }) {
  const { t, locale } = ctx;
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${t('title')}`}</title>
        <link rel="stylesheet" href="/sandbox/static/sandbox.css" />
      </head>
      <body>
        <p class="banner" role="note">{t('banner')}</p>
        <header class="bank"><span class="logo" aria-hidden="true">Б</span>{t('title')}</header>
        <main>{children}</main>
      </body>
    </html>
  );
}

/** The bank app's confirmation screen: recipient, amount, purpose; for a card, the test card already filled in. */
export function ConfirmPage({ ctx, payment, formToken, error }: { ctx: Ctx; payment: SandboxPaymentView; formToken: string; error?: string }) {
  const { t } = ctx;
  const action = `/sandbox/pay/${payment.id}`;
  return (
    <BankLayout ctx={ctx} title={t('confirmTitle')}>
      <h1>{t('confirmTitle')}</h1>
      {error && <p class="error" role="alert">{error}</p>}
      <section class="sheet">
        <div class="amount">{formatRubles(kopecks(payment.amount))}</div>
        <dl>
          <dt>{t('recipient')}</dt><dd>{t('recipientName')}</dd>
          <dt>{t('description')}</dt><dd>{payment.description}</dd>
          <dt>{t('method')}</dt><dd>{payment.method === 'card' ? t('methodCard') : t('methodSbp')}</dd>
        </dl>
      </section>
      <form method="post" action={action} class="sheet">
        <input type="hidden" name="t" value={formToken} />
        {payment.method === 'card' && (
          <p class="field">
            <label for="card">{t('card')}</label>
            <input id="card" type="text" inputMode="numeric" value={TEST_CARD} readOnly />
          </p>
        )}
        <button type="submit" name="answer" value="confirm" class="confirm">{t('confirm')}</button>
        <button type="submit" name="answer" value="decline" class="decline">{t('decline')}</button>
      </form>
    </BankLayout>
  );
}

/** A payment already decided (or expired): where it stands, and the way back to the shop. */
export function DonePage({ ctx, payment }: { ctx: Ctx; payment: SandboxPaymentView }) {
  const { t } = ctx;
  const back = payment.status === 'CONFIRMED' || payment.status.includes('REFUND') ? payment.successUrl : payment.failUrl;
  return (
    <BankLayout ctx={ctx} title={t('doneTitle')}>
      <h1>{t('doneTitle')}</h1>
      <section class="sheet">
        <div class="amount">{formatRubles(kopecks(payment.amount))}</div>
        <p>{t('doneText', { status: payment.status })}</p>
        <a class="confirm" href={back}>{t('back')}</a>
      </section>
    </BankLayout>
  );
}

export function BankMessage({ ctx, title, text }: { ctx: Ctx; title: string; text: string }) {
  return (
    <BankLayout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p class="sheet" role="alert">{text}</p>
    </BankLayout>
  );
}
