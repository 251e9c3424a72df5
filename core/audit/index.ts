export { AuditEntry } from './audit.entity.ts';
export type { AuditChanges, AuditEntryRow } from './audit.entity.ts';
export { recordAudit, diffChanges, listAudit, SYSTEM_ACTOR } from './audit.ts';
export type { Actor, AuditRecord, AuditFilter } from './audit.ts';
