import type { Em } from '../infra/database/database.ts';
import { err, isUuid, ok, type AppError } from '../shared/index.ts';
import { audit, done, problem, refuse, type SettingsActor, type SettingsResult } from './settings.service.ts';
import { isActiveMember } from './workflow.ts';

const NAME_MAX = 120;

type TeamRow = { id: string; name: string; lead_id: string | null };

async function lockTeam(em: Em, orgId: string, teamId: string): Promise<TeamRow | null> {
  if (!isUuid(teamId)) return null;
  const [row] = await em.execute<TeamRow[]>('select id, name, lead_id from teams where org_id = ? and id = ? for update', [orgId, teamId]);
  return row ?? null;
}

/** A name (trimmed, up to 120) and a lead ('' = none, else an active staff member of the organisation). */
async function readTeam(em: Em, s: SettingsActor, input: { name: string; leadId: string }, selfId: string | null) {
  const errors: AppError[] = [];
  const name = input.name.trim();
  if (!name || name.length > NAME_MAX) errors.push(problem('APPEALS.TEAM_NAME_REQUIRED', 'name'));
  else if ((await em.execute('select 1 from teams where org_id = ? and lower(name) = lower(?) and id is distinct from ?', [s.orgId, name, selfId])).length) {
    errors.push(problem('APPEALS.TEAM_NAME_TAKEN', 'name', { name }));
  }
  const leadId = input.leadId || null;
  if (leadId && !(await isActiveMember(em, s.orgId, leadId))) errors.push(problem('APPEALS.STAFF_INVALID', 'leadId'));
  return { errors, name, leadId };
}

export async function createTeam(em: Em, s: SettingsActor, input: { name: string; leadId: string }): Promise<SettingsResult<string>> {
  const { errors, name, leadId } = await readTeam(em, s, input, null);
  if (errors.length) return err(errors);
  // Two admins typing the same name at once: the unique key decides, and the loser hears «taken».
  const [row] = await em.execute<{ id: string }[]>(
    'insert into teams (id, org_id, name, lead_id, created_at) values (gen_random_uuid(), ?, ?, ?, ?) on conflict (org_id, name) do nothing returning id',
    [s.orgId, name, leadId, s.now]);
  if (!row) return refuse('APPEALS.TEAM_NAME_TAKEN', 'name', { name });
  audit(em, s, 'team.create', { type: 'team', id: row.id }, { name: [null, name], leadId: [null, leadId] });
  return ok(row.id);
}

/** A new name and lead; the lead hears of breaches and need not be a member. */
export async function updateTeam(em: Em, s: SettingsActor, teamId: string, input: { name: string; leadId: string }): Promise<SettingsResult> {
  const team = await lockTeam(em, s.orgId, teamId);
  if (!team) return refuse('APPEALS.TEAM_NOT_FOUND');
  const { errors, name, leadId } = await readTeam(em, s, input, team.id);
  if (errors.length) return err(errors);
  await em.execute('update teams set name = ?, lead_id = ? where org_id = ? and id = ?', [name, leadId, s.orgId, team.id]);
  if (name !== team.name || leadId !== team.lead_id) {
    audit(em, s, 'team.update', { type: 'team', id: team.id }, { name: [team.name, name], leadId: [team.lead_id, leadId] });
  }
  return done;
}

/** Only a team no routing rule points to: deleting it must not leave rules that route to nobody. */
export async function deleteTeam(em: Em, s: SettingsActor, teamId: string): Promise<SettingsResult> {
  const team = await lockTeam(em, s.orgId, teamId);
  if (!team) return refuse('APPEALS.TEAM_NOT_FOUND');
  const [{ count }] = await em.execute<{ count: number }[]>('select count(*)::int as count from routing_rules where org_id = ? and team_id = ?', [s.orgId, team.id]) as [{ count: number }];
  if (count > 0) return refuse('APPEALS.TEAM_IN_USE', undefined, { name: team.name, count });
  await em.execute('delete from team_members where org_id = ? and team_id = ?', [s.orgId, team.id]);
  await em.execute('delete from teams where org_id = ? and id = ?', [s.orgId, team.id]);
  audit(em, s, 'team.delete', { type: 'team', id: team.id }, { name: [team.name, null] });
  return done;
}

/** A staff member of the organisation joins the team, on duty at once. */
export async function addMember(em: Em, s: SettingsActor, teamId: string, userId: string): Promise<SettingsResult> {
  const team = await lockTeam(em, s.orgId, teamId);
  if (!team) return refuse('APPEALS.TEAM_NOT_FOUND');
  if (!(await isActiveMember(em, s.orgId, userId))) return refuse('APPEALS.STAFF_INVALID', 'userId');
  const added = await em.execute<{ user_id: string }[]>(
    'insert into team_members (team_id, user_id, org_id, on_duty) values (?, ?, ?, true) on conflict (team_id, user_id) do nothing returning user_id', [team.id, userId, s.orgId]);
  if (!added.length) return refuse('APPEALS.ALREADY_MEMBER', 'userId');
  audit(em, s, 'member.add', { type: 'team', id: team.id }, { userId: [null, userId] });
  return done;
}

export async function removeMember(em: Em, s: SettingsActor, teamId: string, userId: string): Promise<SettingsResult> {
  if (!isUuid(teamId) || !isUuid(userId)) return refuse('APPEALS.MEMBER_NOT_FOUND');
  const gone = await em.execute('delete from team_members where org_id = ? and team_id = ? and user_id = ? returning user_id', [s.orgId, teamId, userId]);
  if (!gone.length) return refuse('APPEALS.MEMBER_NOT_FOUND');
  audit(em, s, 'member.remove', { type: 'team', id: teamId }, { userId: [userId, null] });
  return done;
}

/** Off duty (leave, night): the member keeps what they have but gets nothing new automatically. */
export async function setOnDuty(em: Em, s: SettingsActor, teamId: string, userId: string, onDuty: boolean): Promise<SettingsResult> {
  if (!isUuid(teamId) || !isUuid(userId)) return refuse('APPEALS.MEMBER_NOT_FOUND');
  const [before] = await em.execute<{ on_duty: boolean }[]>(
    'select on_duty from team_members where org_id = ? and team_id = ? and user_id = ? for update', [s.orgId, teamId, userId]);
  if (!before) return refuse('APPEALS.MEMBER_NOT_FOUND');
  if (before.on_duty === onDuty) return done;
  await em.execute('update team_members set on_duty = ? where org_id = ? and team_id = ? and user_id = ?', [onDuty, s.orgId, teamId, userId]);
  audit(em, s, 'member.duty', { type: 'team', id: teamId }, { userId: [userId, userId], onDuty: [before.on_duty, onDuty] });
  return done;
}
