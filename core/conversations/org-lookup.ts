import type { Database } from '../infra/database/database.ts';

export type PublicOrg = { readonly id: string; readonly name: string };

/**
 * Organisations as the public channels find them: the web chat by its slug, the phone robot by the number called.
 * Every open chat polls every few seconds, so answers are kept for a minute (a renamed or closed organisation
 * shows within that minute).
 */
export function makeOrgLookup(db: Database, ttlMs = 60_000) {
  const cache = new Map<string, { at: number; org: PublicOrg | null }>();
  const cached = async (key: string, load: () => Promise<PublicOrg | null>): Promise<PublicOrg | null> => {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.org;
    const org = await load();
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { at: Date.now(), org });
    return org;
  };
  const named = async (id: string | null | undefined): Promise<PublicOrg | null> => {
    if (!id) return null;
    const [row] = await db.withTenant(id, (em) => em.execute<{ short_name: string }[]>('select short_name from organizations where id = ?', [id]));
    return row ? { id, name: row.short_name } : null;
  };
  return {
    bySlug: (slug: string) => (/^[a-z0-9-]{1,40}$/.test(slug) ? cached(`slug:${slug}`, async () =>
      named((await db.read((em) => em.execute<{ id: string | null }[]>('select fp_org_id_by_slug(?) as id', [slug])))[0]?.id)) : Promise.resolve(null)),
    byVoiceNumber: (number: string) => (/^\+\d{6,15}$/.test(number) ? cached(`voice:${number}`, async () =>
      named((await db.read((em) => em.execute<{ id: string | null }[]>('select fp_org_id_by_voice_number(?) as id', [number])))[0]?.id)) : Promise.resolve(null)),
  };
}
export type OrgLookup = ReturnType<typeof makeOrgLookup>;
