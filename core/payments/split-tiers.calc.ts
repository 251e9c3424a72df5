import { allocate, kopecksFromBigInt, ZERO_KOPECKS } from '../shared/index.ts';
import type { Kopecks } from '../shared/index.ts';

/**
 * The three ways an organisation can share money inside one tier of a split. Each takes the tier's lines in
 * canonical order and `take` ≤ Σ their debt, and returns what each line gets, index for index:
 * Σ = take, and 0 ≤ each ≤ its line's debt. Every kopeck is placed by `allocate` (largest remainder).
 */

export type TierLine = { readonly serviceId: string; readonly period: string; readonly amount: Kopecks };

const owedBy = (lines: readonly TierLine[]): bigint => lines.reduce((sum, line) => sum + BigInt(line.amount), 0n);
const least = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * Shares in proportion to the debt. No line is over-paid: take ≤ Σ debt makes each exact share ≤ its line,
 * and largest remainder rounds a share up only to the next whole kopeck, which is still ≤ the integer line.
 */
export function payProportional(take: Kopecks, lines: readonly TierLine[]): Kopecks[] {
  if (take === 0) return lines.map(() => ZERO_KOPECKS);
  return allocate(take, lines.map((line) => line.amount));
}

/**
 * ГК РФ ст. 319.1: a payment that names no period goes to the earliest obligation. Whole periods are paid in
 * order; the period the money runs out in is shared among its lines in proportion to their debt, because
 * obligations of the same month came due together and none of them is older.
 */
export function payOldestFirst(take: Kopecks, lines: readonly TierLine[]): Kopecks[] {
  const paid = new Map<TierLine, Kopecks>();
  let left = BigInt(take);
  const periods = [...new Set(lines.map((line) => line.period))].sort();
  for (const period of periods) {
    const month = lines.filter((line) => line.period === period);
    const part = least(left, owedBy(month));
    payProportional(kopecksFromBigInt(part), month).forEach((got, i) => paid.set(month[i] as TierLine, got));
    left -= part;
  }
  return lines.map((line) => paid.get(line) ?? ZERO_KOPECKS);
}

type Service = { readonly lines: TierLine[]; readonly share: bigint; owed: bigint; paid: bigint };

/**
 * Fixed shares by service (a tariff decision, e.g. 70 % heating, 30 % water). A service without a share gets
 * nothing from the shares; if no service of the tier has one, the tier is shared proportionally instead.
 * Shares go to services, not lines, so a service owing for three months does not get three shares; inside a
 * service the money is shared over its lines in proportion to their debt.
 */
export function payFixedShares(take: Kopecks, lines: readonly TierLine[], shareOf: (serviceId: string) => bigint): Kopecks[] {
  const services = new Map<string, Service>();
  for (const line of lines) {
    const service = services.get(line.serviceId) ?? { lines: [], share: shareOf(line.serviceId), owed: 0n, paid: 0n };
    service.lines.push(line);
    service.owed += BigInt(line.amount);
    services.set(line.serviceId, service);
  }
  const list = [...services.values()];
  if (!list.some((service) => service.share > 0n)) return payProportional(take, lines);
  fillByShares(BigInt(take), list);
  const paid = new Map<TierLine, Kopecks>();
  for (const service of list) {
    payProportional(kopecksFromBigInt(service.paid), service.lines).forEach((got, i) => paid.set(service.lines[i] as TierLine, got));
  }
  return lines.map((line) => paid.get(line) ?? ZERO_KOPECKS);
}

/**
 * Pours `take` into the services by share, capping each at what it owes and pouring the excess again over
 * those not yet full. A round either places everything or fills at least one service, so there are at most as
 * many rounds as services. Once every service with a share is full, the rest goes in proportion to what is
 * still owed (the services without a share); take ≤ Σ owed, so it all fits.
 */
function fillByShares(take: bigint, services: readonly Service[]): void {
  let left = take;
  let open = services.filter((service) => service.share > 0n && service.owed > 0n);
  while (left > 0n && open.length > 0) {
    const round = allocate(kopecksFromBigInt(left), open.map((service) => service.share));
    left = 0n;
    open.forEach((service, i) => {
      const offered = BigInt(round[i] ?? 0);
      const given = least(offered, service.owed - service.paid);
      service.paid += given;
      left += offered - given;
    });
    open = open.filter((service) => service.paid < service.owed);
  }
  if (left === 0n) return;
  const rest = allocate(kopecksFromBigInt(left), services.map((service) => service.owed - service.paid));
  services.forEach((service, i) => { service.paid += BigInt(rest[i] ?? 0); });
}
