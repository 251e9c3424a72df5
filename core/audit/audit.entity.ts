import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Organization } from '../orgs/orgs.entity.ts';

/** Field → [before, after]; only the fields that changed. */
export type AuditChanges = Record<string, readonly [unknown, unknown]>;

/**
 * Who did what and when, per organisation. Append-only: the application role may insert and read, never
 * update or delete (a migration revokes it and a trigger refuses it even to the owner).
 */
export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  indexes: [{ properties: ['org', 'at'] }, { properties: ['org', 'entityType', 'entityId'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    org: () => p.manyToOne(Organization).mapToPk(),
    /** null for the system (imports from a folder, schedules). */
    actorId: p.uuid().nullable(),
    /** The actor's e-mail at the time, so the log reads the same after the user is renamed or removed. */
    actorLabel: p.string().length(254),
    action: p.string().length(64),
    entityType: p.string().length(32),
    entityId: p.string().length(64).nullable(),
    changes: p.json<AuditChanges>().nullable(),
    ip: p.string().length(45).nullable(),
    at: p.datetime(),
  }),
});
export type AuditEntryRow = InferEntity<typeof AuditEntry>;
