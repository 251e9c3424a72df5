import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Database, Em } from '../infra/database/database.ts';
import { AppError } from '../shared/app-error.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { Membership, Organization, Recipient, Service, StaffUser, SERVICE_KINDS, STAFF_ROLES,
  type CommissionRule, type OrganizationRow, type PaymentMethod, type RecipientRow, type ServiceKind, type ServiceRow,
  type StaffRole, type StaffUserRow } from './orgs.entity.ts';
import { validateCommissionRule, validateOrganization, validateRequisites,
  type FieldErrors, type OrganizationInput, type RequisitesInput } from './organization-input.calc.ts';
import { orgsRepo } from './orgs.repo.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password.ts';

export type RecipientInput = RequisitesInput & { readonly name: string };
export type ServiceInput = { readonly code: string; readonly name: string; readonly unit: string; readonly kind: string; readonly recipientId: string };
export type StaffUserInput = { readonly email: string; readonly fullName: string; readonly password: string };

type Deps = { readonly db: Database };

const one = (e: AppError): FieldErrors => [e];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Unique keys are the last word on duplicates (two requests can pass a pre-check at once). */
async function unlessDuplicate<T>(work: () => Promise<T>, duplicate: AppError): Promise<Result<T, FieldErrors>> {
  try {
    return ok(await work());
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) return err(one(duplicate));
    throw e;
  }
}

export function makeOrgsService({ db }: Deps) {
  return {
    /** A new tenant: the transaction acts as the new organisation, so RLS admits its first row. */
    async createOrganization(input: OrganizationInput): Promise<Result<OrganizationRow, FieldErrors>> {
      const valid = validateOrganization(input);
      if (!valid.ok) return valid;
      const id = randomUUID();
      return unlessDuplicate(
        () => db.withTenant(id, async (em) => {
          const org = em.create(Organization, { id, ...valid.value });
          await em.flush();
          return org;
        }),
        new AppError('ORGS.SLUG_TAKEN', { field: 'slug', vars: { slug: valid.value.slug } }),
      );
    },

    getOrganization: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.findOrganization(em, orgId)),
    orgIdBySlug: (slug: string) => db.withoutTenant((em) => orgsRepo.orgIdBySlug(em, slug)),

    async updateRequisites(orgId: string, input: RequisitesInput): Promise<Result<OrganizationRow, FieldErrors>> {
      const valid = validateRequisites(input);
      if (!valid.ok) return valid;
      return db.withTenant(orgId, async (em) => {
        const org = await orgsRepo.findOrganization(em, orgId);
        if (!org) return err(one(new AppError('ORGS.NOT_FOUND')));
        em.assign(org, valid.value);
        await em.flush();
        return ok(org);
      });
    },

    async setCommission(orgId: string, method: PaymentMethod, rule: CommissionRule): Promise<Result<OrganizationRow, FieldErrors>> {
      const valid = validateCommissionRule(rule, `commission.${method}`);
      if (!valid.ok) return err(one(valid.error));
      return db.withTenant(orgId, async (em) => {
        const org = await orgsRepo.findOrganization(em, orgId);
        if (!org) return err(one(new AppError('ORGS.NOT_FOUND')));
        org.commission = { ...org.commission, [method]: valid.value };
        await em.flush();
        return ok(org);
      });
    },

    async addRecipient(orgId: string, input: RecipientInput): Promise<Result<RecipientRow, FieldErrors>> {
      const valid = validateRequisites(input);
      const name = input.name.trim();
      const errors = [...(valid.ok ? [] : valid.error), ...(name ? [] : [new AppError('ORGS.NAME_REQUIRED', { field: 'name' })])];
      if (!valid.ok || errors.length) return err(errors);
      return db.withTenant(orgId, async (em) => {
        const recipient = em.create(Recipient, { org: orgId, name, ...valid.value });
        await em.flush();
        return ok(recipient);
      });
    },

    listRecipients: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.listRecipients(em, orgId)),
    listServices: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.listServices(em, orgId)),
    addService: (orgId: string, input: ServiceInput) => addService(db, orgId, input),
    addStaffUser: (orgId: string, input: StaffUserInput, role: StaffRole) => addStaffUser(db, orgId, input, role),
  };
}

async function addService(db: Database, orgId: string, input: ServiceInput): Promise<Result<ServiceRow, FieldErrors>> {
  const code = input.code.trim();
  const fields = { code, name: input.name.trim(), unit: input.unit.trim() };
  const bad = !code || code.length > 32 || !fields.name || !fields.unit || !SERVICE_KINDS.includes(input.kind as ServiceKind);
  if (bad) return err(one(new AppError('ORGS.SERVICE_INVALID', { field: !code || code.length > 32 ? 'code' : 'name' })));
  return db.withTenant(orgId, async (em) => {
    if (!(await orgsRepo.findRecipient(em, orgId, input.recipientId))) {
      return err(one(new AppError('ORGS.RECIPIENT_NOT_FOUND', { field: 'recipientId' })));
    }
    const inserted = await unlessDuplicate(async () => {
      const service = em.create(Service, { org: orgId, ...fields, kind: input.kind as ServiceKind, recipient: input.recipientId });
      await em.flush();
      return service;
    }, new AppError('ORGS.SERVICE_CODE_TAKEN', { field: 'code', vars: { code } }));
    return inserted;
  });
}

/** Creates the staff user if the e-mail is new, then gives them the role in this organisation. */
async function addStaffUser(db: Database, orgId: string, input: StaffUserInput, role: StaffRole): Promise<Result<StaffUserRow, FieldErrors>> {
  const email = input.email.trim().toLowerCase();
  const fullName = input.fullName.trim();
  if (!EMAIL.test(email)) return err(one(new AppError('ORGS.EMAIL_INVALID', { field: 'email' })));
  if (!STAFF_ROLES.includes(role)) return err(one(new AppError('ORGS.ROLE_INVALID', { field: 'role' })));
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    return err(one(new AppError('ORGS.PASSWORD_TOO_SHORT', { field: 'password', vars: { min: MIN_PASSWORD_LENGTH } })));
  }
  const passwordHash = await hashPassword(input.password);
  return db.withTenant(orgId, async (em: Em) => {
    const user = (await orgsRepo.findUserByEmail(em, email))
      ?? em.create(StaffUser, { id: randomUUID(), email, fullName: fullName || email, passwordHash });
    if (await orgsRepo.findMembership(em, orgId, user.id)) return err(one(new AppError('ORGS.EMAIL_TAKEN', { field: 'email' })));
    em.create(Membership, { org: orgId, user: user.id, role });
    await em.flush();
    return ok(user);
  });
}

export type OrgsService = ReturnType<typeof makeOrgsService>;
