export {
  Building, Premise, Account, AccountNumberSequence, Person, Contact, Identity, AccountLink, ACCOUNTS_ENTITIES,
  PREMISE_KINDS, ACCOUNT_STATUSES, CHANNELS, CONTACT_KINDS, LINK_RELATIONS, LINK_PROOFS,
} from './accounts.entity.ts';
export type {
  PremiseKind, AccountStatus, Channel, ContactKind, LinkRelation, LinkProof,
  BuildingRow, PremiseRow, AccountRow, PersonRow, ContactRow, IdentityRow, AccountLinkRow,
} from './accounts.entity.ts';
export { makeAccountsService } from './accounts.service.ts';
export type { AccountsService } from './accounts.service.ts';
export { ensureBuilding, ensurePremise, openAccount, assignAccountNumber } from './accounts.tx.ts';
export type { AccountInput, BuildingInput, PremiseInput } from './accounts.tx.ts';
export { addPerson, upsertContact, linkIdentity, linkAccount } from './people.tx.ts';
export type { ContactInput, IdentityInput } from './people.tx.ts';
export { formatAssignedAccountNumber, isValidAssignedAccountNumber, normaliseAccountNumber } from './account-number.calc.ts';
export { normalisePhone, maskPhone, validateEls } from './phone.calc.ts';
export { addressKey, normaliseArea } from './address.calc.ts';
export { searchAccounts, loadAccountCard, ACCOUNT_SORTS, COUNT_CAP } from './account-search.ts';
export type { AccountSearch, AccountListRow, AccountSort, AccountCard } from './account-search.ts';
export { billCode, checkBillCode } from './bill-code.calc.ts';
export { linkedAccounts, linkedAccountsJsonSql, findOpenAccount, phoneMatchesAccount, linkResident, unlinkResident, setIdentityPhone, setPersonLocale, setIdentityConsent, identityFacts, accountsByRecordedPhone } from './residents.ts';
export type { LinkedAccount } from './residents.ts';
