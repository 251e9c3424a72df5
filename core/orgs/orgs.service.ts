import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { AppError, err, ok, type Result } from '../shared/index.ts';
import { Membership, StaffUser, STAFF_ROLES,
  type CommissionRule, type OrganizationRow, type PaymentMethod, type StaffRole, type StaffUserRow } from './orgs.entity.ts';
import { validateCommissionRule, validateRequisites,
  type FieldErrors, type OrganizationInput, type RequisitesInput } from './organization-input.calc.ts';
import { insertOrganization, insertRecipient, insertService, type RecipientInput, type ServiceInput } from './orgs.tx.ts';
import { orgsRepo } from './orgs.repo.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password.ts';

export type StaffUserInput = { readonly email: string; readonly fullName: string; readonly password: string };

type Deps = { readonly db: Database };

const one = (e: AppError): FieldErrors => [e];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Runs a step in the tenant's transaction and flushes only when it succeeded; unique keys have the last word. */
async function inTenant<T>(db: Database, orgId: string, step: (em: Em) => Result<T, FieldErrors> | Promise<Result<T, FieldErrors>>,
  duplicate?: AppError): Promise<Result<T, FieldErrors>> {
  try {
    return await db.withTenant(orgId, async (em) => {
      const result = await step(em);
      if (result.ok) await em.flush();
      return result;
    });
  } catch (e) {
    if (duplicate && e instanceof UniqueConstraintViolationException) return err(one(duplicate));
    throw e;
  }
}

function withOrganization<T>(db: Database, orgId: string, change: (org: OrganizationRow) => T): Promise<Result<OrganizationRow, FieldErrors>> {
  return inTenant(db, orgId, async (em) => {
    const org = await orgsRepo.findOrganization(em, orgId);
    if (!org) return err(one(new AppError('ORGS.NOT_FOUND')));
    change(org);
    return ok(org);
  });
}

export function makeOrgsService({ db }: Deps) {
  return {
    /** A new tenant: the transaction acts as the new organisation, so RLS admits its first row. */
    createOrganization(input: OrganizationInput): Promise<Result<OrganizationRow, FieldErrors>> {
      const id = randomUUID();
      return inTenant(db, id, (em) => insertOrganization(em, id, input),
        new AppError('ORGS.SLUG_TAKEN', { field: 'slug', vars: { slug: input.slug } }));
    },

    getOrganization: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.findOrganization(em, orgId)),
    orgIdBySlug: (slug: string) => db.withoutTenant((em) => orgsRepo.orgIdBySlug(em, slug)),

    async updateRequisites(orgId: string, input: RequisitesInput): Promise<Result<OrganizationRow, FieldErrors>> {
      const valid = validateRequisites(input);
      if (!valid.ok) return valid;
      return withOrganization(db, orgId, (org) => Object.assign(org, valid.value));
    },

    async setCommission(orgId: string, method: PaymentMethod, rule: CommissionRule): Promise<Result<OrganizationRow, FieldErrors>> {
      const valid = validateCommissionRule(rule, `commission.${method}`);
      if (!valid.ok) return err(one(valid.error));
      return withOrganization(db, orgId, (org) => { org.commission = { ...org.commission, [method]: valid.value }; });
    },

    addRecipient: (orgId: string, input: RecipientInput) => inTenant(db, orgId, (em) => insertRecipient(em, orgId, input)),
    addService: (orgId: string, input: ServiceInput) => inTenant(db, orgId, (em) => insertService(em, orgId, input),
      new AppError('ORGS.SERVICE_CODE_TAKEN', { field: 'code', vars: { code: input.code.trim() } })),
    listRecipients: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.listRecipients(em, orgId)),
    listServices: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.listServices(em, orgId)),
    addStaffUser: (orgId: string, input: StaffUserInput, role: StaffRole) => addStaffUser(db, orgId, input, role),
  };
}

/** Creates the staff user if the e-mail is new, then gives them the role in this organisation. */
async function addStaffUser(db: Database, orgId: string, input: StaffUserInput, role: StaffRole): Promise<Result<StaffUserRow, FieldErrors>> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) return err(one(new AppError('ORGS.EMAIL_INVALID', { field: 'email' })));
  if (!STAFF_ROLES.includes(role)) return err(one(new AppError('ORGS.ROLE_INVALID', { field: 'role' })));
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    return err(one(new AppError('ORGS.PASSWORD_TOO_SHORT', { field: 'password', vars: { min: MIN_PASSWORD_LENGTH } })));
  }
  const passwordHash = await hashPassword(input.password);
  return inTenant(db, orgId, async (em) => {
    const user = (await orgsRepo.findUserByEmail(em, email))
      ?? em.create(StaffUser, { id: randomUUID(), email, fullName: input.fullName.trim() || email, passwordHash });
    if (await orgsRepo.findMembership(em, orgId, user.id)) return err(one(new AppError('ORGS.EMAIL_TAKEN', { field: 'email' })));
    em.create(Membership, { org: orgId, user: user.id, role });
    return ok(user);
  }, new AppError('ORGS.EMAIL_TAKEN', { field: 'email' }));
}

export type OrgsService = ReturnType<typeof makeOrgsService>;
export type { RecipientInput, ServiceInput };
