import { allocate, assertNever, kopecks, kopecksFromBigInt, ZERO_KOPECKS } from '../shared/index.ts';
import type { Kopecks } from '../shared/index.ts';
import { canonicalLines, compareText } from './split-canonical.calc.ts';
import type { CoverTarget, DebtLine, SplitPart, SplitReason, SplitRule } from './split-canonical.calc.ts';
import { payFixedShares, payOldestFirst, payProportional } from './split-tiers.calc.ts';

/**
 * Splitting (расщепление) a payment for one account over the services and recipients it owes
 * (DOMAIN.md «Splitting»). The money passes three tiers in order: the debt the payer chose to cover, then the
 * remaining principal, then the remaining penalties — penalties are paid last unless the payer names them.
 * Each tier takes what it is owed or what is left, whichever is less, and the organisation's rule shares it
 * inside the tier (split-tiers.calc.ts). What is left after every tier is an advance, shared over the
 * recipients by `advanceBasis`. Every kopeck is placed by largest remainder, so the parts add up to the
 * payment exactly (RELIABILITY.md M1), and lines are put in canonical order first, so input order changes
 * nothing (split-canonical.calc.ts).
 */

export { SPLIT_RULES, compareParts } from './split-canonical.calc.ts';
export type { CoverTarget, DebtKind, DebtLine, SplitPart, SplitReason, SplitRule } from './split-canonical.calc.ts';
export { splitRefund } from './split-refund.calc.ts';

/** Shown in the admin's proof of a split: who gets a kopeck that does not divide evenly. */
export const SPLIT_TIE_RULE =
  'A kopeck that does not divide evenly goes to the largest fractional remainder, then to the larger weight '
  + '(debt, share or advance basis), then to whatever comes first in canonical order: period, service code, service id, '
  + 'principal before penalty, and for an advance the recipient id.';

export type SplitInput = {
  /** ≥ 0: what is credited to the account, not the fee. */
  readonly amount: Kopecks;
  readonly lines: readonly DebtLine[];
  readonly rule: SplitRule;
  /** fixedShares: serviceId → a whole non-negative weight; a service not listed gets no share. */
  readonly shares?: Readonly<Record<string, number>>;
  /** Paid first, shared by the rule like any tier. */
  readonly cover?: readonly CoverTarget[];
  /** How an overpayment is shared between recipients. */
  readonly advanceBasis: readonly { readonly recipientId: string; readonly weight: number }[];
  /** Gets the advance when no recipient of `advanceBasis` has weight. */
  readonly fallbackRecipientId: string;
};

type Tier = 'covered' | 'principal' | 'penalty';
const TIERS: readonly Tier[] = ['covered', 'principal', 'penalty'];

/** The parts in canonical line order, then advances; no zero parts. Throws RangeError on malformed input. */
export function splitPayment(input: SplitInput): SplitPart[] {
  const amount = kopecks(input.amount);
  if (amount < 0) throw new RangeError(`a payment is not negative, got ${amount}`);
  const lines = canonicalLines(input.lines);
  const shares = checkedWeights(Object.entries(input.shares ?? {}).map(([id, weight]) => ({ id, weight })));
  const basis = checkedWeights(input.advanceBasis.map(({ recipientId, weight }) => ({ id: recipientId, weight })));
  if (amount === 0) return [];
  const tierOf = new Map(lines.map((line) => [line, tierOfLine(line, input.cover ?? [])]));
  const paid = new Map<DebtLine, Kopecks>();
  let left = BigInt(amount);
  for (const tier of TIERS) {
    const inTier = lines.filter((line) => tierOf.get(line) === tier);
    const owed = inTier.reduce((sum, line) => sum + BigInt(line.amount), 0n);
    const take = kopecksFromBigInt(left < owed ? left : owed);
    payTier(input.rule, take, inTier, shares).forEach((got, i) => paid.set(inTier[i] as DebtLine, got));
    left -= BigInt(take);
  }
  const parts = lines.map((line): SplitPart => ({
    ...line,
    amount: paid.get(line) ?? ZERO_KOPECKS,
    debtBefore: line.amount,
    reason: reasonFor(tierOf.get(line) ?? 'principal', input.rule, shares.get(line.serviceId) ?? 0n),
  }));
  return [...parts, ...advanceParts(kopecksFromBigInt(left), basis, input.fallbackRecipientId)].filter((part) => part.amount > 0);
}

// A target without a kind means principal: penalties are paid last unless the payer names them.
function tierOfLine(line: DebtLine, cover: readonly CoverTarget[]): Tier {
  const covered = cover.some((target) => target.serviceId === line.serviceId
    && (target.period === undefined || target.period === line.period) && (target.kind ?? 'principal') === line.kind);
  if (covered) return 'covered';
  return line.kind === 'penalty' ? 'penalty' : 'principal';
}

function payTier(rule: SplitRule, take: Kopecks, lines: readonly DebtLine[], shares: ReadonlyMap<string, bigint>): Kopecks[] {
  switch (rule) {
    case 'proportional':
      return payProportional(take, lines);
    case 'oldestFirst':
      return payOldestFirst(take, lines);
    case 'fixedShares':
      return payFixedShares(take, lines, (serviceId) => shares.get(serviceId) ?? 0n);
    default:
      return assertNever(rule);
  }
}

// Under fixed shares a service without a share is paid only by the proportional fallback, and says so.
function reasonFor(tier: Tier, rule: SplitRule, share: bigint): SplitReason {
  if (tier === 'covered') return 'covered';
  if (tier === 'penalty') return 'penaltyLast';
  if (rule === 'fixedShares') return share > 0n ? 'fixedShare' : 'proportional';
  return rule;
}

/** One advance part per recipient with weight, in recipient id order; all to the fallback when none has weight. */
function advanceParts(advance: Kopecks, basis: ReadonlyMap<string, bigint>, fallbackRecipientId: string): SplitPart[] {
  const recipients = [...basis].filter(([, weight]) => weight > 0n).sort(([a], [b]) => compareText(a, b));
  if (recipients.length === 0) recipients.push([fallbackRecipientId, 1n]);
  const amounts = advance === 0 ? recipients.map(() => ZERO_KOPECKS) : allocate(advance, recipients.map(([, weight]) => weight));
  return recipients.map(([recipientId], i) => ({
    serviceId: null, serviceCode: null, recipientId, period: null, kind: 'advance',
    amount: amounts[i] ?? ZERO_KOPECKS, debtBefore: null, reason: 'advance',
  }));
}

/** Sums weights per id (duplicates add up); a negative or fractional weight is a bug upstream. */
function checkedWeights(entries: readonly { readonly id: string; readonly weight: number }[]): Map<string, bigint> {
  const weights = new Map<string, bigint>();
  for (const { id, weight } of entries) {
    if (!Number.isSafeInteger(weight) || weight < 0) throw new RangeError(`weight of '${id}' must be a whole number ≥ 0, got ${weight}`);
    weights.set(id, (weights.get(id) ?? 0n) + BigInt(weight));
  }
  return weights;
}
