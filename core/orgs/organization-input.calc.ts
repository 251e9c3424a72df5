import { AppError, err, ok, isValidTimeZone, type Result } from '../shared/index.ts';
import {
  validateBik, validateCorrAccount, validateInn, validateKpp, validateOgrn, validateSettlementAccount,
} from './requisites.calc.ts';
import {
  COMMISSION_MODES, ORG_CATEGORIES, PAYMENT_METHODS,
  type CommissionRule, type CommissionSettings, type OrgCategory, type PaymentMethod,
} from './orgs.entity.ts';

/** Every problem of a form at once, each naming its field, so staff fix them in one pass. */
export type FieldErrors = readonly AppError[];

export type RequisitesInput = {
  readonly inn: string;
  readonly kpp?: string | null;
  readonly ogrn?: string | null;
  readonly bankAccount: string;
  readonly bik: string;
  readonly corrAccount: string;
  readonly bankName: string;
};
export type Requisites = { [K in keyof RequisitesInput]-?: K extends 'kpp' | 'ogrn' ? string | null : string };

export type OrganizationInput = RequisitesInput & {
  readonly slug: string;
  readonly name: string;
  readonly shortName?: string;
  readonly category: string;
  readonly timeZone?: string;
  readonly commission?: Partial<Record<PaymentMethod, CommissionRule>>;
};
export type ValidOrganization = Requisites & {
  slug: string; name: string; shortName: string; category: OrgCategory; timeZone: string; commission: CommissionSettings;
};

/** Where nothing is agreed yet the organisation pays the fee, at the low end of the market (DOMAIN.md «Commission»). */
export const DEFAULT_COMMISSION: CommissionSettings = {
  sbp: { mode: 'internal', basisPoints: 60 },
  card: { mode: 'internal', basisPoints: 100 },
};

/** 'europe/MOSCOW' is accepted by Intl; store the canonical spelling so comparisons and reports agree. */
const canonicalTimeZone = (tz: string) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** One message per field and code: a bad БИК also fails the account checks that depend on it. */
const uniqueErrors = (errors: readonly AppError[]): AppError[] =>
  errors.filter((e, i) => errors.findIndex((o) => o.code === e.code && o.field === e.field) === i);

/** Collects field errors from validators; returns the values when none failed. */
function collect<T extends Record<string, Result<unknown, AppError>>>(checks: T):
  Result<{ [K in keyof T]: T[K] extends Result<infer V, AppError> ? V : never }, FieldErrors> {
  const errors = uniqueErrors(Object.values(checks).flatMap((r) => (r.ok ? [] : [r.error])));
  if (errors.length) return err(errors);
  return ok(Object.fromEntries(Object.entries(checks).map(([k, r]) => [k, (r as { value: unknown }).value])) as never);
}

const optional = (value: string | null | undefined, check: (v: string) => Result<string, AppError>) =>
  value === undefined || value === null || value.trim() === '' ? ok(null) : check(value);

const required = (value: string | undefined, field: string, code: 'ORGS.NAME_REQUIRED' | 'ORGS.BANK_NAME_REQUIRED', max: number) => {
  const v = (value ?? '').trim().replace(/\s+/g, ' ');
  return v && v.length <= max ? ok(v) : err(new AppError(code, { field }));
};

export function validateRequisites(input: RequisitesInput): Result<Requisites, FieldErrors> {
  return collect({
    inn: validateInn(input.inn),
    kpp: optional(input.kpp, (v) => validateKpp(v)),
    ogrn: optional(input.ogrn, (v) => validateOgrn(v)),
    bik: validateBik(input.bik),
    bankAccount: validateSettlementAccount(input.bankAccount, input.bik, 'bankAccount'),
    corrAccount: validateCorrAccount(input.corrAccount, input.bik),
    bankName: required(input.bankName, 'bankName', 'ORGS.BANK_NAME_REQUIRED', 160),
  });
}

export function validateCommissionRule(rule: CommissionRule, field: string): Result<CommissionRule, AppError> {
  const valid = COMMISSION_MODES.includes(rule.mode) && Number.isSafeInteger(rule.basisPoints)
    && rule.basisPoints >= 0 && rule.basisPoints <= 10_000;
  return valid ? ok({ mode: rule.mode, basisPoints: rule.basisPoints }) : err(new AppError('ORGS.COMMISSION_INVALID', { field }));
}

function validateCommission(input: OrganizationInput['commission']): Result<CommissionSettings, AppError> {
  const merged = { ...DEFAULT_COMMISSION, ...input };
  for (const method of PAYMENT_METHODS) {
    const checked = validateCommissionRule(merged[method], `commission.${method}`);
    if (!checked.ok) return checked;
  }
  return ok(merged);
}

export type ProfileInput = { readonly name: string; readonly shortName?: string; readonly category: string; readonly timeZone?: string };
export type ValidProfile = { name: string; shortName: string; category: OrgCategory; timeZone: string };

export function validateProfile(input: ProfileInput): Result<ValidProfile, FieldErrors> {
  const timeZone = input.timeZone?.trim() || 'Europe/Moscow';
  return collect({
    name: required(input.name, 'name', 'ORGS.NAME_REQUIRED', 300),
    shortName: required(input.shortName || input.name, 'shortName', 'ORGS.NAME_REQUIRED', 160),
    category: ORG_CATEGORIES.includes(input.category as OrgCategory)
      ? ok(input.category as OrgCategory) : err(new AppError('ORGS.CATEGORY_INVALID', { field: 'category' })),
    timeZone: isValidTimeZone(timeZone) ? ok(canonicalTimeZone(timeZone))
      : err(new AppError('ORGS.TIMEZONE_INVALID', { field: 'timeZone', vars: { value: timeZone } })),
  });
}

export function validateOrganization(input: OrganizationInput): Result<ValidOrganization, FieldErrors> {
  const requisites = validateRequisites(input);
  const profile = validateProfile(input);
  const own = collect({
    slug: SLUG.test(input.slug) ? ok(input.slug) : err(new AppError('ORGS.SLUG_INVALID', { field: 'slug' })),
    commission: validateCommission(input.commission),
  });
  if (!own.ok || !requisites.ok || !profile.ok) {
    return err([...(own.ok ? [] : own.error), ...(profile.ok ? [] : profile.error), ...(requisites.ok ? [] : requisites.error)]);
  }
  return ok({ ...requisites.value, ...profile.value, ...own.value });
}
