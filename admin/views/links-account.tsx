import { LINK_LIFETIME_DAYS } from '../../core/payments/index.ts';
import type { T } from '../i18n.ts';
import { CopyField } from './links.tsx';

/**
 * The account card's «Ссылка на оплату»: what staff send a resident who asks how to pay, and its QR for a
 * printed notice. Nothing for a closed account (the payment page refuses it) or when links cannot be signed.
 */
export function AccountPayLink({ t, accountId, url }: { t: T; accountId: string; url: string | null | undefined }) {
  if (!url) return null;
  return (
    <section class="card" id="pay-link">
      <h2>{t('payLinkCard.title')}</h2>
      <CopyField id="pay-link-url" label={t('payLinkCard.link')} value={url} />
      <img src={`/admin/accounts/${accountId}/pay-qr.svg`} alt={t('payLinkCard.qr')} width={160} height={160} />
      <p class="muted">{t('payLinkCard.hint', { days: LINK_LIFETIME_DAYS.account })}</p>
    </section>
  );
}
