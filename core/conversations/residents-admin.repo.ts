import { normaliseAccountNumber, normalisePhone } from '../accounts/index.ts';
import { recordAudit, type Actor } from '../audit/index.ts';
import type { Em } from '../infra/database/database.ts';

/** One way a resident reaches the organisation, as staff see it on the residents pages. */
export type ResidentIdentity = {
  readonly id: string;
  readonly channel: string;
  readonly externalId: string;
  readonly phone: string | null;
  readonly consent: boolean;
  readonly createdAt: Date;
  /** When this identity's dialog last moved; null: it never talked to a bot. */
  readonly lastActiveAt: Date | null;
};

export type ResidentLink = {
  readonly accountId: string;
  readonly number: string;
  readonly status: string;
  readonly address: string | null;
  readonly premise: string | null;
  readonly relation: string;
  readonly proof: string;
  readonly createdAt: Date;
};

export type ResidentRow = {
  readonly personId: string;
  readonly fullName: string | null;
  readonly identities: readonly ResidentIdentity[];
  readonly links: readonly ResidentLink[];
  readonly lastActiveAt: Date | null;
};

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));
const marks = (ids: readonly string[]) => ids.map(() => '?').join(', ');

/**
 * The people a query points at: a phone (a messenger's verified one, the caller's, or one the organisation keeps
 * as a contact), a messenger id as the channel gives it, or an account number. No query: everyone who ever wrote.
 */
function hitsSql(orgId: string, q: string): { sql: string; params: unknown[] } {
  if (!q) return { sql: 'select distinct person_id from identities where org_id = ?', params: [orgId] };
  const phone = normalisePhone(q);
  const number = normaliseAccountNumber(q);
  const parts = ['select person_id from identities where org_id = ? and external_id = ?'];
  const params: unknown[] = [orgId, q.slice(0, 128)];
  if (phone.ok) {
    // WhatsApp and the phone robot name a resident by the number's digits, which may be all they know of it.
    parts.push('select person_id from identities where org_id = ? and (phone = ? or external_id = ?)', `select person_id from contacts where org_id = ? and kind = 'phone' and value = ?`);
    params.push(orgId, phone.value, phone.value.slice(1), orgId, phone.value);
  }
  if (number.ok) {
    parts.push(`select l.person_id from account_links l join accounts a on a.org_id = l.org_id and a.id = l.account_id where l.org_id = ? and a.number = ?`);
    params.push(orgId, number.value);
  }
  return { sql: parts.join(' union '), params };
}

async function identitiesOf(em: Em, orgId: string, personIds: readonly string[]): Promise<Map<string, ResidentIdentity[]>> {
  const rows = personIds.length ? await em.execute<Record<string, unknown>[]>(
    `select i.id, i.person_id, i.channel, i.external_id, i.phone, i.consent_notifications, i.created_at, s.updated_at as last_active_at
     from identities i left join dialog_states s on s.identity_id = i.id
     where i.org_id = ? and i.person_id in (${marks(personIds)}) order by i.created_at, i.id`, [orgId, ...personIds]) : [];
  const out = new Map<string, ResidentIdentity[]>();
  for (const r of rows) {
    const list = out.get(String(r.person_id)) ?? [];
    list.push({
      id: String(r.id), channel: String(r.channel), externalId: String(r.external_id), phone: (r.phone as string | null) ?? null,
      consent: r.consent_notifications === true, createdAt: date(r.created_at)!, lastActiveAt: date(r.last_active_at),
    });
    out.set(String(r.person_id), list);
  }
  return out;
}

async function linksOf(em: Em, orgId: string, personIds: readonly string[]): Promise<Map<string, ResidentLink[]>> {
  const rows = personIds.length ? await em.execute<Record<string, unknown>[]>(
    `select l.person_id, a.id as account_id, a.number, a.status, b.address, p.number as premise, l.relation, l.proof, l.created_at
     from account_links l join accounts a on a.org_id = l.org_id and a.id = l.account_id
       left join premises p on p.org_id = a.org_id and p.id = a.premise_id
       left join buildings b on b.org_id = p.org_id and b.id = p.building_id
     where l.org_id = ? and l.person_id in (${marks(personIds)}) order by l.created_at, a.number`, [orgId, ...personIds]) : [];
  const out = new Map<string, ResidentLink[]>();
  for (const r of rows) {
    const list = out.get(String(r.person_id)) ?? [];
    list.push({
      accountId: String(r.account_id), number: String(r.number), status: String(r.status), address: (r.address as string | null) ?? null,
      premise: (r.premise as string | null) ?? null, relation: String(r.relation), proof: String(r.proof), createdAt: date(r.created_at)!,
    });
    out.set(String(r.person_id), list);
  }
  return out;
}

/** A page of residents, the most recently active first, each with their channels and linked accounts. */
export async function searchResidents(em: Em, orgId: string, search: { q: string; limit: number; offset: number }): Promise<{ rows: ResidentRow[]; total: number }> {
  const hits = hitsSql(orgId, search.q.trim());
  const rows = await em.execute<{ id: string; full_name: string | null; last_active_at: unknown; total: number }[]>(
    `with hits as materialized (${hits.sql})
     select p.id, p.full_name, (select max(s.updated_at) from identities i join dialog_states s on s.identity_id = i.id
         where i.org_id = p.org_id and i.person_id = p.id) as last_active_at, (select count(*) from hits)::int as total
     from persons p join hits h on h.person_id = p.id where p.org_id = ?
     order by last_active_at desc nulls last, p.created_at desc, p.id limit ? offset ?`, [...hits.params, orgId, search.limit, search.offset]);
  const ids = rows.map((r) => r.id);
  const [identities, links] = [await identitiesOf(em, orgId, ids), await linksOf(em, orgId, ids)];
  return {
    total: rows[0]?.total ?? 0,
    rows: rows.map((r) => ({
      personId: r.id, fullName: r.full_name, lastActiveAt: date(r.last_active_at), identities: identities.get(r.id) ?? [], links: links.get(r.id) ?? [],
    })),
  };
}

/** One resident's card; null when the person is not this organisation's. */
export async function residentCard(em: Em, orgId: string, personId: string): Promise<(ResidentRow & { readonly locale: string; readonly createdAt: Date }) | null> {
  const [row] = await em.execute<{ id: string; full_name: string | null; locale: string; created_at: unknown }[]>(
    'select id, full_name, locale, created_at from persons where org_id = ? and id = ?', [orgId, personId]);
  if (!row) return null;
  const [identities, links] = [(await identitiesOf(em, orgId, [personId])).get(personId) ?? [], (await linksOf(em, orgId, [personId])).get(personId) ?? []];
  const active = identities.map((i) => i.lastActiveAt?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return { personId, fullName: row.full_name, locale: row.locale, createdAt: date(row.created_at)!, identities, links, lastActiveAt: active ? new Date(active) : null };
}

/**
 * Staff unlink any link, whatever proved it (the bots' own unlink keeps those made by a registry or by staff).
 * The account and its history stay; the audit entry sits on the account, so its card shows who did it.
 */
export async function unlinkResidentByStaff(em: Em, orgId: string, personId: string, accountId: string, actor: Actor, now: Date): Promise<boolean> {
  const [gone] = await em.execute<{ proof: string; relation: string }[]>(
    'delete from account_links where org_id = ? and person_id = ? and account_id = ? returning proof, relation', [orgId, personId, accountId]);
  if (!gone) return false;
  recordAudit(em, orgId, actor, {
    action: 'resident.unlink', entityType: 'account', entityId: accountId,
    changes: { personId: [personId, null], proof: [gone.proof, null], relation: [gone.relation, null] },
  }, now);
  return true;
}

/** The organisation's phone robot and bot phones, and its meter-reading days (null: not set / any day). */
export type VoiceSettings = {
  readonly voiceNumber: string | null;
  readonly operatorPhone: string | null;
  readonly dispatcherPhone: string | null;
  readonly readingDayFrom: number | null;
  readonly readingDayTo: number | null;
};

const VOICE_COLUMNS = { voiceNumber: 'voice_number', operatorPhone: 'operator_phone', dispatcherPhone: 'dispatcher_phone', readingDayFrom: 'reading_day_from', readingDayTo: 'reading_day_to' } as const;
const VOICE_FIELDS = Object.keys(VOICE_COLUMNS) as (keyof VoiceSettings)[];

export async function voiceSettings(em: Em, orgId: string): Promise<VoiceSettings | null> {
  const [row] = await em.execute<Record<string, unknown>[]>(
    `select ${Object.values(VOICE_COLUMNS).join(', ')} from organizations where id = ?`, [orgId]);
  if (!row) return null;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    voiceNumber: (row.voice_number as string | null) ?? null, operatorPhone: (row.operator_phone as string | null) ?? null,
    dispatcherPhone: (row.dispatcher_phone as string | null) ?? null, readingDayFrom: num(row.reading_day_from), readingDayTo: num(row.reading_day_to),
  };
}

/**
 * Saves checked settings with one audit entry of what changed. A voice number is unique across the platform (the
 * robot finds the organisation by the number called): another organisation's number fails the statement, see
 * isVoiceNumberTaken. False when the organisation is not visible.
 */
export async function saveVoiceSettings(em: Em, orgId: string, next: VoiceSettings, actor: Actor, now: Date): Promise<boolean> {
  const before = await voiceSettings(em, orgId);
  if (!before) return false;
  const changed = VOICE_FIELDS.filter((f) => before[f] !== next[f]);
  if (!changed.length) return true;
  await em.execute(`update organizations set ${changed.map((f) => `${VOICE_COLUMNS[f]} = ?`).join(', ')}, updated_at = ? where id = ?`,
    [...changed.map((f) => next[f]), now, orgId]);
  recordAudit(em, orgId, actor, {
    action: 'organization.voice', entityType: 'organization', entityId: orgId,
    changes: Object.fromEntries(changed.map((f) => [f, [before[f], next[f]] as const])),
  }, now);
  return true;
}

/** The unique key on organizations.voice_number refused the number: another organisation's robot answers it. */
export const isVoiceNumberTaken = (e: unknown): boolean =>
  (e as { code?: unknown }).code === '23505' && /organizations_voice_number_unique/.test(String((e as Error).message));
