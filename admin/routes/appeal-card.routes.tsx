import type { Response, Router } from 'express';
import { appealCard, cardOptions, isAppealFile, markNotificationsRead } from '../../core/appeals/index.ts';
import { loadDocumentFile } from '../../core/documents/index.ts';
import type { AppError } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { sendStoredFile } from '../../web/send-file.ts';
import { pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { AppealCardPage } from '../views/appeal-card.tsx';
import { APPEALS_PAGE } from '../views/appeals-parts.tsx';
import { notFound } from './not-found.tsx';

/** Staff who answer appeals; the other roles read them. */
export const ANSWERING = ['admin', 'operator'] as const;

const readers = requireRole('admin', 'accountant', 'operator', 'lawyer');

/** Notices a redirect may ask for (anything else in `done` is ignored). */
const DONE = new Set(['take', 'assign', 'type', 'reply', 'note', 'close', 'reopen', 'duty', 'read']);
export const doneOf = (v: unknown) => (typeof v === 'string' && DONE.has(v) ? v : undefined);

export const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;
export const userIdOf = (res: Response) => locals(res).staff!.user.id;
export const mayAct = (res: Response) => (ANSWERING as readonly string[]).includes(locals(res).staff!.current!.role);

/** The card, again with a failed form's errors and values, or as it is after a redirect. */
export async function showCard(res: Response, deps: AdminDeps, appealId: string, extra: {
  errors?: readonly AppError[]; values?: Record<string, string>; status?: number; done?: string;
} = {}): Promise<void> {
  const orgId = orgIdOf(res);
  const now = deps.clock.now();
  const canAct = mayAct(res);
  const got = await deps.db.withTenant(orgId, async (em) => {
    const card = await appealCard(em, orgId, appealId, now);
    if (!card) return null;
    // Opening the appeal is reading what one was told about it.
    await markNotificationsRead(em, orgId, userIdOf(res), { appealId }, now);
    return { card, options: canAct ? await cardOptions(em, orgId) : null };
  });
  if (!got) return notFound(res);
  sendPage(res, <AppealCardPage {...pageProps(res)} card={got.card} options={got.options} canAct={canAct} now={now}
    errors={extra.errors} values={extra.values} done={extra.done} />, extra.status ?? 200);
}

/** The appeal's card and its attachments, for every staff role (the files only through a message of this appeal). */
export function appealCardRoutes(router: Router, deps: AdminDeps): void {
  router.get(`${APPEALS_PAGE}/:appealId`, requireStaff, readers, (req, res) => showCard(res, deps, String(req.params.appealId), { done: doneOf(req.query.done) }));

  router.get(`${APPEALS_PAGE}/:appealId/files/:fileId`, requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const appealId = String(req.params.appealId);
    const fileId = String(req.params.fileId);
    const file = await deps.db.withTenant(orgId, async (em) => ((await isAppealFile(em, orgId, appealId, fileId)) ? loadDocumentFile(em, orgId, fileId) : null));
    if (!file) return notFound(res);
    sendStoredFile(res, file);
  });

}
