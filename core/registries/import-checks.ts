import type { Em } from '../infra/database/database.ts';
import type { RowError } from './import.types.ts';
import { MAX_REPORTED_ERRORS } from './import-parse.ts';
import { rowError } from './row-error.ts';
import { STAGING_TABLE as S } from './staging.ts';

/**
 * Problems only the whole file shows: the same account, service and period twice (which figure is right?), and
 * one account number at two addresses (a typo that would merge two flats). Found in the staging table, where
 * a million rows sort faster than any map in memory. With `drop`, the offending rows leave the staging table
 * (valid-rows imports: the first occurrence stays, the repeats are rejected).
 */
export async function crossRowProblems(em: Em, drop: boolean): Promise<{ errors: RowError[]; total: number }> {
  // A service named by its code on one line and by its name on another is one service: both keys resolve to the
  // catalogue's id (row-level security shows only this organisation's services).
  await em.execute('drop table if exists registry_service_keys, registry_conflicts');
  await em.execute(`create temporary table registry_service_keys on commit drop as
    select k.service_key, coalesce((select v.id::text from services v
        where case when k.service_code is not null then v.code = k.service_code else lower(v.name) = lower(k.service_name) end
        order by v.created_at limit 1), k.service_key) as resolved
    from (select distinct on (service_key) service_key, service_code, service_name from ${S}) k`);
  // Group first (a hash aggregate, no sort of the whole file); only groups with a problem are looked at row by row.
  await em.execute(`create temporary table registry_conflicts on commit drop as
    with keyed as (
      select s.*, r.resolved from ${S} s join registry_service_keys r on r.service_key = s.service_key),
    keys as (
      select coalesce(account, address_key || '#' || premise) as k, resolved, period, min(line) as first_line
      from keyed group by 1, 2, 3 having count(*) > 1),
    places as (
      select account, min(line) as first_line from ${S} where account is not null and address_key is not null
      group by account having min(address_key || '#' || coalesce(premise, '')) <> max(address_key || '#' || coalesce(premise, '')))
    select s.line, k.first_line, s.account, 'dup' as kind from keyed s join keys k
      on k.k = coalesce(s.account, s.address_key || '#' || s.premise) and k.resolved = s.resolved and k.period = s.period
      where s.line <> k.first_line
    union all
    select s.line, p.first_line, s.account, 'addr' from ${S} s join places p on p.account = s.account
      join ${S} f on f.line = p.first_line
      where s.address_key is not null and s.line <> p.first_line
        and (s.address_key, coalesce(s.premise, '')) <> (f.address_key, coalesce(f.premise, ''))`);
  const rows = await em.execute<{ line: number; first_line: number; account: string | null; kind: string; total: string }[]>(
    `select line, first_line, account, kind, count(*) over () as total from registry_conflicts order by line limit ?`, [MAX_REPORTED_ERRORS]);
  const total = Number(rows[0]?.total ?? 0);
  if (drop && total > 0) await em.execute(`delete from ${S} s using registry_conflicts c where s.line = c.line`);
  const errors = rows.map((r) => r.kind === 'dup'
    ? rowError('REGISTRIES.ROW_DUPLICATE', r.line, null, null, { first: r.first_line })
    : rowError('REGISTRIES.ROW_ACCOUNT_CONFLICT', r.line, null, null, { first: r.first_line, account: r.account ?? '' }));
  return { errors, total };
}
