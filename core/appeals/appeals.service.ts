import type { Channel } from '../accounts/index.ts';
import { chatOf, messengerChats } from '../conversations/index.ts';
import { MAX_FILE_BYTES, saveDocumentFile } from '../documents/index.ts';
import type { Em } from '../infra/database/database.ts';
import { ok, type Result } from '../shared/index.ts';
import type { AppealStatus, AppealType } from './appeals.entity.ts';
import { addEvent, addMessage, stateOf } from './appeal-record.ts';
import { checkAttachment, type AttachmentRefusal } from './attachment.calc.ts';
import { startAppeal } from './workflow.ts';

/** A messenger message holds 4096 characters at most; an appeal's text is kept to what staff can read in one go. */
export const MAX_APPEAL_TEXT = 4000;

export type AppealInput = {
  readonly orgId: string;
  readonly type: AppealType;
  readonly category?: string | null;
  readonly urgent?: boolean;
  readonly personId?: string | null;
  readonly identityId?: string | null;
  readonly channel?: Channel | null;
  readonly accountId?: string | null;
  readonly address?: string | null;
  readonly text: string;
  /** document_files ids. */
  readonly attachments?: readonly string[];
  readonly now: Date;
};

/**
 * Files an appeal with its first message (the resident's words), starts its SLA clocks under the organisation's
 * policy, and routes it (team, and the least loaded member on duty when the rule says so). Numbers run per
 * organisation without gaps for residents to quote: the organisation's lock serialises filings until the
 * transaction ends, so two at once cannot both take max + 1.
 */
export async function fileAppeal(em: Em, input: AppealInput): Promise<{ id: string; number: number }> {
  const text = input.text.trim().slice(0, MAX_APPEAL_TEXT);
  if (!text) throw new RangeError('an appeal needs a text');
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`appeal-number:${input.orgId}`]);
  const [row] = await em.execute<Record<string, unknown>[]>(
    `insert into appeals (id, org_id, number, type, category, status, urgent, person_id, identity_id, channel, account_id, building_id, address, text, created_at, updated_at)
     select gen_random_uuid(), ?, coalesce(max(number), 0) + 1, ?, ?, 'new', ?, ?, ?, ?, ?,
       (select p.building_id from accounts a join premises p on p.id = a.premise_id where a.org_id = ? and a.id = ?), ?, ?, ?, ? from appeals where org_id = ?
     returning *`,
    [input.orgId, input.type, input.category?.slice(0, 32) ?? null, input.urgent ?? false, input.personId ?? null, input.identityId ?? null,
      input.channel ?? null, input.accountId ?? null, input.orgId, input.accountId ?? null, input.address?.trim().slice(0, 500) || null, text, input.now, input.now, input.orgId]);
  const filed = stateOf(row!);
  await addMessage(em, { orgId: input.orgId, appealId: filed.id, author: 'resident', staffUserId: null, text, attachments: input.attachments ?? [], now: input.now });
  await addEvent(em, { orgId: input.orgId, appealId: filed.id, kind: 'filed', data: { type: filed.type, category: filed.category, channel: input.channel ?? null }, now: input.now });
  await startAppeal(em, filed, input.now);
  return { id: filed.id, number: filed.number };
}
/** Keeps a resident's photo or scan for an appeal, after checking what it really is and its size. */
export async function saveAppealAttachment(
  em: Em, orgId: string, file: { name: string; data: Buffer }, now: Date,
): Promise<Result<string, AttachmentRefusal>> {
  const checked = checkAttachment(file.data, MAX_FILE_BYTES);
  if (!checked.ok) return checked;
  return ok(await saveDocumentFile(em, orgId, { kind: 'attachment', name: file.name || 'file', mime: checked.value.mime, data: file.data }, now));
}

/** What names an appeal wherever it is listed: for the resident («мои обращения») and in the staff inbox. */
export type AppealHeading = {
  readonly id: string;
  readonly number: number;
  readonly type: AppealType;
  readonly category: string | null;
  readonly status: AppealStatus;
  readonly urgent: boolean;
};

export type ResidentAppeal = AppealHeading & { readonly text: string; readonly createdAt: Date };

/** A resident's appeals, latest first («мои обращения»). */
export async function residentAppeals(em: Em, orgId: string, personId: string, limit = 20): Promise<ResidentAppeal[]> {
  const rows = await em.execute<{ id: string; number: number; type: AppealType; category: string | null; status: AppealStatus; urgent: boolean; text: string; created_at: string | Date }[]>(
    `select id, number, type, category, status, urgent, text, created_at from appeals where org_id = ? and person_id = ?
     order by created_at desc, number desc limit ?`, [orgId, personId, limit]);
  return rows.map((r) => ({ id: r.id, number: Number(r.number), type: r.type, category: r.category, status: r.status, urgent: r.urgent === true, text: r.text, createdAt: new Date(r.created_at) }));
}

/** Where messages about an appeal go: its resident's chat. */
export type AppealChat = {
  readonly channel: Channel;
  readonly connectionId: string | null;
  readonly chatId: string;
  readonly identityId: string;
  readonly locale: string;
};

/**
 * The chat the appeal came from. A call has no chat to write back to, so an appeal filed by phone is answered in
 * the resident's latest messenger chat instead; null when there is none (staff call back, or e-mail/SMS).
 */
export async function appealChat(em: Em, orgId: string, appeal: { identityId: string | null; personId: string | null }): Promise<AppealChat | null> {
  const chat = appeal.identityId ? await chatOf(em, orgId, appeal.identityId) : null;
  if (chat && chat.channel !== 'voice') return { ...chat, identityId: appeal.identityId! } as AppealChat;
  const other = appeal.personId && appeal.identityId ? (await messengerChats(em, orgId, appeal.personId, appeal.identityId))[0] ?? null : null;
  return other as AppealChat | null;
}

/** Records that a staff answer reached the resident (the outbound worker calls this); only the first delivery counts. */
export async function markDelivered(em: Em, orgId: string, messageId: string, via: string, now: Date): Promise<boolean> {
  if (!/^\d{1,18}$/.test(messageId)) return false;
  const rows = await em.execute<{ id: string; appeal_id: string }[]>(
    `update appeal_messages set delivered_via = ?, delivered_at = ? where org_id = ? and id = ? and delivered_at is null returning id, appeal_id`,
    [via.slice(0, 16), now, orgId, messageId]);
  if (rows.length === 0) return false;
  await addEvent(em, { orgId, appealId: rows[0]!.appeal_id, kind: 'delivered', data: { messageId, via: via.slice(0, 16) }, now });
  return true;
}
