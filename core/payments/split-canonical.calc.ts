import { addKopecks, kopecks, ZERO_KOPECKS } from '../shared/index.ts';
import type { Kopecks } from '../shared/index.ts';

/**
 * The vocabulary of a split and its canonical order. Lines are merged and sorted before a kopeck is placed, so
 * the same debt listed in any order, or in pieces, splits the same way: the tie rule's «lower index» of
 * `allocate` then means «first in this order», never «first in whatever order the database returned».
 */

export const SPLIT_RULES = ['proportional', 'oldestFirst', 'fixedShares'] as const;
export type SplitRule = (typeof SPLIT_RULES)[number];

export type DebtKind = 'principal' | 'penalty';

export type DebtLine = {
  readonly serviceId: string;
  readonly serviceCode: string;
  readonly recipientId: string;
  /** 'YYYY-MM': the month the charge is for. */
  readonly period: string;
  readonly kind: DebtKind;
  /** What is owed; lines at or below zero are ignored. */
  readonly amount: Kopecks;
};

/** What the payer chose to pay. No period: every period of the service. No kind: principal only. */
export type CoverTarget = { readonly serviceId: string; readonly period?: string; readonly kind?: DebtKind };

export type SplitReason = 'covered' | 'proportional' | 'oldestFirst' | 'fixedShare' | 'penaltyLast' | 'advance';

export type SplitPart = {
  readonly serviceId: string | null;
  readonly serviceCode: string | null;
  readonly recipientId: string;
  readonly period: string | null;
  readonly kind: DebtKind | 'advance';
  /** Positive for a payment, negative for a refund. */
  readonly amount: Kopecks;
  /** The line's debt before this payment; null for an advance. */
  readonly debtBefore: Kopecks | null;
  readonly reason: SplitReason;
};

// Principal before penalty: the order in which a split pays them.
const KIND_ORDER: Readonly<Record<DebtKind, number>> = { principal: 0, penalty: 1 };

// 'YYYY-MM' with a real month: only then does the order of the text equal the order of time.
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Code-unit order, not localeCompare: the split must not depend on the server's locale or ICU version. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Period, then service code, then service id, then principal before penalty. */
export function compareLines(a: DebtLine, b: DebtLine): number {
  return compareText(a.period, b.period) || compareText(a.serviceCode, b.serviceCode)
    || compareText(a.serviceId, b.serviceId) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

/** Lines with debt, one per (service, period, kind), in canonical order. Throws RangeError on a malformed line. */
export function canonicalLines(lines: readonly DebtLine[]): DebtLine[] {
  const merged = new Map<string, DebtLine>();
  for (const line of lines) {
    if (kopecks(line.amount) <= 0) continue;
    if (!PERIOD.test(line.period)) throw new RangeError(`period must be 'YYYY-MM', got '${line.period}'`);
    if (!Object.hasOwn(KIND_ORDER, line.kind)) throw new RangeError(`unknown debt kind '${String(line.kind)}'`);
    const key = JSON.stringify([line.serviceId, line.period, line.kind]);
    const seen = merged.get(key);
    // Pieces of one debt must agree on who is owed it; otherwise which one wins would depend on input order.
    if (seen && (seen.serviceCode !== line.serviceCode || seen.recipientId !== line.recipientId)) {
      throw new RangeError(`lines of service ${line.serviceId} for ${line.period} disagree on code or recipient`);
    }
    const { serviceId, serviceCode, recipientId, period, kind } = line;
    merged.set(key, { serviceId, serviceCode, recipientId, period, kind, amount: addKopecks(line.amount, seen?.amount ?? ZERO_KOPECKS) });
  }
  return [...merged.values()].sort(compareLines);
}

/** The same order for parts: lines as above, then advances by recipient. */
export function compareParts(a: SplitPart, b: SplitPart): number {
  if (a.kind === 'advance' || b.kind === 'advance') {
    return Number(a.kind === 'advance') - Number(b.kind === 'advance') || compareText(a.recipientId, b.recipientId);
  }
  return compareText(a.period ?? '', b.period ?? '') || compareText(a.serviceCode ?? '', b.serviceCode ?? '')
    || compareText(a.serviceId ?? '', b.serviceId ?? '') || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
    || compareText(a.recipientId, b.recipientId);
}

/** Identifies a part across a payment and its refunds. */
export const partKey = (part: SplitPart): string =>
  JSON.stringify([part.serviceId, part.period, part.kind, part.recipientId]);
