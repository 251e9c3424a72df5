import type { Em } from '../infra/database/database.ts';
import { Membership, Organization, Recipient, Service, StaffUser, type OrganizationRow, type RecipientRow, type ServiceRow, type StaffUserRow } from './orgs.entity.ts';

/** MikroORM lives here; the service speaks in rows and ids. RLS already limits every query to the tenant. */
export const orgsRepo = {
  findOrganization: (em: Em, id: string): Promise<OrganizationRow | null> => em.findOne(Organization, { id }),

  async orgIdBySlug(em: Em, slug: string): Promise<string | null> {
    const rows = await em.execute<{ id: string | null }[]>('select fp_org_id_by_slug(?) as id', [slug]);
    return rows[0]?.id ?? null;
  },

  findRecipient: (em: Em, orgId: string, id: string): Promise<RecipientRow | null> => em.findOne(Recipient, { id, org: orgId }),
  listRecipients: (em: Em, orgId: string): Promise<RecipientRow[]> => em.find(Recipient, { org: orgId }, { orderBy: { createdAt: 'asc' } }),
  findServiceByCode: (em: Em, orgId: string, code: string): Promise<ServiceRow | null> => em.findOne(Service, { org: orgId, code }),
  listServices: (em: Em, orgId: string): Promise<ServiceRow[]> => em.find(Service, { org: orgId }, { orderBy: { code: 'asc' } }),

  findUserByEmail: (em: Em, email: string): Promise<StaffUserRow | null> => em.findOne(StaffUser, { email }),
  findMembership: (em: Em, orgId: string, userId: string) => em.findOne(Membership, { org: orgId, user: userId }),
};
