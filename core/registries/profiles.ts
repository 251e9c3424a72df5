import type { Actor } from '../audit/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Database, Em } from '../infra/database/database.ts';
import { AppError, err, newId, ok, type Clock, type Result } from '../shared/index.ts';
import { profileColumnsFrom, type ProfileColumns } from './columns.ts';
import type { ParseStart } from './import-parse.ts';
import type { ProfileInput } from './import.types.ts';
import { normaliseHeader } from './headers.calc.ts';
import { REGISTRY_FIELDS, type RegistryField } from './header-synonyms.calc.ts';
import { ImportProfile, type ImportProfileRow } from './registry.entity.ts';

export type ProfileView = {
  readonly name: string;
  readonly columns: Partial<Record<RegistryField, string>>;
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly totalsCheck: boolean;
  readonly updatedAt: Date;
};

const view = (p: ImportProfileRow): ProfileView => ({
  name: p.name, columns: p.columns as Partial<Record<RegistryField, string>>, encoding: p.encoding ?? null,
  delimiter: p.delimiter ?? null, totalsCheck: p.totalsCheck, updatedAt: p.updatedAt,
});

export async function listProfiles(db: Database, orgId: string): Promise<ProfileView[]> {
  const rows = await db.withTenant(orgId, (em) => em.find(ImportProfile, { org: orgId }, { orderBy: { name: 'asc' } }));
  return rows.map(view);
}

export async function loadProfile(db: Database, orgId: string, name: string): Promise<(ProfileColumns & { totalsCheck: boolean; encoding: string | null; delimiter: string | null }) | null> {
  const row = await db.withTenant(orgId, (em) => em.findOne(ImportProfile, { org: orgId, name: name.trim() }));
  return row ? { ...view(row), name: row.name } : null;
}

/** Columns are saved by their normalised header titles, so «Начислено, руб.» and «начислено руб» are one column. */
export async function saveProfile(db: Database, clock: Clock, orgId: string, actor: Actor, input: ProfileInput): Promise<Result<{ name: string }, AppError[]>> {
  const name = input.name.trim();
  if (!name || name.length > 100) return err([new AppError('REGISTRIES.PROFILE_NAME_INVALID', { field: 'name' })]);
  const columns: Partial<Record<RegistryField, string>> = {};
  for (const field of REGISTRY_FIELDS) {
    const title = normaliseHeader(input.columns[field] ?? '');
    if (title) columns[field] = title;
  }
  await db.withTenant(orgId, async (em) => {
    await upsert(em, orgId, actor, clock.now(), { name, columns, encoding: input.encoding ?? null, delimiter: input.delimiter ?? null, totalsCheck: input.totalsCheck ?? true });
    await em.flush();
  });
  return ok({ name });
}

/** An import's «save this mapping as a profile»: the header titles of the columns it used. */
export async function saveProfileIn(em: Em, orgId: string, actor: Actor, at: Date, name: string, start: ParseStart, totalsCheck: boolean): Promise<void> {
  const trimmed = name.trim().slice(0, 100);
  if (!trimmed) return;
  const columns = profileColumnsFrom(start.header, start.mapping);
  await upsert(em, orgId, actor, at, { name: trimmed, columns, encoding: start.encoding, delimiter: start.delimiter, totalsCheck });
}

type ProfileData = { name: string; columns: Partial<Record<RegistryField, string>>; encoding: string | null; delimiter: string | null; totalsCheck: boolean };

async function upsert(em: Em, orgId: string, actor: Actor, at: Date, data: ProfileData): Promise<void> {
  const existing = await em.findOne(ImportProfile, { org: orgId, name: data.name });
  if (existing) em.assign(existing, { ...data, updatedAt: at });
  else em.create(ImportProfile, { id: newId(), org: orgId, ...data, createdAt: at, updatedAt: at });
  recordAudit(em, orgId, actor, { action: existing ? 'registry_profile.update' : 'registry_profile.create', entityType: 'import_profile', entityId: existing?.id ?? null, changes: { name: [null, data.name] } }, at);
}

export async function deleteProfile(db: Database, clock: Clock, orgId: string, actor: Actor, name: string): Promise<boolean> {
  return db.withTenant(orgId, async (em) => {
    const existing = await em.findOne(ImportProfile, { org: orgId, name });
    if (!existing) return false;
    em.remove(existing);
    recordAudit(em, orgId, actor, { action: 'registry_profile.delete', entityType: 'import_profile', entityId: existing.id, changes: { name: [existing.name, null] } }, clock.now());
    await em.flush();
    return true;
  });
}
