import type { Em } from '../infra/database/database.ts';
import { createHash } from 'node:crypto';
import { TENANT_SETTING } from '../infra/database/roles.ts';
import { linkedAccountsJsonSql, type LinkedAccount } from '../accounts/index.ts';

/** Channel event ids fit the inbox's 100 characters as they are; longer ones (MAX callback ids) by their hash. */
export const inboxKey = (eventKey: string): string =>
  (eventKey.length <= 100 ? eventKey : `#${createHash('sha256').update(eventKey).digest('base64url')}`);

/** The resident behind a channel identity (a person with no name yet is created on their first event). */
export type TurnIdentity = { readonly identityId: string; readonly personId: string };

export type StoredState = {
  readonly flow: string;
  readonly step: string;
  readonly version: number;
  readonly data: Record<string, unknown>;
  readonly accountId: string | null;
  readonly seq: number;
  readonly updatedAt: Date;
  readonly fresh: boolean;
  readonly locale: string;
  /** The reply given to this very event before (a redelivery), if any. */
  readonly prior: Record<string, unknown> | null;
  /** A phone the channel vouched for (WhatsApp, the caller's number, a shared own contact). */
  readonly phone: string | null;
  /** The person's linked accounts as the turn began (most steps show or use one). */
  readonly linked: readonly LinkedAccount[];
};

export type TurnStart = {
  orgId: string; channel: string; externalId: string; phone: string | null; locale: string; eventKey: string | null;
  initial: { flow: string; step: string; version: number }; now: Date;
};

/**
 * Opens a resident's turn in one round trip, in a transaction with no tenant yet: sets the tenant, takes the
 * resident's lock (events of one resident apply one at a time, whichever process took them), finds or creates the
 * identity with its person and its dialog state, and reads the state with the person's language and any reply
 * already given to this very event. The identity is named by its natural key throughout, so no statement waits
 * for another's result.
 *
 * The turn commits without waiting for its WAL flush (synchronous_commit off, this transaction only): it is visible
 * to the next event at once, and a database crash can lose at most the last fraction of a second of conversation
 * steps — the resident is asked that step again. Money never rides on it: payments commit in their own, durable
 * transactions. Waiting for every step's fsync cost more than the rest of the turn on this disk.
 */
export async function openTurn(em: Em, input: TurnStart): Promise<TurnIdentity & { state: StoredState }> {
  const who = [input.orgId, input.channel, input.externalId];
  const key = input.eventKey ? inboxKey(input.eventKey) : '';
  // A resident who wrote before (nine events in ten): the tenant, their lock and their state, nothing to create.
  const [, , known] = await em.execute<[unknown, unknown, Record<string, unknown>[]]>(
    `select set_config('${TENANT_SETTING}', ?, true), set_config('synchronous_commit', 'off', true);
     select pg_advisory_xact_lock(hashtextextended(?, 0));
     ${STATE_SELECT}`,
    [input.orgId, `dialog:${who.join(':')}`, key, ...who]);
  if (known[0]) return readTurn(known[0]);
  // A first event: the person, the identity and the state are made under the lock just taken.
  const [, , rows] = await em.execute<[unknown, unknown, Record<string, unknown>[]]>(
    `with existing as (select id from identities where org_id = ? and channel = ? and external_id = ?),
       np as (insert into persons (id, org_id, full_name, locale, created_at)
              select gen_random_uuid(), ?, null, ?, ? where not exists (select 1 from existing) returning id)
     insert into identities (id, org_id, person_id, channel, external_id, phone, consent_notifications, created_at)
       select gen_random_uuid(), ?, np.id, ?, ?, ?, false, ? from np;
     insert into dialog_states (identity_id, org_id, flow, step, version, data, account_id, seq, updated_at)
       select id, org_id, ?, ?, ?, '{}', null, 0, ? from identities where org_id = ? and channel = ? and external_id = ?
       on conflict (identity_id) do nothing;
     ${STATE_SELECT}`,
    [...who, input.orgId, input.locale, input.now, ...who, input.phone, input.now,
      input.initial.flow, input.initial.step, input.initial.version, input.now, ...who, key, ...who]);
  if (!rows[0]) throw new Error('dialog state could not be opened');
  return readTurn(rows[0]);
}

/** The state of the identity named by (org, channel, external id), with the language, a prior reply and the links. */
const STATE_SELECT = `select i.id as identity_id, i.person_id, i.phone, s.flow, s.step, s.version, s.data, s.account_id, s.seq, s.updated_at,
       (select locale from persons where id = i.person_id) as locale,
       (select reply from dialog_inbox where identity_id = i.id and event_key = ?) as prior,
       ${linkedAccountsJsonSql('i.org_id', 'i.person_id')} as linked
     from identities i join dialog_states s on s.identity_id = i.id
     where i.org_id = ? and i.channel = ? and i.external_id = ?`;

function readTurn(row: Record<string, unknown>): TurnIdentity & { state: StoredState } {
  return {
    identityId: String(row.identity_id), personId: String(row.person_id),
    state: {
      flow: String(row.flow), step: String(row.step), version: Number(row.version), data: (row.data ?? {}) as Record<string, unknown>,
      accountId: (row.account_id as string | null) ?? null, seq: Number(row.seq), updatedAt: new Date(row.updated_at as string),
      fresh: Number(row.seq) === 0, locale: String(row.locale ?? 'ru'), prior: (row.prior as Record<string, unknown> | null) ?? null,
      phone: (row.phone as string | null) ?? null, linked: (row.linked as LinkedAccount[] | null) ?? [],
    },
  };
}

/** Writes the new state and remembers the reply to this event, in one round trip. */
export async function saveTurn(
  em: Em, input: {
    orgId: string; identityId: string; flow: string; step: string; version: number; data: Record<string, unknown>;
    accountId: string | null; connectionId: string | null; chatId: string; eventKey: string | null; reply: Record<string, unknown>; now: Date;
  },
): Promise<void> {
  const inbox = input.eventKey
    ? `; insert into dialog_inbox (identity_id, event_key, org_id, reply, created_at) values (?, ?, ?, ?, ?) on conflict do nothing`
    : '';
  await em.execute(
    `update dialog_states set flow = ?, step = ?, version = ?, data = ?, account_id = ?, connection_id = ?, chat_id = ?, seq = seq + 1, updated_at = ? where identity_id = ?${inbox}`,
    [input.flow, input.step, input.version, JSON.stringify(input.data), input.accountId, input.connectionId, input.chatId.slice(0, 64), input.now, input.identityId,
      ...(input.eventKey ? [input.identityId, inboxKey(input.eventKey), input.orgId, JSON.stringify(input.reply), input.now] : [])]);
}

/** Replaces the remembered reply of an event (its later part came after the state was saved). */
export async function rememberReply(em: Em, identityId: string, eventKey: string, reply: object): Promise<void> {
  await em.execute('update dialog_inbox set reply = ? where identity_id = ? and event_key = ?', [JSON.stringify(reply), identityId, inboxKey(eventKey)]);
}

/** Old handled-event replies (a week: redeliveries come within hours) and web-chat messages (30 days) go. */
export async function pruneConversations(em: Em, now: Date): Promise<number> {
  const [row] = await em.execute<{ n: string }[]>('select fp_prune_conversations(?, ?) as n',
    [new Date(now.getTime() - 7 * 86_400_000), new Date(now.getTime() - 30 * 86_400_000)]);
  return Number(row?.n ?? 0);
}

/** Remembers which chat started a payment, so the receipt goes back there when the bank confirms it. */
export async function recordDialogPayment(
  em: Em, input: { orgId: string; paymentId: string; identityId: string; channel: string; connectionId: string | null; chatId: string; now: Date },
): Promise<void> {
  await em.execute(
    `insert into dialog_payments (payment_id, org_id, identity_id, channel, connection_id, chat_id, created_at) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
    [input.paymentId, input.orgId, input.identityId, input.channel, input.connectionId, input.chatId.slice(0, 64), input.now]);
}

/**
 * The resident's messenger chats (the robot sends links there): their own person's, and those of identities that
 * share the caller's vouched phone (a Telegram contact shared, the WhatsApp number) — the same human on another
 * channel, who the bots otherwise know as another person.
 */
export async function messengerChats(em: Em, orgId: string, personId: string, identityId: string): Promise<{ channel: string; connectionId: string | null; chatId: string; identityId: string; locale: string }[]> {
  return em.execute(
    `select i.channel, s.connection_id as "connectionId", s.chat_id as "chatId", i.id as "identityId", p.locale from identities i
       join dialog_states s on s.identity_id = i.id join persons p on p.org_id = i.org_id and p.id = i.person_id
     where i.org_id = ? and i.channel in ('telegram', 'max', 'whatsapp') and s.chat_id is not null
       and (i.person_id = ? or i.phone = (select phone from identities where org_id = ? and id = ? and phone is not null))
     order by (i.person_id = ?) desc, s.updated_at desc`, [orgId, personId, orgId, identityId, personId]);
}

/** Where an identity last wrote from, for a message that is not a reply (a receipt, a staff answer). */
export async function chatOf(em: Em, orgId: string, identityId: string): Promise<{ channel: string; connectionId: string | null; chatId: string; locale: string } | null> {
  const [row] = await em.execute<{ channel: string; connectionId: string | null; chatId: string; locale: string }[]>(
    `select i.channel, s.connection_id as "connectionId", s.chat_id as "chatId", p.locale from identities i
       join dialog_states s on s.identity_id = i.id join persons p on p.org_id = i.org_id and p.id = i.person_id
     where i.org_id = ? and i.id = ? and s.chat_id is not null`, [orgId, identityId]);
  return row ?? null;
}

/**
 * Puts a resident's dialog at a step from outside a turn (staff asked them something: rate the answer, reply to
 * the appeal). The resident's lock (the same as a turn's) keeps a turn of theirs from interleaving.
 */
export async function steerDialog(
  em: Em, input: { orgId: string; identityId: string; flow: string; step: string; version: number; data: Record<string, unknown>; now: Date },
): Promise<boolean> {
  const [who] = await em.execute<{ channel: string; external_id: string }[]>('select channel, external_id from identities where org_id = ? and id = ?', [input.orgId, input.identityId]);
  if (!who) return false;
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`dialog:${input.orgId}:${who.channel}:${who.external_id}`]);
  const rows = await em.execute('update dialog_states set flow = ?, step = ?, version = ?, data = ?, updated_at = ? where identity_id = ? returning identity_id',
    [input.flow, input.step, input.version, JSON.stringify(input.data), input.now, input.identityId]);
  return rows.length > 0;
}
