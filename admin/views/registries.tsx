import { REGISTRY_FORMATS, type ImportListItem } from '../../core/registries/index.ts';
import { DEFAULT_TZ, formatRubles, kopecks } from '../../core/shared/index.ts';
import type { T } from '../i18n.ts';
import { ErrorSummary, Pager, type FormErrors } from './components.tsx';
import { CsrfField, Layout, type PageProps } from './layout.tsx';

export const REGISTRIES_PAGE_SIZE = 50;
/** Who works with registries: loading accruals opens and changes accounts, which operators keep too. */
export const REGISTRY_ROLES = ['admin', 'accountant', 'operator'] as const;
/** The largest file staff may upload (and a customer's system may post): a year of a large УК fits. */
export const UPLOAD_LIMIT_BYTES = 200 * 1024 * 1024;
export const UPLOAD_LIMIT_TEXT = { ru: '200 МБ', en: '200 MB' } as const;

export const uploadLimitText = (locale: string) => (locale === 'en' ? UPLOAD_LIMIT_TEXT.en : UPLOAD_LIMIT_TEXT.ru);

/** Staff read times in Moscow time, as their documents are dated (the organisation's zone comes later). */
/** One formatter per language: making an Intl.DateTimeFormat costs more than formatting a hundred dates with it. */
const WHEN_FORMATS = new Map(['ru-RU', 'en-GB'].map((tag) => [tag, new Intl.DateTimeFormat(tag, {
  timeZone: DEFAULT_TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
})]));

export function formatWhen(at: Date | string, locale: string): string {
  return WHEN_FORMATS.get(locale === 'en' ? 'en-GB' : 'ru-RU')!.format(new Date(at));
}

export const formatMoney = (kop: number) => formatRubles(kopecks(kop));

const SOURCES = ['admin', 'api', 'cli'];
const STATUSES = ['applied', 'rejected', 'dry_run', 'already_imported'];
/** A stored value the page has no words for (an older row, «?» for an unreadable file) is shown as it is. */
const labelOf = (t: T, group: string, known: readonly string[], value: string) => (known.includes(value) ? t(`registries.${group}.${value}`) : value);

/** A stored file of the organisation (an original or a list of rejected rows), downloaded under its own name. */
export const fileHref = (sha256: string) => `/admin/registries/files/${sha256}`;

export function UploadForm({ t, csrf, locale, errors }: { t: T; csrf: string; locale: string; errors?: FormErrors }) {
  const error = errors?.[0];
  return (
    // The CSRF field comes before the file: the server reads the token before it accepts a byte of the file.
    <form method="post" action="/admin/registries/upload" enctype="multipart/form-data" class="card" id="upload">
      <h2>{t('registries.upload')}</h2>
      <ErrorSummary t={t} errors={errors} />
      <CsrfField csrf={csrf} />
      <p class="muted">{t('registries.uploadExplain', { limit: uploadLimitText(locale) })}</p>
      <div class={`field${error ? ' invalid' : ''}`}>
        <label for="f-file">{t('registries.file')}</label>
        <input id="f-file" name="file" type="file" required accept=".xlsx,.dbf,.txt,.csv,.tsv,text/plain,text/csv"
          aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'e-file' : undefined} />
        {error && <small id="e-file" class="error">{t(error.code, error.vars)}</small>}
      </div>
      <div class="actions"><button type="submit">{t('registries.uploadSubmit')}</button></div>
    </form>
  );
}

function HistoryTable({ t, locale, items }: { t: T; locale: string; items: readonly ImportListItem[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t('registries.col.date')}</th><th>{t('registries.col.file')}</th><th class="hide-narrow">{t('registries.col.format')}</th>
            <th class="num">{t('registries.col.rows')}</th><th class="num hide-narrow">{t('registries.col.lines')}</th>
            <th class="num">{t('registries.col.total')}</th><th class="num">{t('registries.col.errors')}</th>
            <th>{t('registries.col.status')}</th><th class="hide-narrow">{t('registries.col.who')}</th><th class="hide-narrow">{t('registries.col.source')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr class={i.status === 'rejected' ? 'inactive' : undefined}>
              <td><a href={`/admin/registries/imports/${i.id}`}>{formatWhen(i.createdAt, locale)}</a></td>
              <td class="file-name">
                {i.fileName}{' '}
                <a href={fileHref(i.fileSha256)} aria-label={t('registries.downloadFor', { name: i.fileName })}>{t('registries.download')}</a>
              </td>
              <td class="hide-narrow">{labelOf(t, 'formats', REGISTRY_FORMATS, i.format)}</td>
              <td class="num">{i.rows}</td>
              <td class="num hide-narrow">{i.lines}</td>
              <td class="num">{formatMoney(i.totalKop)}</td>
              <td class="num">{i.errorsCount}</td>
              <td>{labelOf(t, 'status', STATUSES, i.status)}</td>
              <td class="hide-narrow">{i.actorLabel}</td>
              <td class="hide-narrow">{labelOf(t, 'source', SOURCES, i.source)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RegistriesPage(p: PageProps & {
  items: readonly ImportListItem[]; total: number; page: number; canUpload: boolean; uploadErrors?: FormErrors;
}) {
  const { t } = p;
  return (
    <Layout {...p} title={t('registries.title')} active="/admin/registries">
      {p.canUpload && <UploadForm t={t} csrf={p.csrf} locale={p.locale} errors={p.uploadErrors} />}
      <h2>{t('registries.history')}</h2>
      {p.total === 0 ? <p class="muted">{t('registries.none')}</p> : (
        <>
          <HistoryTable t={t} locale={p.locale} items={p.items} />
          <Pager t={t} total={p.total} page={p.page} pageSize={REGISTRIES_PAGE_SIZE} base="/admin/registries" query={{}} />
        </>
      )}
    </Layout>
  );
}
