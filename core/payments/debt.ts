import type { Em } from '../infra/database/database.ts';
import { kopecks, sumKopecks, type Kopecks } from '../shared/index.ts';
import { outstandingLines, type ChargeFigures, type PaidSince } from './debt.calc.ts';
import type { DebtLine } from './split.calc.ts';

export type AccountDebt = {
  readonly lines: readonly DebtLine[];
  readonly total: Kopecks;
  /** When the figures were true: the latest registry that wrote them (null when the account has no charges). */
  readonly asOf: Date | null;
  /** How an overpayment is shared among recipients: the latest month's accruals by recipient. */
  readonly advanceBasis: readonly { readonly recipientId: string; readonly weight: number }[];
};

type ChargeRow = {
  service_id: string; service_code: string; recipient_id: string; period: string; opening_balance: string | null; accrued: string | null;
  recalculation: string | null; benefit: string | null; paid: string | null; to_pay: string | null; penalty: string | null; updated_at: Date;
};
type PaidRow = { service_id: string; period: string; kind: 'principal' | 'penalty'; amount: string };
const num = (v: string | null) => (v === null ? null : Number(v));

/** The account's debt now (debt.calc.ts), read inside the caller's tenant transaction. */
export async function accountDebt(em: Em, orgId: string, accountId: string): Promise<AccountDebt> {
  const charges = await em.execute<ChargeRow[]>(
    `select distinct on (c.service_id) c.service_id, s.code as service_code, s.recipient_id, to_char(c.period, 'YYYY-MM') as period,
       c.opening_balance, c.accrued, c.recalculation, c.benefit, c.paid, c.to_pay, c.penalty, c.updated_at
     from charges c join services s on s.id = c.service_id
     where c.org_id = ? and c.account_id = ? order by c.service_id, c.period desc`, [orgId, accountId]);
  if (charges.length === 0) return { lines: [], total: kopecks(0), asOf: null, advanceBasis: [] };
  const since = new Map(charges.map((c) => [c.service_id, c.updated_at]));
  const paidRows = await em.execute<(PaidRow & { created_at: Date })[]>(
    `select service_id, to_char(period, 'YYYY-MM') as period, kind, amount, created_at from payment_splits
     where org_id = ? and account_id = ? and service_id is not null and kind <> 'advance'
       and created_at > (select min(updated_at) from charges where org_id = ? and account_id = ?)`, [orgId, accountId, orgId, accountId]);
  const paid: PaidSince[] = paidRows
    .filter((r) => r.created_at > since.get(r.service_id)!)
    .map((r) => ({ serviceId: r.service_id, period: r.period, kind: r.kind, amount: kopecks(Number(r.amount)) }));
  const figures: ChargeFigures[] = charges.map((c) => ({
    serviceId: c.service_id, serviceCode: c.service_code, recipientId: c.recipient_id, period: c.period,
    openingBalance: num(c.opening_balance), accrued: num(c.accrued), recalculation: num(c.recalculation), benefit: num(c.benefit),
    paid: num(c.paid), toPay: num(c.to_pay), penalty: num(c.penalty),
  }));
  const lines = outstandingLines(figures, mergePaid(paid));
  return {
    lines,
    total: sumKopecks(lines.map((l) => l.amount)),
    asOf: charges.reduce((latest, c) => (c.updated_at > latest ? c.updated_at : latest), charges[0]!.updated_at),
    advanceBasis: advanceBasisOf(charges),
  };
}

function mergePaid(paid: readonly PaidSince[]): PaidSince[] {
  const merged = new Map<string, PaidSince>();
  for (const p of paid) {
    const key = `${p.serviceId}|${p.period}|${p.kind}`;
    const before = merged.get(key);
    merged.set(key, before ? { ...before, amount: kopecks(before.amount + p.amount) } : p);
  }
  return [...merged.values()];
}

/** The latest month's accruals by recipient: an advance is shared as the next bill will be. */
function advanceBasisOf(charges: readonly ChargeRow[]): { recipientId: string; weight: number }[] {
  const latest = charges.reduce((max, c) => (c.period > max ? c.period : max), '');
  const weights = new Map<string, number>();
  for (const c of charges) {
    if (c.period !== latest) continue;
    const accrued = Math.max(0, Number(c.accrued ?? c.to_pay ?? 0));
    weights.set(c.recipient_id, (weights.get(c.recipient_id) ?? 0) + accrued);
  }
  return [...weights].map(([recipientId, weight]) => ({ recipientId, weight }));
}

/** The organisation's own recipient (the first one registered): it takes an advance nobody else can. */
export async function fallbackRecipient(em: Em, orgId: string): Promise<string | null> {
  const rows = await em.execute<{ id: string }[]>(
    'select id from recipients where org_id = ? and active order by created_at, id limit 1', [orgId]);
  return rows[0]?.id ?? null;
}
