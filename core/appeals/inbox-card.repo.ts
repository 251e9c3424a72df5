import type { Channel } from '../accounts/index.ts';
import type { Em } from '../infra/database/database.ts';
import { isUuid } from '../shared/index.ts';
import type { AppealAuthor, AppealEventKind } from './appeals.entity.ts';
import { clockSourceOf, dateOf } from './appeal-record.ts';
import { loadWorkCalendar } from './appeal-settings.repo.ts';
import { clockViews, type ClockView } from './inbox-clock.calc.ts';
import type { InboxRow } from './inbox.repo.ts';
import { staffOptions, type Named, type StaffOption } from './inbox-staff.repo.ts';

export type CardAppeal = Omit<InboxRow, 'snippet' | 'clock'> & {
  readonly text: string;
  readonly channel: Channel | null;
  readonly accountId: string | null;
  readonly teamId: string | null;
  readonly teamName: string | null;
  readonly respondedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly rating: number | null;
  readonly response: ClockView | null;
  readonly resolution: ClockView | null;
};

export type CardFile = { readonly id: string; readonly name: string; readonly mime: string; readonly size: number };

export type CardMessage = {
  readonly id: string;
  readonly author: AppealAuthor;
  readonly staffName: string | null;
  /** For 'system' messages, a locales key. */
  readonly text: string;
  /** A note for colleagues, never sent to the resident. */
  readonly internal: boolean;
  readonly files: readonly CardFile[];
  readonly deliveredVia: string | null;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
};

export type CardEvent = { readonly id: string; readonly kind: AppealEventKind; readonly actorId: string | null; readonly data: Readonly<Record<string, unknown>>; readonly at: Date };

export type AppealCard = {
  readonly appeal: CardAppeal;
  readonly messages: readonly CardMessage[];
  /** Oldest first. */
  readonly events: readonly CardEvent[];
  /** Names of the staff and teams the messages and events mention, by id. */
  readonly names: Readonly<Record<string, string>>;
};

type Row = Record<string, unknown>;
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** An appeal with its conversation (notes included) and its history, for staff; null when not the organisation's. */
export async function appealCard(em: Em, orgId: string, appealId: string, now: Date): Promise<AppealCard | null> {
  if (!isUuid(appealId)) return null;
  const [r] = await em.execute<Row[]>(
    `select a.*, u.full_name as assignee_name, ac.number as account_number, t.name as team_name from appeals a
       left join users u on u.id = a.assignee_id
       left join accounts ac on ac.org_id = a.org_id and ac.id = a.account_id
       left join teams t on t.org_id = a.org_id and t.id = a.team_id
     where a.org_id = ? and a.id = ?`, [orgId, appealId]);
  if (!r) return null;
  const messages = await em.execute<Row[]>(
    'select id, author, staff_user_id, text, internal, attachments, delivered_via, delivered_at, created_at from appeal_messages where org_id = ? and appeal_id = ? order by id limit 500',
    [orgId, appealId]);
  const events = await em.execute<Row[]>('select id, kind, actor_id, data, at from appeal_events where org_id = ? and appeal_id = ? order by id limit 1000', [orgId, appealId]);
  const fileIds = [...new Set(messages.flatMap((m) => json<string[]>(m.attachments)).filter(isUuid))];
  const files = fileIds.length ? await em.execute<{ id: string; name: string; mime: string; size: number }[]>(
    `select id, name, mime, size from document_files where org_id = ? and id in (${placeholders(fileIds.length)})`, [orgId, ...fileIds]) : [];
  const fileOf = new Map(files.map((f) => [f.id, { id: f.id, name: f.name, mime: f.mime, size: Number(f.size) }]));
  const history = events.map((e): CardEvent => ({ id: String(e.id), kind: e.kind as AppealEventKind, actorId: (e.actor_id as string | null) ?? null, data: json(e.data) ?? {}, at: dateOf(e.at)! }));
  const names = await namesOf(em, orgId, [
    ...messages.map((m) => m.staff_user_id), ...history.flatMap((e) => [e.actorId, e.data.assigneeId, e.data.teamId]),
  ]);
  return {
    appeal: cardAppeal(r, now, await loadWorkCalendar(em, orgId)),
    messages: messages.map((m) => ({
      id: String(m.id), author: m.author as AppealAuthor, staffName: names[String(m.staff_user_id)] ?? null, text: String(m.text), internal: m.internal === true,
      files: json<string[]>(m.attachments).flatMap((id) => fileOf.get(id) ?? []), deliveredVia: (m.delivered_via as string | null) ?? null,
      deliveredAt: dateOf(m.delivered_at), createdAt: dateOf(m.created_at)!,
    })),
    events: history,
    names,
  };
}

function cardAppeal(r: Row, now: Date, cal: Awaited<ReturnType<typeof loadWorkCalendar>>): CardAppeal {
  const s = clockSourceOf(r);
  const clocks = clockViews(s, now, cal);
  return {
    id: s.id, number: s.number, type: s.type, category: s.category, status: s.status, urgent: s.urgent, text: String(r.text),
    address: (r.address as string | null) ?? null, accountNumber: (r.account_number as string | null) ?? null, accountId: (r.account_id as string | null) ?? null,
    channel: (r.channel as Channel | null) ?? null, teamId: s.teamId, teamName: (r.team_name as string | null) ?? null,
    assigneeId: s.assigneeId, assigneeName: (r.assignee_name as string | null) ?? null,
    createdAt: s.createdAt, takenAt: s.takenAt, alertedAt: s.alertedAt, closedAt: s.closedAt, respondedAt: s.respondedAt, resolvedAt: s.resolvedAt,
    rating: r.rating === null || r.rating === undefined ? null : Number(r.rating),
    response: clocks.response, resolution: clocks.resolution, missed: s.responseMet === false || s.resolutionMet === false,
  };
}

/** Staff members' and teams' names by id, in one statement each (never one per message or event). */
async function namesOf(em: Em, orgId: string, ids: readonly unknown[]): Promise<Record<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string' && isUuid(id)))];
  if (wanted.length === 0) return {};
  const rows = await em.execute<{ id: string; name: string }[]>(
    `select u.id, u.full_name as name from users u where u.id in (${placeholders(wanted.length)})
       and exists (select 1 from memberships m where m.org_id = ? and m.user_id = u.id)
     union all select t.id, t.name from teams t where t.org_id = ? and t.id in (${placeholders(wanted.length)})`,
    [...wanted, orgId, orgId, ...wanted]);
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}

export type CannedOption = Named & { readonly text: string };
export type CardOptions = { readonly teams: readonly Named[]; readonly staff: readonly StaffOption[]; readonly canned: readonly CannedOption[] };

/** What the card's forms offer: the teams, the staff to assign, the canned answers. */
export async function cardOptions(em: Em, orgId: string): Promise<CardOptions> {
  const teams = await em.execute<{ id: string; name: string }[]>('select id, name from teams where org_id = ? order by name, id', [orgId]);
  const canned = await em.execute<{ id: string; title: string; text: string }[]>('select id, title, text from canned_answers where org_id = ? order by title, id limit 200', [orgId]);
  return { teams, staff: await staffOptions(em, orgId), canned: canned.map((c) => ({ id: c.id, name: c.title, text: c.text })) };
}

/** A canned answer's text (a reply sent without JavaScript names the answer instead of copying it). */
export async function cannedText(em: Em, orgId: string, id: string): Promise<string | null> {
  if (!isUuid(id)) return null;
  const [row] = await em.execute<{ text: string }[]>('select text from canned_answers where org_id = ? and id = ?', [orgId, id]);
  return row?.text ?? null;
}

/** The file is attached to a message of this appeal (so staff who may read the appeal may open it). */
export async function isAppealFile(em: Em, orgId: string, appealId: string, fileId: string): Promise<boolean> {
  if (!isUuid(appealId) || !isUuid(fileId)) return false;
  const rows = await em.execute('select 1 from appeal_messages where org_id = ? and appeal_id = ? and attachments @> ?::jsonb limit 1',
    [orgId, appealId, JSON.stringify([fileId])]);
  return rows.length > 0;
}
