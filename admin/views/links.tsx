import { LINK_LIFETIME_DAYS, type CollectorRecord } from '../../core/payments/index.ts';
import type { T } from '../i18n.ts';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { ErrorSummary, Field, Notice, type FormErrors } from './components.tsx';
import type { FormValues } from './settings.tsx';

export const LINKS_PAGE = '/admin/payments/links';
export const COLLECTOR_FIELDS = ['name', 'code'] as const;

/** An active collector carries its card's link and NDEF record; an inactive one has none to offer. */
export type CollectorView = CollectorRecord & { readonly url: string | null; readonly ndefHex: string | null };

export const collectorPath = (id: string) => `${LINKS_PAGE}/collectors/${id}`;

/** A read-only field to copy a link from: selecting it takes the whole URL, nothing around it. */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="text" value={value} readOnly spellcheck={false} autocomplete="off" />
    </div>
  );
}

function Kinds({ t }: { t: T }) {
  return (
    <section class="card">
      <h2>{t('payLinks.kindsTitle')}</h2>
      <ul>
        <li><strong>{t('payLinks.kindAccount')}</strong> — {t('payLinks.kindAccountText', { days: LINK_LIFETIME_DAYS.account })}</li>
        <li><strong>{t('payLinks.kindPlate')}</strong> — {t('payLinks.kindPlateText', { days: LINK_LIFETIME_DAYS.plate })}</li>
        <li><strong>{t('payLinks.kindCollector')}</strong> — {t('payLinks.kindCollectorText', { days: LINK_LIFETIME_DAYS.collector })}</li>
      </ul>
      <p class="muted">{t('payLinks.kindsSigned')}</p>
    </section>
  );
}

function Exports({ t, openAccounts }: { t: T; openAccounts: number }) {
  return (
    <section class="card" id="accounts">
      <h2>{t('payLinks.accountsTitle')}</h2>
      <p>{t('payLinks.accountsCount', { count: openAccounts.toLocaleString('ru-RU') })}</p>
      <p class="actions">
        <a class="button" href={`${LINKS_PAGE}/accounts.csv`} download>{t('payLinks.downloadCsv')}</a>{' '}
        <a class="button" href={`${LINKS_PAGE}/qr.zip?format=png`} download>{t('payLinks.downloadZipPng')}</a>{' '}
        <a class="button" href={`${LINKS_PAGE}/qr.zip?format=svg`} download>{t('payLinks.downloadZipSvg')}</a>
      </p>
      <p class="muted">{t('payLinks.accountsHint')}</p>
    </section>
  );
}

function Plate({ t, url }: { t: T; url: string }) {
  return (
    <section class="card" id="plate">
      <h2>{t('payLinks.plateTitle')}</h2>
      <p class="muted">{t('payLinks.plateHint')}</p>
      <CopyField id="plate-url" label={t('payLinks.link')} value={url} />
      <img src={`${LINKS_PAGE}/plate.svg`} alt={t('payLinks.plateQr')} width={200} height={200} />
      <p>
        <a href={`${LINKS_PAGE}/plate.svg`} download="plate.svg">{t('payLinks.downloadSvg')}</a> · <a href={`${LINKS_PAGE}/plate.png`} download="plate.png">{t('payLinks.downloadPng')}</a>
      </p>
    </section>
  );
}

function CollectorCard({ p, c }: { p: PageProps; c: CollectorView }) {
  const { t } = p;
  return (
    <li class={c.active ? undefined : 'inactive'} id={`collector-${c.id}`}>
      <p><strong>{c.name}</strong> · {t('payLinks.code')} {c.code} · {c.active ? t('payLinks.active') : t('payLinks.inactive')}</p>
      {c.url && c.ndefHex && (
        <>
          <CopyField id={`url-${c.id}`} label={t('payLinks.link')} value={c.url} />
          <img src={`${collectorPath(c.id)}/qr.svg`} alt={t('payLinks.collectorQr', { name: c.name })} width={160} height={160} />
          <p class="muted">{t('payLinks.ndefHint')}</p>
          <code class="secret">{c.ndefHex}</code>
          <p>
            <a href={`${collectorPath(c.id)}/nfc.ndef`} download>{t('payLinks.downloadNdef')}</a> · <a href={`${collectorPath(c.id)}/nfc-ntag.bin`} download>{t('payLinks.downloadNtag')}</a>
          </p>
        </>
      )}
      <form method="post" action={`${collectorPath(c.id)}/active`}>
        <CsrfField csrf={p.csrf} />
        <input type="hidden" name="active" value={c.active ? '0' : '1'} />
        <button type="submit" class="link">{c.active ? t('payLinks.deactivate') : t('payLinks.activate')}</button>
      </form>
    </li>
  );
}

function AddCollector({ p, values, errors }: { p: PageProps; values: FormValues; errors?: FormErrors }) {
  const { t } = p;
  return (
    <form method="post" action={`${LINKS_PAGE}/collectors`} id="add-collector" novalidate>
      <h3>{t('payLinks.addCollector')}</h3>
      <ErrorSummary t={t} errors={errors} />
      <CsrfField csrf={p.csrf} />
      <Field t={t} name="name" label={t('payLinks.collectorName')} value={values.name} errors={errors} maxLength={200} required />
      <Field t={t} name="code" label={t('payLinks.code')} value={values.code} errors={errors} maxLength={32} hint={t('payLinks.codeHint')} autocomplete="off" />
      <div class="actions"><button type="submit">{t('payLinks.add')}</button></div>
    </form>
  );
}

export function LinksPage(p: PageProps & {
  openAccounts: number; plateUrl: string; collectors: readonly CollectorView[]; saved?: boolean; failed?: { values: FormValues; errors: FormErrors };
}) {
  const { t } = p;
  return (
    <Layout {...p} title={t('payLinks.title')} active={LINKS_PAGE}>
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      <Kinds t={t} />
      <Exports t={t} openAccounts={p.openAccounts} />
      <Plate t={t} url={p.plateUrl} />
      <section class="card" id="collectors">
        <h2>{t('payLinks.collectorsTitle')}</h2>
        <p class="muted">{t('payLinks.collectorsHint')}</p>
        {p.collectors.length === 0 ? <p class="muted">{t('payLinks.noCollectors')}</p> : <ul>{p.collectors.map((c) => <CollectorCard p={p} c={c} />)}</ul>}
        <AddCollector p={p} values={p.failed?.values ?? {}} errors={p.failed?.errors} />
      </section>
      <p><a href="/admin/settings/payments">{t('payLinks.toSettings')}</a></p>
    </Layout>
  );
}
