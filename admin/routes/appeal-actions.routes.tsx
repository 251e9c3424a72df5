import type { Request, Router } from 'express';
import {
  APPEAL_TYPES, EMERGENCY_CATEGORIES, REPLY_THEN, addNote, assignAppeal, cannedText, checkAttachment, closeAppeal, reclassifyAppeal,
  reopenAppeal, replyToAppeal, saveAppealAttachment, takeAppeal, type Actor, type AppealType, type ReplyThen, type WorkflowError,
} from '../../core/appeals/index.ts';
import { MAX_FILE_BYTES } from '../../core/documents/index.ts';
import type { Em } from '../../core/infra/database/database.ts';
import { AppError, type ErrorCode, type Result } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field } from '../render.tsx';
import { requireRole, requireStaff, verifyCsrf } from '../session.ts';
import { MAX_REPLY_FILES } from '../views/appeal-actions.tsx';
import { appealPath, APPEALS_PAGE } from '../views/appeals-parts.tsx';
import { ANSWERING, orgIdOf, showCard, userIdOf } from './appeal-card.routes.tsx';
import { readReplyUpload, uploadOf } from './appeal-upload.ts';
import { notFound } from './not-found.tsx';

const answering = requireRole(...ANSWERING);

/** A refused action: thrown inside the transaction so that nothing it did stays (an attachment already saved, say). */
class Refused extends Error {
  constructor(readonly errors: AppError[], readonly status: number) { super('refused'); }
}

/** Which field each workflow refusal belongs to on the card; the rest are shown above the forms. */
const FIELD: Partial<Record<WorkflowError, string>> = {
  'APPEALS.TEXT_REQUIRED': 'text', 'APPEALS.ATTACHMENT_NOT_FOUND': 'files', 'APPEALS.TEAM_NOT_FOUND': 'teamId',
  'APPEALS.ASSIGNEE_INVALID': 'assigneeId', 'APPEALS.TYPE_INVALID': 'type',
};
const CONFLICTS = new Set<string>(['APPEALS.CLOSED', 'APPEALS.NOT_CLOSED']);

function refuse(code: ErrorCode, field?: string, status = 400, vars?: Record<string, string | number>): never {
  throw new Refused([new AppError(code, { field, vars })], CONFLICTS.has(code) ? 409 : status);
}

async function must<T>(result: Promise<Result<T, WorkflowError>>, fieldFor: Partial<Record<WorkflowError, string>> = FIELD): Promise<T> {
  const r = await result;
  if (!r.ok) refuse(r.error, fieldFor[r.error]);
  return r.value;
}

const FILE_REFUSALS = { tooLarge: 'APPEALS.ATTACHMENT_TOO_LARGE', wrongType: 'APPEALS.ATTACHMENT_TYPE', tooMany: 'APPEALS.ATTACHMENT_TOO_MANY' } as const satisfies Record<string, ErrorCode>;
const fileRefusal = (key: keyof typeof FILE_REFUSALS): ErrorCode => FILE_REFUSALS[key];

/** The reply's files, checked by what they are (not by name), saved in the reply's transaction. */
async function saveFiles(em: Em, actor: Actor, req: Request): Promise<string[]> {
  const upload = uploadOf(req);
  if (upload.tooMany) refuse(fileRefusal('tooMany'), 'files', 400, { count: MAX_REPLY_FILES });
  const ids: string[] = [];
  for (const file of upload.files) {
    if (file.tooLarge) refuse(fileRefusal('tooLarge'), 'files', 413, { name: file.name });
    const checked = checkAttachment(file.data, MAX_FILE_BYTES);
    if (!checked.ok) refuse(fileRefusal(checked.error), 'files', checked.error === 'tooLarge' ? 413 : 400, { name: file.name });
    const saved = await saveAppealAttachment(em, actor.orgId, { name: file.name, data: file.data }, actor.now);
    if (!saved.ok) refuse(fileRefusal(saved.error), 'files', 400, { name: file.name });
    ids.push(saved.value);
  }
  return ids;
}

type Action = (em: Em, actor: Actor, appealId: string, req: Request) => Promise<unknown>;

const ACTIONS: Record<string, Action> = {
  take: (em, actor, id) => must(takeAppeal(em, actor, id)),
  close: (em, actor, id) => must(closeAppeal(em, actor, id)),
  reopen: (em, actor, id) => must(reopenAppeal(em, actor, id)),
  note: (em, actor, id, req) => must(addNote(em, actor, id, field(req.body, 'note')), { 'APPEALS.TEXT_REQUIRED': 'note' }),
  assign: (em, actor, id, req) => must(assignAppeal(em, actor, id, { teamId: field(req.body, 'teamId') || null, assigneeId: field(req.body, 'assigneeId') || null })),
  type: async (em, actor, id, req) => {
    const type = field(req.body, 'type');
    if (!(APPEAL_TYPES as readonly string[]).includes(type)) refuse('APPEALS.TYPE_INVALID', 'type');
    const category = field(req.body, 'category');
    // Categories sort emergencies (ПП 416); another type keeps none.
    if (category && (type !== 'emergency' || !(EMERGENCY_CATEGORIES as readonly string[]).includes(category))) refuse('APPEALS.CATEGORY_INVALID', 'category');
    return must(reclassifyAppeal(em, actor, id, { type: type as AppealType, category: category || null }));
  },
  reply: async (em, actor, id, req) => {
    const then = field(req.body, 'then');
    let text = field(req.body, 'text');
    const cannedId = field(req.body, 'cannedId');
    // Without JavaScript the canned answer is not copied into the text: the server does it.
    if (!text && cannedId) text = (await cannedText(em, actor.orgId, cannedId)) ?? '';
    const attachments = await saveFiles(em, actor, req);
    return must(replyToAppeal(em, actor, id, { text, attachments, then: (REPLY_THEN as readonly string[]).includes(then) ? then as ReplyThen : 'answered' }));
  },
};

/** What a failed form held, to give it back. */
const VALUES = ['text', 'cannedId', 'then', 'note', 'teamId', 'assigneeId', 'type', 'category'];

/**
 * The workflow from the card, for admin and operators (others get 403): each action runs in one transaction as
 * the signed-in staff member, and comes back to the card with a notice (303), or shows it again with the error
 * beside its field.
 */
export function appealActionRoutes(router: Router, deps: AdminDeps): void {
  // A reply with files is multipart: read here, once the staff member may answer (others' bodies stay unread).
  const upload = readReplyUpload(verifyCsrf(deps));
  for (const [name, run] of Object.entries(ACTIONS)) {
    router.post(`${APPEALS_PAGE}/:appealId/${name}`, requireStaff, answering, ...(name === 'reply' ? [upload] : []), async (req, res) => {
      const orgId = orgIdOf(res);
      const appealId = String(req.params.appealId);
      const actor: Actor = { orgId, userId: userIdOf(res), now: deps.clock.now() };
      try {
        await deps.db.withTenant(orgId, (em) => run(em, actor, appealId, req));
      } catch (e) {
        if (!(e instanceof Refused)) throw e;
        if (e.errors.some((x) => x.code === 'APPEALS.NOT_FOUND')) return notFound(res);
        const values = Object.fromEntries(VALUES.map((v) => [v, field(req.body, v)]));
        return showCard(res, deps, appealId, { errors: e.errors, values, status: e.status });
      }
      res.redirect(303, `${appealPath(appealId)}?done=${name}`);
    });
  }
}
