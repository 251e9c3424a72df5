import type { Channel } from '../accounts/index.ts';
import { chatOf, messengerChats } from '../conversations/index.ts';
import { MAX_FILE_BYTES, saveDocumentFile } from '../documents/index.ts';
import type { Em } from '../infra/database/database.ts';
import { err, isLocale, isUuid, ok, type Locale, type Result } from '../shared/index.ts';
import type { AppealStatus, AppealType } from './appeals.entity.ts';
import { checkAttachment, type AttachmentRefusal } from './attachment.calc.ts';

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
 * Files an appeal with its first message (the resident's words). Numbers run per organisation without gaps for
 * residents to quote: the organisation's lock serialises filings until the transaction ends, so two at once cannot
 * both take max + 1.
 */
export async function fileAppeal(em: Em, input: AppealInput): Promise<{ id: string; number: number }> {
  const text = input.text.trim().slice(0, MAX_APPEAL_TEXT);
  if (!text) throw new RangeError('an appeal needs a text');
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`appeal-number:${input.orgId}`]);
  const [row] = await em.execute<{ id: string; number: number }[]>(
    `insert into appeals (id, org_id, number, type, category, status, urgent, person_id, identity_id, channel, account_id, address, text, created_at, updated_at)
     select gen_random_uuid(), ?, coalesce(max(number), 0) + 1, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ? from appeals where org_id = ?
     returning id, number`,
    [input.orgId, input.type, input.category?.slice(0, 32) ?? null, input.urgent ?? false, input.personId ?? null, input.identityId ?? null,
      input.channel ?? null, input.accountId ?? null, input.address?.trim().slice(0, 500) || null, text, input.now, input.now, input.orgId]);
  await addMessage(em, { orgId: input.orgId, appealId: row!.id, author: 'resident', staffUserId: null, text, attachments: input.attachments ?? [], now: input.now });
  return { id: row!.id, number: Number(row!.number) };
}

async function addMessage(
  em: Em, m: { orgId: string; appealId: string; author: 'resident' | 'staff'; staffUserId: string | null; text: string; attachments: readonly string[]; now: Date },
): Promise<string> {
  const [row] = await em.execute<{ id: string }[]>(
    `insert into appeal_messages (org_id, appeal_id, author, staff_user_id, text, attachments, created_at) values (?, ?, ?, ?, ?, ?::jsonb, ?) returning id`,
    [m.orgId, m.appealId, m.author, m.staffUserId, m.text, JSON.stringify(m.attachments), m.now]);
  return String(row!.id);
}

/** Keeps a resident's photo or scan for an appeal, after checking what it really is and its size. */
export async function saveAppealAttachment(
  em: Em, orgId: string, file: { name: string; data: Buffer }, now: Date,
): Promise<Result<string, AttachmentRefusal>> {
  const checked = checkAttachment(file.data, MAX_FILE_BYTES);
  if (!checked.ok) return checked;
  return ok(await saveDocumentFile(em, orgId, { kind: 'attachment', name: file.name || 'file', mime: checked.value.mime, data: file.data }, now));
}

export type ResidentAppeal = {
  readonly id: string;
  readonly number: number;
  readonly type: AppealType;
  readonly category: string | null;
  readonly status: AppealStatus;
  readonly urgent: boolean;
  readonly text: string;
  readonly createdAt: Date;
};

/** A resident's appeals, latest first («мои обращения»). */
export async function residentAppeals(em: Em, orgId: string, personId: string, limit = 20): Promise<ResidentAppeal[]> {
  const rows = await em.execute<{ id: string; number: number; type: AppealType; category: string | null; status: AppealStatus; urgent: boolean; text: string; created_at: string | Date }[]>(
    `select id, number, type, category, status, urgent, text, created_at from appeals where org_id = ? and person_id = ?
     order by created_at desc, number desc limit ?`, [orgId, personId, limit]);
  return rows.map((r) => ({ id: r.id, number: Number(r.number), type: r.type, category: r.category, status: r.status, urgent: r.urgent === true, text: r.text, createdAt: new Date(r.created_at) }));
}

/** A text of locales/ with its variables (the same shape as the dialogs' Phrase). */
type AppealPhrase = { readonly key: string; readonly vars?: Readonly<Record<string, string | number>> };

/**
 * A message to a resident's chat. Field for field the dialogs' OutboundMessage (core may not import dialogs/),
 * so the caller passes it to the outbound queue as it is.
 */
export type AppealOutbound = {
  readonly channel: Channel;
  readonly orgId: string;
  readonly connectionId: string | null;
  readonly chatId: string;
  readonly locale: Locale;
  readonly intents: readonly (
    | { readonly type: 'text'; readonly text: AppealPhrase }
    | { readonly type: 'document'; readonly name: string; readonly url: string; readonly fileId: string; readonly caption?: AppealPhrase }
  )[];
  readonly expect: { readonly kind: 'none' };
  readonly key: string;
};

export type AnswerInput = {
  readonly orgId: string;
  readonly appealId: string;
  readonly staffUserId: string;
  readonly text: string;
  /** document_files ids of the organisation. */
  readonly attachments?: readonly string[];
  readonly now: Date;
  /** A signed URL of a file, for attachments to reach the chat (dialogs' services.fileUrl). */
  readonly fileUrl?: (orgId: string, fileId: string) => string;
};

export type AnswerError = 'APPEALS.NOT_FOUND' | 'APPEALS.TEXT_REQUIRED' | 'APPEALS.ATTACHMENT_NOT_FOUND';

/**
 * A staff answer: the message is kept, the appeal becomes 'answered', and the message for the resident comes back
 * for the caller to queue once this transaction commits (null when there is no chat to write to: the appeal came
 * by phone and the resident has no messenger, so staff call back). `markDelivered` records that it went out.
 */
export async function answerAppeal(
  em: Em, input: AnswerInput,
): Promise<Result<{ messageId: string; number: number; outbound: AppealOutbound | null }, AnswerError>> {
  const text = input.text.trim().slice(0, MAX_APPEAL_TEXT);
  const attachments = [...new Set(input.attachments ?? [])];
  if (!text && attachments.length === 0) return err('APPEALS.TEXT_REQUIRED');
  if (!isUuid(input.appealId)) return err('APPEALS.NOT_FOUND');
  if (!attachments.every(isUuid)) return err('APPEALS.ATTACHMENT_NOT_FOUND');
  const files = attachments.length === 0 ? [] : await em.execute<{ id: string; name: string }[]>(
    `select id, name from document_files where org_id = ? and id in (${attachments.map(() => '?').join(', ')})`, [input.orgId, ...attachments]);
  if (files.length !== attachments.length) return err('APPEALS.ATTACHMENT_NOT_FOUND');
  const [appeal] = await em.execute<{ number: number; identity_id: string | null; person_id: string | null }[]>(
    `update appeals set status = 'answered', updated_at = ? where org_id = ? and id = ? returning number, identity_id, person_id`,
    [input.now, input.orgId, input.appealId]);
  if (!appeal) return err('APPEALS.NOT_FOUND');
  const number = Number(appeal.number);
  const messageId = await addMessage(em, { orgId: input.orgId, appealId: input.appealId, author: 'staff', staffUserId: input.staffUserId, text, attachments, now: input.now });
  const chat = await answerChat(em, input.orgId, appeal.identity_id, appeal.person_id);
  if (!chat) return ok({ messageId, number, outbound: null });
  const fileUrl = input.fileUrl;
  const outbound: AppealOutbound = {
    channel: chat.channel as Channel, orgId: input.orgId, connectionId: chat.connectionId, chatId: chat.chatId,
    locale: isLocale(chat.locale) ? chat.locale : 'ru',
    intents: [
      text ? { type: 'text', text: { key: 'appeals.answer', vars: { number, text } } } : { type: 'text', text: { key: 'appeals.answerFiles', vars: { number } } },
      ...(fileUrl ? files.map((f) => ({ type: 'document' as const, name: f.name, url: fileUrl(input.orgId, f.id), fileId: f.id })) : []),
    ],
    expect: { kind: 'none' }, key: `appeal-answer:${messageId}`,
  };
  return ok({ messageId, number, outbound });
}

/**
 * Where the answer goes: the chat the appeal came from. A call has no chat to write back to, so an appeal filed by
 * phone is answered in the resident's latest messenger chat instead.
 */
async function answerChat(em: Em, orgId: string, identityId: string | null, personId: string | null) {
  const chat = identityId ? await chatOf(em, orgId, identityId) : null;
  if (chat && chat.channel !== 'voice') return chat;
  return personId && identityId ? (await messengerChats(em, orgId, personId, identityId))[0] ?? null : null;
}

/** Records that a staff answer reached the resident (the outbound worker calls this); only the first delivery counts. */
export async function markDelivered(em: Em, orgId: string, messageId: string, via: string, now: Date): Promise<boolean> {
  if (!/^\d{1,18}$/.test(messageId)) return false;
  const rows = await em.execute<{ id: string }[]>(
    `update appeal_messages set delivered_via = ?, delivered_at = ? where org_id = ? and id = ? and delivered_at is null returning id`,
    [via.slice(0, 16), now, orgId, messageId]);
  return rows.length > 0;
}
