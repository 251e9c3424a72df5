import type { Database } from '../infra/database/database.ts';
import { AppError, err, ok, type Clock, type Result } from '../shared/index.ts';
import { diffChanges, recordAudit, type Actor } from '../audit/index.ts';
import { Recipient, Service, SERVICE_KINDS, type RecipientRow, type ServiceKind, type ServiceRow } from './orgs.entity.ts';
import { validateRequisites, type FieldErrors } from './organization-input.calc.ts';
import { insertRecipient, insertService, type RecipientInput, type ServiceInput } from './orgs.tx.ts';
import { orgsRepo } from './orgs.repo.ts';
import { inTenant, one } from './orgs-step.ts';

type Deps = { readonly db: Database; readonly clock: Clock };

const RECIPIENT_FIELDS = ['name', 'inn', 'kpp', 'bankAccount', 'bik', 'corrAccount', 'bankName', 'active'] as const;
const SERVICE_FIELDS = ['name', 'unit', 'kind', 'recipient', 'active'] as const;

/**
 * Recipients (payees) and services. Nothing here deletes: payments will reference them, so they are deactivated
 * instead, and every change by a person is in the audit log.
 */
export function makeCatalogService({ db, clock }: Deps) {
  const audit = (actor: Actor | undefined, orgId: string, action: string, entityType: string, entityId: string, changes: ReturnType<typeof diffChanges>) =>
    (em: Parameters<typeof recordAudit>[0]) => { if (actor && changes) recordAudit(em, orgId, actor, { action, entityType, entityId, changes }, clock.now()); };

  async function changeRecipient(orgId: string, id: string, change: Partial<RecipientRow>, action: string, actor?: Actor) {
    return inTenant(db, orgId, async (em): Promise<Result<RecipientRow, FieldErrors>> => {
      const recipient = await orgsRepo.findRecipient(em, orgId, id);
      if (!recipient) return err(one(new AppError('ORGS.RECIPIENT_NOT_FOUND')));
      audit(actor, orgId, action, 'recipient', id, diffChanges(recipient, change, RECIPIENT_FIELDS))(em);
      return ok(em.assign(recipient, change));
    });
  }

  async function changeService(orgId: string, id: string, change: Partial<ServiceRow>, action: string, actor?: Actor) {
    return inTenant(db, orgId, async (em): Promise<Result<ServiceRow, FieldErrors>> => {
      const service = await em.findOne(Service, { org: orgId, id });
      if (!service) return err(one(new AppError('ORGS.SERVICE_NOT_FOUND')));
      const recipient = change.recipient ? await orgsRepo.findRecipient(em, orgId, change.recipient) : null;
      if (change.recipient && !recipient) return err(one(new AppError('ORGS.RECIPIENT_NOT_FOUND', { field: 'recipientId' })));
      // A service may keep a recipient deactivated later, but may not be moved to one.
      if (recipient && !recipient.active && recipient.id !== service.recipient) {
        return err(one(new AppError('ORGS.RECIPIENT_INACTIVE', { field: 'recipientId' })));
      }
      audit(actor, orgId, action, 'service', id, diffChanges(service, change, SERVICE_FIELDS))(em);
      return ok(em.assign(service, change));
    });
  }

  return {
    listRecipients: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.listRecipients(em, orgId)),
    listServices: (orgId: string) => db.withTenant(orgId, (em) => orgsRepo.listServices(em, orgId)),
    findRecipient: (orgId: string, id: string) => db.withTenant(orgId, (em) => orgsRepo.findRecipient(em, orgId, id)),
    findService: (orgId: string, id: string) => db.withTenant(orgId, (em) => em.findOne(Service, { org: orgId, id })),

    addRecipient: (orgId: string, input: RecipientInput, actor?: Actor) => inTenant(db, orgId, (em) => {
      const created = insertRecipient(em, orgId, input);
      if (created.ok && actor) recordAudit(em, orgId, actor, { action: 'recipient.create', entityType: 'recipient', entityId: created.value.id }, clock.now());
      return created;
    }),

    async updateRecipient(orgId: string, id: string, input: RecipientInput, actor?: Actor): Promise<Result<RecipientRow, FieldErrors>> {
      const valid = validateRequisites(input);
      const name = input.name.trim().replace(/\s+/g, ' ');
      const nameError = name && name.length <= 300 ? [] : [new AppError('ORGS.NAME_REQUIRED', { field: 'name' })];
      if (!valid.ok || nameError.length) return err([...nameError, ...(valid.ok ? [] : valid.error)]);
      const { ogrn: _registry, ...requisites } = valid.value; // a payee's ОГРН is not kept
      return changeRecipient(orgId, id, { name, ...requisites }, 'recipient.update', actor);
    },
    setRecipientActive: (orgId: string, id: string, active: boolean, actor?: Actor) =>
      changeRecipient(orgId, id, { active }, active ? 'recipient.activate' : 'recipient.deactivate', actor),

    addService: (orgId: string, input: ServiceInput, actor?: Actor) => inTenant(db, orgId, async (em) => {
      const created = await insertService(em, orgId, input);
      if (created.ok && actor) recordAudit(em, orgId, actor, { action: 'service.create', entityType: 'service', entityId: created.value.id }, clock.now());
      return created;
    }, new AppError('ORGS.SERVICE_CODE_TAKEN', { field: 'code', vars: { code: input.code.trim() } })),

    async updateService(orgId: string, id: string, input: Omit<ServiceInput, 'code'>, actor?: Actor): Promise<Result<ServiceRow, FieldErrors>> {
      const fields = { name: input.name.trim(), unit: input.unit.trim() };
      const errors: AppError[] = [];
      if (!fields.name || fields.name.length > 200) errors.push(new AppError('ORGS.SERVICE_INVALID', { field: 'name' }));
      if (!fields.unit || fields.unit.length > 32) errors.push(new AppError('ORGS.SERVICE_INVALID', { field: 'unit' }));
      if (!SERVICE_KINDS.includes(input.kind as ServiceKind)) errors.push(new AppError('ORGS.SERVICE_INVALID', { field: 'kind' }));
      if (errors.length) return err(errors);
      return changeService(orgId, id, { ...fields, kind: input.kind as ServiceKind, recipient: input.recipientId }, 'service.update', actor);
    },
    setServiceActive: (orgId: string, id: string, active: boolean, actor?: Actor) =>
      changeService(orgId, id, { active }, active ? 'service.activate' : 'service.deactivate', actor),
  };
}

export type CatalogService = ReturnType<typeof makeCatalogService>;
export { Recipient };
