import { randomUUID } from 'node:crypto';
import type { Database } from '../infra/database/database.ts';
import { AppError, err, ok, type Clock, type Result } from '../shared/index.ts';
import { diffChanges, recordAudit, type Actor } from '../audit/index.ts';
import type { CommissionRule, OrganizationRow, PaymentMethod } from './orgs.entity.ts';
import { validateCommissionRule, validateProfile, validateRequisites,
  type FieldErrors, type OrganizationInput, type ProfileInput, type RequisitesInput } from './organization-input.calc.ts';
import { insertOrganization } from './orgs.tx.ts';
import { orgsRepo } from './orgs.repo.ts';
import { inTenant, one } from './orgs-step.ts';
import { makeCatalogService } from './catalog.service.ts';
import { makeStaffUsersService } from './staff-users.service.ts';

type Deps = { readonly db: Database; readonly clock: Clock };

const REQUISITE_FIELDS = ['inn', 'kpp', 'ogrn', 'bankAccount', 'bik', 'corrAccount', 'bankName'] as const;
const PROFILE_FIELDS = ['name', 'shortName', 'timeZone', 'category'] as const;

/** Applies a change to the organisation and, when an actor is given, logs what changed in the same transaction. */
function withOrganization(db: Database, clock: Clock, orgId: string, action: string, actor: Actor | undefined,
  change: Partial<OrganizationRow>, fields: readonly (keyof OrganizationRow & string)[]): Promise<Result<OrganizationRow, FieldErrors>> {
  return inTenant(db, orgId, async (em) => {
    const org = await orgsRepo.findOrganization(em, orgId);
    if (!org) return err(one(new AppError('ORGS.NOT_FOUND')));
    const changes = diffChanges(org, change, fields);
    em.assign(org, change);
    if (actor && changes) recordAudit(em, orgId, actor, { action, entityType: 'organization', entityId: orgId, changes }, clock.now());
    return ok(org);
  });
}

export function makeOrgsService({ db, clock }: Deps) {
  /** Both methods in one transaction and one audit entry: either every rule given is valid and saved, or none. */
  async function setCommissions(orgId: string, rules: Partial<Record<PaymentMethod, CommissionRule>>, actor?: Actor): Promise<Result<OrganizationRow, FieldErrors>> {
    const checked = Object.entries(rules).map(([method, rule]) => [method, validateCommissionRule(rule!, `commission.${method}`)] as const);
    const errors = checked.flatMap(([, r]) => (r.ok ? [] : [r.error]));
    if (errors.length) return err(errors);
    const current = await db.withTenant(orgId, (em) => orgsRepo.findOrganization(em, orgId));
    if (!current) return err(one(new AppError('ORGS.NOT_FOUND')));
    const commission = { ...current.commission, ...Object.fromEntries(checked.map(([m, r]) => [m, (r as { value: CommissionRule }).value])) };
    return withOrganization(db, clock, orgId, 'organization.commission', actor, { commission }, ['commission']);
  }

  return {
    /** A new tenant: the transaction acts as the new organisation, so RLS admits its first row. */
    createOrganization(input: OrganizationInput, actor?: Actor): Promise<Result<OrganizationRow, FieldErrors>> {
      const id = randomUUID();
      return inTenant(db, id, (em) => {
        const created = insertOrganization(em, id, input);
        if (created.ok && actor) recordAudit(em, id, actor, { action: 'organization.create', entityType: 'organization', entityId: id }, clock.now());
        return created;
      },
        new AppError('ORGS.SLUG_TAKEN', { field: 'slug', vars: { slug: input.slug } }));
    },

    getOrganization: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.findOrganization(em, orgId)),
    orgIdBySlug: (slug: string) => db.withoutTenant((em) => orgsRepo.orgIdBySlug(em, slug)),

    async updateRequisites(orgId: string, input: RequisitesInput, actor?: Actor): Promise<Result<OrganizationRow, FieldErrors>> {
      const valid = validateRequisites(input);
      if (!valid.ok) return valid;
      return withOrganization(db, clock, orgId, 'organization.requisites', actor, valid.value, REQUISITE_FIELDS);
    },

    async updateProfile(orgId: string, input: ProfileInput, actor?: Actor): Promise<Result<OrganizationRow, FieldErrors>> {
      const valid = validateProfile(input);
      if (!valid.ok) return valid;
      return withOrganization(db, clock, orgId, 'organization.profile', actor, valid.value, PROFILE_FIELDS);
    },

    setCommissions,
    setCommission: (orgId: string, method: PaymentMethod, rule: CommissionRule, actor?: Actor) => setCommissions(orgId, { [method]: rule }, actor),

    ...makeCatalogService({ db, clock }),
    ...makeStaffUsersService({ db, clock }),
  };
}

export type OrgsService = ReturnType<typeof makeOrgsService>;
