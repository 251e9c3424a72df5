import { randomUUID } from 'node:crypto';
import type { Em } from '../infra/database/database.ts';
import { AppError, err, ok, type Result } from '../shared/index.ts';
import { Organization, Recipient, Service, SERVICE_KINDS, type OrganizationRow, type RecipientRow, type ServiceKind, type ServiceRow } from './orgs.entity.ts';
import { validateOrganization, validateRequisites, type FieldErrors, type OrganizationInput, type RequisitesInput } from './organization-input.calc.ts';
import { orgsRepo } from './orgs.repo.ts';

/** Steps inside a caller's tenant transaction (the seed builds a whole organisation in one). */
export type RecipientInput = RequisitesInput & { readonly name: string };
export type ServiceInput = { readonly code: string; readonly name: string; readonly unit: string; readonly kind: string; readonly recipientId: string };

/** `em` must act for `id` (db.withTenant(id, …)): the policy admits a new organisation's row only then. */
export function insertOrganization(em: Em, id: string, input: OrganizationInput): Result<OrganizationRow, FieldErrors> {
  const valid = validateOrganization(input);
  if (!valid.ok) return valid;
  return ok(em.create(Organization, { id, ...valid.value }));
}

export function insertRecipient(em: Em, orgId: string, input: RecipientInput): Result<RecipientRow, FieldErrors> {
  const valid = validateRequisites(input);
  const name = input.name.trim().replace(/\s+/g, ' ');
  const nameError = name && name.length <= 300 ? [] : [new AppError('ORGS.NAME_REQUIRED', { field: 'name' })];
  if (!valid.ok || nameError.length) return err([...nameError, ...(valid.ok ? [] : valid.error)]);
  const { ogrn: _registry, ...requisites } = valid.value; // a payee's ОГРН is not kept
  return ok(em.create(Recipient, { id: randomUUID(), org: orgId, name, ...requisites }));
}

export async function insertService(em: Em, orgId: string, input: ServiceInput): Promise<Result<ServiceRow, FieldErrors>> {
  const fields = { code: input.code.trim(), name: input.name.trim(), unit: input.unit.trim() };
  const errors: AppError[] = [];
  if (!fields.code || fields.code.length > 32) errors.push(new AppError('ORGS.SERVICE_INVALID', { field: 'code' }));
  if (!fields.name || fields.name.length > 200) errors.push(new AppError('ORGS.SERVICE_INVALID', { field: 'name' }));
  if (!fields.unit || fields.unit.length > 32) errors.push(new AppError('ORGS.SERVICE_INVALID', { field: 'unit' }));
  if (!SERVICE_KINDS.includes(input.kind as ServiceKind)) errors.push(new AppError('ORGS.SERVICE_INVALID', { field: 'kind' }));
  if (errors.length) return err(errors);
  const recipient = await orgsRepo.findRecipient(em, orgId, input.recipientId);
  if (!recipient) return err([new AppError('ORGS.RECIPIENT_NOT_FOUND', { field: 'recipientId' })]);
  if (!recipient.active) return err([new AppError('ORGS.RECIPIENT_INACTIVE', { field: 'recipientId' })]);
  if (await orgsRepo.findServiceByCode(em, orgId, fields.code)) {
    return err([new AppError('ORGS.SERVICE_CODE_TAKEN', { field: 'code', vars: { code: fields.code } })]);
  }
  return ok(em.create(Service, { id: randomUUID(), org: orgId, ...fields, kind: input.kind as ServiceKind, recipient: recipient.id }));
}

