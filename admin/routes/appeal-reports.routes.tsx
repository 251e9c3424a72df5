import type { Request, Response, Router } from 'express';
import { REPORT_GROUPINGS, slaReport, type ReportGrouping, type SlaReport, type SlaReportRow } from '../../core/appeals/index.ts';
import { orgTimeZone } from '../../core/payments/index.ts';
import { writeDelimited } from '../../core/registries/index.ts';
import { addDays, AppError, isLocalDate, localDate, type ErrorCode } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import type { T } from '../i18n.ts';
import { pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import {
  APPEAL_REPORT_READERS, APPEAL_REPORTS_PAGE, AppealReportsPage, FIGURE_COLUMNS, groupLabel, ratingText, shareText, type ReportForm,
} from '../views/appeal-reports.tsx';

const str = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 40) : '');
const pad2 = (n: number) => String(n).padStart(2, '0');
const monthStart = (date: string) => `${date.slice(0, 8)}01`;
function monthEnd(date: string): string {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  return addDays(m === 12 ? `${y + 1}-01-01` : `${date.slice(0, 4)}-${pad2(m + 1)}-01`, -1);
}
// Wide enough for any real report, narrow enough that the day after `to` and local midnights always exist.
const usable = (date: string) => isLocalDate(date) && date >= '1900-01-01' && date <= '9998-12-31';

const PERIOD_ERRORS = {
  fromInvalid: 'APPEALS.REPORT_FROM_INVALID', toInvalid: 'APPEALS.REPORT_TO_INVALID', toBeforeFrom: 'APPEALS.REPORT_PERIOD_REVERSED', byInvalid: 'APPEALS.REPORT_GROUPING_INVALID',
} as const satisfies Record<string, ErrorCode>;
const pageError = (key: keyof typeof PERIOD_ERRORS, field: string) => new AppError(PERIOD_ERRORS[key], { field });

type Period = { readonly from: string; readonly to: string; readonly by: ReportGrouping };

/**
 * The form as typed, with a missing end filled from the other one's month (both missing: this month in the
 * organisation's zone); every problem named by its field.
 */
export function readReportForm(query: Record<string, unknown>, today: string): { form: ReportForm; period?: Period; errors: AppError[] } {
  const [rawFrom, rawTo, rawBy] = [str(query.from), str(query.to), str(query.by)];
  const from = rawFrom || monthStart(usable(rawTo) ? rawTo : today);
  const to = rawTo || monthEnd(usable(rawFrom) ? rawFrom : today);
  const by = rawBy || 'type';
  const form = { from, to, by };
  const errors: AppError[] = [];
  if (!usable(from)) errors.push(pageError('fromInvalid', 'from'));
  if (!usable(to)) errors.push(pageError('toInvalid', 'to'));
  else if (usable(from) && to < from) errors.push(pageError('toBeforeFrom', 'to'));
  if (!(REPORT_GROUPINGS as readonly string[]).includes(by)) errors.push(pageError('byInvalid', 'by'));
  return errors.length ? { form, errors } : { form, errors, period: { from, to, by: by as ReportGrouping } };
}

/** `appeals-sla-2026-11.csv` for a whole month by type; otherwise the days and the grouping are in the name. */
export function reportFileName({ from, to, by }: Period): string {
  const period = from === monthStart(from) && to === monthEnd(from) ? from.slice(0, 7) : `${from}_${to}`;
  return `appeals-sla-${period}${by === 'type' ? '' : `-${by}`}.csv`;
}

const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;

type Loaded = { form: ReportForm; errors: AppError[]; period?: Period; report?: SlaReport };

async function load(deps: AdminDeps, req: Request, res: Response): Promise<Loaded> {
  const orgId = orgIdOf(res);
  const now = deps.clock.now();
  return deps.db.withTenant(orgId, async (em) => {
    const timeZone = await orgTimeZone(em, orgId);
    const read = readReportForm(req.query, localDate(now, timeZone));
    if (!read.period) return read;
    // The form's `to` is the last day shown; the report takes the day after it as its open end.
    const report = await slaReport(em, orgId, { from: read.period.from, to: addDays(read.period.to, 1), groupBy: read.period.by, now, timeZone });
    return { ...read, report };
  });
}

const showPage = (res: Response, loaded: Loaded, status = 200) =>
  sendPage(res, <AppealReportsPage {...pageProps(res)} form={loaded.form} report={loaded.report} errors={loaded.errors} />, status);

function csvCells(t: T, locale: string, head: string, row: SlaReportRow): string[] {
  const minutes = (v: number | null) => (v === null ? '' : String(Math.round(v)));
  return [
    head, String(row.appeals), String(row.closed),
    shareText(locale, row.responseMet, row.responseDecided) ?? '', shareText(locale, row.resolutionMet, row.resolutionDecided) ?? '',
    String(row.breachedNow), minutes(row.medianResponseMin), minutes(row.medianResolutionMin), ratingText(locale, row.averageRating) ?? '', String(row.rated),
  ];
}

const CSV_HEADS: Partial<Record<(typeof FIGURE_COLUMNS)[number], string>> = {
  responseShare: 'appealReports.csv.responseShare', resolutionShare: 'appealReports.csv.resolutionShare',
  medianResponse: 'appealReports.csv.medianResponse', medianResolution: 'appealReports.csv.medianResolution',
};

// UTF-8 with a BOM and «;»: what Russian Excel opens by a double click; every cell passes guardFormula (R7),
// since team names, staff names and addresses are typed by people.
const CSV = { encoding: 'utf-8', delimiter: ';', bom: true, guardFormulas: true } as const;

/** The report as CSV, in the reader's language; minutes as whole numbers, shares in percent with one decimal. */
export async function reportCsv(t: T, locale: string, by: ReportGrouping, report: SlaReport): Promise<Buffer> {
  const header = [t(`appealReports.columns.${by}`), ...FIGURE_COLUMNS.map((c) => t(CSV_HEADS[c] ?? `appealReports.columns.${c}`))];
  const rows = [...report.rows.map((row) => csvCells(t, locale, groupLabel(t, by, row), row)), csvCells(t, locale, t('appealReports.total'), report.total)];
  const chunks: Buffer[] = [];
  for await (const chunk of writeDelimited(header, rows, CSV)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The SLA report and its CSV. Registered before '/admin/appeals/:appealId', which would take «reports» for an id. */
export function appealReportsRoutes(router: Router, deps: AdminDeps): void {
  const readers = requireRole(...APPEAL_REPORT_READERS);
  router.get(APPEAL_REPORTS_PAGE, requireStaff, readers, async (req, res) => {
    const loaded = await load(deps, req, res);
    showPage(res, loaded, loaded.period ? 200 : 400);
  });
  router.get(`${APPEAL_REPORTS_PAGE}.csv`, requireStaff, readers, async (req, res) => {
    const loaded = await load(deps, req, res);
    // A hand-edited link: the page with the same named errors instead of a broken file.
    if (!loaded.period || !loaded.report) return showPage(res, loaded, 400);
    const { t, locale } = locals(res);
    const body = await reportCsv(t, locale, loaded.period.by, loaded.report);
    res.attachment(reportFileName(loaded.period)).type('text/csv; charset=utf-8').send(body);
  });
}
