import { randomUUID } from 'node:crypto';
import { recordAudit, type Actor } from '../audit/index.ts';
import type { Em } from '../infra/database/database.ts';
import { AppError, err, isUuid, ok, type Result } from '../shared/index.ts';

/**
 * Collectors in the field (DOMAIN.md «Payment QR codes»): each carries a card whose signed link attributes the
 * payments made through it. A collector is never deleted, only deactivated: old payments keep naming them, and a
 * deactivated card stops opening the payment page (pay-page.ts openPlate).
 */
export type CollectorRecord = {
  readonly id: string; readonly name: string; readonly code: string; readonly active: boolean; readonly createdAt: Date;
};
export type CollectorInput = { readonly name: string; readonly code: string };
/** Who changes a collector and when: the change and its audit entry commit together. */
export type ChangedBy = { readonly actor: Actor; readonly at: Date };

const NAME_MAX = 200;
/** Letters, digits and a few separators: the code is printed on the card and typed into payment filters. */
const CODE_PATTERN = /^[\p{L}\p{N}._/-]{1,32}$/u;

type Row = { id: string; name: string; code: string; active: boolean; created_at: Date | string };
const toRecord = (r: Row): CollectorRecord => ({ id: r.id, name: r.name, code: r.code, active: r.active, createdAt: new Date(r.created_at) });
const COLUMNS = 'id, name, code, active, created_at';

/** Active first, then by name: the order of the admin's list and of the payments filter. */
export async function listCollectors(em: Em, orgId: string): Promise<CollectorRecord[]> {
  const rows = await em.execute<Row[]>(`select ${COLUMNS} from collectors where org_id = ? order by active desc, name, id`, [orgId]);
  return rows.map(toRecord);
}

/** Null for a missing id, another organisation's, or a string that is not a UUID (it never reaches SQL). */
export async function findCollector(em: Em, orgId: string, id: string): Promise<CollectorRecord | null> {
  if (!isUuid(id)) return null;
  const [row] = await em.execute<Row[]>(`select ${COLUMNS} from collectors where org_id = ? and id = ?`, [orgId, id]);
  return row ? toRecord(row) : null;
}

/** Every problem of the form at once: a missing name and a malformed code are reported together. */
function checkInput(input: CollectorInput): AppError[] {
  const errors: AppError[] = [];
  if (!input.name.trim()) errors.push(new AppError('PAYMENTS.COLLECTOR_NAME_REQUIRED', { field: 'name' }));
  const code = input.code.trim();
  if (code && !CODE_PATTERN.test(code)) errors.push(new AppError('PAYMENTS.COLLECTOR_CODE_INVALID', { field: 'code', vars: { code: code.slice(0, 40) } }));
  return errors;
}

/** One past the largest numeric code: short, and unique because it exceeds every number already taken. */
async function nextCode(em: Em, orgId: string): Promise<string> {
  const [row] = await em.execute<{ next: string | number }[]>(
    `select coalesce(max(code::bigint), 0) + 1 as next from collectors where org_id = ? and code ~ '^[0-9]{1,15}$'`, [orgId]);
  return String(row?.next ?? 1);
}

// Two staff adding collectors at once would both pick the same next code (or both pass the duplicate check).
const lockCollectors = (em: Em, orgId: string) => em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`collectors:${orgId}`]);

/** The code is optional: an empty one is generated. A code taken in any letter case is refused beside the field. */
export async function addCollector(em: Em, orgId: string, input: CollectorInput, by: ChangedBy): Promise<Result<CollectorRecord, AppError[]>> {
  const errors = checkInput(input);
  await lockCollectors(em, orgId);
  let code = input.code.trim();
  if (code && CODE_PATTERN.test(code)) {
    const [taken] = await em.execute<{ code: string }[]>('select code from collectors where org_id = ? and lower(code) = lower(?)', [orgId, code]);
    if (taken) errors.push(new AppError('PAYMENTS.COLLECTOR_CODE_TAKEN', { field: 'code', vars: { code: taken.code } }));
  }
  if (errors.length) return err(errors);
  if (!code) code = await nextCode(em, orgId);
  // A browser keeps to the input's maxLength; anything longer is not a person's name, and the column holds 200.
  const name = input.name.trim().slice(0, NAME_MAX);
  const [row] = await em.execute<Row[]>(
    `insert into collectors (id, org_id, name, code, active, created_at) values (?, ?, ?, ?, true, ?) returning ${COLUMNS}`,
    [randomUUID(), orgId, name, code, by.at]);
  const collector = toRecord(row!);
  recordAudit(em, orgId, by.actor, { action: 'collector.create', entityType: 'collector', entityId: collector.id, changes: { name: [null, name], code: [null, code] } }, by.at);
  return ok(collector);
}

/** Turns a collector's card on or off; asking for the state it already has changes nothing and logs nothing. */
export async function setCollectorActive(em: Em, orgId: string, id: string, active: boolean, by: ChangedBy): Promise<Result<CollectorRecord, AppError>> {
  const found = await findCollector(em, orgId, id);
  if (!found) return err(new AppError('PAYMENTS.COLLECTOR_NOT_FOUND'));
  if (found.active === active) return ok(found);
  await em.execute('update collectors set active = ? where org_id = ? and id = ?', [active, orgId, id]);
  recordAudit(em, orgId, by.actor, {
    action: active ? 'collector.activate' : 'collector.deactivate', entityType: 'collector', entityId: id, changes: { active: [!active, active] },
  }, by.at);
  return ok({ ...found, active });
}
