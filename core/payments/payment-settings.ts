import { diffChanges, recordAudit } from '../audit/index.ts';
import type { Em } from '../infra/database/database.ts';
import { AppError, err, ok, type Result } from '../shared/index.ts';
import type { ChangedBy } from './collectors.ts';
import { SPLIT_RULES, type SplitRule } from './split.calc.ts';

/**
 * An organisation's payment terms: how a payment is split over the services with debt (split.calc.ts), the
 * weights of the fixed-shares rule, and the offer the payer accepts on the payment page.
 */
export type ShareLine = { readonly serviceId: string; readonly code: string; readonly name: string; readonly weight: number };
export type PaymentSettings = { readonly splitRule: SplitRule; readonly shares: readonly ShareLine[]; readonly offerUrl: string | null };

/** As a form sends it: every value a string, shares by service id. */
export type PaymentSettingsInput = { readonly splitRule: string; readonly shares: Readonly<Record<string, string>>; readonly offerUrl: string };
export type PaymentSettingsValues = { readonly splitRule: SplitRule; readonly shares: Readonly<Record<string, number>>; readonly offerUrl: string | null };

/** Why the shares were refused: a key the caller words in the reader's language (`reason` of SPLIT_SHARES_INVALID). */
export const SHARE_REASONS = ['notWhole', 'noneAboveZero'] as const;
export type ShareReason = (typeof SHARE_REASONS)[number];

/** A weight is a whole number, so the split stays integer arithmetic; a million is finer than any tariff needs. */
export const MAX_SHARE = 1_000_000;
/** The column's width. */
const OFFER_URL_MAX = 500;

export const shareField = (serviceId: string) => `share.${serviceId}`;

function checkOfferUrl(text: string): string | null | AppError {
  if (text === '') return null;
  let url: URL | undefined;
  try { url = new URL(text); } catch { url = undefined; }
  // Only a web page the payer can open; javascript:, data: or a bare word would be a broken or hostile link.
  const fine = url && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !/\s/.test(text) && text.length <= OFFER_URL_MAX;
  return fine ? text : new AppError('PAYMENTS.OFFER_URL_INVALID', { field: 'offerUrl' });
}

/** Each share on its own field; under fixed shares at least one must be above zero, or nothing could be paid by share. */
function checkShares(rule: string, shares: Readonly<Record<string, string>>): { weights: Record<string, number>; errors: AppError[] } {
  const weights: Record<string, number> = {};
  const errors: AppError[] = [];
  for (const [serviceId, text] of Object.entries(shares)) {
    const value = text.trim().replace(/\s/g, '');
    if (value === '') continue;
    const weight = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
    if (!(weight <= MAX_SHARE)) errors.push(new AppError('PAYMENTS.SPLIT_SHARES_INVALID', { field: shareField(serviceId), vars: { reason: 'notWhole' satisfies ShareReason } }));
    else if (weight > 0) weights[serviceId] = weight;
  }
  if (rule === 'fixedShares' && errors.length === 0 && Object.keys(weights).length === 0) {
    errors.push(new AppError('PAYMENTS.SPLIT_SHARES_INVALID', { field: 'shares', vars: { reason: 'noneAboveZero' satisfies ShareReason } }));
  }
  return { weights, errors };
}

/** Pure: every field is checked on its own, so the form shows all its problems at once, each beside its field. */
export function validatePaymentSettings(input: PaymentSettingsInput): Result<PaymentSettingsValues, AppError[]> {
  const errors: AppError[] = [];
  const rule = input.splitRule.trim();
  if (!(SPLIT_RULES as readonly string[]).includes(rule)) errors.push(new AppError('PAYMENTS.SPLIT_RULE_INVALID', { field: 'splitRule', vars: { value: rule.slice(0, 40) } }));
  const shares = checkShares(rule, input.shares);
  errors.push(...shares.errors);
  const offerUrl = checkOfferUrl(input.offerUrl.trim());
  if (offerUrl instanceof AppError) errors.push(offerUrl);
  if (errors.length || offerUrl instanceof AppError) return err(errors);
  return ok({ splitRule: rule as SplitRule, shares: shares.weights, offerUrl });
}

type OrgRow = { split_rule: string; split_shares: Record<string, number> | string | null; offer_url: string | null };
type Stored = { splitRule: SplitRule; splitShares: Record<string, number>; offerUrl: string | null };

async function stored(em: Em, orgId: string): Promise<Stored> {
  const [row] = await em.execute<OrgRow[]>('select split_rule, split_shares, offer_url from organizations where id = ?', [orgId]);
  if (!row) throw new Error(`organisation ${orgId} is not visible in its own transaction`);
  const shares = typeof row.split_shares === 'string' ? (JSON.parse(row.split_shares) as Record<string, number>) : row.split_shares;
  // An unknown stored rule is read as the default, exactly as the split itself reads it (credit.ts).
  const splitRule = (SPLIT_RULES as readonly string[]).includes(row.split_rule) ? (row.split_rule as SplitRule) : 'oldestFirst';
  return { splitRule, splitShares: sortedKeys(shares ?? {}), offerUrl: row.offer_url };
}

// jsonb keeps its own key order: both sides of the audit diff are sorted, so a reordering is not a change.
const sortedKeys = (weights: Record<string, number>) => Object.fromEntries(Object.entries(weights).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const servicesOf = (em: Em, orgId: string) =>
  em.execute<{ id: string; code: string; name: string }[]>('select id, code, name from services where org_id = ? order by code, id', [orgId]);

/** The terms as the settings page shows them: one share line per service of the organisation, in code order. */
export async function paymentSettings(em: Em, orgId: string): Promise<PaymentSettings> {
  const [current, services] = [await stored(em, orgId), await servicesOf(em, orgId)];
  const shares = services.map((s) => ({ serviceId: s.id, code: s.code, name: s.name, weight: current.splitShares[s.id] ?? 0 }));
  return { splitRule: current.splitRule, shares, offerUrl: current.offerUrl };
}

/**
 * Checks and stores the terms with an audit entry `settings.payments` naming what changed. Shares of ids that
 * are not this organisation's services are dropped: a form cannot plant weights for another tenant's services.
 */
export async function savePaymentSettings(em: Em, orgId: string, input: PaymentSettingsInput, by: ChangedBy): Promise<Result<PaymentSettingsValues, AppError[]>> {
  const checked = validatePaymentSettings(input);
  if (!checked.ok) return checked;
  const own = new Set((await servicesOf(em, orgId)).map((s) => s.id));
  const shares = sortedKeys(Object.fromEntries(Object.entries(checked.value.shares).filter(([id]) => own.has(id))));
  if (checked.value.splitRule === 'fixedShares' && Object.keys(shares).length === 0) {
    return err([new AppError('PAYMENTS.SPLIT_SHARES_INVALID', { field: 'shares', vars: { reason: 'noneAboveZero' satisfies ShareReason } })]);
  }
  const before = await stored(em, orgId);
  const after: Stored = { splitRule: checked.value.splitRule, splitShares: shares, offerUrl: checked.value.offerUrl };
  await em.execute('update organizations set split_rule = ?, split_shares = ?::jsonb, offer_url = ?, updated_at = ? where id = ?',
    [after.splitRule, Object.keys(shares).length ? JSON.stringify(shares) : null, after.offerUrl, by.at, orgId]);
  const changes = diffChanges(before, after, ['splitRule', 'splitShares', 'offerUrl']);
  if (changes) recordAudit(em, orgId, by.actor, { action: 'settings.payments', entityType: 'organization', entityId: orgId, changes }, by.at);
  return ok({ ...checked.value, shares });
}
