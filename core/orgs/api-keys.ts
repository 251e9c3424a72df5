import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { recordAudit, type Actor } from '../audit/index.ts';
import type { Database } from '../infra/database/database.ts';
import { AppError, err, newId, ok, type Clock, type Result } from '../shared/index.ts';
import { ApiKey } from './api-keys.entity.ts';

/** What staff see of a key: never its secret (which is not stored), only the prefix that names it. */
export type ApiKeyInfo = {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
};

/** The key in full exists only in this value, shown once to whoever created it. */
export type CreatedApiKey = { readonly key: string; readonly id: string; readonly prefix: string };
export type ApiKeyPrincipal = { readonly orgId: string; readonly keyId: string; readonly name: string; readonly prefix: string };

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_LENGTH = 8;
/** `fpk_` + 8-character prefix + `_` + 32 random bytes in base64url (43 characters; it may itself hold `_`). */
const KEY_SHAPE = /^fpk_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
/** lastUsedAt is a hint for staff, not a log: one write a minute per key keeps busy clients off the table. */
const LAST_USED_STEP_MS = 60_000;
const MAX_NAME_LENGTH = 100;

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const randomPrefix = () => Array.from({ length: PREFIX_LENGTH }, () => PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)]).join('');
// A lookup that finds no key still compares against this, so a wrong prefix costs the same as a wrong secret.
const DUMMY_HASH = sha256Hex('no such key');

function cleanName(name: string): string | null {
  const cleaned = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return cleaned.length >= 1 && Array.from(cleaned).length <= MAX_NAME_LENGTH ? cleaned : null;
}

const toInfo = (row: { id: string; name: string; prefix: string; createdBy?: string | null; createdAt: Date; lastUsedAt?: Date | null; revokedAt?: Date | null }): ApiKeyInfo => ({
  id: row.id, name: row.name, prefix: row.prefix, createdBy: row.createdBy ?? null, createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt ?? null, revokedAt: row.revokedAt ?? null,
});

/** A new key for the organisation's systems; only SHA-256 of its secret is kept. */
export async function createApiKey(db: Database, clock: Clock, orgId: string, actor: Actor, name: string): Promise<Result<CreatedApiKey, AppError[]>> {
  const cleaned = cleanName(name);
  if (!cleaned) return err([new AppError('REGISTRIES.API_KEY_NAME_INVALID', { field: 'name' })]);
  const secret = randomBytes(32).toString('base64url');
  const id = newId();
  // api_keys has no row-level security (a key is looked up before any tenant is known); the audit entry has.
  return db.withTenant(orgId, async (em) => {
    let prefix = randomPrefix();
    while (await em.count(ApiKey, { prefix })) prefix = randomPrefix();
    await em.insert(ApiKey, {
      id, org: orgId, name: cleaned, prefix, secretHash: sha256Hex(secret), scopes: 'registries',
      createdBy: actor.userId, createdAt: clock.now(), lastUsedAt: null, revokedAt: null,
    });
    recordAudit(em, orgId, actor, { action: 'apiKey.create', entityType: 'apiKey', entityId: id, changes: { name: [null, cleaned], prefix: [null, prefix] } }, clock.now());
    return ok({ key: `fpk_${prefix}_${secret}`, id, prefix });
  });
}

/** The organisation's keys, newest first, revoked ones included (staff see when a key stopped). */
export async function listApiKeys(db: Database, orgId: string): Promise<ApiKeyInfo[]> {
  const rows = await db.read((em) => em.find(ApiKey, { org: orgId }, { orderBy: { createdAt: 'desc', id: 'desc' } }));
  return rows.map(toInfo);
}

/** Revokes the organisation's key; false when it has no such key. Revoking twice changes nothing. */
export async function revokeApiKey(db: Database, clock: Clock, orgId: string, actor: Actor, id: string): Promise<boolean> {
  return db.withTenant(orgId, async (em) => {
    // Filtered by org_id here: no row-level security guards this table.
    const key = await em.findOne(ApiKey, { id, org: orgId });
    if (!key) return false;
    if (key.revokedAt) return true;
    const at = clock.now();
    key.revokedAt = at;
    recordAudit(em, orgId, actor, { action: 'apiKey.revoke', entityType: 'apiKey', entityId: id, changes: { revokedAt: [null, at.toISOString()] } }, at);
    return true;
  });
}

/**
 * The organisation a presented key belongs to, or null for a malformed, unknown or revoked key. The secret's
 * hash is compared in constant time (RELIABILITY.md A5's rule, applied to our own API).
 */
export async function authenticateApiKey(db: Database, clock: Clock, key: string): Promise<ApiKeyPrincipal | null> {
  const parts = KEY_SHAPE.exec(key.trim());
  const row = parts ? await db.read((em) => em.findOne(ApiKey, { prefix: parts[1]! })) : null;
  const given = Buffer.from(sha256Hex(parts?.[2] ?? ''));
  const stored = Buffer.from(row?.secretHash ?? DUMMY_HASH);
  const same = given.length === stored.length && timingSafeEqual(given, stored);
  if (!row || !same || row.revokedAt) return null;
  const now = clock.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_STEP_MS) {
    const before = new Date(now.getTime() - LAST_USED_STEP_MS);
    await db.withoutTenant((em) => em.execute(
      'update api_keys set last_used_at = ? where id = ? and (last_used_at is null or last_used_at <= ?)', [now, row.id, before]));
  }
  return { orgId: row.org, keyId: row.id, name: row.name, prefix: row.prefix };
}
