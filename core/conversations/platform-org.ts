import type { Database } from '../infra/database/database.ts';

/**
 * The organisation a resident of the platform's bot belongs to: the one named by the signed `/start` token they
 * came with (our QR or bill), else the one they last talked to. A resident with neither is asked to open a link.
 */
export function makePlatformOrg(db: Database, verifyStart: (token: string) => Promise<string | null>, channel: string) {
  return async (startArg: string | null | undefined, externalUserId: string): Promise<string | null> => {
    if (startArg) {
      const org = await verifyStart(startArg);
      if (org) return org;
    }
    const [row] = await db.read((em) => em.execute<{ org: string | null }[]>('select fp_identity_org(?, ?) as org', [channel, externalUserId]));
    return row?.org ?? null;
  };
}
