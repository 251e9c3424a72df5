import type { Database, Em } from '../infra/database/database.ts';
import { tenantStep } from '../infra/database/tenant-step.ts';
import { AppError, err, ok, type Clock, type Result } from '../shared/index.ts';
import { accountsRepo } from './accounts.repo.ts';
import { ensureBuilding, ensurePremise, openAccount, type AccountInput, type BuildingInput, type FieldErrors, type PremiseInput } from './accounts.tx.ts';
import { addPerson, linkAccount, linkIdentity, upsertContact, type ContactInput, type IdentityInput } from './people.tx.ts';
import type { AccountRow, LinkProof, LinkRelation } from './accounts.entity.ts';
import { loadAccountCard, searchAccounts, type AccountSearch } from './account-search.ts';

type Deps = { readonly db: Database; readonly clock: Clock };

/** Steps look for an existing row first; a concurrent insert of the same key is answered by one more run. */
const inTenant = <T>(db: Database, orgId: string, step: (em: Em) => Promise<Result<T, FieldErrors>>) => tenantStep(db, orgId, step, 'retry');

export function makeAccountsService({ db, clock }: Deps) {
  return {
    addBuilding: (orgId: string, input: BuildingInput) => inTenant(db, orgId, (em) => ensureBuilding(em, orgId, input)),
    addPremise: (orgId: string, input: PremiseInput) => inTenant(db, orgId, (em) => ensurePremise(em, orgId, input)),
    openAccount: (orgId: string, input: AccountInput) => inTenant(db, orgId, (em) => openAccount(em, orgId, input)),

    closeAccount: (orgId: string, accountId: string) => inTenant(db, orgId, async (em): Promise<Result<AccountRow, FieldErrors>> => {
      const account = await accountsRepo.findAccount(em, orgId, accountId);
      if (!account) return err([new AppError('ACCOUNTS.NOT_FOUND')]);
      if (account.status === 'closed') return err([new AppError('ACCOUNTS.ALREADY_CLOSED', { vars: { number: account.number } })]);
      return ok(em.assign(account, { status: 'closed' as const, closedAt: clock.now() }));
    }),

    findAccountByNumber: (orgId: string, number: string) =>
      db.withTenant(orgId, (em) => accountsRepo.findAccountByNumber(em, orgId, number.trim())),
    countAccounts: (orgId: string) => db.withTenant(orgId, (em) => accountsRepo.countAccounts(em, orgId)),
    search: (orgId: string, search: AccountSearch) => db.withTenant(orgId, (em) => searchAccounts(em, orgId, search)),
    card: (orgId: string, accountId: string) => db.withTenant(orgId, (em) => loadAccountCard(em, orgId, accountId)),
    countBuildings: (orgId: string) => db.withTenant(orgId, (em) => accountsRepo.countBuildings(em, orgId)),

    addPerson: (orgId: string, fullName: string | null) =>
      inTenant(db, orgId, async (em) => ok(addPerson(em, orgId, fullName))),
    upsertContact: (orgId: string, personId: string, input: ContactInput) =>
      inTenant(db, orgId, (em) => upsertContact(em, orgId, personId, input, clock.now())),
    linkIdentity: (orgId: string, personId: string, input: IdentityInput) =>
      inTenant(db, orgId, (em) => linkIdentity(em, orgId, personId, input)),
    linkAccount: (orgId: string, link: { accountId: string; personId: string; relation?: LinkRelation; proof: LinkProof }) =>
      inTenant(db, orgId, (em) => linkAccount(em, orgId, link)),
  };
}

export type AccountsService = ReturnType<typeof makeAccountsService>;
