import type { Database } from '../../core/infra/database/database.ts';
import { makeOrgsService } from '../../core/orgs/index.ts';
import { systemClock } from '../../core/shared/index.ts';
import { orgInput } from '../../test/fixtures/orgs.ts';

export type AppealsFixture = { readonly orgId: string; readonly staff: readonly { email: string; userId: string }[]; readonly openIds: readonly string[] };

export const BENCH_PASSWORD = 'bench password 123';

/**
 * An organisation with `total` appeals over the past year, `openShare` of them open (new, assigned, waiting), the
 * rest closed with a staff answer; 20 operators in two teams; 50 houses × 40 flats. Written by SQL in bulk, then
 * the SLA columns of the open ones are computed by the real recomputation (what the benchmark then times again).
 */
export async function makeAppealsFixture(db: Database, total: number, openShare: number): Promise<AppealsFixture> {
  const orgs = makeOrgsService({ db, clock: systemClock });
  const org = await orgs.createOrganization(orgInput('bench-appeals'));
  if (!org.ok) throw new Error('org');
  const orgId = org.value.id;
  const staff: { email: string; userId: string }[] = [];
  for (let i = 1; i <= 20; i++) {
    const email = `operator${i}@bench.test`;
    const added = await orgs.addStaffUser(orgId, { email, fullName: `Оператор ${i}`, password: BENCH_PASSWORD }, 'operator');
    if (!added.ok) throw new Error('staff');
  }
  for (const m of await orgs.listStaff(orgId)) staff.push({ email: m.email, userId: m.userId });
  const open = Math.round(total * openShare);
  await db.withTenant(orgId, async (em) => {
    await em.execute(`
      with b as (insert into buildings (id, org_id, address, address_key, created_at)
        select gen_random_uuid(), ?, 'г. Пермь, ул. ' || (array['Ленина','Мира','Сибирская','Пушкина','Гагарина'])[1 + i % 5] || ', д. ' || i,
               'пермь ' || i, now() from generate_series(1, 50) i returning id),
      p as (insert into premises (id, org_id, building_id, number, kind, created_at)
        select gen_random_uuid(), ?, b.id, f::text, 'residential', now() from b, generate_series(1, 40) f returning id)
      insert into accounts (id, org_id, number, premise_id, payer_name, status, created_at, updated_at)
        select gen_random_uuid(), ?, lpad((row_number() over ())::text, 9, '0'), p.id, 'Житель ' || row_number() over (), 'open', now(), now() from p`,
      [orgId, orgId, orgId]);
    await em.execute(`insert into teams (id, org_id, name, lead_id, created_at) select gen_random_uuid(), ?, n, null, now() from unnest(array['Диспетчеры', 'Абонентский отдел']) n`, [orgId]);
    await em.execute(`insert into team_members (team_id, user_id, org_id, on_duty)
      select t.id, u, ?, true from teams t, unnest(?::uuid[]) with ordinality as s(u, k) where t.org_id = ? and (k % 2 = 0) = (t.name = 'Диспетчеры')`,
      [orgId, `{${staff.map((s) => s.userId).join(',')}}`, orgId]);
    // Appeals: newest first are the open ones; types weighted like a real desk (questions most, emergencies few).
    await em.execute(`
      with acc as (select a.id, p.building_id, (row_number() over (order by a.number) - 1)::int as k from accounts a join premises p on p.id = a.premise_id where a.org_id = ?),
           tm as (select id, (row_number() over (order by name) - 1)::int as k from teams where org_id = ?),
           src as (select n, now() - ((? - n) * interval '1 year' / ?) as at,
             (array['question','question','question','debt_structure','complaint','meter_issue','question','emergency','question','meter_issue',
                    'question','debt_structure','question','complaint','question','question','meter_issue','question','question','emergency'])[1 + n % 20] as type
             from generate_series(1, ?) n)
      insert into appeals (id, org_id, number, type, category, status, urgent, account_id, building_id, address, text, team_id, assignee_id, assigned_at,
        sla_mode, clock_since, response_target_min, resolution_target_min, responded_at, response_met, resolved_at, resolution_met, closed_at,
        last_author, last_message_at, created_at, updated_at)
      select gen_random_uuid(), ?, n, type, case when type = 'emergency' then (array['leak','electricity','sewer','heating'])[1 + n % 4] end,
        case when n > ? then (array['new','assigned','assigned','waiting'])[1 + n % 4] else 'closed' end, type = 'emergency',
        acc.id, acc.building_id, 'г. Пермь, д. ' || (n % 50), 'Обращение жителя номер ' || n || ': прошу разобраться с начислением и ответить письменно.',
        tm.id, (?::uuid[])[1 + n % 20], at + interval '10 minutes',
        case when type = 'emergency' then 'always' else 'business' end, case when n > ? then at end,
        case when type = 'emergency' then 5 else 540 end, case when type = 'emergency' then 30 else 5400 end,
        case when n <= ? then at + interval '2 hours' end, case when n <= ? then n % 10 <> 0 end,
        case when n <= ? then at + interval '3 days' end, case when n <= ? then n % 7 <> 0 end, case when n <= ? then at + interval '3 days' end,
        case when n <= ? then 'staff' else 'resident' end, at, at, at
      from src join acc on acc.k = n % 2000 join tm on tm.k = n % 2`,
      [orgId, orgId, total, total, total, orgId, total - open, `{${staff.map((s) => s.userId).join(',')}}`, total - open,
        total - open, total - open, total - open, total - open, total - open, total - open]);
    await em.execute(`insert into appeal_messages (org_id, appeal_id, author, text, attachments, internal, created_at)
      select org_id, id, 'resident', text, '[]', false, created_at from appeals where org_id = ?`, [orgId]);
    await em.execute(`insert into appeal_messages (org_id, appeal_id, author, staff_user_id, text, attachments, internal, delivered_via, delivered_at, created_at)
      select org_id, id, 'staff', assignee_id, 'Здравствуйте! Перерасчёт выполнен.', '[]', false, 'telegram', closed_at, closed_at from appeals where org_id = ? and status = 'closed'`, [orgId]);
    await em.execute(`insert into appeal_events (org_id, appeal_id, kind, actor_id, data, at)
      select org_id, id, k, null, '{}', created_at from appeals, unnest(array['filed', 'routed', 'assigned']::text[]) k where org_id = ?`, [orgId]);
  });
  const openIds = await db.withTenant(orgId, (em) => em.execute<{ id: string }[]>(`select id from appeals where org_id = ? and status <> 'closed'`, [orgId]));
  return { orgId, staff, openIds: openIds.map((r) => r.id) };
}
