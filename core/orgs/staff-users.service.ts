import { randomBytes, randomUUID } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { AppError, err, ok, type Clock, type Result, isEmail } from '../shared/index.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import { Membership, StaffUser, STAFF_ROLES, type MembershipRow, type StaffRole, type StaffUserRow } from './orgs.entity.ts';
import type { FieldErrors } from './organization-input.calc.ts';
import { orgsRepo } from './orgs.repo.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password.ts';
import { inTenant, one } from './orgs-step.ts';

export type StaffUserInput = { readonly email: string; readonly fullName: string; readonly password: string };
export type StaffMember = { membershipId: string; userId: string; email: string; fullName: string; role: StaffRole; active: boolean; userActive: boolean };

type Deps = { readonly db: Database; readonly clock: Clock };


function validateMember(email: string, role: StaffRole): FieldErrors {
  const errors: AppError[] = [];
  if (!isEmail(email)) errors.push(new AppError('ORGS.EMAIL_INVALID', { field: 'email' }));
  if (!STAFF_ROLES.includes(role)) errors.push(new AppError('ORGS.ROLE_INVALID', { field: 'role' }));
  return errors;
}

/** An organisation must keep one active admin, or nobody could manage its staff again. */
async function wouldLoseLastAdmin(em: Em, orgId: string, member: MembershipRow, next: { role: StaffRole; active: boolean }): Promise<boolean> {
  if (member.role !== 'admin' || !member.active || (next.role === 'admin' && next.active)) return false;
  return (await em.count(Membership, { org: orgId, role: 'admin', active: true })) <= 1;
}

export function makeStaffUsersService({ db, clock }: Deps) {
  /** Creates the user when the e-mail is new (with `passwordHash`), then the membership with the role. */
  const join = (orgId: string, email: string, fullName: string, role: StaffRole, passwordHash: string, actor?: Actor) =>
    inTenant(db, orgId, async (em): Promise<Result<{ user: StaffUserRow; isNew: boolean }, FieldErrors>> => {
      const existing = await orgsRepo.findUserByEmail(em, email);
      const user = existing ?? em.create(StaffUser, { id: randomUUID(), email, fullName: fullName || email, passwordHash });
      if (await orgsRepo.findMembership(em, orgId, user.id)) return err(one(new AppError('ORGS.EMAIL_TAKEN', { field: 'email' })));
      const membership = em.create(Membership, { id: randomUUID(), org: orgId, user: user.id, role });
      if (actor) recordAudit(em, orgId, actor, { action: 'staff.add', entityType: 'membership', entityId: membership.id, changes: { email: [null, email], role: [null, role] } }, clock.now());
      return ok({ user, isNew: !existing });
    }, new AppError('ORGS.EMAIL_TAKEN', { field: 'email' }));

  async function changeMember(orgId: string, membershipId: string, next: Partial<{ role: StaffRole; active: boolean }>, actor?: Actor) {
    return inTenant(db, orgId, async (em): Promise<Result<MembershipRow, FieldErrors>> => {
      const member = await em.findOne(Membership, { org: orgId, id: membershipId });
      if (!member) return err(one(new AppError('ORGS.MEMBER_NOT_FOUND')));
      const target = { role: next.role ?? member.role, active: next.active ?? member.active };
      if (await wouldLoseLastAdmin(em, orgId, member, target)) return err(one(new AppError('ORGS.LAST_ADMIN', { field: target.active ? 'role' : 'active' })));
      const changes = Object.fromEntries(Object.entries(target).filter(([k, v]) => member[k as 'role' | 'active'] !== v)
        .map(([k, v]) => [k, [member[k as 'role' | 'active'], v] as const]));
      if (actor && Object.keys(changes).length) recordAudit(em, orgId, actor, { action: 'staff.update', entityType: 'membership', entityId: member.id, changes }, clock.now());
      return ok(em.assign(member, target));
    });
  }

  return {
    /** With a password (the shell's `familypay user add`, the demo seed). */
    async addStaffUser(orgId: string, input: StaffUserInput, role: StaffRole, actor?: Actor): Promise<Result<StaffUserRow, FieldErrors>> {
      const email = input.email.trim().toLowerCase();
      const errors = validateMember(email, role);
      if (errors.length) return err(errors);
      if (input.password.length < MIN_PASSWORD_LENGTH) {
        return err(one(new AppError('ORGS.PASSWORD_TOO_SHORT', { field: 'password', vars: { min: MIN_PASSWORD_LENGTH } })));
      }
      const joined = await join(orgId, email, input.fullName.trim(), role, await hashPassword(input.password), actor);
      return joined.ok ? ok(joined.value.user) : joined;
    },

    /** Without a password: a new user gets an unusable random one and sets theirs through the invitation link. */
    async invite(orgId: string, input: { email: string; fullName: string; role: StaffRole }, actor?: Actor) {
      const email = input.email.trim().toLowerCase();
      const errors = validateMember(email, input.role);
      if (errors.length) return err(errors);
      return join(orgId, email, input.fullName.trim(), input.role, await hashPassword(randomBytes(24).toString('hex')), actor);
    },

    setRole: (orgId: string, membershipId: string, role: StaffRole, actor?: Actor) =>
      STAFF_ROLES.includes(role) ? changeMember(orgId, membershipId, { role }, actor) : Promise.resolve(err(one(new AppError('ORGS.ROLE_INVALID', { field: 'role' })))),
    setActive: (orgId: string, membershipId: string, active: boolean, actor?: Actor) => changeMember(orgId, membershipId, { active }, actor),
    /** Role and access together, in one transaction and one audit entry. */
    updateMember: (orgId: string, membershipId: string, next: { role: StaffRole; active: boolean }, actor?: Actor) =>
      STAFF_ROLES.includes(next.role) ? changeMember(orgId, membershipId, next, actor) : Promise.resolve(err(one(new AppError('ORGS.ROLE_INVALID', { field: 'role' })))),

    listStaff: (orgId: string): Promise<StaffMember[]> => db.withTenant(orgId, async (em) => {
      const members = await em.find(Membership, { org: orgId }, { orderBy: { createdAt: 'asc' } });
      const users = await em.find(StaffUser, { id: { $in: members.map((m) => m.user) } });
      const byId = new Map(users.map((u) => [u.id, u]));
      return members.map((m) => {
        const u = byId.get(m.user)!;
        return { membershipId: m.id, userId: u.id, email: u.email, fullName: u.fullName, role: m.role, active: m.active, userActive: u.active };
      });
    }),
  };
}

export type StaffUsersService = ReturnType<typeof makeStaffUsersService>;
