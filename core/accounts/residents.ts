import type { Em } from '../infra/database/database.ts';
import type { Locale } from '../shared/index.ts';
import { normaliseAccountNumber } from './account-number.calc.ts';

/** An account a resident linked, as the bots show it. */
export type LinkedAccount = { readonly id: string; readonly number: string; readonly address: string | null; readonly premise: string | null };

/**
 * The accounts a person linked, oldest link first (the first is the default), as one JSON array: a scalar
 * subquery a caller can put in its own statement (the dialog turn reads them in its first round trip).
 */
export const linkedAccountsJsonSql = (orgSql: string, personSql: string): string =>
  `(select coalesce(json_agg(json_build_object('id', a.id, 'number', a.number, 'address', b.address, 'premise', p.number)
      order by l.created_at, a.number), '[]'::json) from account_links l
     join accounts a on a.org_id = l.org_id and a.id = l.account_id
     left join premises p on p.org_id = a.org_id and p.id = a.premise_id
     left join buildings b on b.org_id = p.org_id and b.id = p.building_id
   where l.org_id = ${orgSql} and l.person_id = ${personSql} and a.status = 'open')`;

export async function linkedAccounts(em: Em, orgId: string, personId: string): Promise<LinkedAccount[]> {
  const [row] = await em.execute<{ linked: LinkedAccount[] }[]>(`select ${linkedAccountsJsonSql('?', '?')} as linked`, [orgId, personId]);
  return row?.linked ?? [];
}

/** An open account by the number a resident typed (spaces, dashes and case forgiven). */
export async function findOpenAccount(em: Em, orgId: string, typed: string): Promise<{ id: string; number: string } | null> {
  const number = normaliseAccountNumber(typed);
  if (!number.ok) return null;
  const [row] = await em.execute<{ id: string; number: string }[]>(
    `select id, number from accounts where org_id = ? and number = ? and status = 'open' limit 1`, [orgId, number.value]);
  return row ?? null;
}

/**
 * Whether a phone the messenger vouches for is a phone the organisation itself recorded for this account's payer
 * (from a registry or by staff) — not one a resident added through a bot, which would prove nothing.
 */
export async function phoneMatchesAccount(em: Em, orgId: string, accountId: string, phone: string): Promise<boolean> {
  const rows = await em.execute(
    `select 1 from account_links l join contacts c on c.org_id = l.org_id and c.person_id = l.person_id
     where l.org_id = ? and l.account_id = ? and l.proof in ('import', 'staff') and c.kind = 'phone' and c.value = ? limit 1`,
    [orgId, accountId, phone]);
  return rows.length > 0;
}

/** Links with its proof; linking the same account again changes nothing. */
export async function linkResident(em: Em, orgId: string, personId: string, accountId: string, proof: string, now: Date): Promise<void> {
  await em.execute(
    `insert into account_links (id, org_id, account_id, person_id, relation, proof, created_at)
     values (gen_random_uuid(), ?, ?, ?, 'payer', ?, ?) on conflict (account_id, person_id) do nothing`, [orgId, accountId, personId, proof, now]);
}

/** One tap in a bot: the link goes; the account and its history stay. Links staff or a registry made stay too. */
export async function unlinkResident(em: Em, orgId: string, personId: string, accountId: string): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `delete from account_links where org_id = ? and person_id = ? and account_id = ? and proof not in ('import', 'staff') returning id`,
    [orgId, personId, accountId]);
  return rows.length > 0;
}

export async function setIdentityPhone(em: Em, orgId: string, identityId: string, phone: string): Promise<void> {
  await em.execute('update identities set phone = ? where org_id = ? and id = ?', [phone, orgId, identityId]);
}

export async function setPersonLocale(em: Em, orgId: string, personId: string, locale: Locale): Promise<void> {
  await em.execute('update persons set locale = ? where org_id = ? and id = ?', [locale, orgId, personId]);
}

/** Notification consent of one messenger identity (152-ФЗ: who agreed, where, when — the identity and its row). */
export async function setIdentityConsent(em: Em, orgId: string, identityId: string, consent: boolean): Promise<void> {
  await em.execute('update identities set consent_notifications = ? where org_id = ? and id = ?', [consent, orgId, identityId]);
}

export async function identityFacts(em: Em, orgId: string, identityId: string): Promise<{ phone: string | null; consent: boolean }> {
  const [row] = await em.execute<{ phone: string | null; consent_notifications: boolean }[]>(
    'select phone, consent_notifications from identities where org_id = ? and id = ?', [orgId, identityId]);
  return { phone: row?.phone ?? null, consent: row?.consent_notifications ?? false };
}

/** Open accounts whose payer the organisation recorded with this phone (registry or staff), at most `limit`. */
export async function accountsByRecordedPhone(em: Em, orgId: string, phone: string, limit = 4): Promise<string[]> {
  const rows = await em.execute<{ account_id: string }[]>(
    `select distinct l.account_id from contacts c
       join account_links l on l.org_id = c.org_id and l.person_id = c.person_id and l.proof in ('import', 'staff')
       join accounts a on a.org_id = l.org_id and a.id = l.account_id and a.status = 'open'
     where c.org_id = ? and c.kind = 'phone' and c.value = ? limit ?`, [orgId, phone, limit]);
  return rows.map((r) => r.account_id);
}
