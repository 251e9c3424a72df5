import type { Response, Router } from 'express';
import {
  RU_CALENDAR, RU_CALENDAR_YEARS, appealSettings, buildingChoices, calendarYear, listCanned, listPolicies, listRules, listTeams, ownCalendarDays,
  staffChoices, workdayMinutes,
} from '../../core/appeals/index.ts';
import type { ConnectionView } from '../../core/conversations/index.ts';
import type { Em } from '../../core/infra/database/database.ts';
import { localDate } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { APPEAL_SETTINGS, SETTINGS_PAGES, pagePath, type FailedSettingsForm, type SettingsPageName } from '../views/appeal-settings.tsx';
import { CalendarPage } from '../views/appeal-settings-calendar.tsx';
import { CannedPage } from '../views/appeal-settings-canned.tsx';
import { DispatchPage, dispatchBots } from '../views/appeal-settings-dispatch.tsx';
import { RoutingPage } from '../views/appeal-settings-routing.tsx';
import { SlaPage } from '../views/appeal-settings-sla.tsx';
import { TeamsPage } from '../views/appeal-settings-teams.tsx';
import { appealSettingsActions } from './appeal-settings-actions.routes.tsx';
import { hasChannels } from './channels.routes.tsx';
import { notFound } from './not-found.tsx';

/** A form sent with a problem in it: the page again, the fields as typed, each problem beside its field. */
const UNPROCESSABLE = 422;

export type ShowOptions = { readonly saved?: boolean; readonly failed?: FailedSettingsForm; readonly year?: string };
export type ShowSettings = (res: Response, page: SettingsPageName, options?: ShowOptions) => Promise<void>;

/** Years the calendar page offers: the seeded ones, this year, and any year the organisation changed a day in. */
function calendarYears(ownDates: readonly string[], thisYear: number): number[] {
  return [...new Set([...RU_CALENDAR_YEARS, thisYear, ...ownDates.map((d) => Number(d.slice(0, 4)))])].sort((a, b) => a - b);
}

/**
 * Appeal settings of the organisation (issue 7, items 2–4): teams, routing rules, SLA policies, the working calendar,
 * canned answers and the dispatcher chat. Only the organisation's admin reads and changes them.
 */
export function appealSettingsRoutes(router: Router, deps: AdminDeps): void {
  const admins = requireRole('admin');
  /** The org's bots as the channels page lists them; a deployment without bots (tests of other pages) has none. */
  const connections = (orgId: string): Promise<readonly ConnectionView[]> => (hasChannels(deps) ? deps.connections.listForOrg(orgId) : Promise.resolve([]));

  const show: ShowSettings = async (res, page, options = {}) => {
    const orgId = locals(res).staff!.current!.orgId;
    const p = { ...pageProps(res), saved: options.saved, failed: options.failed };
    const status = options.failed ? UNPROCESSABLE : 200;
    const read = <R,>(fn: (em: Em) => Promise<R>) => deps.db.withTenant(orgId, fn);
    switch (page) {
      case 'teams': {
        const [teams, staff] = await read(async (em) => [await listTeams(em, orgId), await staffChoices(em, orgId)] as const);
        return sendPage(res, <TeamsPage {...p} teams={teams} people={staff} />, status);
      }
      case 'routing': {
        const [rules, teams, buildings] = await read(async (em) => [await listRules(em, orgId), await listTeams(em, orgId), await buildingChoices(em, orgId)] as const);
        return sendPage(res, <RoutingPage {...p} rules={rules} teams={teams} buildings={buildings} />, status);
      }
      case 'sla': {
        const [policies, settings] = await read(async (em) => [await listPolicies(em, orgId), await appealSettings(em, orgId)] as const);
        if (!settings) return notFound(res);
        return sendPage(res, <SlaPage {...p} policies={policies} workday={workdayMinutes(settings.week)} autoCloseDays={settings.autoCloseDays} />, status);
      }
      case 'calendar': {
        const [settings, own] = await read(async (em) => [await appealSettings(em, orgId), await ownCalendarDays(em, orgId)] as const);
        if (!settings) return notFound(res);
        const thisYear = Number(localDate(deps.clock.now(), settings.timeZone).slice(0, 4));
        const years = calendarYears(own.map((d) => d.date), thisYear);
        const year = years.includes(Number(options.year)) ? Number(options.year) : thisYear;
        return sendPage(res, <CalendarPage {...p} week={settings.week} weekIsDefault={settings.weekIsDefault} timeZone={settings.timeZone}
          year={year} years={years} rows={calendarYear(RU_CALENDAR, own, year)} />, status);
      }
      case 'canned':
        return sendPage(res, <CannedPage {...p} canned={await read((em) => listCanned(em, orgId))} />, status);
      case 'dispatch': {
        const [settings, bots] = await Promise.all([read((em) => appealSettings(em, orgId)), connections(orgId).then(dispatchBots)]);
        if (!settings) return notFound(res);
        const staleBot = settings.dispatcherConnectionId !== null && !bots.some((b) => b.id === settings.dispatcherConnectionId);
        return sendPage(res, <DispatchPage {...p} bots={bots} connectionId={settings.dispatcherConnectionId} chatId={settings.dispatcherChatId} staleBot={staleBot} />, status);
      }
    }
  };

  router.get(APPEAL_SETTINGS, requireStaff, admins, (_req, res) => res.redirect(303, pagePath('teams')));
  for (const page of SETTINGS_PAGES) {
    router.get(pagePath(page), requireStaff, admins, (req, res) =>
      show(res, page, { saved: req.query.saved === '1', year: typeof req.query.year === 'string' ? req.query.year : undefined }));
  }
  appealSettingsActions(router, deps, show, connections);
}
