import type { Em } from '../infra/database/database.ts';
import { Account, Building, Premise, type AccountRow, type BuildingRow, type PremiseRow } from './accounts.entity.ts';

export const accountsRepo = {
  findBuildingByKey: (em: Em, orgId: string, key: string): Promise<BuildingRow | null> =>
    em.findOne(Building, { org: orgId, addressKey: key }),
  findBuilding: (em: Em, orgId: string, id: string): Promise<BuildingRow | null> => em.findOne(Building, { org: orgId, id }),
  findPremise: (em: Em, orgId: string, id: string): Promise<PremiseRow | null> => em.findOne(Premise, { org: orgId, id }),
  findPremiseByNumber: (em: Em, orgId: string, buildingId: string, number: string): Promise<PremiseRow | null> =>
    em.findOne(Premise, { org: orgId, building: buildingId, number }),
  findAccount: (em: Em, orgId: string, id: string): Promise<AccountRow | null> => em.findOne(Account, { org: orgId, id }),
  findAccountByNumber: (em: Em, orgId: string, number: string): Promise<AccountRow | null> =>
    em.findOne(Account, { org: orgId, number }),
  countAccounts: (em: Em, orgId: string): Promise<number> => em.count(Account, { org: orgId }),
  countBuildings: (em: Em, orgId: string): Promise<number> => em.count(Building, { org: orgId }),

  /**
   * Takes the next value of the organisation's sequence. The upsert's row lock serialises concurrent callers
   * for one organisation until their transactions end, so no two get the same value.
   */
  async takeAccountSequence(em: Em, orgId: string): Promise<number> {
    const rows = await em.execute<{ value: string }[]>(
      `insert into account_number_sequences (org_id, next_value) values (?, 2)
       on conflict (org_id) do update set next_value = account_number_sequences.next_value + 1
       returning next_value - 1 as value`,
      [orgId],
    );
    return Number(rows[0]!.value);
  },
};
