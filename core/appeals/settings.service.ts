import { recordAudit, type Actor as AuditActor, type AuditChanges } from '../audit/index.ts';
import type { Em } from '../infra/database/database.ts';
import { AppError, err, isLocalDate, ok, type ErrorCode, type Result } from '../shared/index.ts';
import { APPEAL_TYPES, EMERGENCY_CATEGORIES, SLA_MODES, type AppealType, type SlaMode } from './appeals.entity.ts';
import { recomputeOpenAppeals } from './recompute.ts';
import { CALENDAR_DAY_KINDS, type CalendarDayKind } from './routing.entity.ts';
import { isChatId, readWeek, type DayHoursText, type WeekProblem } from './settings-form.calc.ts';
import { isTargetMinutes } from './sla-policy.calc.ts';

/** Who changes the appeal settings of which organisation, and when; every change is audited in the same transaction. */
export type SettingsActor = { readonly orgId: string; readonly actor: AuditActor; readonly now: Date };
/** Every problem of a form at once; a problem without a field that ends in NOT_FOUND means «not this organisation's». */
export type SettingsResult<T = void> = Result<T, AppError[]>;

export const problem = (code: ErrorCode, field?: string, vars?: Record<string, string | number>) => new AppError(code, { field, vars });
export const refuse = (code: ErrorCode, field?: string, vars?: Record<string, string | number>) => err([problem(code, field, vars)]);
export const done = ok(undefined);

export function audit(em: Em, s: SettingsActor, action: string, entity: { type: string; id?: string | null }, changes: AuditChanges | null): void {
  recordAudit(em, s.orgId, s.actor, { action: `appealSettings.${action}`, entityType: entity.type, entityId: entity.id ?? null, changes }, s.now);
}

/** Settings row of the organisation, made on first use (the org's FK keeps another organisation's id out). */
async function ensureSettingsRow(em: Em, s: SettingsActor): Promise<void> {
  await em.execute('insert into appeal_settings (org_id, updated_at) values (?, ?) on conflict (org_id) do nothing', [s.orgId, s.now]);
}

/**
 * A type (or, where `anyType`, '' for every type) and a category of it ('' = every category). Only emergencies
 * have categories.
 */
export function checkTypeCategory(type: string, category: string, anyType: boolean): AppError[] {
  const typeOk = (APPEAL_TYPES as readonly string[]).includes(type) || (anyType && type === '');
  if (!typeOk) return [problem('APPEALS.TYPE_INVALID', 'type')];
  const categoryOk = category === '' || (type === 'emergency' && (EMERGENCY_CATEGORIES as readonly string[]).includes(category));
  return categoryOk ? [] : [problem('APPEALS.CATEGORY_INVALID', 'category')];
}

export type PolicyInput = { readonly type: string; readonly category: string; readonly mode: string; readonly responseMin: string; readonly resolutionMin: string };

/** An empty target means no deadline for that clock; otherwise whole minutes from 1 to a year. */
function readTarget(text: string, field: string, errors: AppError[]): number | null {
  if (text === '') return null;
  const value = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!isTargetMinutes(value)) errors.push(problem('APPEALS.TARGET_INVALID', field));
  return value;
}

/** Saves the organisation's targets for a type (and category); open appeals of every type take the policy now in force. */
export async function savePolicy(em: Em, s: SettingsActor, input: PolicyInput): Promise<SettingsResult> {
  const errors = checkTypeCategory(input.type, input.category, false);
  if (!(SLA_MODES as readonly string[]).includes(input.mode)) errors.push(problem('APPEALS.SLA_MODE_INVALID', 'mode'));
  const responseMin = readTarget(input.responseMin, 'responseMin', errors);
  const resolutionMin = readTarget(input.resolutionMin, 'resolutionMin', errors);
  if (errors.length) return err(errors);
  const [before] = await em.execute<{ mode: SlaMode; response_min: number | null; resolution_min: number | null }[]>(
    'select mode, response_min, resolution_min from sla_policies where org_id = ? and type = ? and category = ? for update', [s.orgId, input.type, input.category]);
  await em.execute(
    `insert into sla_policies (id, org_id, type, category, mode, response_min, resolution_min, updated_at) values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?)
     on conflict (org_id, type, category) do update set mode = excluded.mode, response_min = excluded.response_min, resolution_min = excluded.resolution_min, updated_at = excluded.updated_at`,
    [s.orgId, input.type, input.category, input.mode, responseMin, resolutionMin, s.now]);
  audit(em, s, 'sla.save', { type: 'sla_policy', id: `${input.type}/${input.category}` }, {
    mode: [before?.mode ?? null, input.mode], responseMin: [before?.response_min ?? null, responseMin], resolutionMin: [before?.resolution_min ?? null, resolutionMin],
  });
  await recomputeOpenAppeals(em, s.orgId, s.now, { retarget: true });
  return done;
}

/** «Reset to default»: the organisation's row goes, the default (or the type's own row, for a category) applies again. */
export async function resetPolicy(em: Em, s: SettingsActor, input: { type: string; category: string }): Promise<SettingsResult> {
  const errors = checkTypeCategory(input.type, input.category, false);
  if (errors.length) return err(errors);
  const [gone] = await em.execute<{ mode: SlaMode; response_min: number | null; resolution_min: number | null }[]>(
    'delete from sla_policies where org_id = ? and type = ? and category = ? returning mode, response_min, resolution_min', [s.orgId, input.type as AppealType, input.category]);
  if (!gone) return done;
  audit(em, s, 'sla.reset', { type: 'sla_policy', id: `${input.type}/${input.category}` }, {
    mode: [gone.mode, null], responseMin: [gone.response_min, null], resolutionMin: [gone.resolution_min, null],
  });
  await recomputeOpenAppeals(em, s.orgId, s.now, { retarget: true });
  return done;
}

/** A problem of the week as a form error; the route names the weekday in the page's language (vars.weekday). */
const weekError = (p: WeekProblem) =>
  problem(p.code, p.day === undefined ? undefined : `day${p.day}.${p.field ?? 'start'}`, p.day === undefined ? undefined : { weekday: p.day });

/** The working hours per weekday; open appeals' business deadlines move with them. */
export async function saveWorkingWeek(em: Em, s: SettingsActor, days: readonly DayHoursText[]): Promise<SettingsResult> {
  const read = readWeek(days);
  if (!read.ok) return err(read.problems.map(weekError));
  await ensureSettingsRow(em, s);
  const [before] = await em.execute<{ working_week: unknown }[]>('select working_week from appeal_settings where org_id = ? for update', [s.orgId]);
  await em.execute('update appeal_settings set working_week = ?::jsonb, updated_at = ? where org_id = ?', [JSON.stringify(read.week), s.now, s.orgId]);
  audit(em, s, 'week', { type: 'appeal_settings', id: s.orgId }, { workingWeek: [before?.working_week ?? null, read.week] });
  await recomputeOpenAppeals(em, s.orgId, s.now, { retarget: false });
  return done;
}

/** Dates the calendar takes: the years a deadline can plausibly reach. */
const isCalendarDate = (date: string) => isLocalDate(date) && date >= '2000-01-01' && date <= '2100-12-31';

/** A date becomes a day off, a working day, a short day, or an ordinary day of its weekday whatever the seed says. */
export async function setCalendarDay(em: Em, s: SettingsActor, input: { date: string; kind: string }): Promise<SettingsResult> {
  const errors: AppError[] = [];
  if (!isCalendarDate(input.date)) errors.push(problem('APPEALS.DATE_INVALID', 'date'));
  if (!(CALENDAR_DAY_KINDS as readonly string[]).includes(input.kind)) errors.push(problem('APPEALS.DAY_KIND_INVALID', 'kind'));
  if (errors.length) return err(errors);
  const [before] = await em.execute<{ kind: CalendarDayKind }[]>('select kind from calendar_days where org_id = ? and date = ? for update', [s.orgId, input.date]);
  await em.execute(
    `insert into calendar_days (org_id, date, kind, updated_at) values (?, ?, ?, ?)
     on conflict (org_id, date) do update set kind = excluded.kind, updated_at = excluded.updated_at`, [s.orgId, input.date, input.kind, s.now]);
  audit(em, s, 'calendar.set', { type: 'calendar_day', id: input.date }, { kind: [before?.kind ?? null, input.kind] });
  await recomputeOpenAppeals(em, s.orgId, s.now, { retarget: false });
  return done;
}

/** Drops the organisation's change of a date: the Russian calendar (or the plain weekday) applies again. */
export async function removeCalendarDay(em: Em, s: SettingsActor, date: string): Promise<SettingsResult> {
  if (!isCalendarDate(date)) return refuse('APPEALS.CALENDAR_DAY_NOT_FOUND');
  const [gone] = await em.execute<{ kind: CalendarDayKind }[]>('delete from calendar_days where org_id = ? and date = ? returning kind', [s.orgId, date]);
  if (!gone) return refuse('APPEALS.CALENDAR_DAY_NOT_FOUND');
  audit(em, s, 'calendar.remove', { type: 'calendar_day', id: date }, { kind: [gone.kind, null] });
  await recomputeOpenAppeals(em, s.orgId, s.now, { retarget: false });
  return done;
}

/** A bot the dispatcher chat may use: the organisation's own, switched on, Telegram or MAX. */
export type DispatchBot = { readonly id: string; readonly channel: string; readonly active: boolean };

/**
 * The group chat that hears of emergencies nobody took. `bots` are the organisation's connections as the
 * conversations module lists them; an empty bot clears the setting.
 */
export async function saveDispatcher(em: Em, s: SettingsActor, input: { connectionId: string; chatId: string }, bots: readonly DispatchBot[]): Promise<SettingsResult> {
  let next: { connectionId: string | null; chatId: string | null } = { connectionId: null, chatId: null };
  if (input.connectionId) {
    const bot = bots.find((b) => b.id === input.connectionId && b.active && (b.channel === 'telegram' || b.channel === 'max'));
    if (!bot) return refuse('APPEALS.DISPATCH_BOT_INVALID', 'connectionId');
    const chatId = input.chatId.replace(/\s/g, '');
    if (!isChatId(bot.channel as 'telegram' | 'max', chatId)) return refuse(bot.channel === 'telegram' ? 'APPEALS.TELEGRAM_CHAT_INVALID' : 'APPEALS.MAX_CHAT_INVALID', 'chatId');
    next = { connectionId: bot.id, chatId };
  }
  await ensureSettingsRow(em, s);
  const [before] = await em.execute<{ dispatcher_connection_id: string | null; dispatcher_chat_id: string | null }[]>(
    'select dispatcher_connection_id, dispatcher_chat_id from appeal_settings where org_id = ? for update', [s.orgId]);
  await em.execute('update appeal_settings set dispatcher_connection_id = ?, dispatcher_chat_id = ?, updated_at = ? where org_id = ?', [next.connectionId, next.chatId, s.now, s.orgId]);
  audit(em, s, 'dispatcher', { type: 'appeal_settings', id: s.orgId }, {
    connectionId: [before?.dispatcher_connection_id ?? null, next.connectionId], chatId: [before?.dispatcher_chat_id ?? null, next.chatId],
  });
  return done;
}

/** Answered appeals close by themselves after this many days without the resident writing (1 to 90; 7 by default). */
export async function saveAutoClose(em: Em, s: SettingsActor, input: { days: string }): Promise<SettingsResult> {
  const days = /^\d{1,2}$/.test(input.days.trim()) ? Number(input.days.trim()) : NaN;
  if (!(days >= 1 && days <= 90)) return refuse('APPEALS.AUTO_CLOSE_INVALID', 'autoCloseDays');
  await ensureSettingsRow(em, s);
  const [before] = await em.execute<{ auto_close_days: number }[]>('select auto_close_days from appeal_settings where org_id = ? for update', [s.orgId]);
  await em.execute('update appeal_settings set auto_close_days = ?, updated_at = ? where org_id = ?', [days, s.now, s.orgId]);
  audit(em, s, 'autoClose', { type: 'appeal_settings', id: s.orgId }, { autoCloseDays: [before ? Number(before.auto_close_days) : null, days] });
  return done;
}
