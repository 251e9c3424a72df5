import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit, type Actor } from '../core/audit/index.ts';
import { authenticateApiKey, createApiKey, listApiKeys, makeOrgsService, revokeApiKey } from '../core/orgs/index.ts';
import { settableClock, type SettableClock } from '../core/shared/index.ts';
import { orgInput } from './fixtures/orgs.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

/** API keys for customers' systems: shown once, stored as a hash, scoped to one organisation, revocable, audited. */
const STAFF: Actor = { userId: null, label: 'admin@keys.test' };
let test: TestDatabase;
let clock: SettableClock;
const org = { a: '', b: '' };

async function newKey(orgId: string, name: string): Promise<string> {
  const created = await createApiKey(test.db, clock, orgId, STAFF, name);
  if (!created.ok) throw new Error('key');
  return created.value.key;
}

beforeAll(async () => {
  test = await openTestDatabase();
  clock = settableClock(new Date('2026-04-02T09:00:00Z'));
  const orgs = makeOrgsService({ db: test.db, clock });
  for (const slug of ['keys-a', 'keys-b'] as const) {
    const created = await orgs.createOrganization(orgInput(slug));
    if (!created.ok) throw new Error('org');
    org[slug === 'keys-a' ? 'a' : 'b'] = created.value.id;
  }
});
afterAll(async () => { await test.drop(); });

describe('API keys', () => {
  it('shows a key once, keeps only its hash, finds its organisation, and stops it when revoked', async () => {
    const created = await createApiKey(test.db, clock, org.a, STAFF, '  Выгрузка из 1С  ');
    if (!created.ok) throw new Error('key');
    expect(created.value.key).toMatch(/^fpk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.value.key.slice(4, 12)).toBe(created.value.prefix);
    const stored = await test.db.read((em) => em.execute<{ secret_hash: string }[]>('select secret_hash from api_keys where id = ?', [created.value.id]));
    expect(stored[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.value.key.slice(13));
    const listed = (await listApiKeys(test.db, org.a)).find((k) => k.id === created.value.id)!;
    expect(listed).toMatchObject({ name: 'Выгрузка из 1С', prefix: created.value.prefix, lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.value.key.slice(13));
    expect((await listApiKeys(test.db, org.b)).some((k) => k.id === created.value.id)).toBe(false);

    expect(await authenticateApiKey(test.db, clock, created.value.key)).toMatchObject({ orgId: org.a, keyId: created.value.id });
    expect(await revokeApiKey(test.db, clock, org.b, STAFF, created.value.id)).toBe(false);
    expect(await revokeApiKey(test.db, clock, org.a, STAFF, created.value.id)).toBe(true);
    expect(await authenticateApiKey(test.db, clock, created.value.key)).toBeNull();
    const audit = await test.db.withTenant(org.a, (em) => listAudit(em, org.a, { entityId: created.value.id }, { limit: 10, offset: 0 }));
    expect(audit.rows.map((r) => r.action).sort()).toEqual(['apiKey.create', 'apiKey.revoke']);
  });

  it('refuses a name that is empty or longer than 100 characters', async () => {
    for (const name of ['', '   ', 'я'.repeat(101)]) {
      const created = await createApiKey(test.db, clock, org.a, STAFF, name);
      expect(created.ok ? 'created' : created.error[0]!.code).toBe('REGISTRIES.API_KEY_NAME_INVALID');
    }
  });

  it('writes lastUsedAt at most once a minute', async () => {
    const fresh = await newKey(org.a, 'Часы');
    const lastUsed = async () => (await listApiKeys(test.db, org.a)).find((k) => fresh.includes(k.prefix))!.lastUsedAt?.getTime();
    await authenticateApiKey(test.db, clock, fresh);
    const first = await lastUsed();
    expect(first).toBe(clock.now().getTime());
    clock.advance(30_000);
    await authenticateApiKey(test.db, clock, fresh);
    expect(await lastUsed()).toBe(first);
    clock.advance(30_000);
    await authenticateApiKey(test.db, clock, fresh);
    expect(await lastUsed()).toBe(clock.now().getTime());
  });
});
