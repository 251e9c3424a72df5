import type { ReportGrouping, SlaReport, SlaReportRow } from '../../core/appeals/index.ts';
import { REPORT_GROUPINGS } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { ErrorSummary, Field, Select, type FormErrors } from './components.tsx';
import { Layout, type PageProps } from './layout.tsx';

export const APPEAL_REPORTS_PAGE = '/admin/appeals/reports';
/** Everyone who works with appeals or accounts reads the figures. */
export const APPEAL_REPORT_READERS = ['admin', 'accountant', 'operator', 'lawyer'] as const;

/** The period as typed (both days included) and the grouping. */
export type ReportForm = { readonly from: string; readonly to: string; readonly by: string };

const decimalSeparator = (locale: string) => (locale === 'ru' ? ',' : '.');

/** Tenths as «85,7» (ru) or «85.7» (en); integer arithmetic, so no binary fraction decides a rounding. */
function tenths(locale: string, value: number): string {
  return `${Math.floor(value / 10)}${decimalSeparator(locale)}${value % 10}`;
}

/** The share in percent with one decimal, rounded half up (85.65 % → 85.7 %); null when nothing was decided. */
export function shareText(locale: string, met: number, decided: number): string | null {
  return decided === 0 ? null : tenths(locale, Math.round((met * 1000) / decided));
}

export const ratingText = (locale: string, average: number | null): string | null =>
  (average === null ? null : tenths(locale, Math.round(average * 10)));

/** «45 мин», «2 ч 15 мин», «3 дн 4 ч»: minutes below a day, hours above it (both rounded to the nearest). */
export function durationText(t: T, minutes: number | null): string | null {
  if (minutes === null) return null;
  const m = Math.round(minutes);
  if (m === 0) return t('appealReports.duration.under');
  if (m < 60) return t('appealReports.duration.m', { m });
  if (m < 24 * 60) return m % 60 ? t('appealReports.duration.hm', { h: Math.floor(m / 60), m: m % 60 }) : t('appealReports.duration.h', { h: m / 60 });
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  return hours % 24 ? t('appealReports.duration.dh', { d, h: hours % 24 }) : t('appealReports.duration.d', { d });
}

const NONE_LABEL: Record<Exclude<ReportGrouping, 'type'>, string> = { team: 'appealReports.noTeam', assignee: 'appealReports.noAssignee', building: 'appealReports.noBuilding' };

/** What a row is called: the type in the reader's language, or the team, person or address as stored. */
export function groupLabel(t: T, by: ReportGrouping, row: SlaReportRow): string {
  if (by === 'type') return row.key ? t(`appeals.type.${row.key}`) : '';
  return row.key === null ? t(NONE_LABEL[by]) : row.label ?? '';
}

const DASH = '—';

function Share({ t, locale, met, decided }: { t: T; locale: string; met: number; decided: number }) {
  const share = shareText(locale, met, decided);
  if (share === null) return <td class="num">{DASH}</td>;
  return <td class="num">{t('appealReports.percent', { value: share })} <small class="muted">{t('appealReports.ofDecided', { met, decided })}</small></td>;
}

function Figures({ t, locale, head, row, strong }: { t: T; locale: string; head: string; row: SlaReportRow; strong?: boolean }) {
  const Head = strong ? 'th' : 'td';
  return (
    <tr>
      <Head scope="row">{head}</Head>
      <td class="num">{row.appeals}</td>
      <td class="num">{row.closed}</td>
      <Share t={t} locale={locale} met={row.responseMet} decided={row.responseDecided} />
      <Share t={t} locale={locale} met={row.resolutionMet} decided={row.resolutionDecided} />
      <td class="num">{row.breachedNow}</td>
      <td class="num">{durationText(t, row.medianResponseMin) ?? DASH}</td>
      <td class="num">{durationText(t, row.medianResolutionMin) ?? DASH}</td>
      <td class="num">{ratingText(locale, row.averageRating) ?? DASH}</td>
      <td class="num">{row.rated}</td>
    </tr>
  );
}

export const FIGURE_COLUMNS = ['appeals', 'closed', 'responseShare', 'resolutionShare', 'breachedNow', 'medianResponse', 'medianResolution', 'rating', 'rated'] as const;

function ReportTable({ t, locale, by, report }: { t: T; locale: string; by: ReportGrouping; report: SlaReport }) {
  return (
    <div class="table-wrap">
      <table class="appeal-report">
        <thead><tr>
          <th scope="col">{t(`appealReports.columns.${by}`)}</th>
          {FIGURE_COLUMNS.map((c) => <th scope="col" class="num">{t(`appealReports.columns.${c}`)}</th>)}
        </tr></thead>
        <tbody>{report.rows.map((row) => <Figures t={t} locale={locale} head={groupLabel(t, by, row)} row={row} />)}</tbody>
        <tfoot><Figures t={t} locale={locale} head={t('appealReports.total')} row={report.total} strong /></tfoot>
      </table>
    </div>
  );
}

export const csvHref = (form: ReportForm) => `${APPEAL_REPORTS_PAGE}.csv?${new URLSearchParams({ from: form.from, to: form.to, by: form.by })}`;

/** The period form, the figures by group with a total, and the same figures as CSV. */
export function AppealReportsPage(p: PageProps & { form: ReportForm; report?: SlaReport; errors?: FormErrors }) {
  const { t, form, report, locale } = p;
  const by = (REPORT_GROUPINGS as readonly string[]).includes(form.by) ? (form.by as ReportGrouping) : 'type';
  return (
    <Layout {...p} title={t('appealReports.title')} active="/admin/appeals">
      <p><a href="/admin/appeals">{t('appealReports.back')}</a></p>
      <ErrorSummary t={t} errors={p.errors} />
      <form method="get" action={APPEAL_REPORTS_PAGE} class="search">
        <Field t={t} name="from" type="date" label={t('appealReports.from')} value={form.from} errors={p.errors} required />
        <Field t={t} name="to" type="date" label={t('appealReports.to')} value={form.to} errors={p.errors} required />
        <Select t={t} name="by" label={t('appealReports.groupBy')} value={form.by} errors={p.errors}
          options={REPORT_GROUPINGS.map((g) => ({ value: g, label: t(`appealReports.groupings.${g}`) }))} />
        <div class="actions">
          <button type="submit">{t('appealReports.show')}</button>
          {report && report.total.appeals > 0 && <a class="button secondary" href={csvHref(form)} download>{t('appealReports.download')}</a>}
        </div>
      </form>
      {report && <p class="muted">{t('appealReports.explain', { from: form.from, to: form.to })}</p>}
      {report && (report.total.appeals === 0
        ? <p class="muted">{t('appealReports.none', { from: form.from, to: form.to })}</p>
        : <ReportTable t={t} locale={locale} by={by} report={report} />)}
    </Layout>
  );
}
