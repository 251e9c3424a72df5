import { randomUUID } from 'node:crypto';
import type { Em } from '../infra/database/database.ts';
import { AppError, err, ok, type Result, isUuid } from '../shared/index.ts';
import { Account, Building, Premise, PREMISE_KINDS, type AccountRow, type BuildingRow, type PremiseKind, type PremiseRow } from './accounts.entity.ts';
import { formatAssignedAccountNumber, normaliseAccountNumber } from './account-number.calc.ts';
import { validateEls } from './phone.calc.ts';
import { addressKey, normaliseArea } from './address.calc.ts';
import { accountsRepo } from './accounts.repo.ts';

/**
 * Steps that run inside a caller's tenant transaction, so an import can create buildings, premises and accounts
 * in the one transaction that makes it all-or-nothing.
 */
export type FieldErrors = readonly AppError[];
export type BuildingInput = { readonly address: string; readonly fiasId?: string | null };
export type PremiseInput = { readonly buildingId: string; readonly number: string; readonly kind?: string; readonly area?: string | number | null };
export type AccountInput = {
  readonly number?: string | null;
  readonly premiseId?: string | null;
  readonly payerName?: string | null;
  readonly residentsCount?: number;
  readonly els?: string | null;
  readonly izhku?: string | null;
};


export async function ensureBuilding(em: Em, orgId: string, input: BuildingInput): Promise<Result<BuildingRow, FieldErrors>> {
  const address = input.address.trim().replace(/\s+/g, ' ');
  if (!address || address.length > 500) return err([new AppError('ACCOUNTS.ADDRESS_REQUIRED', { field: 'address' })]);
  const key = addressKey(address);
  const existing = await accountsRepo.findBuildingByKey(em, orgId, key);
  if (existing) return ok(existing);
  const fiasId = input.fiasId && isUuid(input.fiasId) ? input.fiasId.toLowerCase() : null;
  return ok(em.create(Building, { id: randomUUID(), org: orgId, address, addressKey: key, fiasId }));
}

export async function ensurePremise(em: Em, orgId: string, input: PremiseInput): Promise<Result<PremiseRow, FieldErrors>> {
  const errors: AppError[] = [];
  const number = input.number.trim();
  if (!number || number.length > 32) errors.push(new AppError('ACCOUNTS.PREMISE_NUMBER_INVALID', { field: 'premiseNumber' }));
  const area = input.area === undefined || input.area === null || input.area === '' ? null : normaliseArea(input.area);
  if (area === null && input.area !== undefined && input.area !== null && input.area !== '') {
    errors.push(new AppError('ACCOUNTS.AREA_INVALID', { field: 'area' }));
  }
  const kind = (input.kind ?? 'residential') as PremiseKind;
  if (!PREMISE_KINDS.includes(kind)) errors.push(new AppError('ACCOUNTS.PREMISE_KIND_INVALID', { field: 'premiseKind' }));
  if (errors.length) return err(errors);
  if (!(await accountsRepo.findBuilding(em, orgId, input.buildingId))) {
    return err([new AppError('ACCOUNTS.BUILDING_NOT_FOUND', { field: 'buildingId' })]);
  }
  const existing = await accountsRepo.findPremiseByNumber(em, orgId, input.buildingId, number);
  if (existing) {
    if (area !== null) existing.area = area;
    return ok(existing);
  }
  return ok(em.create(Premise, { id: randomUUID(), org: orgId, building: input.buildingId, number, kind, area }));
}

/** Next FamilyPay-assigned number not already used by one of the customer's own numbers. */
export async function assignAccountNumber(em: Em, orgId: string): Promise<string> {
  for (;;) {
    const candidate = formatAssignedAccountNumber(await accountsRepo.takeAccountSequence(em, orgId));
    if (!(await accountsRepo.findAccountByNumber(em, orgId, candidate))) return candidate;
  }
}

function validateAccountFields(input: AccountInput): Result<Omit<Required<AccountInput>, 'number' | 'premiseId'>, FieldErrors> {
  const errors: AppError[] = [];
  const residentsCount = input.residentsCount ?? 0;
  if (!Number.isInteger(residentsCount) || residentsCount < 0 || residentsCount > 99) {
    errors.push(new AppError('ACCOUNTS.RESIDENTS_INVALID', { field: 'residentsCount' }));
  }
  const els = input.els ? validateEls(input.els) : ok(null);
  if (!els.ok) errors.push(els.error);
  const payerName = input.payerName?.trim().replace(/\s+/g, ' ').slice(0, 300) || null;
  const izhku = input.izhku?.trim() || null;
  if (errors.length) return err(errors);
  return ok({ residentsCount, els: els.ok ? els.value : null, payerName, izhku });
}

/** Opens an account; when the customer gave no number, FamilyPay assigns one with a check digit. */
export async function openAccount(em: Em, orgId: string, input: AccountInput): Promise<Result<AccountRow, FieldErrors>> {
  const fields = validateAccountFields(input);
  if (!fields.ok) return fields;
  const given = input.number?.trim() ? normaliseAccountNumber(input.number) : null;
  if (given && !given.ok) return err([given.error]);
  if (input.premiseId && !(await accountsRepo.findPremise(em, orgId, input.premiseId))) {
    return err([new AppError('ACCOUNTS.PREMISE_NOT_FOUND', { field: 'premiseId' })]);
  }
  if (given && (await accountsRepo.findAccountByNumber(em, orgId, given.value))) {
    return err([new AppError('ACCOUNTS.NUMBER_TAKEN', { field: 'number', vars: { number: given.value } })]);
  }
  const number = given ? given.value : await assignAccountNumber(em, orgId);
  return ok(em.create(Account, {
    id: randomUUID(), org: orgId, number, numberAssigned: !given, premise: input.premiseId ?? null, ...fields.value,
  }));
}
