import type { ImportReport } from '../../core/registries/index.ts';
import type { T } from '../i18n.ts';
import { Notice } from './components.tsx';
import { Layout, type PageProps } from './layout.tsx';
import { fileHref, formatMoney, formatWhen } from './registries.tsx';

function Summary({ t, r }: { t: T; r: ImportReport }) {
  const format = [r.format && t(`registries.formats.${r.format}`), r.encoding && t(`registries.encodings.${r.encoding}`)].filter(Boolean).join(', ');
  const facts: [string, string | number][] = [
    [t('report.status'), t(`registries.status.${r.status}`)],
    [t('report.file'), r.file],
    [t('report.format'), format || '—'],
    [t('report.profile'), r.profile ?? '—'],
    [t('report.rows'), r.rows],
    [t('report.lines'), r.lines],
    [t('report.total'), formatMoney(r.totalKop)],
    [t('report.accountsCreated'), r.accounts.created],
    [t('report.accountsUpdated'), r.accounts.updated],
    [t('report.buildingsCreated'), r.buildingsCreated],
    [t('report.premisesCreated'), r.premisesCreated],
    [t('report.readings'), r.readings],
  ];
  return (
    <section class="card">
      <h2>{t('report.summary')}</h2>
      <dl class="facts">{facts.map(([label, value]) => <><dt>{label}</dt><dd>{value}</dd></>)}</dl>
      <p class="muted">{t('report.duration', { ms: r.durationMs })}</p>
      <p><a href={fileHref(r.sha256)} download="">{t('report.downloadOriginal')}</a></p>
    </section>
  );
}

function Assigned({ t, r }: { t: T; r: ImportReport }) {
  if (!r.accounts.assigned.length) return null;
  return (
    <>
      <h2>{t('report.assigned')}</h2>
      {r.assignedSha256 && <p><a href={fileHref(r.assignedSha256)} download="">{t('report.downloadAssigned')}</a></p>}
      <div class="table-wrap">
        <table>
          <thead><tr><th class="num">{t('report.line')}</th><th>{t('report.number')}</th><th>{t('report.address')}</th><th>{t('report.premise')}</th></tr></thead>
          <tbody>{r.accounts.assigned.map((a) => <tr><td class="num">{a.line}</td><td>{a.number}</td><td>{a.address}</td><td>{a.premise}</td></tr>)}</tbody>
        </table>
      </div>
    </>
  );
}

function ServicesCreated({ t, r }: { t: T; r: ImportReport }) {
  if (!r.servicesCreated.length) return null;
  return (
    <>
      <h2>{t('report.servicesCreated')}</h2>
      <div class="table-wrap">
        <table>
          <thead><tr><th>{t('report.code')}</th><th>{t('report.name')}</th></tr></thead>
          <tbody>{r.servicesCreated.map((s) => <tr><td>{s.code}</td><td>{s.name}</td></tr>)}</tbody>
        </table>
      </div>
    </>
  );
}

function Errors({ t, r }: { t: T; r: ImportReport }) {
  if (!r.errors.length && !r.rejectedRows) return null;
  return (
    <>
      <h2>{t('report.errors')}</h2>
      {r.rejectedRows > 0 && (
        <p>{t('report.rejectedRows', { n: r.rejectedRows })}{' '}
          {r.rejectedSha256 && <a href={fileHref(r.rejectedSha256)} download="">{t('report.downloadRejected')}</a>}</p>
      )}
      {r.errorsTotal > r.errors.length && <p class="muted">{t('report.errorsShown', { shown: r.errors.length, total: r.errorsTotal })}</p>}
      {r.errors.length > 0 && (
        <div class="table-wrap">
          <table class="report-errors">
            <thead><tr><th class="num">{t('report.line')}</th><th>{t('report.column')}</th><th>{t('report.value')}</th><th>{t('report.message')}</th></tr></thead>
            <tbody>
              {r.errors.map((e) => (
                <tr><td class="num">{e.line ?? '—'}</td><td>{e.column ?? '—'}</td><td>{e.value ?? '—'}</td><td>{t(e.code, e.params)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The report of an import, or of a dry run rendered straight from the form (it is recorded nowhere). */
export function ReportPage(p: PageProps & { report: ImportReport; backToPreview?: string }) {
  const { t, report: r } = p;
  const notice = r.status === 'already_imported'
    ? t('report.notice.already_imported', { at: r.previous ? formatWhen(r.previous.at, p.locale) : '' })
    : t(`report.notice.${r.status}`);
  return (
    <Layout {...p} title={t(r.status === 'dry_run' ? 'report.dryRunTitle' : 'report.title')} active="/admin/registries">
      <p class="actions">
        <a href="/admin/registries">{t('report.back')}</a>
        {p.backToPreview && <a href={p.backToPreview}>{t('report.backToPreview')}</a>}
      </p>
      {r.status === 'rejected' ? <div class="errors" role="alert"><p>{notice}</p></div> : <Notice>{notice}</Notice>}
      {r.status === 'already_imported' && r.previous && (
        <p><a href={`/admin/registries/imports/${r.previous.importId}`}>{t('report.previousLink')}</a></p>
      )}
      <Summary t={t} r={r} />
      <Assigned t={t} r={r} />
      <ServicesCreated t={t} r={r} />
      <Errors t={t} r={r} />
    </Layout>
  );
}
