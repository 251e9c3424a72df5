import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_CAP, makeAccountsService, type AccountsService } from '../core/accounts/index.ts';
import { makeOrgsService } from '../core/orgs/index.ts';
import { systemClock } from '../core/shared/index.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { orgInput } from './fixtures/orgs.ts';

let test: TestDatabase;
let accounts: AccountsService;
const org = { a: '', b: '' };

async function house(orgId: string, address: string, flats: [string, string | null, string][]): Promise<void> {
  const building = await accounts.addBuilding(orgId, { address });
  if (!building.ok) throw new Error('building');
  for (const [flat, number, payerName] of flats) {
    const premise = await accounts.addPremise(orgId, { buildingId: building.value.id, number: flat });
    if (!premise.ok) throw new Error('premise');
    const opened = await accounts.openAccount(orgId, { number, premiseId: premise.value.id, payerName });
    if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  }
}

beforeAll(async () => {
  test = await openTestDatabase();
  const orgs = makeOrgsService({ db: test.db, clock: systemClock });
  accounts = makeAccountsService({ db: test.db, clock: systemClock });
  for (const slug of ['a', 'b'] as const) {
    const created = await orgs.createOrganization(orgInput(`search-${slug}`));
    if (!created.ok) throw new Error('org');
    org[slug] = created.value.id;
  }
  await house(org.a, 'г. Пермь, ул. Ленина, д. 5', [['1', '100501', 'Смирнова Анна Петровна'], ['2', '100502', 'Иванов Пётр'], ['10', '100503', 'ООО «Ромашка_1»']]);
  await house(org.a, 'г. Пермь, ул. Сибирская, д. 27', [['1', '200101', 'Смирнов Игорь'], ['3', '200103', 'Попова Ольга']]);
  await house(org.b, 'г. Пермь, ул. Ленина, д. 5', [['1', '100501', 'Смирнова Чужая']]);
});
afterAll(() => test.drop());

const numbers = async (orgId: string, q: string, extra: Partial<Parameters<AccountsService['search']>[1]> = {}) => {
  const found = await accounts.search(orgId, { q, limit: 50, offset: 0, ...extra });
  return { numbers: found.rows.map((r) => r.number), total: found.total };
};

describe('staff account search', () => {
  it('finds by the start of the account number', async () => {
    expect(await numbers(org.a, '2001')).toEqual({ numbers: ['200101', '200103'], total: 2 });
    expect(await numbers(org.a, '100502')).toEqual({ numbers: ['100502'], total: 1 });
  });
  it('finds by a part of the payer\'s name in any case', async () => {
    expect(await numbers(org.a, 'смирнов')).toEqual({ numbers: ['100501', '200101'], total: 2 });
    expect(await numbers(org.a, 'АННА ПЕТР')).toEqual({ numbers: ['100501'], total: 1 });
  });
  it('finds by address spelled the way staff type it', async () => {
    expect(await numbers(org.a, 'Сибирская 27')).toEqual({ numbers: ['200101', '200103'], total: 2 });
    expect(await numbers(org.a, 'сибирская 28')).toEqual({ numbers: [], total: 0 });
    expect(await numbers(org.a, 'ул. ленина, д.5')).toEqual({ numbers: ['100501', '100502', '100503'], total: 3 });
  });
  it('treats % and _ typed by a person as themselves', async () => {
    expect(await numbers(org.a, '_')).toEqual({ numbers: ['100503'], total: 1 });
    expect(await numbers(org.a, '%')).toEqual({ numbers: [], total: 0 });
    expect(await numbers(org.a, '.,')).toEqual({ numbers: [], total: 0 });
  });
  it('lists everything without a query, sorted and paged, with the total', async () => {
    expect(await numbers(org.a, '', { limit: 2, offset: 0 })).toEqual({ numbers: ['100501', '100502'], total: 5 });
    expect(await numbers(org.a, '', { limit: 2, offset: 4 })).toEqual({ numbers: ['200103'], total: 5 });
    expect(await numbers(org.a, '', { limit: 2, offset: 10 })).toEqual({ numbers: [], total: 5 });
    expect((await numbers(org.a, '', { sort: 'payer', dir: 'desc' })).numbers).toEqual(['100501', '200101', '200103', '100503', '100502']);
    expect((await numbers(org.a, '', { sort: 'address', dir: 'asc' })).numbers).toEqual(['100501', '100502', '100503', '200101', '200103']);
  });
  it("never returns another organisation's accounts", async () => {
    expect(await numbers(org.a, 'Чужая')).toEqual({ numbers: [], total: 0 });
    expect(await numbers(org.b, 'смирнов')).toEqual({ numbers: ['100501'], total: 1 });
  });

  it('stops counting the unfiltered list past the cap, and still counts a search exactly', async () => {
    const orgs = makeOrgsService({ db: test.db, clock: systemClock });
    const big = await orgs.createOrganization(orgInput('search-big'));
    if (!big.ok) throw new Error('org');
    await test.db.withTenant(big.value.id, (em) => em.execute(
      `insert into accounts (id, org_id, number, number_assigned, payer_name, residents_count, status, created_at, updated_at)
       select gen_random_uuid(), ?, lpad(i::text, 6, '0'), false, 'Плательщик ' || i, 1, 'open', now(), now() from generate_series(1, ?) i`,
      [big.value.id, COUNT_CAP + 50]));
    expect((await accounts.search(big.value.id, { limit: 50, offset: 0 })).total).toBe(COUNT_CAP + 1);
    // «Плательщик 1000» and «Плательщик 10000»…«10009»: eleven, counted exactly.
    expect((await accounts.search(big.value.id, { q: 'плательщик 1000', limit: 50, offset: 0 })).total).toBe(11);
  });
});
