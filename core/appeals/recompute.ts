import type { Em } from '../infra/database/database.ts';
import { applyClockEvent, clockMoments } from './appeal-clocks.calc.ts';
import { stateOf } from './appeal-record.ts';
import { loadPolicies, loadWorkCalendar } from './appeal-settings.repo.ts';
import { pickPolicy } from './sla-policy.calc.ts';

/**
 * After the organisation changes its working hours, its calendar or its SLA policies: every appeal not closed gets
 * its deadlines and next escalation check again, in one statement. With `retarget` (policies changed) the targets
 * of the policy now in force apply too, and warnings may be given again for the new deadlines; elapsed time and
 * verdicts already reached stay as they are.
 */
export async function recomputeOpenAppeals(em: Em, orgId: string, now: Date, options: { retarget: boolean }): Promise<number> {
  const cal = await loadWorkCalendar(em, orgId);
  const policies = options.retarget ? await loadPolicies(em, orgId) : [];
  const rows = await em.execute<Record<string, unknown>[]>(
    `select id, org_id, number, type, category, status, urgent, person_id, identity_id, building_id, team_id, assignee_id, assigned_at, taken_at,
       alerted_at, closed_at, created_at, sla_mode, clock_since, response_target_min, response_elapsed_s, responded_at, response_met,
       resolution_target_min, resolution_elapsed_s, resolved_at, resolution_met, escalated
     from appeals where org_id = ? and status <> 'closed' for update`, [orgId]);
  if (rows.length === 0) return 0;
  const updates = rows.map((row) => {
    let a = stateOf(row);
    if (options.retarget) a = { ...a, ...applyClockEvent(a, { kind: 'retarget', targets: pickPolicy(policies, a.type, a.category) }, now, cal) };
    const m = clockMoments(a, cal);
    return {
      id: a.id, mode: a.slaMode, since: a.clockSince, rt: a.responseTargetMin, re: a.responseElapsedS, st: a.resolutionTargetMin, se: a.resolutionElapsedS,
      esc: a.escalated, rd: m.responseDueAt, sd: m.resolutionDueAt, nc: m.nextCheckAt,
    };
  });
  await em.execute(
    `update appeals a set sla_mode = x.mode, clock_since = x.since, response_target_min = x.rt, response_elapsed_s = x.re, resolution_target_min = x.st,
       resolution_elapsed_s = x.se, escalated = x.esc, response_due_at = x.rd, resolution_due_at = x.sd, next_check_at = x.nc, updated_at = ?
     from jsonb_to_recordset(?::jsonb) as x(id uuid, mode text, since timestamptz, rt int, re int, st int, se int, esc smallint, rd timestamptz, sd timestamptz, nc timestamptz)
     where a.org_id = ? and a.id = x.id`, [now, JSON.stringify(updates), orgId]);
  await em.execute(
    `insert into appeal_events (org_id, appeal_id, kind, actor_id, data, at) select ?, x.id, 'sla_recomputed', null, ?::jsonb, ? from jsonb_to_recordset(?::jsonb) as x(id uuid)`,
    [orgId, JSON.stringify({ retarget: options.retarget }), now, JSON.stringify(updates.map((u) => ({ id: u.id })))]);
  return updates.length;
}
