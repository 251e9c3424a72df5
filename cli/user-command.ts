import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashPassword, STAFF_ROLES, StaffUser, type StaffRole } from '../core/orgs/index.ts';
import { translate } from '../core/shared/index.ts';
import type { App } from './compose.ts';

const say = (key: string, vars: Readonly<Record<string, unknown>> = {}) => console.log(translate('ru', `cli.${key}`, vars));

/**
 * `familypay user add --org SLUG --email E --role admin [--name ФИО] [--password P]` creates a staff user (the
 * first admin of an organisation) from the shell; `--platform` instead marks the user a platform operator, who
 * can create organisations. Without --password one is generated and printed once.
 */
export async function userCommand(app: App, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args, allowPositionals: true,
    options: { org: { type: 'string' }, email: { type: 'string' }, role: { type: 'string', default: 'admin' },
      name: { type: 'string', default: '' }, password: { type: 'string' }, platform: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'add' || !values.email || (!values.org && !values.platform)) { say('userUsage'); return 2; }
  const password = values.password ?? randomBytes(12).toString('base64url');
  if (values.platform) return addPlatformOperator(app, values.email, values.name, password, values.password === undefined);
  const role = values.role as StaffRole;
  if (!STAFF_ROLES.includes(role)) { console.error(translate('ru', 'ORGS.ROLE_INVALID')); return 2; }
  const orgId = await app.orgs.orgIdBySlug(values.org!);
  if (!orgId) { console.error(translate('ru', 'ORGS.NOT_FOUND')); return 1; }
  const added = await app.orgs.addStaffUser(orgId, { email: values.email, fullName: values.name, password }, role);
  if (!added.ok) {
    for (const e of added.error) console.error(translate('ru', e.code, e.vars));
    return 1;
  }
  say('userAdded', { email: added.value.email, org: values.org, role });
  if (values.password === undefined) say('userPassword', { password });
  return 0;
}

async function addPlatformOperator(app: App, email: string, fullName: string, password: string, generated: boolean): Promise<number> {
  const normalised = email.trim().toLowerCase();
  const passwordHash = await hashPassword(password);
  await app.db.withoutTenant(async (em) => {
    const user = await em.findOne(StaffUser, { email: normalised });
    if (user) user.platformOperator = true;
    else em.create(StaffUser, { email: normalised, fullName: fullName || normalised, passwordHash, platformOperator: true });
  });
  say('platformOperator', { email: normalised });
  if (generated) say('userPassword', { password });
  return 0;
}
