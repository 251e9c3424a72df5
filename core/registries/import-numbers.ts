import { formatAssignedAccountNumber } from '../accounts/index.ts';
import type { Em } from '../infra/database/database.ts';
import type { AssignedNumber } from './import.types.ts';
import { STAGING_TABLE as S } from './staging.ts';

type Ctx = { readonly em: Em; readonly orgId: string };
const CREATE_ASSIGNED = `create temporary table registry_assigned (address_key text, premise text, number text, line int, address text) on commit drop`;
type Unnumbered = { address_key: string; premise: string; address: string; line: number };

/**
 * Rows without an account number belong to the premise's open account when it has one; the other premises get a
 * FamilyPay number (sequence + Luhn digit, account-number.calc.ts), one per premise, in the order of the file.
 * The sequence row is locked by the update, so two imports never hand out the same numbers.
 */
export async function assignNumbers({ em, orgId }: Ctx): Promise<AssignedNumber[]> {
  await em.execute(CREATE_ASSIGNED);
  await em.execute(`update ${S} s set account = found.number from (
      select distinct on (b.address_key, p.number) b.address_key, p.number as premise, a.number
      from accounts a join premises p on p.id = a.premise_id join buildings b on b.id = p.building_id
      where a.org_id = ? and a.status = 'open' order by b.address_key, p.number, a.created_at) found
    where s.account is null and s.address_key = found.address_key and s.premise = found.premise`, [orgId]);
  const unnumbered = await em.execute<Unnumbered[]>(`select distinct on (address_key, premise) address_key, premise, address, line
    from ${S} where account is null order by address_key, premise, line`);
  if (unnumbered.length === 0) return [];
  unnumbered.sort((a, b) => a.line - b.line);
  const numbers = await freeNumbers(em, orgId, unnumbered.length);
  const assigned = unnumbered.map((u, i) => ({ line: u.line, number: numbers[i]!, address: u.address, premise: u.premise, key: u.address_key }));
  await em.execute(`insert into registry_assigned (address_key, premise, number, line, address)
    select x.key, x.premise, x.number, x.line, x.address from json_to_recordset(?::json) as x(key text, premise text, number text, line int, address text)`,
  [JSON.stringify(assigned)]);
  await em.execute(`update ${S} s set account = n.number from registry_assigned n
    where s.account is null and s.address_key = n.address_key and s.premise = n.premise`);
  return assigned.map(({ key: _key, ...rest }) => rest);
}

/** For a file where every row has its number: the (empty) table later statements join. */
export async function noNumbers({ em }: Ctx): Promise<AssignedNumber[]> {
  await em.execute(CREATE_ASSIGNED);
  return [];
}

/** `wanted` numbers from the sequence, skipping any a customer already uses (in the catalogue or in this file). */
async function freeNumbers(em: Em, orgId: string, wanted: number): Promise<string[]> {
  const result: string[] = [];
  while (result.length < wanted) {
    const need = wanted - result.length;
    const [row] = await em.execute<{ first: string }[]>(`insert into account_number_sequences (org_id, next_value) values (?, ?)
      on conflict (org_id) do update set next_value = account_number_sequences.next_value + ?
      returning next_value - ? as first`, [orgId, need + 1, need, need]);
    const first = Number(row!.first);
    const candidates = Array.from({ length: need }, (_, i) => formatAssignedAccountNumber(first + i));
    const taken = new Set((await em.execute<{ number: string }[]>(`select x.number from json_array_elements_text(?::json) as x(number)
      where exists (select 1 from accounts a where a.org_id = ? and a.number = x.number)
         or exists (select 1 from ${S} s where s.account = x.number)`, [JSON.stringify(candidates), orgId])).map((r) => r.number));
    result.push(...candidates.filter((c) => !taken.has(c)));
  }
  return result;
}
