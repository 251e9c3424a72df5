import type { Request, Response, Router } from 'express';
import {
  fileInfo, REGISTRY_ENCODINGS, REGISTRY_FIELDS, type ColumnMapping, type ImportOptions, type ReadOptions, type RegistryEncoding, type RegistryField,
} from '../../core/registries/index.ts';
import { isAppError } from '../../core/shared/index.ts';
import type { RegistriesAdminDeps } from '../deps.ts';
import type { T } from '../i18n.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { REGISTRY_ROLES } from '../views/registries.tsx';
import { delimiterByName, PreviewPage, previewHref, type ImportForm, type ReadChoice } from '../views/registry-preview.tsx';
import { ReportPage } from '../views/registry-report.tsx';
import { notFound } from './not-found.tsx';
import { actorOf } from './settings.routes.tsx';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_COLUMNS = 500;

/** Only values the selects offer survive: anything else reads as «detect» or «no profile». */
export function readChoice(source: unknown): ReadChoice {
  const encoding = field(source, 'encoding');
  const delimiter = field(source, 'delimiter');
  return {
    encoding: REGISTRY_ENCODINGS.includes(encoding as RegistryEncoding) ? encoding : '',
    delimiter: delimiterByName(delimiter) ? delimiter : '',
    profile: field(source, 'profile').slice(0, 100),
  };
}

export const readOptions = (choice: ReadChoice): ReadOptions => ({
  ...(choice.encoding ? { encoding: choice.encoding as RegistryEncoding } : {}),
  ...(delimiterByName(choice.delimiter) ? { delimiter: delimiterByName(choice.delimiter) } : {}),
  ...(choice.profile ? { profileName: choice.profile } : {}),
});

/** The mapping selects (`col.<index>` → field) as sent, and what is wrong with them, in the staff's words. */
export function importForm(t: T, body: unknown): { form: ImportForm; problems: string[] } {
  const mapping: Partial<Record<RegistryField, number>> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    const m = /^col\.(\d{1,3})$/.exec(name);
    if (!m || typeof value !== 'string' || !REGISTRY_FIELDS.includes(value as RegistryField) || Number(m[1]) >= MAX_COLUMNS) continue;
    const f = value as RegistryField;
    const first = mapping[f];
    if (first !== undefined) problems.push(t('preview.duplicateField', { field: t(`registries.fields.${f}`), first: first + 1, second: Number(m[1]) + 1 }));
    else mapping[f] = Number(m[1]);
  }
  const form: ImportForm = {
    mapping, period: field(body, 'period'), validRowsOnly: field(body, 'validRowsOnly') === '1', skipTotals: field(body, 'skipTotals') === '1',
    saveProfile: field(body, 'saveProfile') === '1', profileName: field(body, 'profileName'),
  };
  if (form.period && !PERIOD.test(form.period)) problems.push(t('preview.periodInvalid'));
  if (form.saveProfile && (!form.profileName || Array.from(form.profileName).length > 100)) problems.push(t('REGISTRIES.PROFILE_NAME_INVALID'));
  return { form, problems };
}

const headerLineOf = (body: unknown): number | null => {
  const n = Number.parseInt(field(body, 'headerLine'), 10);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

/** Preview, confirm, dry run: the steps between an uploaded file and an import. */
export function registryPreviewRoutes(router: Router, deps: RegistriesAdminDeps): void {
  const staff = requireRole(...REGISTRY_ROLES);
  const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;
  const shaOf = (req: Request) => String(req.params.sha256).toLowerCase();

  /** An unknown profile or the like is shown above a preview read without it, rather than as a dead end. */
  async function showPreview(res: Response, sha256: string, choice: ReadChoice, extra: { form?: ImportForm; problems?: string[] } = {}, status = 200) {
    const t = locals(res).t;
    const orgId = orgIdOf(res);
    const problems = [...(extra.problems ?? [])];
    let used = choice;
    let result;
    try {
      result = await deps.registries.preview(orgId, sha256, readOptions(choice));
    } catch (e) {
      if (!isAppError(e)) throw e;
      problems.push(t(e.code, e.vars));
      used = { encoding: '', delimiter: '', profile: '' };
      result = await deps.registries.preview(orgId, sha256, {});
    }
    if (!result) return notFound(res);
    sendPage(res, <PreviewPage {...pageProps(res)} result={result} choice={used} form={extra.form} problems={problems} />, problems.length ? Math.max(status, 400) : status);
  }

  router.get('/admin/registries/preview/:sha256', requireStaff, staff, (req, res) => showPreview(res, shaOf(req), readChoice(req.query)));

  router.post('/admin/registries/preview/:sha256', requireStaff, staff, async (req, res) => {
    const orgId = orgIdOf(res);
    const sha256 = shaOf(req);
    if (!(await fileInfo(deps.db, orgId, sha256))) return notFound(res);
    const t = locals(res).t;
    const choice = readChoice(req.body);
    const { form, problems } = importForm(t, req.body);
    if (problems.length) return showPreview(res, sha256, choice, { form, problems }, 400);
    const mapping: { headerLine: number | null; columns: ColumnMapping } = { headerLine: headerLineOf(req.body), columns: form.mapping };
    const options: ImportOptions = {
      ...readOptions(choice), mapping, source: 'admin', actor: actorOf(req, res),
      ...(form.period ? { period: form.period } : {}),
      dryRun: field(req.body, 'action') === 'dryRun', validRowsOnly: form.validRowsOnly, totalsCheck: !form.skipTotals,
      ...(form.saveProfile ? { saveProfileAs: form.profileName } : {}),
    };
    let report;
    try {
      report = await deps.registries.importStored(orgId, sha256, options);
    } catch (e) {
      if (!isAppError(e)) throw e;
      return showPreview(res, sha256, choice, { form, problems: [t(e.code, e.vars)] }, 400);
    }
    if (!report) return notFound(res);
    // A recorded import has its own page (and a reload does not import again); a dry run and «already imported»
    // are answered here.
    const recorded = report.status === 'applied' || report.status === 'rejected';
    if (recorded && report.importId) return res.redirect(303, `/admin/registries/imports/${report.importId}`);
    sendPage(res, <ReportPage {...pageProps(res)} report={report} backToPreview={previewHref(sha256, choice)} />);
  });
}
