import type { Em } from '../infra/database/database.ts';
import { readingFromDb, readingToDb, type ReadingPoint } from './readings.calc.ts';

/** Periods of history read per meter: the previous reading, six months of average, and this period's own. */
const HISTORY_PERIODS = 8;
/** More meters than this on one account is a registry mistake, not something to walk a resident through. */
export const MAX_METERS = 20;

export type MeterForReading = {
  readonly id: string;
  readonly number: string;
  /** The service's name and unit (null when the registry named no service). */
  readonly service: string | null;
  readonly unit: string | null;
  /** One point per period, newest first: where a period has readings from several sources, the latest written. */
  readonly history: readonly ReadingPoint[];
};

export type ReadingSheet = {
  readonly timeZone: string;
  readonly readingFrom: number | null;
  readonly readingTo: number | null;
  readonly meters: readonly MeterForReading[];
};

type SheetRow = {
  time_zone: string; reading_day_from: number | null; reading_day_to: number | null;
  meters: { id: string; number: string; service: string | null; unit: string | null; history: [string, string][] | null }[] | null;
};

/**
 * Everything the readings dialog needs for an account, in one round trip: the organisation's reading days and time
 * zone, the meters with their service, and each meter's recent readings of any source.
 */
export async function readingSheet(em: Em, orgId: string, accountId: string): Promise<ReadingSheet> {
  const [row] = await em.execute<SheetRow[]>(`select o.time_zone, o.reading_day_from, o.reading_day_to,
      (select json_agg(json_build_object('id', m.id, 'number', m.number, 'service', s.name, 'unit', s.unit, 'history', h.points)
          order by s.name nulls last, m.number)
        from (select * from meters where org_id = o.id and account_id = ? order by number limit ${MAX_METERS}) m
        left join services s on s.org_id = m.org_id and s.id = m.service_id
        cross join lateral (select json_agg(json_build_array(to_char(x.period, 'YYYY-MM'), x.value::text) order by x.period desc) as points
          from (select distinct on (r.period) r.period, r.value from meter_readings r
            where r.org_id = m.org_id and r.meter_id = m.id order by r.period desc, r.created_at desc limit ${HISTORY_PERIODS}) x) h) as meters
    from organizations o where o.id = ?`, [accountId, orgId]);
  if (!row) throw new Error('the organisation is not visible in its own transaction');
  return {
    timeZone: row.time_zone, readingFrom: row.reading_day_from, readingTo: row.reading_day_to,
    meters: (row.meters ?? []).map((m) => ({
      id: m.id, number: m.number, service: m.service, unit: m.unit,
      history: (m.history ?? []).map(([period, value]) => ({ period, value: readingFromDb(value) })),
    })),
  };
}

export type ResidentReading = {
  readonly orgId: string;
  readonly accountId: string;
  readonly meterId: string;
  /** Only a person linked to the account may give its readings (a link removed mid-dialog stops the next one). */
  readonly personId: string;
  /** 'YYYY-MM'. */
  readonly period: string;
  readonly value: bigint;
  /** The latest reading of an earlier period, kept beside the value as the registry does. */
  readonly previousValue: bigint | null;
  /** The resident's local date. */
  readonly readAt: string;
  readonly now: Date;
};

/**
 * Saves a resident's reading: one per meter, period and source, so a second one in the same period replaces the
 * first (the registry's own reading of that period is a different source and stays). False when the meter is not
 * on the account or the person is no longer linked to it.
 */
export async function saveResidentReading(em: Em, r: ResidentReading): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(`insert into meter_readings (id, org_id, meter_id, period, previous_value, value, read_at, source, import_id, created_at)
    select gen_random_uuid(), m.org_id, m.id, ?::date, ?::numeric, ?::numeric, ?::date, 'resident', null, ? from meters m
    where m.org_id = ? and m.id = ? and m.account_id = ?
      and exists (select 1 from account_links l where l.org_id = m.org_id and l.account_id = m.account_id and l.person_id = ?)
    on conflict (meter_id, period, source) do update set value = excluded.value, previous_value = excluded.previous_value,
      read_at = excluded.read_at, created_at = excluded.created_at
    returning id`,
  [`${r.period}-01`, r.previousValue === null ? null : readingToDb(r.previousValue), readingToDb(r.value), r.readAt, r.now, r.orgId, r.meterId, r.accountId, r.personId]);
  return rows.length > 0;
}
