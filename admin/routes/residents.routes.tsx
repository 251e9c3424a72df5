import type { Response, Router } from 'express';
import { billCode } from '../../core/accounts/index.ts';
import { residentCard, searchResidents, unlinkResidentByStaff } from '../../core/conversations/index.ts';
import { localDate } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { RESIDENTS_PAGE, RESIDENTS_PAGE_SIZE, ResidentCardPage, ResidentsPage, residentPath, type ResidentsQuery } from '../views/residents.tsx';
import { notFound } from './not-found.tsx';
import { actorOf } from './settings.routes.tsx';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
/** Everyone who opens account cards may look residents up; those who answer residents may unlink and read bill codes. */
const readers = requireRole('admin', 'accountant', 'operator', 'lawyer');
const ANSWERING = ['admin', 'operator'] as const;
const answering = requireRole(...ANSWERING);

const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;
const mayAnswer = (res: Response) => (ANSWERING as readonly string[]).includes(locals(res).staff!.current!.role);

export function residentsQuery(query: Record<string, unknown>): ResidentsQuery {
  return { q: str(query.q).slice(0, 100), page: Math.min(Math.max(1, Number.parseInt(str(query.page), 10) || 1), 10_000) };
}

/**
 * The residents the bots know: found by phone, messenger id or account number; each one's channels and linked
 * accounts, and an unlink that works whatever proved the link (a staff decision, audited on the account).
 */
export function residentsRoutes(router: Router, deps: AdminDeps): void {
  router.get(RESIDENTS_PAGE, requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const query = residentsQuery(req.query);
    const { rows, total } = await deps.db.withTenant(orgId, (em) =>
      searchResidents(em, orgId, { q: query.q, limit: RESIDENTS_PAGE_SIZE, offset: (query.page - 1) * RESIDENTS_PAGE_SIZE }));
    sendPage(res, <ResidentsPage {...pageProps(res)} query={query} rows={rows} total={total} />);
  });

  router.get(`${RESIDENTS_PAGE}/:personId`, requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const card = await deps.db.withTenant(orgId, (em) => residentCard(em, orgId, String(req.params.personId)));
    const org = card && mayAnswer(res) ? await deps.orgs.getOrganization(orgId) : null;
    if (!card) return notFound(res);
    // The code printed on this month's bill (the organisation's month): staff read it out to a resident on the phone.
    const period = org ? localDate(deps.clock.now(), org.timeZone).slice(0, 7) : null;
    const billCodes = period ? Object.fromEntries(card.links.filter((l) => l.status === 'open')
      .map((l) => [l.accountId, billCode(deps.secretKey, orgId, l.accountId, period)])) : null;
    sendPage(res, <ResidentCardPage {...pageProps(res)} card={card} canUnlink={mayAnswer(res)} billCodes={billCodes} saved={req.query.saved === '1'} />);
  });

  router.post(`${RESIDENTS_PAGE}/:personId/links/:accountId/unlink`, requireStaff, answering, async (req, res) => {
    const orgId = orgIdOf(res);
    const personId = String(req.params.personId);
    const gone = await deps.db.withTenant(orgId, (em) =>
      unlinkResidentByStaff(em, orgId, personId, String(req.params.accountId), actorOf(req, res), deps.clock.now()));
    if (!gone) return notFound(res);
    res.redirect(303, `${residentPath(personId)}?saved=1`);
  });
}
