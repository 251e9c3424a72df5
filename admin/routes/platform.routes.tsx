import type { Router } from 'express';
import { validateOrganization, type OrganizationInput } from '../../core/orgs/index.ts';
import { AppError, isEmail } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { pageProps, sendPage } from '../render.tsx';
import { locals, requirePlatformOperator, requireStaff } from '../session.ts';
import { NEW_ORG_FIELDS, NewOrganizationPage } from '../views/platform.tsx';
import type { InviteOutcome } from '../views/staff.tsx';
import { actorOf, formValues } from './settings.routes.tsx';
import { inviteMember } from './staff.routes.tsx';

/** The same shape orgs.invite accepts; checked first so a bad address never leaves an organisation without its admin. */
const OUTCOMES: readonly InviteOutcome[] = ['new', 'existing', 'unsent'];

export function platformRoutes(router: Router, deps: AdminDeps): void {
  router.get('/admin/platform/orgs/new', requireStaff, requirePlatformOperator, async (req, res) => {
    const invited = OUTCOMES.find((o) => o === req.query.invited);
    const slug = typeof req.query.created === 'string' ? req.query.created : '';
    const orgId = invited && slug ? await deps.orgs.orgIdBySlug(slug) : null;
    const org = orgId ? await deps.orgs.getOrganization(orgId) : null;
    const created = org && invited ? { name: org.shortName, invited } : undefined;
    sendPage(res, <NewOrganizationPage {...pageProps(res)} values={{}} created={created} />);
  });

  router.post('/admin/platform/orgs', requireStaff, requirePlatformOperator, async (req, res) => {
    const values = formValues(req.body, NEW_ORG_FIELDS);
    const { adminEmail, adminFullName, ...org } = values;
    const input: OrganizationInput = { ...org, slug: org.slug.toLowerCase() };
    const emailErrors = isEmail(adminEmail) ? [] : [new AppError('ORGS.EMAIL_INVALID', { field: 'adminEmail' })];
    const valid = validateOrganization(input);
    const created = valid.ok && !emailErrors.length ? await deps.orgs.createOrganization(input, actorOf(req, res)) : null;
    const errors = [...(valid.ok ? [] : valid.error), ...emailErrors, ...(created && !created.ok ? created.error : [])];
    if (!created?.ok) return sendPage(res, <NewOrganizationPage {...pageProps(res)} values={values} errors={errors} />, 400);
    const invited = await inviteMember(deps, created.value.id, { email: adminEmail, fullName: adminFullName, role: 'admin' },
      actorOf(req, res), locals(res).locale);
    // The organisation is new and the address was checked above: a refusal here is a bug, not the operator's mistake.
    if (!invited.ok) throw new Error(`first admin not invited: ${invited.error.map((e) => e.code).join(', ')}`);
    res.redirect(303, `/admin/platform/orgs/new?created=${encodeURIComponent(created.value.slug)}&invited=${invited.value}`);
  });
}
