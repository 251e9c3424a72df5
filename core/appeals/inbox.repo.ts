import type { Em } from '../infra/database/database.ts';
import { isUuid } from '../shared/index.ts';
import type { AppealType } from './appeals.entity.ts';
import { ESCALATION } from './appeal-clocks.calc.ts';
import { clockSourceOf } from './appeal-record.ts';
import type { AppealHeading } from './appeals.service.ts';
import { loadWorkCalendar } from './appeal-settings.repo.ts';
import { clockViews, currentClock, type ClockView } from './inbox-clock.calc.ts';
import type { WorkCalendar } from './work-calendar.calc.ts';
import { AT_RISK_SHARE } from './sla-clock.calc.ts';

/**
 * The staff inbox (issue 7, item 5): the queues of appeals, filtered, sorted by what is due first, and their counts.
 * Built for an organisation with 100 000 appeals of which a few thousand are open: open queues read only open rows
 * (the status indexes), the closed ones walk an index in order, every count stops at INBOX_COUNT_CAP, and names
 * come in the same statement as the page of rows.
 */
export const INBOX_QUEUES = ['open', 'mine', 'new', 'waiting', 'answered', 'closed', 'all'] as const;
export type InboxQueue = (typeof INBOX_QUEUES)[number];

/** Counts stop here: staff need «more than 10 000», not an exact figure that costs a scan of every appeal. */
export const INBOX_COUNT_CAP = 10_000;

export type InboxQuery = {
  readonly queue: InboxQueue;
  /** Who is looking: their «Мои». */
  readonly userId: string;
  readonly type: AppealType | null;
  readonly buildingId: string | null;
  /** Part of a building's address, for organisations with too many buildings to list. */
  readonly address: string;
  /** A staff member's id, 'none' for appeals nobody has, null for anyone. */
  readonly assignee: string | null;
  /** Only appeals whose deadline is at risk or missed. */
  readonly breach: boolean;
  readonly limit: number;
  readonly offset: number;
};

export type InboxRow = AppealHeading & {
  /** The first 80 characters of the resident's words (with «…» when there is more). */
  readonly snippet: string;
  readonly address: string | null;
  readonly accountNumber: string | null;
  readonly assigneeId: string | null;
  readonly assigneeName: string | null;
  readonly createdAt: Date;
  readonly takenAt: Date | null;
  readonly alertedAt: Date | null;
  readonly closedAt: Date | null;
  /** The clock staff race now: the first response until it is given, then resolution; null without targets. */
  readonly clock: ClockView | null;
  /** A deadline of this appeal was missed (a stopped clock's verdict). */
  readonly missed: boolean;
};

const OPEN = `('new', 'assigned', 'waiting')`;
const OPEN_OR_ANSWERED = `('new', 'assigned', 'waiting', 'answered')`;
const SNIPPET = 80;
const RESPONSE_BITS = ESCALATION.responseRisk | ESCALATION.responseBreach;
const RESOLUTION_BITS = ESCALATION.resolutionRisk | ESCALATION.resolutionBreach;
const reached = (which: 'response' | 'resolution') =>
  `a.${which}_met is null and a.${which}_elapsed_s * 1000 >= ceil(a.${which}_target_min * 60000 * ${AT_RISK_SHARE})`;

/**
 * «At risk or missed», as clockState would say, in SQL: a running clock whose escalation moment has come
 * (`next_check_at`, or the bit the sweep set), a paused one with 80 % of its target used, or a response already
 * given late. Closed and answered appeals count when a verdict was «missed».
 */
const TROUBLE = `((a.status in ${OPEN} and (a.response_met = false or a.next_check_at <= ?
    or (a.clock_since is not null and ((a.response_met is null and (a.escalated & ${RESPONSE_BITS}) <> 0) or (a.resolution_met is null and (a.escalated & ${RESOLUTION_BITS}) <> 0)))
    or (a.clock_since is null and ((${reached('response')}) or (${reached('resolution')})))))
  or (a.status not in ${OPEN} and (a.response_met = false or a.resolution_met = false)))`;

const DUE = 'coalesce(a.response_due_at, a.resolution_due_at)';
/** Emergencies first, then whatever falls due soonest; closed work latest first. */
const ORDER: Record<InboxQueue, string> = {
  open: `(a.type = 'emergency') desc, ${DUE} nulls last, a.number`,
  mine: `(a.type = 'emergency') desc, ${DUE} nulls last, a.number`,
  new: `(a.type = 'emergency') desc, ${DUE} nulls last, a.number`,
  waiting: `(a.type = 'emergency') desc, ${DUE} nulls last, a.number`,
  answered: 'a.resolved_at desc nulls last, a.number desc',
  closed: 'a.closed_at desc, a.number desc',
  all: 'a.number desc',
};

function whereOf(orgId: string, q: InboxQuery, now: Date): { sql: string; params: unknown[] } {
  const conds = ['a.org_id = ?'];
  const params: unknown[] = [orgId];
  const add = (sql: string, ...values: unknown[]) => { conds.push(sql); params.push(...values); };
  switch (q.queue) {
    case 'open': add(`a.status in ${OPEN}`); break;
    case 'mine': add(`a.status in ${OPEN} and a.assignee_id = ?`, q.userId); break;
    case 'all': break;
    default: add('a.status = ?', q.queue);
  }
  if (q.type) add('a.type = ?', q.type);
  if (q.buildingId && isUuid(q.buildingId)) add('a.building_id = ?', q.buildingId);
  if (q.address) add(`a.building_id in (select b.id from buildings b where b.org_id = ? and b.address ilike ? escape '\\')`, orgId, `%${q.address.replace(/[\\%_]/g, '\\$&')}%`);
  if (q.assignee === 'none') add('a.assignee_id is null');
  else if (q.assignee && isUuid(q.assignee)) add('a.assignee_id = ?', q.assignee);
  if (q.breach) add(TROUBLE, now);
  return { sql: conds.join(' and '), params };
}

/** What stateOf reads, the due instants, and the columns the list shows. */
const LIST_COLUMNS = `a.id, a.org_id, a.number, a.type, a.category, a.status, a.urgent, a.person_id, a.identity_id, a.building_id, a.team_id,
  a.assignee_id, a.assigned_at, a.taken_at, a.alerted_at, a.closed_at, a.created_at, a.sla_mode, a.clock_since, a.response_target_min,
  a.response_elapsed_s, a.responded_at, a.response_met, a.resolution_target_min, a.resolution_elapsed_s, a.resolved_at, a.resolution_met,
  a.escalated, a.response_due_at, a.resolution_due_at, a.address, a.account_id, left(a.text, ${SNIPPET + 1}) as snippet`;

type Row = Record<string, unknown>;

/** One page of a queue and its total (stopped at INBOX_COUNT_CAP + 1, which means «more»). */
/** No filter narrows the queue: its size is the tab's count (inboxCounts), which the page has read already. */
export const isUnfiltered = (q: InboxQuery): boolean => !q.type && !q.buildingId && !q.address && !q.assignee && !q.breach;

/** `counts`: the queue sizes the caller read in this transaction; an unfiltered queue's total is taken from them. */
export async function listAppeals(em: Em, orgId: string, q: InboxQuery, now: Date, counts?: InboxCounts): Promise<{ rows: InboxRow[]; total: number }> {
  const where = whereOf(orgId, q, now);
  const order = ORDER[q.queue];
  const rows = await em.execute<Row[]>(
    `with page as (select ${LIST_COLUMNS} from appeals a where ${where.sql} order by ${order} limit ? offset ?)
     select a.*, u.full_name as assignee_name, ac.number as account_number from page a
       left join users u on u.id = a.assignee_id
       left join accounts ac on ac.org_id = a.org_id and ac.id = a.account_id
     order by ${order}`, [...where.params, q.limit, q.offset]);
  const known = counts && isUnfiltered(q) ? counts[q.queue] : undefined;
  const unfiltered = isUnfiltered(q) && (q.queue === 'closed' || q.queue === 'all');
  const [counted] = known !== undefined ? [{ n: known }]
    : unfiltered
      ? await em.execute<{ n: number }[]>(`select ${q.queue === 'all' ? ALL_SQL : CLOSED_SQL} as n`, q.queue === 'all' ? [orgId] : [orgId, orgId])
      : await em.execute<{ n: number }[]>(`select count(*)::int as n from (select 1 from appeals a where ${where.sql} limit ${INBOX_COUNT_CAP + 1}) x`, where.params);
  const cal = rows.length ? await loadWorkCalendar(em, orgId) : null;
  return { rows: rows.map((r) => inboxRow(r, now, cal!)), total: Number(counted?.n ?? 0) };
}

function inboxRow(r: Row, now: Date, cal: WorkCalendar): InboxRow {
  const s = clockSourceOf(r);
  const clocks = clockViews(s, now, cal);
  const text = String(r.snippet ?? '');
  return {
    id: s.id, number: s.number, type: s.type, category: s.category, status: s.status, urgent: s.urgent,
    snippet: text.length > SNIPPET ? `${text.slice(0, SNIPPET).trimEnd()}…` : text,
    address: (r.address as string | null) ?? null, accountNumber: (r.account_number as string | null) ?? null,
    assigneeId: s.assigneeId, assigneeName: (r.assignee_name as string | null) ?? null,
    createdAt: s.createdAt, takenAt: s.takenAt, alertedAt: s.alertedAt, closedAt: s.closedAt,
    clock: currentClock(clocks),
    missed: s.responseMet === false || s.resolutionMet === false,
  };
}

export type InboxCounts = Readonly<Record<InboxQueue, number>>;

/**
 * Numbers run per organisation without gaps (fileAppeal; appeals are never deleted), so the highest number is how
 * many appeals there are: the closed ones are that minus those not closed, with no walk over 100 000 closed appeals.
 * The size of every queue thus takes one statement over the few thousand unclosed appeals and one index lookup.
 */
const ALL_SQL = `(select coalesce(max(number), 0) from appeals where org_id = ?)::int`;
const CLOSED_SQL = `(${ALL_SQL} - (select count(*) from appeals where org_id = ? and status in ${OPEN_OR_ANSWERED})::int)`;

export async function inboxCounts(em: Em, orgId: string, userId: string): Promise<InboxCounts> {
  const [row] = await em.execute<Record<string, number>[]>(
    `select count(*) filter (where status in ${OPEN})::int as open,
       count(*) filter (where status in ${OPEN} and assignee_id = ?)::int as mine,
       count(*) filter (where status = 'new')::int as new,
       count(*) filter (where status = 'waiting')::int as waiting,
       count(*) filter (where status = 'answered')::int as answered,
       ${ALL_SQL} as all
     from appeals where org_id = ? and status in ${OPEN_OR_ANSWERED}`, [isUuid(userId) ? userId : null, orgId, orgId]);
  const n = (k: string) => Number(row?.[k] ?? 0);
  const closed = n('all') - n('open') - n('answered');
  return {
    open: n('open'), mine: n('mine'), new: n('new'), waiting: n('waiting'), answered: n('answered'), closed, all: n('all'),
  };
}
