import type { Em } from '../infra/database/database.ts';
import { err, isUuid, ok, type AppError } from '../shared/index.ts';
import { audit, checkTypeCategory, done, problem, refuse, type SettingsActor, type SettingsResult } from './settings.service.ts';

export type RuleInput = { readonly type: string; readonly category: string; readonly buildingId: string; readonly teamId: string; readonly autoAssign: boolean };

/** Rules of an organisation change one at a time: positions stay 1…n with no gaps or twins. */
const lockRules = (em: Em, orgId: string) => em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`routing-rules:${orgId}`]);

const renumber = (em: Em, orgId: string) => em.execute(
  `update routing_rules r set position = x.n from (select id, row_number() over (order by position, id) as n from routing_rules where org_id = ?) x
   where r.org_id = ? and r.id = x.id and r.position <> x.n`, [orgId, orgId]);

/** A rule goes last: the earlier rules keep catching what they caught. Empty fields match anything. */
export async function addRule(em: Em, s: SettingsActor, input: RuleInput): Promise<SettingsResult<string>> {
  const errors: AppError[] = checkTypeCategory(input.type, input.category, true);
  const buildingId = input.buildingId || null;
  if (buildingId && !(isUuid(buildingId) && (await em.execute('select 1 from buildings where org_id = ? and id = ?', [s.orgId, buildingId])).length)) {
    errors.push(problem('APPEALS.BUILDING_NOT_FOUND', 'buildingId'));
  }
  if (!(isUuid(input.teamId) && (await em.execute('select 1 from teams where org_id = ? and id = ?', [s.orgId, input.teamId])).length)) {
    errors.push(problem('APPEALS.TEAM_NOT_FOUND', 'teamId'));
  }
  if (errors.length) return err(errors);
  await lockRules(em, s.orgId);
  const rule = { type: input.type || null, category: input.category || null, buildingId, teamId: input.teamId, autoAssign: input.autoAssign };
  const [row] = await em.execute<{ id: string; position: number }[]>(
    `insert into routing_rules (id, org_id, position, type, category, building_id, team_id, auto_assign)
     select gen_random_uuid(), ?, coalesce(max(position), 0) + 1, ?, ?, ?, ?, ? from routing_rules where org_id = ? returning id, position`,
    [s.orgId, rule.type, rule.category, rule.buildingId, rule.teamId, rule.autoAssign, s.orgId]);
  audit(em, s, 'rule.add', { type: 'routing_rule', id: row!.id }, Object.fromEntries(Object.entries({ ...rule, position: row!.position }).map(([k, v]) => [k, [null, v]])));
  return ok(row!.id);
}

export async function deleteRule(em: Em, s: SettingsActor, ruleId: string): Promise<SettingsResult> {
  if (!isUuid(ruleId)) return refuse('APPEALS.RULE_NOT_FOUND');
  await lockRules(em, s.orgId);
  const [gone] = await em.execute<{ position: number; team_id: string }[]>('delete from routing_rules where org_id = ? and id = ? returning position, team_id', [s.orgId, ruleId]);
  if (!gone) return refuse('APPEALS.RULE_NOT_FOUND');
  await renumber(em, s.orgId);
  audit(em, s, 'rule.delete', { type: 'routing_rule', id: ruleId }, { position: [gone.position, null], teamId: [gone.team_id, null] });
  return done;
}

/** One place up or down: the rule swaps with its neighbour; at the top (bottom) it stays. */
export async function moveRule(em: Em, s: SettingsActor, ruleId: string, direction: string): Promise<SettingsResult> {
  if (direction !== 'up' && direction !== 'down') return refuse('APPEALS.RULE_NOT_FOUND');
  if (!isUuid(ruleId)) return refuse('APPEALS.RULE_NOT_FOUND');
  await lockRules(em, s.orgId);
  await renumber(em, s.orgId);
  const [rule] = await em.execute<{ position: number }[]>('select position from routing_rules where org_id = ? and id = ?', [s.orgId, ruleId]);
  if (!rule) return refuse('APPEALS.RULE_NOT_FOUND');
  const to = direction === 'up' ? rule.position - 1 : rule.position + 1;
  const swapped = await em.execute('update routing_rules set position = ? where org_id = ? and position = ? returning id', [rule.position, s.orgId, to]);
  if (!swapped.length) return done;
  await em.execute('update routing_rules set position = ? where org_id = ? and id = ?', [to, s.orgId, ruleId]);
  audit(em, s, 'rule.move', { type: 'routing_rule', id: ruleId }, { position: [rule.position, to] });
  return done;
}

const TITLE_MAX = 120;
/** As long as a reply may be (appeals.service MAX_APPEAL_TEXT). */
const CANNED_TEXT_MAX = 4000;

async function readCanned(em: Em, s: SettingsActor, input: { title: string; text: string }, selfId: string | null) {
  const errors: AppError[] = [];
  const title = input.title.trim();
  const text = input.text.trim();
  if (!title || title.length > TITLE_MAX) errors.push(problem('APPEALS.CANNED_TITLE_REQUIRED', 'title'));
  else if ((await em.execute('select 1 from canned_answers where org_id = ? and lower(title) = lower(?) and id is distinct from ?', [s.orgId, title, selfId])).length) {
    errors.push(problem('APPEALS.CANNED_TITLE_TAKEN', 'title', { title }));
  }
  if (!text || text.length > CANNED_TEXT_MAX) errors.push(problem('APPEALS.CANNED_TEXT_REQUIRED', 'text'));
  return { errors, title, text };
}

export async function createCanned(em: Em, s: SettingsActor, input: { title: string; text: string }): Promise<SettingsResult<string>> {
  const { errors, title, text } = await readCanned(em, s, input, null);
  if (errors.length) return err(errors);
  const [row] = await em.execute<{ id: string }[]>(
    'insert into canned_answers (id, org_id, title, text, created_at) values (gen_random_uuid(), ?, ?, ?, ?) on conflict (org_id, title) do nothing returning id',
    [s.orgId, title, text, s.now]);
  if (!row) return refuse('APPEALS.CANNED_TITLE_TAKEN', 'title', { title });
  audit(em, s, 'canned.create', { type: 'canned_answer', id: row.id }, { title: [null, title] });
  return ok(row.id);
}

export async function updateCanned(em: Em, s: SettingsActor, cannedId: string, input: { title: string; text: string }): Promise<SettingsResult> {
  if (!isUuid(cannedId)) return refuse('APPEALS.CANNED_NOT_FOUND');
  const [before] = await em.execute<{ title: string; text: string }[]>('select title, text from canned_answers where org_id = ? and id = ? for update', [s.orgId, cannedId]);
  if (!before) return refuse('APPEALS.CANNED_NOT_FOUND');
  const { errors, title, text } = await readCanned(em, s, input, cannedId);
  if (errors.length) return err(errors);
  await em.execute('update canned_answers set title = ?, text = ? where org_id = ? and id = ?', [title, text, s.orgId, cannedId]);
  if (title !== before.title || text !== before.text) {
    audit(em, s, 'canned.update', { type: 'canned_answer', id: cannedId }, { title: [before.title, title], ...(text !== before.text ? { text: ['…', '…'] } : {}) });
  }
  return done;
}

export async function deleteCanned(em: Em, s: SettingsActor, cannedId: string): Promise<SettingsResult> {
  if (!isUuid(cannedId)) return refuse('APPEALS.CANNED_NOT_FOUND');
  const [gone] = await em.execute<{ title: string }[]>('delete from canned_answers where org_id = ? and id = ? returning title', [s.orgId, cannedId]);
  if (!gone) return refuse('APPEALS.CANNED_NOT_FOUND');
  audit(em, s, 'canned.delete', { type: 'canned_answer', id: cannedId }, { title: [gone.title, null] });
  return done;
}
