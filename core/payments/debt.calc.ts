import { kopecks, type Kopecks } from '../shared/index.ts';
import type { DebtKind, DebtLine } from './split.calc.ts';

/**
 * What an account owes now, by service, period and kind, from the customer's latest registry figures less what
 * was paid through us since that registry arrived.
 *
 * The rule: a customer's registry is the truth as of its import (its «paid» and «to pay» already count every
 * payment made before). Payments we take afterwards are subtracted from the lines they were split to; when the
 * next registry for the service arrives (a newer `updatedAt`), those payments are part of the customer's figures
 * and are no longer subtracted.
 */
export type ChargeFigures = {
  readonly serviceId: string;
  readonly serviceCode: string;
  readonly recipientId: string;
  /** 'YYYY-MM' of the latest registry row for this service. */
  readonly period: string;
  readonly openingBalance: number | null;
  readonly accrued: number | null;
  readonly recalculation: number | null;
  readonly benefit: number | null;
  readonly paid: number | null;
  readonly toPay: number | null;
  readonly penalty: number | null;
};

/** Σ of our payment splits (refunds negative) for one service, period and kind since the service's latest registry. */
export type PaidSince = { readonly serviceId: string; readonly period: string; readonly kind: DebtKind; readonly amount: Kopecks };

export function previousPeriod(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/**
 * A registry row split into debt lines: what was owed before the period (opening balance not covered by the
 * period's payments) counts as the previous period's debt, so «oldest first» pays it before the month's charge;
 * the penalty is its own line, paid last unless named. «To pay» is taken as the principal: the ЕПД shows penalties
 * on a separate line.
 */
export function chargeLines(charge: ChargeFigures): DebtLine[] {
  const v = (n: number | null) => n ?? 0;
  const computed = v(charge.openingBalance) + v(charge.accrued) + v(charge.recalculation) - v(charge.benefit) - v(charge.paid);
  const principal = Math.max(0, charge.toPay ?? computed);
  const carried = Math.min(principal, Math.max(0, v(charge.openingBalance) - v(charge.paid)));
  const base = { serviceId: charge.serviceId, serviceCode: charge.serviceCode, recipientId: charge.recipientId };
  const lines: DebtLine[] = [];
  if (carried > 0) lines.push({ ...base, period: previousPeriod(charge.period), kind: 'principal', amount: kopecks(carried) });
  if (principal - carried > 0) lines.push({ ...base, period: charge.period, kind: 'principal', amount: kopecks(principal - carried) });
  if (v(charge.penalty) > 0) lines.push({ ...base, period: charge.period, kind: 'penalty', amount: kopecks(v(charge.penalty)) });
  return lines;
}

/**
 * Lines less what was paid since: first from the line the money was split to, then (when the registry moved the
 * debt between periods) from the service's other lines of the same kind, oldest first. What is left over was an
 * overpayment and reduces nothing.
 */
export function outstandingLines(charges: readonly ChargeFigures[], paid: readonly PaidSince[]): DebtLine[] {
  const lines = charges.flatMap(chargeLines).map((line) => ({ ...line }));
  const byKey = (l: { serviceId: string; period: string; kind: string }) => `${l.serviceId}|${l.period}|${l.kind}`;
  const sorted = [...paid].sort((a, b) => byKey(a).localeCompare(byKey(b)));
  for (const payment of sorted) {
    let left = payment.amount as number;
    if (left <= 0) continue;
    const exact = lines.filter((l) => byKey(l) === byKey(payment));
    const others = lines
      .filter((l) => l.serviceId === payment.serviceId && l.kind === payment.kind && byKey(l) !== byKey(payment))
      .sort((a, b) => a.period.localeCompare(b.period));
    for (const line of [...exact, ...others]) {
      const take = Math.min(left, line.amount);
      line.amount = kopecks(line.amount - take);
      left -= take;
      if (left === 0) break;
    }
  }
  return lines.filter((line) => line.amount > 0);
}
