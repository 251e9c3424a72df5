import type { Em } from '../infra/database/database.ts';
import { Account, AccountLink, Building, Contact, Identity, Person, Premise,
  type AccountRow, type BuildingRow, type ContactRow, type IdentityRow, type PersonRow, type PremiseRow, type AccountLinkRow } from './accounts.entity.ts';

export const ACCOUNT_SORTS = ['number', 'payer', 'address'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export type AccountSearch = { q?: string; sort?: AccountSort; dir?: 'asc' | 'desc'; limit: number; offset: number };
export type AccountListRow = {
  id: string; number: string; payerName: string | null; address: string | null; premiseNumber: string | null;
  area: string | null; residentsCount: number; status: 'open' | 'closed';
};

const ORDER: Record<AccountSort, string> = {
  number: 'a.number', payer: 'a.payer_name', address: 'b.address_key, length(p.number), p.number',
};

/** LIKE wildcards typed by a user are searched for literally. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Staff search by account number (prefix), payer's name or address (anywhere in it). Trigram indexes serve the
 * substring searches (migration «search»); RLS already limits rows to the tenant, the org filter uses the index.
 */
export async function searchAccounts(em: Em, orgId: string, search: AccountSearch): Promise<{ rows: AccountListRow[]; total: number }> {
  const q = (search.q ?? '').trim().replace(/\s+/g, ' ').slice(0, 100);
  const params: unknown[] = [orgId];
  let where = 'a.org_id = ?';
  if (q) {
    const like = `%${likeEscape(q.toLowerCase())}%`;
    where += ` and (a.number like ? or lower(a.payer_name) like ? or b.address_key like ?)`;
    params.push(`${likeEscape(q)}%`, like, `%${likeEscape(q.toLowerCase().replace(/ё/g, 'е').replace(/[.,;]+/g, ' ').replace(/\s+/g, ' ').trim())}%`);
  }
  const from = `from accounts a left join premises p on p.id = a.premise_id left join buildings b on b.id = p.building_id where ${where}`;
  const dir = search.dir === 'desc' ? 'desc' : 'asc';
  const order = ORDER[search.sort ?? 'number'].split(', ').map((c) => `${c} ${dir}`).join(', ');
  const [rows, [count]] = await Promise.all([
    em.execute<{ id: string; number: string; payer_name: string | null; address: string | null; premise_number: string | null; area: string | null; residents_count: number; status: 'open' | 'closed' }[]>(
      `select a.id, a.number, a.payer_name, b.address, p.number as premise_number, p.area::text as area, a.residents_count, a.status
       ${from} order by ${order}, a.id limit ? offset ?`, [...params, search.limit, search.offset]),
    em.execute<{ n: number }[]>(`select count(*)::int as n ${from}`, params),
  ]);
  return {
    total: count?.n ?? 0,
    rows: rows.map((r) => ({ id: r.id, number: r.number, payerName: r.payer_name, address: r.address, premiseNumber: r.premise_number,
      area: r.area, residentsCount: r.residents_count, status: r.status })),
  };
}

export type AccountCard = {
  account: AccountRow; premise: PremiseRow | null; building: BuildingRow | null;
  people: { link: AccountLinkRow; person: PersonRow; contacts: ContactRow[]; identities: IdentityRow[] }[];
};

export async function loadAccountCard(em: Em, orgId: string, accountId: string): Promise<AccountCard | null> {
  const account = await em.findOne(Account, { org: orgId, id: accountId });
  if (!account) return null;
  const premise = account.premise ? await em.findOne(Premise, { org: orgId, id: account.premise }) : null;
  const building = premise ? await em.findOne(Building, { org: orgId, id: premise.building }) : null;
  const links = await em.find(AccountLink, { org: orgId, account: accountId }, { orderBy: { createdAt: 'asc' } });
  const personIds = links.map((l) => l.person);
  const [persons, contacts, identities] = await Promise.all([
    em.find(Person, { org: orgId, id: { $in: personIds } }),
    em.find(Contact, { org: orgId, person: { $in: personIds } }, { orderBy: { createdAt: 'asc' } }),
    em.find(Identity, { org: orgId, person: { $in: personIds } }, { orderBy: { createdAt: 'asc' } }),
  ]);
  const people = links.flatMap((link) => {
    const person = persons.find((p) => p.id === link.person);
    return person ? [{ link, person, contacts: contacts.filter((c) => c.person === person.id), identities: identities.filter((i) => i.person === person.id) }] : [];
  });
  return { account, premise, building, people };
}
