import type { Em } from '../infra/database/database.ts';
import { startOfLocalDay } from '../shared/index.ts';
import { APPEAL_TYPES } from './appeals.entity.ts';

/**
 * The SLA report (issue 7, item 6): appeals filed in a period, grouped by type, team, assignee or building, with
 * the share kept within each clock, the medians of real time to the first response and to resolution, what is
 * breached right now, and the residents' ratings. One statement per report, grand total included (grouping sets).
 */
export const REPORT_GROUPINGS = ['type', 'team', 'assignee', 'building'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

export type SlaReportQuery = {
  /** 'YYYY-MM-DD' in the organisation's zone, included. */
  readonly from: string;
  /** 'YYYY-MM-DD' in the organisation's zone, excluded. */
  readonly to: string;
  readonly groupBy: ReportGrouping;
  /** «Breached now» is judged at this instant. */
  readonly now: Date;
  /** The organisation's zone when the caller has read it already. */
  readonly timeZone?: string;
};

export type SlaReportRow = {
  /** The type key, or the team's, staff member's or building's id; null for appeals without one. */
  readonly key: string | null;
  /** The type key, the team's name, the staff member's full name or the building's address; null with the key. */
  readonly label: string | null;
  readonly appeals: number;
  readonly closed: number;
  /** Appeals whose first-response clock has a verdict, and those of them in time. */
  readonly responseDecided: number;
  readonly responseMet: number;
  readonly resolutionDecided: number;
  readonly resolutionMet: number;
  /** Open appeals whose running clock (either) is past its deadline now. */
  readonly breachedNow: number;
  /** Real minutes from filing to the first response, to resolution; null when none was given. */
  readonly medianResponseMin: number | null;
  readonly medianResolutionMin: number | null;
  readonly averageRating: number | null;
  readonly rated: number;
};

export type SlaReport = { readonly rows: readonly SlaReportRow[]; readonly total: SlaReportRow };

/** Fixed SQL per grouping: the key, its label and the join that names it (nothing from the request reaches SQL text). */
const GROUPINGS: Record<ReportGrouping, { key: string; label: string; join: string }> = {
  type: { key: 'a.type', label: 'a.type', join: '' },
  team: { key: 'a.team_id', label: 't.name', join: 'left join teams t on t.org_id = a.org_id and t.id = a.team_id' },
  assignee: { key: 'a.assignee_id', label: 'u.full_name', join: 'left join users u on u.id = a.assignee_id' },
  building: { key: 'a.building_id', label: 'b.address', join: 'left join buildings b on b.org_id = a.org_id and b.id = a.building_id' },
};

type Raw = {
  total: number; key: string | null; label: string | null; appeals: number; closed: number;
  response_decided: number; response_met: number; resolution_decided: number; resolution_met: number; breached_now: number;
  median_response_min: number | null; median_resolution_min: number | null; average_rating: number | null; rated: number;
};

// Medians are of real (calendar) time: what the resident waited, whatever the working hours; the SLA shares
// already judge the working-time clocks.
const reportSql = ({ key, label, join }: (typeof GROUPINGS)[ReportGrouping]) => `
  select grouping(${key}) as total, ${key}::text as key, ${label} as label,
    count(*)::int as appeals,
    count(*) filter (where a.status = 'closed')::int as closed,
    count(a.response_met)::int as response_decided,
    count(*) filter (where a.response_met)::int as response_met,
    count(a.resolution_met)::int as resolution_decided,
    count(*) filter (where a.resolution_met)::int as resolution_met,
    count(*) filter (where a.clock_since is not null
      and ((a.response_met is null and a.response_due_at < ?) or (a.resolution_met is null and a.resolution_due_at < ?)))::int as breached_now,
    percentile_cont(0.5) within group (order by extract(epoch from a.responded_at - a.created_at)::float8 / 60)
      filter (where a.responded_at is not null) as median_response_min,
    percentile_cont(0.5) within group (order by extract(epoch from a.resolved_at - a.created_at)::float8 / 60)
      filter (where a.resolved_at is not null) as median_resolution_min,
    avg(a.rating)::float8 as average_rating,
    count(a.rating)::int as rated
  from appeals a ${join}
  where a.org_id = ? and a.created_at >= ? and a.created_at < ?
  group by grouping sets ((${key === label ? key : `${key}, ${label}`}), ())`;

const EMPTY: SlaReportRow = {
  key: null, label: null, appeals: 0, closed: 0, responseDecided: 0, responseMet: 0, resolutionDecided: 0, resolutionMet: 0,
  breachedNow: 0, medianResponseMin: null, medianResolutionMin: null, averageRating: null, rated: 0,
};

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toRow(r: Raw): SlaReportRow {
  return {
    key: r.key, label: r.label, appeals: r.appeals, closed: r.closed,
    responseDecided: r.response_decided, responseMet: r.response_met, resolutionDecided: r.resolution_decided, resolutionMet: r.resolution_met,
    breachedNow: r.breached_now, medianResponseMin: num(r.median_response_min), medianResolutionMin: num(r.median_resolution_min),
    averageRating: num(r.average_rating), rated: r.rated,
  };
}

/** Types in their usual order; names alphabetically; the group without a team, assignee or building last. */
function byDisplayOrder(groupBy: ReportGrouping) {
  const typeIndex = (k: string | null) => APPEAL_TYPES.indexOf(k as never);
  return (x: SlaReportRow, y: SlaReportRow): number => {
    if ((x.key === null) !== (y.key === null)) return x.key === null ? 1 : -1;
    if (groupBy === 'type') return typeIndex(x.key) - typeIndex(y.key);
    return (x.label ?? '').localeCompare(y.label ?? '', 'ru') || (x.key ?? '').localeCompare(y.key ?? '');
  };
}

async function zoneOf(em: Em, orgId: string): Promise<string> {
  const [row] = await em.execute<{ time_zone: string }[]>('select time_zone from organizations where id = ?', [orgId]);
  if (!row) throw new Error('organisation not found');
  return row.time_zone;
}

/** Appeals created in [from, to) of the organisation's local days. Runs in the caller's `db.withTenant(orgId, …)`. */
export async function slaReport(em: Em, orgId: string, query: SlaReportQuery): Promise<SlaReport> {
  const tz = query.timeZone ?? await zoneOf(em, orgId);
  const raw = await em.execute<Raw[]>(reportSql(GROUPINGS[query.groupBy]),
    [query.now, query.now, orgId, startOfLocalDay(query.from, tz), startOfLocalDay(query.to, tz)]);
  const rows = raw.filter((r) => r.total === 0).map(toRow).sort(byDisplayOrder(query.groupBy));
  const total = raw.find((r) => r.total === 1);
  return { rows, total: total ? { ...toRow(total), key: null, label: null } : EMPTY };
}
