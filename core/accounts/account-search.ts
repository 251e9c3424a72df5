import type { Em } from '../infra/database/database.ts';
import { likeEscape } from '../shared/index.ts';
import { addressKey } from './address.calc.ts';
import { Account, AccountLink, Building, Contact, Identity, Person, Premise,
  type AccountRow, type BuildingRow, type ContactRow, type IdentityRow, type PersonRow, type PremiseRow, type AccountLinkRow } from './accounts.entity.ts';

export const ACCOUNT_SORTS = ['number', 'payer', 'address'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

/** Beyond this many accounts the unfiltered list shows «more than» instead of the exact total. */
export const COUNT_CAP = 10_000;

export type AccountSearch = { q?: string; sort?: AccountSort; dir?: 'asc' | 'desc'; limit: number; offset: number };
export type AccountListRow = {
  id: string; number: string; payerName: string | null; address: string | null; premiseNumber: string | null;
  area: string | null; residentsCount: number; status: 'open' | 'closed';
};

const ORDER: Record<AccountSort, string> = {
  number: 'a.number', payer: 'a.payer_name', address: 'b.address_key, length(p.number), p.number',
};

/** Staff search by account number (prefix), payer's name or address (anywhere in it), sorted and paged. */
export async function searchAccounts(em: Em, orgId: string, search: AccountSearch): Promise<{ rows: AccountListRow[]; total: number }> {
  const q = (search.q ?? '').trim().replace(/\s+/g, ' ').slice(0, 100);
  const dir = search.dir === 'desc' ? 'desc' : 'asc';
  const order = ORDER[search.sort ?? 'number'].split(', ').map((c) => `${c} ${dir}`).join(', ');
  // Candidates come from fp_account_search (migration «account_search»): it applies the transaction's tenant itself
  // so the indexes can serve LIKE, which row-level security would otherwise keep out of index scans.
  const words = addressKey(q).split(' ').filter(Boolean).slice(0, 8).map((w) => `%${likeEscape(w)}%`);
  // No words (a query of punctuation only) must match no address, not all of them: `like all (null)` is null.
  const wordsSql = words.length ? `array[${words.map(() => '?').join(', ')}]::text[]` : 'null::text[]';
  const hitParams = q ? [`${likeEscape(q)}%`, `%${likeEscape(q.toLowerCase())}%`, ...words] : [];
  const hits = q ? `with hits as materialized (select id from fp_account_search(?, ?, ${wordsSql})) ` : '';
  // The candidates are found once and counted in the same statement as the page.
  // Counting every account of a large organisation on each page view costs more than the page: past COUNT_CAP the
  // list says «more than 10 000» (the total counts exactly what a search found, which it has at hand).
  const total = q ? '(select count(*) from hits)::int' : `(select count(*) from (select 1 from accounts where org_id = ? limit ${COUNT_CAP + 1}) c)::int`;
  const rows = await em.execute<{ id: string; number: string; payer_name: string | null; address: string | null; premise_number: string | null; area: string | null; residents_count: number; status: 'open' | 'closed'; total: number }[]>(
    `${hits}select a.id, a.number, a.payer_name, b.address, p.number as premise_number, p.area::text as area, a.residents_count, a.status, ${total} as total
     from accounts a ${q ? 'join hits h on h.id = a.id' : ''} left join premises p on p.id = a.premise_id left join buildings b on b.id = p.building_id
     where a.org_id = ? order by ${order}, a.id limit ? offset ?`, [...hitParams, ...(q ? [] : [orgId]), orgId, search.limit, search.offset]);
  // A page past the end has no row to carry the total; ask for it alone then.
  const count = rows[0]?.total ?? (search.offset > 0 ? (await em.execute<{ n: number }[]>(`${hits}select ${total} as n`, q ? hitParams : [orgId]))[0]?.n : 0);
  return {
    total: count ?? 0,
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
