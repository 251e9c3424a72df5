import type { Response, Router } from 'express';
import type { Actor } from '../../core/audit/index.ts';
import type { FieldErrors, StaffRole } from '../../core/orgs/index.ts';
import { err, ok, type Locale, type Result } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { INVITE_FIELDS, StaffPage, type InviteOutcome } from '../views/staff.tsx';
import { sendPasswordLink } from './auth.routes.tsx';
import { notFound } from './not-found.tsx';
import { actorOf, formValues, isNotFound } from './settings.routes.tsx';

const OUTCOMES: readonly InviteOutcome[] = ['new', 'existing', 'unsent'];

/**
 * Adds the person to the organisation; someone new gets an invitation link by e-mail. The membership is already
 * committed when the mail goes out, so a mail outage is reported (they can still use «forgot password»), not
 * turned into an error that would invite a second, refused attempt.
 */
export async function inviteMember(deps: AdminDeps, orgId: string, input: { email: string; fullName: string; role: StaffRole },
  actor: Actor, locale: Locale): Promise<Result<InviteOutcome, FieldErrors>> {
  const joined = await deps.orgs.invite(orgId, input, actor);
  if (!joined.ok) return err(joined.error);
  if (!joined.value.isNew) return ok('existing');
  try {
    const token = await deps.auth.issuePasswordToken(joined.value.user.id, 'invite');
    await sendPasswordLink(deps, joined.value.user.email, token, 'invite', locale);
    return ok('new');
  } catch (e) {
    deps.logger.error({ err: e, orgId, userId: joined.value.user.id }, 'invitation not sent');
    return ok('unsent');
  }
}

/** Staff of the current organisation: admins only. */
export function staffRoutes(router: Router, deps: AdminDeps): void {
  const admins = requireRole('admin');
  const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;

  router.get('/admin/staff', requireStaff, admins, async (req, res) => {
    const members = await deps.orgs.listStaff(orgIdOf(res));
    const invited = OUTCOMES.find((o) => o === req.query.invited);
    sendPage(res, <StaffPage {...pageProps(res)} members={members} saved={req.query.saved === '1'} invited={invited} />);
  });

  router.post('/admin/staff', requireStaff, admins, async (req, res) => {
    const orgId = orgIdOf(res);
    const values = formValues(req.body, INVITE_FIELDS);
    const result = await inviteMember(deps, orgId, { ...values, role: values.role as StaffRole }, actorOf(req, res), locals(res).locale);
    if (result.ok) return res.redirect(303, `/admin/staff?invited=${result.value}`);
    const members = await deps.orgs.listStaff(orgId);
    sendPage(res, <StaffPage {...pageProps(res)} members={members} inviteFailed={{ values, errors: result.error }} />, 400);
  });

  /** One row's role and access, changed together (one transaction, one audit entry). */
  router.post('/admin/staff/:membershipId', requireStaff, admins, async (req, res) => {
    const orgId = orgIdOf(res);
    const members = await deps.orgs.listStaff(orgId);
    const member = members.find((m) => m.membershipId === req.params.membershipId);
    if (!member) return notFound(res);
    const values = { role: field(req.body, 'role'), active: field(req.body, 'active') === '1' ? '1' : '0' };
    const actor = actorOf(req, res);
    const result = await deps.orgs.updateMember(orgId, member.membershipId, { role: values.role as StaffRole, active: values.active === '1' }, actor);
    if (!result.ok) {
      if (isNotFound(result.error)) return notFound(res);
      const now = await deps.orgs.listStaff(orgId);
      const rowFailed = { membershipId: member.membershipId, values, errors: result.error };
      return sendPage(res, <StaffPage {...pageProps(res)} members={now} rowFailed={rowFailed} />, 400);
    }
    res.redirect(303, '/admin/staff?saved=1');
  });
}
