import type { Router } from 'express';
import { render } from 'preact-render-to-string';
import {
  APPEAL_TYPES, INBOX_COUNT_CAP, INBOX_QUEUES, buildingOptions, inboxCounts, listAppeals, markNotificationsRead,
  setMyDuty, staffDuty, staffOptions, unreadNotifications, type AppealType, type InboxQuery, type InboxQueue,
} from '../../core/appeals/index.ts';
import { isUuid } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { InboxPage } from '../views/appeals-inbox.tsx';
import { APPEALS_PAGE } from '../views/appeals-parts.tsx';
import { INBOX_PAGE_SIZE, InboxList, type InboxFilters } from '../views/appeals-table.tsx';
import { appealActionRoutes } from './appeal-actions.routes.tsx';
import { appealCardRoutes, doneOf, orgIdOf, userIdOf } from './appeal-card.routes.tsx';

/** Everyone in an organisation reads appeals; admin and operators answer them (the actions check that). */
const readers = requireRole('admin', 'accountant', 'operator', 'lawyer');

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');


export function inboxFilters(query: Record<string, unknown>): InboxFilters {
  const q = (k: string) => str(query[k]);
  return {
    queue: (INBOX_QUEUES as readonly string[]).includes(q('queue')) ? (q('queue') as InboxQueue) : 'open',
    type: (APPEAL_TYPES as readonly string[]).includes(q('type')) ? q('type') : '',
    building: isUuid(q('building')) ? q('building') : '',
    addr: q('addr').slice(0, 100),
    assignee: q('assignee') === 'none' || isUuid(q('assignee')) ? q('assignee') : '',
    breach: q('breach') === '1',
    page: Math.min(Math.max(1, Number.parseInt(q('page'), 10) || 1), INBOX_COUNT_CAP / INBOX_PAGE_SIZE),
  };
}

const inboxQuery = (f: InboxFilters, userId: string): InboxQuery => ({
  queue: f.queue, userId, type: (f.type || null) as AppealType | null, buildingId: f.building || null, address: f.addr,
  assignee: f.assignee || null, breach: f.breach, limit: INBOX_PAGE_SIZE, offset: (f.page - 1) * INBOX_PAGE_SIZE,
});

/**
 * The staff inbox (issue 7, item 5): queues, the card with its conversation, attachments behind the staff
 * session, the staff member's notifications and duty; the workflow's actions are in appeal-actions.routes.tsx.
 */
export function appealsRoutes(router: Router, deps: AdminDeps): void {
  router.get(APPEALS_PAGE, requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const userId = userIdOf(res);
    const now = deps.clock.now();
    const filters = inboxFilters(req.query);
    const query = inboxQuery(filters, userId);
    res.set('Vary', 'HX-Request');
    if (req.get('HX-Request') === 'true') {
      // htmx's poll: only the list, which replaces itself.
      const list = await deps.db.withTenant(orgId, (em) => listAppeals(em, orgId, query, now));
      const l = locals(res);
      res.type('html').send(render(<InboxList t={l.t} rows={list.rows} total={list.total} filters={filters} now={now} locale={l.locale} />));
      return;
    }
    const data = await deps.db.withTenant(orgId, async (em) => {
      const counts = await inboxCounts(em, orgId, userId);
      return {
        counts,
        list: await listAppeals(em, orgId, query, now, counts),
        buildings: await buildingOptions(em, orgId),
        staff: await staffOptions(em, orgId),
        notices: await unreadNotifications(em, orgId, userId),
        duty: await staffDuty(em, orgId, userId),
      };
    });
    sendPage(res, <InboxPage {...pageProps(res)} filters={filters} counts={data.counts} rows={data.list.rows} total={data.list.total} now={now}
      buildings={data.buildings} assignees={data.staff} notices={data.notices} duty={data.duty} done={doneOf(req.query.done)} />);
  });

  // Personal: one's own notifications and duty, whatever one's role.
  router.post(`${APPEALS_PAGE}/notifications/read`, requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const id = field(req.body, 'id');
    await deps.db.withTenant(orgId, (em) => markNotificationsRead(em, orgId, userIdOf(res), id ? { id } : {}, deps.clock.now()));
    res.redirect(303, `${APPEALS_PAGE}?done=read`);
  });

  router.post(`${APPEALS_PAGE}/duty`, requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    await deps.db.withTenant(orgId, (em) => setMyDuty(em, orgId, userIdOf(res), field(req.body, 'onDuty') === '1'));
    res.redirect(303, `${APPEALS_PAGE}?done=duty`);
  });

  appealCardRoutes(router, deps);
  appealActionRoutes(router, deps);
}
