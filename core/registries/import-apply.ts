import type { Em } from '../infra/database/database.ts';
import { STAGING_TABLE as S } from './staging.ts';
import { assignNumbers, noNumbers } from './import-numbers.ts';
import type { AssignedNumber, RowError } from './import.types.ts';
import { rowError } from './row-error.ts';

/** The file names one account at two places (found while collecting accounts); the caller lists the lines. */
export class CrossRowConflict extends Error {}

/** A problem of the whole file found while applying it: the transaction rolls back and the report names it. */
export class ImportRefused extends Error {
  constructor(readonly error: RowError) {
    super(error.code);
  }
}

/**
 * The set-based half of an import: the validated rows sit in the staging table (COPY), and a handful of statements
 * turn them into buildings, premises, accounts, services, charges, meters and readings — inside the caller's one
 * transaction, under the tenant's row-level security. No row passes through the ORM's unit of work.
 */
export type ApplyCounts = {
  readonly buildingsCreated: number;
  readonly premisesCreated: number;
  readonly accountsCreated: number;
  readonly accountsUpdated: number;
  readonly assigned: readonly AssignedNumber[];
  readonly servicesCreated: readonly { code: string; name: string }[];
  readonly lines: number;
  readonly readings: number;
};

type Ctx = {
  readonly em: Em;
  readonly orgId: string;
  readonly importId: string;
  readonly recipientId: string | null;
  readonly at: Date;
  /** Rows without an account number: none (the usual case) spares two passes over the staged rows. */
  readonly unnumbered: number;
  readonly lap: (phase: string) => void;
};

const count = async (em: Em, sql: string, params: unknown[]): Promise<number> =>
  Number((await em.execute<{ n: string }[]>(sql, params))[0]?.n ?? 0);

export async function applyStaged(ctx: Ctx): Promise<ApplyCounts> {
  const { em } = ctx;
  // Sorts and hashes of a million rows stay in memory (the default 4 MB spills them to disk); this transaction only.
  await em.execute(`set local work_mem = '256MB'`);
  await em.execute(`analyze ${S}`);
  const { lap } = ctx;
  const assigned = ctx.unnumbered > 0 ? await assignNumbers(ctx) : await noNumbers(ctx);
  await collectAccounts(ctx);
  lap('accountsCollected');
  const buildingsCreated = await insertBuildings(ctx);
  const premisesCreated = await upsertPremises(ctx);
  lap('buildingsAndPremises');
  const { created: accountsCreated, updated: accountsUpdated } = await upsertAccounts(ctx);
  lap('accounts');
  const servicesCreated = await resolveServices(ctx);
  const lines = await upsertCharges(ctx);
  lap('charges');
  const readings = await upsertReadings(ctx);
  lap('readings');
  return { buildingsCreated, premisesCreated, accountsCreated, accountsUpdated, assigned, servicesCreated, lines, readings };
}

async function insertBuildings({ em, orgId, at }: Ctx): Promise<number> {
  return count(em, `with added as (
      insert into buildings (id, org_id, address, address_key, created_at)
      select gen_random_uuid(), ?, address, address_key, ? from (
        select distinct on (address_key) address, address_key from registry_accounts where address_key is not null order by address_key, line) b
      on conflict (org_id, address_key) do nothing returning 1)
    select count(*) as n from added`, [orgId, at]);
}

async function upsertPremises({ em, orgId, at }: Ctx): Promise<number> {
  // A later registry may bring the area; it never erases one with an empty cell.
  return count(em, `with added as (
      insert into premises (id, org_id, building_id, number, kind, area, created_at)
      select gen_random_uuid(), ?, b.id, p.premise, 'residential', p.area, ? from (
        select distinct on (address_key, premise) address_key, premise, area from registry_accounts
        where address_key is not null and premise is not null order by address_key, premise, area is null, line) p
      join buildings b on b.org_id = ? and b.address_key = p.address_key
      on conflict (building_id, number) do update set area = excluded.area
        where excluded.area is not null and premises.area is distinct from excluded.area
      returning (xmax = 0) as created)
    select count(*) filter (where created) as n from added`, [orgId, at, orgId]);
}

/**
 * One row per account of the file (its first line's name, address and premise): buildings, premises and accounts
 * are made from these instead of from every line, and charges join them by number.
 */
async function collectAccounts({ em, orgId }: Ctx): Promise<void> {
  // Existing accounts keep their id; new ones get theirs here, so no statement has to look them up again. The
  // same pass tells whether an account's lines name two places (a line without an address names none).
  // Grouped by hashing, then each account's first line fetched: a third faster than sorting every line.
  await em.execute(`create temporary table registry_accounts on commit drop as
    with firsts as (
      select account, min(line) as line,
        min(address_key || '#' || coalesce(premise, '')) is distinct from max(address_key || '#' || coalesce(premise, '')) as two_places
      from ${S} group by account)
    select r.*, coalesce(a.id, gen_random_uuid()) as id, a.id is null as is_new from (
      select s.account, s.line, s.payer_name, s.residents, s.els, s.izhku, s.address, s.address_key, s.premise, s.area, f.two_places
      from firsts f join ${S} s on s.line = f.line) r
    left join accounts a on a.org_id = ? and a.number = r.account`, [orgId]);
  const [conflict] = await em.execute<{ any: boolean }[]>('select exists (select 1 from registry_accounts where two_places) as any');
  if (conflict?.any) throw new CrossRowConflict('one account at two places');
  await em.execute(`create unique index on registry_accounts (account)`);
  await em.execute(`analyze registry_accounts`);
}

const WITH_PREMISE = `registry_accounts r
  left join buildings b on b.org_id = ? and b.address_key = r.address_key
  left join premises p on p.building_id = b.id and p.number = r.premise`;

async function upsertAccounts({ em, orgId, at }: Ctx): Promise<{ created: number; updated: number }> {
  // A registry that says nothing about a field (an empty cell) leaves what we know; only real changes count.
  const updated = await count(em, `with changed as (
      update accounts a set premise_id = coalesce(x.premise_id, a.premise_id), payer_name = coalesce(x.payer_name, a.payer_name),
        residents_count = coalesce(x.residents, a.residents_count), els = coalesce(x.els, a.els), izhku = coalesce(x.izhku, a.izhku),
        updated_at = ?
      from (select r.id, p.id as premise_id, r.payer_name, r.residents, r.els, r.izhku from ${WITH_PREMISE} where not r.is_new) x
      where a.id = x.id
        and (a.premise_id, a.payer_name, a.residents_count, a.els, a.izhku) is distinct from
            (coalesce(x.premise_id, a.premise_id), coalesce(x.payer_name, a.payer_name), coalesce(x.residents, a.residents_count),
             coalesce(x.els, a.els), coalesce(x.izhku, a.izhku))
      returning 1)
    select count(*) as n from changed`, [at, orgId]);
  const created = await count(em, `with added as (
      insert into accounts (id, org_id, number, number_assigned, premise_id, payer_name, residents_count, els, izhku, status, created_at, updated_at)
      select r.id, ?, r.account, n.number is not null, p.id, r.payer_name, coalesce(r.residents, 0), r.els, r.izhku, 'open', ?, ?
      from ${WITH_PREMISE} left join registry_assigned n on n.number = r.account
      where r.is_new
      returning 1)
    select count(*) as n from added`, [orgId, at, at, orgId]);
  return { created, updated };
}

/**
 * Services by code (or by name when the file has no codes). One the catalogue lacks is added under the
 * organisation's first recipient with kind «other», and the report lists it for staff to check.
 */
async function resolveServices({ em, orgId, recipientId, at }: Ctx): Promise<{ code: string; name: string }[]> {
  await em.execute(`create temporary table registry_services on commit drop as
    select distinct on (service_key) service_key, service_code, service_name, null::uuid as service_id from ${S} order by service_key, line`);
  const match = `v.org_id = ? and case when r.service_code is not null then v.code = r.service_code else lower(v.name) = lower(r.service_name) end`;
  await em.execute(`update registry_services r set service_id = (select v.id from services v where ${match} order by v.created_at limit 1)`, [orgId]);
  if (!recipientId) {
    const missing = await em.execute<{ name: string }[]>(`select coalesce(service_code, service_name) as name from registry_services where service_id is null limit 5`);
    if (missing.length > 0) throw new ImportRefused(rowError('REGISTRIES.NO_RECIPIENT', null, null, null, { services: missing.map((m) => `«${m.name}»`).join(', ') }));
  }
  const created = await em.execute<{ code: string; name: string }[]>(`
    insert into services (id, org_id, code, name, unit, kind, recipient_id, active, created_at)
    select gen_random_uuid(), ?, left(coalesce(r.service_code, r.service_name), 32), left(coalesce(r.service_name, r.service_code), 200),
      '', 'other', ?, true, ?
    from registry_services r where r.service_id is null
    on conflict (org_id, code) do nothing returning code, name`, [orgId, recipientId, at]);
  if (created.length > 0) {
    await em.execute(`update registry_services r set service_id = (select v.id from services v where ${match} order by v.created_at limit 1)
      where r.service_id is null`, [orgId]);
  }
  return created;
}

async function upsertCharges({ em, orgId, importId, at }: Ctx): Promise<number> {
  // The first registry of a period (the usual case) inserts plainly; ON CONFLICT costs a third more per row.
  const [known] = await em.execute<{ any: boolean }[]>(`select exists (select 1 from charges where org_id = ?
    and period = any(array(select distinct period from ${S}))) as any`, [orgId]);
  const onConflict = known?.any ? `on conflict (account_id, service_id, period) do update set method = excluded.method,
        tariff = excluded.tariff, volume = excluded.volume, accrued = excluded.accrued, recalculation = excluded.recalculation,
        benefit = excluded.benefit, opening_balance = excluded.opening_balance, paid = excluded.paid, to_pay = excluded.to_pay,
        penalty = excluded.penalty, ipd = excluded.ipd, source = excluded.source, import_id = excluded.import_id,
        updated_at = excluded.updated_at` : '';
  // The affected-row count, not RETURNING: a million returned rows only to be counted cost a second.
  const result = await em.execute<{ affectedRows: number }>(`
    insert into charges (account_id, service_id, period, org_id, method, tariff, volume, accrued, recalculation, benefit,
      opening_balance, paid, to_pay, penalty, ipd, source, import_id, updated_at)
    select r.id, v.service_id, s.period, ?, s.method, s.tariff, s.volume, s.accrued, s.recalculation, s.benefit,
      s.opening_balance, s.paid, s.to_pay, s.penalty, s.ipd, 'import', ?, ?
    from ${S} s join registry_accounts r on r.account = s.account join registry_services v on v.service_key = s.service_key
    ${onConflict}`, [orgId, importId, at], 'run');
  return result.affectedRows;
}

async function upsertReadings({ em, orgId, importId, at }: Ctx): Promise<number> {
  await em.execute(`insert into meters (id, org_id, account_id, service_id, number, created_at)
    select gen_random_uuid(), ?, m.id, m.service_id, m.meter_number, ? from (
      select distinct on (r.id, s.meter_number) r.id, v.service_id, s.meter_number from ${S} s
      join registry_accounts r on r.account = s.account join registry_services v on v.service_key = s.service_key
      where s.meter_number is not null order by r.id, s.meter_number, s.line) m
    on conflict (account_id, number) do nothing`, [orgId, at]);
  return count(em, `with written as (
      insert into meter_readings (id, org_id, meter_id, period, previous_value, value, read_at, source, import_id, created_at)
      select gen_random_uuid(), ?, x.meter_id, x.period, x.previous_reading, x.current_reading, x.reading_date, 'registry', ?, ? from (
        select distinct on (m.id, s.period) m.id as meter_id, s.period, s.previous_reading, s.current_reading, s.reading_date
        from ${S} s join registry_accounts r on r.account = s.account join meters m on m.account_id = r.id and m.number = s.meter_number
        where s.current_reading is not null order by m.id, s.period, s.line) x
      on conflict (meter_id, period, source) do update set previous_value = excluded.previous_value, value = excluded.value,
        read_at = excluded.read_at, import_id = excluded.import_id
      returning 1)
    select count(*) as n from written`, [orgId, importId, at]);
}
