import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffChanges, listAudit, recordAudit, SYSTEM_ACTOR, type Actor, type AuditFilter } from '../core/audit/index.ts';
import { makeOrgsService } from '../core/orgs/index.ts';
import { settableClock } from '../core/shared/index.ts';
import type { Database, Em } from '../core/infra/database/database.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { orgInput } from './fixtures/orgs.ts';

/** The audit log: per organisation (RLS, A1) and append-only for the application role (M4). */
let test: TestDatabase;
let db: Database;
const clock = settableClock(new Date('2026-11-26T09:00:00Z'));
const org: Record<'a' | 'b', string> = { a: '', b: '' };

const ivanova: Actor = { userId: '00000000-0000-4000-8000-000000000001', label: 'ivanova@north.test', ip: '198.51.100.7' };
const petrov: Actor = { userId: '00000000-0000-4000-8000-000000000002', label: 'Petrov.S@north.test' };
const underscored: Actor = { userId: '00000000-0000-4000-8000-000000000003', label: 'anna_k@north.test' };

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  const orgs = makeOrgsService({ db, clock });
  for (const slug of ['a', 'b'] as const) {
    const created = await orgs.createOrganization(orgInput(`audit-${slug}`));
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    org[slug] = created.value.id;
  }
});
afterAll(() => test.drop());

type Row = { id: string; org_id: string; action: string; actor_label: string; changes: unknown; at: Date };
const rowsSeenBy = (orgId: string | null) => {
  const read = (em: Em) =>
    em.execute<Row[]>('select id, org_id, action, actor_label, changes, at from audit_log order by id');
  return orgId ? db.withTenant(orgId, read) : db.withoutTenant(read);
};

describe('recording', () => {
  it('writes an entry in the tenant transaction that only that organisation sees', async () => {
    const at = new Date('2026-11-20T10:00:00Z');
    await db.withTenant(org.a, async (em) => recordAudit(em, org.a, ivanova,
      { action: 'recording.test', entityType: 'organization', entityId: org.a, changes: { kpp: [null, '773601001'] } }, at));
    const seen = (await rowsSeenBy(org.a)).filter((r) => r.action === 'recording.test');
    expect(seen).toEqual([expect.objectContaining({ org_id: org.a, actor_label: 'ivanova@north.test', changes: { kpp: [null, '773601001'] } })]);
    expect(new Date(seen[0]!.at).toISOString()).toBe(at.toISOString());
    expect((await rowsSeenBy(org.b)).filter((r) => r.action === 'recording.test')).toEqual([]);
    expect(await rowsSeenBy(null)).toEqual([]);
  });

  it('writes nothing when the transaction rolls back', async () => {
    await expect(db.withTenant(org.a, async (em) => {
      recordAudit(em, org.a, SYSTEM_ACTOR, { action: 'rolled.back', entityType: 'organization' }, clock.now());
      await em.flush();
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect((await rowsSeenBy(org.a)).filter((r) => r.action === 'rolled.back')).toEqual([]);
  });

  it("refuses an entry for organisation B while acting for A", async () => {
    await expect(db.withTenant(org.a, async (em) => recordAudit(em, org.b, ivanova,
      { action: 'forged.entry', entityType: 'organization' }, clock.now()))).rejects.toThrow(/row-level security/);
    await expect(db.withTenant(org.a, (em) => em.execute(
      `insert into audit_log (org_id, actor_label, action, entity_type, at) values (?, 'x', 'forged.sql', 'organization', now())`, [org.b]),
    )).rejects.toThrow(/row-level security/);
    expect((await rowsSeenBy(org.b)).filter((r) => r.action.startsWith('forged'))).toEqual([]);
  });
});

describe('append-only for the application role', () => {
  const attempts = [
    { what: 'an update', sql: `update audit_log set action = 'x'` },
    { what: 'a delete', sql: 'delete from audit_log' },
    { what: 'a truncate', sql: 'truncate audit_log' },
    { what: 'disabling the trigger', sql: 'alter table audit_log disable trigger audit_log_append_only' },
    { what: 'disabling all triggers', sql: 'alter table audit_log disable trigger all' },
    { what: 'replica mode, which skips triggers', sql: `set session_replication_role = replica` },
  ];

  it.each(attempts)('refuses $what and leaves the entries as they were', async ({ sql }) => {
    await db.withTenant(org.a, async (em) => recordAudit(em, org.a, petrov, { action: 'append.only', entityType: 'account' }, clock.now()));
    const before = await rowsSeenBy(org.a);
    expect(before.length).toBeGreaterThan(0);
    await expect(db.withTenant(org.a, (em) => em.execute(sql))).rejects.toThrow(/permission denied|must be owner|append-only/);
    expect(await rowsSeenBy(org.a)).toEqual(before);
    const [role] = await db.withoutTenant((em) => em.execute<{ role: string }[]>('select current_user as role'));
    expect(role!.role).toBe('familypay_app');
  });

  it('refuses an update, a delete and a truncate even to the owner (the trigger)', async () => {
    await db.withTenant(org.a, async (em) => recordAudit(em, org.a, petrov, { action: 'owner.test', entityType: 'account' }, clock.now()));
    const before = await rowsSeenBy(org.a);
    for (const sql of [`update audit_log set action = 'x'`, 'delete from audit_log', 'truncate audit_log']) {
      await expect(asOwner(sql), sql).rejects.toThrow(/audit_log is append-only/);
    }
    expect(await rowsSeenBy(org.a)).toEqual(before);
  });
});

/**
 * One statement as the owner. On PostgreSQL through the owner's own connection; on PGlite the one session
 * drops the application role inside a transaction that the failing statement rolls back (SET ROLE is undone
 * with it), so the session acts as the application role again afterwards.
 */
async function asOwner(sql: string): Promise<void> {
  if (test.ownerUrl) {
    const client = new pg.Client({ connectionString: test.ownerUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return;
  }
  try {
    await db.withoutTenant(async (em) => {
      await em.execute('reset role');
      await em.execute(sql);
    });
  } finally {
    const [role] = await db.withoutTenant((em) => em.execute<{ role: string }[]>('select current_user as role'));
    if (role!.role !== 'familypay_app') throw new Error(`the session was left acting as ${role!.role}`);
  }
}

describe('diffChanges', () => {
  type Org = { name: string; inn: string; kpp: string | null; commission: { sbp: number; card: number }; passwordHash?: string };
  const before: Org = { name: 'УК «Север»', inn: '7707083893', kpp: null, commission: { sbp: 40, card: 150 }, passwordHash: 'old' };
  const fields = ['name', 'inn', 'kpp', 'commission'] as const;

  it('returns only the changed fields as [before, after]', () => {
    expect(diffChanges(before, { name: 'УК «Юг»', inn: '7707083893', kpp: '773601001', commission: { sbp: 40, card: 120 } }, fields))
      .toEqual({ name: ['УК «Север»', 'УК «Юг»'], kpp: [null, '773601001'], commission: [{ sbp: 40, card: 150 }, { sbp: 40, card: 120 }] });
  });

  it('leaves out fields the change does not touch and fields not listed', () => {
    expect(diffChanges(before, { kpp: '773601001', passwordHash: 'new' }, fields)).toEqual({ kpp: [null, '773601001'] });
  });

  it('returns null when nothing changed, comparing values rather than objects', () => {
    expect(diffChanges(before, { name: 'УК «Север»', commission: { sbp: 40, card: 150 } }, fields)).toBeNull();
    expect(diffChanges(before, {}, fields)).toBeNull();
  });
});

describe('listing the log', () => {
  const day = (iso: string) => new Date(iso);
  // Two Moscow days: 25 November 00:00 MSK = 24 November 21:00 UTC.
  const seeds = [
    { at: day('2026-11-24T20:59:59Z'), actor: ivanova, action: 'organization.requisites', entityType: 'organization', entityId: 'org-1' },
    { at: day('2026-11-24T21:00:00Z'), actor: ivanova, action: 'organization.profile', entityType: 'organization', entityId: 'org-1' },
    { at: day('2026-11-25T08:00:00Z'), actor: petrov, action: 'account.open', entityType: 'account', entityId: 'acc-7' },
    { at: day('2026-11-25T09:00:00Z'), actor: petrov, action: 'account.close', entityType: 'account', entityId: 'acc-7' },
    { at: day('2026-11-25T10:00:00Z'), actor: SYSTEM_ACTOR, action: 'account.open', entityType: 'account', entityId: 'acc-8' },
    { at: day('2026-11-25T11:00:00Z'), actor: underscored, action: 'organization.commission', entityType: 'organization', entityId: 'org-1' },
    { at: day('2026-11-25T21:00:00Z'), actor: ivanova, action: 'account.open', entityType: 'account', entityId: 'acc-9' },
  ];
  let listOrg = '';

  beforeAll(async () => {
    // A fresh organisation, so entries of the other tests do not show; B gets look-alikes that must never show.
    const created = await makeOrgsService({ db, clock }).createOrganization(orgInput('audit-list'));
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    listOrg = created.value.id;
    await db.withTenant(listOrg, async (em) => {
      for (const s of seeds) recordAudit(em, listOrg, s.actor, { action: s.action, entityType: s.entityType, entityId: s.entityId }, s.at);
    });
    await db.withTenant(org.b, async (em) => {
      for (const s of seeds) recordAudit(em, org.b, s.actor, { action: s.action, entityType: s.entityType, entityId: s.entityId }, s.at);
    });
  });

  const list = (filter: AuditFilter, page = { limit: 50, offset: 0 }, orgId = listOrg) =>
    db.withTenant(orgId, (em) => listAudit(em, listOrg, filter, page));
  const actions = async (filter: AuditFilter) => {
    const { rows, total } = await list(filter);
    expect(total).toBe(rows.length);
    return rows.map((r) => `${r.action} ${r.entityId} ${r.at.toISOString().slice(5, 16)}`);
  };

  it('lists newest first', async () => {
    const { rows, total } = await list({});
    expect(total).toBe(seeds.length);
    expect(rows.map((r) => r.at.getTime())).toEqual(seeds.map((s) => s.at.getTime()).sort((a, b) => b - a));
    expect(rows.every((r) => r.org === listOrg)).toBe(true);
  });

  it('filters by action prefix', async () => {
    expect(await actions({ action: 'organization.' })).toEqual([
      'organization.commission org-1 11-25T11:00', 'organization.profile org-1 11-24T21:00', 'organization.requisites org-1 11-24T20:59',
    ]);
    expect(await actions({ action: 'account.open' })).toEqual(['account.open acc-9 11-25T21:00', 'account.open acc-8 11-25T10:00', 'account.open acc-7 11-25T08:00']);
    // A wildcard typed into the filter is not a wildcard.
    expect(await actions({ action: '%.open' })).toEqual([]);
  });

  it('filters by entity type and id', async () => {
    expect(await actions({ entityType: 'account', entityId: 'acc-7' })).toEqual(['account.close acc-7 11-25T09:00', 'account.open acc-7 11-25T08:00']);
    expect(await actions({ entityType: 'organization', entityId: 'acc-7' })).toEqual([]);
  });

  it('filters by a part of the actor, in any case', async () => {
    expect(await actions({ actor: 'PETROV' })).toEqual(['account.close acc-7 11-25T09:00', 'account.open acc-7 11-25T08:00']);
    expect(await actions({ actor: 'system' })).toEqual(['account.open acc-8 11-25T10:00']);
  });

  // LIKE's wildcards in what a person typed are escaped, not dropped: «anna_k» must find «anna_k@…» and only it.
  it('finds an actor whose e-mail has an underscore', async () => {
    expect(await actions({ actor: 'anna_k' })).toEqual(['organization.commission org-1 11-25T11:00']);
  });

  it('filters by a date range that includes its start and excludes its end', async () => {
    const moscowDay = { from: day('2026-11-24T21:00:00Z'), to: day('2026-11-25T21:00:00Z') };
    expect(await actions(moscowDay)).toEqual([
      'organization.commission org-1 11-25T11:00', 'account.open acc-8 11-25T10:00', 'account.close acc-7 11-25T09:00',
      'account.open acc-7 11-25T08:00', 'organization.profile org-1 11-24T21:00',
    ]);
    expect(await actions({ from: moscowDay.to })).toEqual(['account.open acc-9 11-25T21:00']);
    expect(await actions({ to: moscowDay.from })).toEqual(['organization.requisites org-1 11-24T20:59']);
    expect(await actions({ ...moscowDay, actor: 'ivanova', action: 'organization.' })).toEqual(['organization.profile org-1 11-24T21:00']);
  });

  it('pages with the total count of all matches', async () => {
    const all = (await list({ entityType: 'account' })).rows.map((r) => r.id);
    expect(all).toHaveLength(4);
    const pages = [await list({ entityType: 'account' }, { limit: 3, offset: 0 }), await list({ entityType: 'account' }, { limit: 3, offset: 3 })];
    expect(pages.map((p) => p.total)).toEqual([4, 4]);
    expect(pages.map((p) => p.rows.length)).toEqual([3, 1]);
    expect(pages.flatMap((p) => p.rows.map((r) => r.id))).toEqual(all);
  });

  it("shows nothing of the organisation asked for when acting for another", async () => {
    expect(await list({}, { limit: 50, offset: 0 }, org.a)).toEqual({ rows: [], total: 0 });
  });
});
