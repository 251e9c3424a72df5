import type { Database } from '../infra/database/database.ts';

/**
 * Whether we may write to a WhatsApp number: the resident wrote to us first (their identity exists), or a person
 * with this phone agreed to notifications. Numbers that message strangers get banned (DOMAIN.md).
 */
export function makeWhatsappMayWrite(db: Database) {
  return async (orgId: string, waUserId: string): Promise<boolean> => {
    if (!orgId) return false;
    const digits = waUserId.replace(/^lid:/, '');
    const [row] = await db.withTenant(orgId, (em) => em.execute<{ ok: boolean }[]>(
      `select exists(select 1 from identities where org_id = ? and
         ((channel = 'whatsapp' and external_id = ?) or (consent_notifications and phone = ?))) as ok`,
      [orgId, waUserId, `+${digits}`]));
    return row?.ok === true;
  };
}
