import type { Em } from '../infra/database/database.ts';
import { likeEscape } from '../shared/index.ts';
import { AuditEntry, type AuditChanges, type AuditEntryRow } from './audit.entity.ts';

/** Who acts: a staff user (id and e-mail) or the system, and from where. */
export type Actor = { readonly userId: string | null; readonly label: string; readonly ip?: string | null };
export const SYSTEM_ACTOR: Actor = { userId: null, label: 'system' };

export type AuditRecord = {
  readonly action: string;
  readonly entityType: string;
  readonly entityId?: string | null;
  readonly changes?: AuditChanges | null;
};

/** Written in the caller's transaction, so the log holds exactly the changes that committed. */
export function recordAudit(em: Em, orgId: string, actor: Actor, record: AuditRecord, at: Date): void {
  em.create(AuditEntry, {
    org: orgId, actorId: actor.userId, actorLabel: actor.label.slice(0, 254), action: record.action,
    entityType: record.entityType, entityId: record.entityId ?? null, changes: record.changes ?? null,
    ip: actor.ip ?? null, at,
  });
}

/** The fields whose values differ, as [before, after]; null when nothing changed. */
export function diffChanges<T extends object>(before: T, after: Partial<T>, fields: readonly (keyof T & string)[]): AuditChanges | null {
  const changes: Record<string, readonly [unknown, unknown]> = {};
  for (const field of fields) {
    if (!(field in after)) continue;
    const [was, now] = [before[field], after[field]];
    if (JSON.stringify(was) !== JSON.stringify(now)) changes[field] = [was ?? null, now ?? null];
  }
  return Object.keys(changes).length ? changes : null;
}

export type AuditFilter = {
  readonly action?: string;
  readonly entityType?: string;
  readonly entityId?: string;
  readonly actor?: string;
  readonly from?: Date;
  readonly to?: Date;
};

export async function listAudit(em: Em, orgId: string, filter: AuditFilter, page: { limit: number; offset: number }):
  Promise<{ rows: AuditEntryRow[]; total: number }> {
  const where: Record<string, unknown> = { org: orgId };
  if (filter.action) where.action = { $like: `${likeEscape(filter.action)}%` };
  if (filter.entityType) where.entityType = filter.entityType;
  if (filter.entityId) where.entityId = filter.entityId;
  if (filter.actor) where.actorLabel = { $ilike: `%${likeEscape(filter.actor)}%` };
  if (filter.from || filter.to) where.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  const [rows, total] = await em.findAndCount(AuditEntry, where, { orderBy: { at: 'desc', id: 'desc' }, limit: page.limit, offset: page.offset });
  return { rows, total };
}
