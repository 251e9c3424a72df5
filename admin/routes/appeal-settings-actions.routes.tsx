import type { Request, Response, Router } from 'express';
import {
  addMember, addRule, createCanned, createTeam, deleteCanned, deleteRule, deleteTeam, moveRule, removeCalendarDay, removeMember, resetPolicy, saveAutoClose,
  saveDispatcher, savePolicy, saveWorkingWeek, setCalendarDay, setOnDuty, updateCanned, updateTeam, type SettingsActor, type SettingsResult,
} from '../../core/appeals/index.ts';
import type { ConnectionView } from '../../core/conversations/index.ts';
import type { Em } from '../../core/infra/database/database.ts';
import { AppError } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import type { T } from '../i18n.ts';
import { locals, requireRole, requireStaff } from '../session.ts';
import { pagePath, type SettingsPageName } from '../views/appeal-settings.tsx';
import { WEEK_FIELDS } from '../views/appeal-settings-calendar.tsx';
import { policyForm } from '../views/appeal-settings-sla.tsx';
import type { FormValues } from '../views/settings.tsx';
import type { ShowSettings } from './appeal-settings.routes.tsx';
import { notFound } from './not-found.tsx';
import { actorOf, formValues, isNotFound } from './settings.routes.tsx';

type Action = {
  readonly req: Request;
  readonly values: FormValues;
  readonly s: SettingsActor;
  /** One transaction of the organisation: the change, its audit entry and the deadlines it moves commit together. */
  readonly tx: <R>(fn: (em: Em) => Promise<R>) => Promise<R>;
};
type Spec = {
  readonly path: string;
  readonly page: SettingsPageName;
  readonly fields: readonly string[];
  /** The id of the form on the page: where its errors show and where the page scrolls after saving. */
  readonly form: (req: Request, values: FormValues) => string;
  readonly run: (a: Action) => Promise<SettingsResult<unknown>>;
  readonly query?: (values: FormValues) => string;
};

const param = (req: Request, name: string) => String(req.params[name]);
const TEAM = `${pagePath('teams')}/:teamId`;
const MEMBER = `${TEAM}/members/:memberId`;
const RULE = `${pagePath('routing')}/:ruleId`;
const CANNED = `${pagePath('canned')}/:cannedId`;
const CALENDAR = pagePath('calendar');
const yearOf = (values: FormValues) => (/^\d{4}-/.test(values.date ?? '') ? `&year=${values.date!.slice(0, 4)}` : '');

/** The week's messages name the weekday in the page's language; the service gives its number. */
const nameWeekdays = (t: T, errors: readonly AppError[]) => errors.map((e) => (typeof e.vars.weekday === 'number'
  ? new AppError(e.code, { field: e.field, vars: { ...e.vars, day: t(`appealSettings.weekdays.${e.vars.weekday}`) } }) : e));

const weekDays = (v: FormValues) => [0, 1, 2, 3, 4, 5, 6].map((d) => ({ start: v[`day${d}.start`] ?? '', end: v[`day${d}.end`] ?? '', off: v[`day${d}.off`] === '1' }));

export function appealSettingsActions(router: Router, deps: AdminDeps, show: ShowSettings, connections: (orgId: string) => Promise<readonly ConnectionView[]>): void {
  const admins = requireRole('admin');
  const action = (spec: Spec) => router.post(spec.path, requireStaff, admins, async (req: Request, res: Response) => {
    const orgId = locals(res).staff!.current!.orgId;
    const values = formValues(req.body, spec.fields);
    const s: SettingsActor = { orgId, actor: actorOf(req, res), now: deps.clock.now() };
    const result = await spec.run({ req, values, s, tx: (fn) => deps.db.withTenant(orgId, fn) });
    const form = spec.form(req, values);
    if (!result.ok) {
      if (isNotFound(result.error)) return notFound(res);
      return show(res, spec.page, { failed: { form, values, errors: nameWeekdays(locals(res).t, result.error) }, year: values.date?.slice(0, 4) });
    }
    res.redirect(303, `${pagePath(spec.page)}?saved=1${spec.query?.(values) ?? ''}#${form}`);
  });

  action({ path: pagePath('teams'), page: 'teams', fields: ['name', 'leadId'], form: () => 'team-new',
    run: ({ tx, s, values }) => tx((em) => createTeam(em, s, { name: values.name!, leadId: values.leadId! })) });
  action({ path: TEAM, page: 'teams', fields: ['name', 'leadId'], form: (req) => `team-${param(req, 'teamId')}`,
    run: ({ tx, s, values, req }) => tx((em) => updateTeam(em, s, param(req, 'teamId'), { name: values.name!, leadId: values.leadId! })) });
  action({ path: `${TEAM}/delete`, page: 'teams', fields: [], form: (req) => `team-${param(req, 'teamId')}`,
    run: ({ tx, s, req }) => tx((em) => deleteTeam(em, s, param(req, 'teamId'))) });
  action({ path: `${TEAM}/members`, page: 'teams', fields: ['userId'], form: (req) => `members-${param(req, 'teamId')}`,
    run: ({ tx, s, values, req }) => tx((em) => addMember(em, s, param(req, 'teamId'), values.userId!)) });
  action({ path: `${MEMBER}/duty`, page: 'teams', fields: ['onDuty'], form: (req) => `members-${param(req, 'teamId')}`,
    run: ({ tx, s, values, req }) => tx((em) => setOnDuty(em, s, param(req, 'teamId'), param(req, 'memberId'), values.onDuty === '1')) });
  action({ path: `${MEMBER}/remove`, page: 'teams', fields: [], form: (req) => `members-${param(req, 'teamId')}`,
    run: ({ tx, s, req }) => tx((em) => removeMember(em, s, param(req, 'teamId'), param(req, 'memberId'))) });

  action({ path: pagePath('routing'), page: 'routing', fields: ['type', 'category', 'buildingId', 'teamId', 'autoAssign'], form: () => 'rule-new',
    run: ({ tx, s, values: v }) => tx((em) => addRule(em, s, { type: v.type!, category: v.category!, buildingId: v.buildingId!, teamId: v.teamId!, autoAssign: v.autoAssign === '1' })) });
  action({ path: `${RULE}/move`, page: 'routing', fields: ['direction'], form: () => 'rules',
    run: ({ tx, s, values, req }) => tx((em) => moveRule(em, s, param(req, 'ruleId'), values.direction!)) });
  action({ path: `${RULE}/delete`, page: 'routing', fields: [], form: () => 'rules',
    run: ({ tx, s, req }) => tx((em) => deleteRule(em, s, param(req, 'ruleId'))) });

  const policyFields = ['type', 'category', 'mode', 'responseMin', 'resolutionMin'] as const;
  action({ path: pagePath('sla'), page: 'sla', fields: policyFields, form: (_req, v) => policyForm(v.type!, v.category!),
    run: ({ tx, s, values: v }) => tx((em) => savePolicy(em, s, { type: v.type!, category: v.category!, mode: v.mode!, responseMin: v.responseMin!, resolutionMin: v.resolutionMin! })) });
  action({ path: `${pagePath('sla')}/reset`, page: 'sla', fields: ['type', 'category'], form: (_req, v) => `${policyForm(v.type!, v.category!)}-wrap`,
    run: ({ tx, s, values: v }) => tx((em) => resetPolicy(em, s, { type: v.type!, category: v.category! })) });
  action({ path: `${pagePath('sla')}/auto-close`, page: 'sla', fields: ['autoCloseDays'], form: () => 'auto-close',
    run: ({ tx, s, values: v }) => tx((em) => saveAutoClose(em, s, { days: v.autoCloseDays! })) });

  action({ path: `${CALENDAR}/week`, page: 'calendar', fields: WEEK_FIELDS, form: () => 'week',
    run: ({ tx, s, values }) => tx((em) => saveWorkingWeek(em, s, weekDays(values))) });
  action({ path: `${CALENDAR}/days`, page: 'calendar', fields: ['date', 'kind'], form: () => 'day', query: yearOf,
    run: ({ tx, s, values }) => tx((em) => setCalendarDay(em, s, { date: values.date!, kind: values.kind! })) });
  action({ path: `${CALENDAR}/days/remove`, page: 'calendar', fields: ['date'], form: () => 'days', query: yearOf,
    run: ({ tx, s, values }) => tx((em) => removeCalendarDay(em, s, values.date!)) });

  action({ path: pagePath('canned'), page: 'canned', fields: ['title', 'text'], form: () => 'canned-new',
    run: ({ tx, s, values }) => tx((em) => createCanned(em, s, { title: values.title!, text: values.text! })) });
  action({ path: CANNED, page: 'canned', fields: ['title', 'text'], form: (req) => `canned-${param(req, 'cannedId')}`,
    run: ({ tx, s, values, req }) => tx((em) => updateCanned(em, s, param(req, 'cannedId'), { title: values.title!, text: values.text! })) });
  action({ path: `${CANNED}/delete`, page: 'canned', fields: [], form: () => 'canned-new',
    run: ({ tx, s, req }) => tx((em) => deleteCanned(em, s, param(req, 'cannedId'))) });

  action({ path: pagePath('dispatch'), page: 'dispatch', fields: ['connectionId', 'chatId'], form: () => 'dispatch',
    run: async ({ tx, s, values }) => {
      const bots = await connections(s.orgId);
      return tx((em) => saveDispatcher(em, s, { connectionId: values.connectionId!, chatId: values.chatId! }, bots));
    } });
}
