import type { Request, Response, Router } from 'express';
import type { Actor } from '../../core/audit/index.ts';
import { PAYMENT_METHODS, validateCommissionRule, type CommissionMode, type CommissionRule, type PaymentMethod } from '../../core/orgs/index.ts';
import { AppError } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import type { FormErrors } from '../views/components.tsx';
import { PROFILE_FIELDS, REQUISITE_FIELDS, SettingsPage, type FailedForm, type FormValues, type SettingsForm } from '../views/settings.tsx';
import { notFound } from './not-found.tsx';

/** Who changes something, for the audit log. */
export function actorOf(req: Request, res: Response): Actor {
  const user = locals(res).staff!.user;
  return { userId: user.id, label: user.email, ip: req.ip ?? null };
}

export const formValues = <N extends string>(body: unknown, names: readonly N[]): Record<N, string> =>
  Object.fromEntries(names.map((n) => [n, field(body, n)])) as Record<N, string>;

/** A service's «not found» carries no field: the record is absent or another organisation's, so the page is 404. */
export const isNotFound = (errors: FormErrors) => errors.some((e) => !e.field && e.code.endsWith('NOT_FOUND'));

/**
 * «0,6» or «0.6» (a trailing % allowed) → 60 basis points, or null. Parsed as digits, never as a float, so a
 * rate is stored exactly as the person typed it.
 */
export function percentToBasisPoints(text: string): number | null {
  const m = /^(\d{1,3})?(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s%]/g, ''));
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  return Number(m[1] ?? 0) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

const COMMISSION_FIELDS = PAYMENT_METHODS.flatMap((m) => [`commission.${m}.mode`, `commission.${m}`]);

/** Both methods are checked before either is stored, so one bad rate leaves the other unchanged too. */
function commissionRules(values: FormValues): { rules: [PaymentMethod, CommissionRule][]; errors: AppError[] } {
  const rules: [PaymentMethod, CommissionRule][] = [];
  const errors: AppError[] = [];
  for (const method of PAYMENT_METHODS) {
    const basisPoints = percentToBasisPoints(values[`commission.${method}`] ?? '');
    const checked = basisPoints === null
      ? { ok: false as const, error: new AppError('ORGS.COMMISSION_INVALID', { field: `commission.${method}` }) }
      : validateCommissionRule({ mode: values[`commission.${method}.mode`] as CommissionMode, basisPoints }, `commission.${method}`);
    if (checked.ok) rules.push([method, checked.value]);
    else errors.push(checked.error);
  }
  return { rules, errors };
}

export function settingsRoutes(router: Router, deps: AdminDeps): void {
  async function show(res: Response, options: { saved?: boolean; failed?: FailedForm<SettingsForm> } = {}) {
    const current = locals(res).staff!.current!;
    const org = await deps.orgs.getOrganization(current.orgId);
    if (!org) return notFound(res);
    sendPage(res, <SettingsPage {...pageProps(res)} org={org} canEdit={current.role === 'admin'} {...options} />, options.failed ? 400 : 200);
  }
  const failed = (res: Response, form: SettingsForm, values: FormValues, errors: FormErrors) =>
    (isNotFound(errors) ? notFound(res) : show(res, { failed: { form, values, errors } }));
  const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;

  router.get('/admin/settings', requireStaff, requireRole('admin', 'accountant'), (req, res) => show(res, { saved: req.query.saved === '1' }));

  router.post('/admin/settings/profile', requireStaff, requireRole('admin'), async (req, res) => {
    const values = formValues(req.body, PROFILE_FIELDS);
    const result = await deps.orgs.updateProfile(orgIdOf(res), values, actorOf(req, res));
    if (!result.ok) return failed(res, 'profile', values, result.error);
    res.redirect(303, '/admin/settings?saved=1');
  });

  router.post('/admin/settings/requisites', requireStaff, requireRole('admin'), async (req, res) => {
    const values = formValues(req.body, REQUISITE_FIELDS);
    const result = await deps.orgs.updateRequisites(orgIdOf(res), values, actorOf(req, res));
    if (!result.ok) return failed(res, 'requisites', values, result.error);
    res.redirect(303, '/admin/settings?saved=1');
  });

  router.post('/admin/settings/commission', requireStaff, requireRole('admin'), async (req, res) => {
    const values = formValues(req.body, COMMISSION_FIELDS);
    const { rules, errors } = commissionRules(values);
    if (errors.length) return failed(res, 'commission', values, errors);
    const result = await deps.orgs.setCommissions(orgIdOf(res), Object.fromEntries(rules), actorOf(req, res));
    if (!result.ok) return failed(res, 'commission', values, result.error);
    res.redirect(303, '/admin/settings?saved=1');
  });
}
