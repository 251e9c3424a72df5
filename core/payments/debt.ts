import type { Em } from '../infra/database/database.ts';
import { kopecks, sumKopecks, type Kopecks } from '../shared/index.ts';
import { outstandingLines, type ChargeFigures, type PaidSince } from './debt.calc.ts';
import { SPLIT_RULES, type DebtLine, type SplitRule } from './split.calc.ts';

export type AccountDebt = {
  readonly lines: readonly DebtLine[];
  readonly total: Kopecks;
  /** When the figures were true: the latest registry that wrote them (null when the account has no charges). */
  readonly asOf: Date | null;
  /** How an overpayment is shared among recipients: the latest month's accruals by recipient. */
  readonly advanceBasis: readonly { readonly recipientId: string; readonly weight: number }[];
};

/** What a split needs besides the debt: the organisation's rule and zone, and who takes an advance nobody else can. */
export type SplitTerms = {
  readonly rule: SplitRule;
  readonly shares: Record<string, number> | null;
  readonly timeZone: string;
  /** The organisation's own recipient (the first one registered). */
  readonly fallbackRecipientId: string | null;
};

type ChargeJson = {
  service_id: string; service_code: string; recipient_id: string; period: string; opening_balance: number | null; accrued: number | null;
  recalculation: number | null; benefit: number | null; paid: number | null; to_pay: number | null; penalty: number | null; updated_at: string;
};
type PaidJson = { service_id: string; period: string; kind: 'principal' | 'penalty'; amount: number; created_at: string };
export type DebtContextRow = { charges: ChargeJson[] | null; paid: PaidJson[] | null; terms: { split_rule: string; split_shares: Record<string, number> | null; time_zone: string }; fallback: string | null };

/**
 * Everything a payment's split reads, in one statement (a bank notification is on the hot path): the latest
 * registry row per service, our splits since the earliest of them, the organisation's rule and its own recipient.
 * `source` names the organisation and account: given outright, or through a payment id (notify.ts reads it in the
 * same round trip as the payment's lock).
 */
const contextSql = (source: string) => `with a as (${source}) select
  (select json_agg(c) from (select distinct on (c.service_id) c.service_id, s.code as service_code, s.recipient_id, to_char(c.period, 'YYYY-MM') as period,
      c.opening_balance, c.accrued, c.recalculation, c.benefit, c.paid, c.to_pay, c.penalty, c.updated_at
    from a join charges c on c.org_id = a.org_id and c.account_id = a.account_id join services s on s.id = c.service_id
    order by c.service_id, c.period desc) c) as charges,
  (select json_agg(ps) from (select ps.service_id, to_char(ps.period, 'YYYY-MM') as period, ps.kind, ps.amount, ps.created_at
    from a join payment_splits ps on ps.org_id = a.org_id and ps.account_id = a.account_id
    where ps.service_id is not null and ps.kind <> 'advance'
      and ps.created_at > (select min(c2.updated_at) from charges c2 where c2.org_id = a.org_id and c2.account_id = a.account_id)) ps) as paid,
  (select json_build_object('split_rule', o.split_rule, 'split_shares', o.split_shares, 'time_zone', o.time_zone) from a join organizations o on o.id = a.org_id) as terms,
  (select r.id from a join recipients r on r.org_id = a.org_id where r.active order by r.created_at, r.id limit 1) as fallback`;

/** The context of one account; two parameters: the organisation and the account. */
export const ACCOUNT_CONTEXT_SQL = contextSql('select ?::uuid as org_id, ?::uuid as account_id');
/** The context of a payment's account, for the tenant already set in the transaction; one parameter: the payment id. */
export const PAYMENT_CONTEXT_SQL = contextSql('select org_id, account_id from payments where org_id = fp_current_org() and id = ?::uuid');

export type DebtContext = { readonly debt: AccountDebt; readonly terms: SplitTerms };

/** Reads a row of contextSql. */
export function readDebtContext(row: DebtContextRow | undefined): DebtContext {
  if (!row?.terms) throw new Error('the organisation is not visible in its own transaction');
  const rule = (SPLIT_RULES as readonly string[]).includes(row.terms.split_rule) ? (row.terms.split_rule as SplitRule) : 'oldestFirst';
  const terms: SplitTerms = { rule, shares: row.terms.split_shares, timeZone: row.terms.time_zone, fallbackRecipientId: row.fallback };
  return { debt: debtOf(row.charges ?? [], row.paid ?? []), terms };
}

/** The account's debt now (debt.calc.ts) and the organisation's split terms, read inside the caller's tenant transaction. */
export async function debtContext(em: Em, orgId: string, accountId: string): Promise<DebtContext> {
  const [row] = await em.execute<DebtContextRow[]>(ACCOUNT_CONTEXT_SQL, [orgId, accountId]);
  return readDebtContext(row);
}

export async function accountDebt(em: Em, orgId: string, accountId: string): Promise<AccountDebt> {
  return (await debtContext(em, orgId, accountId)).debt;
}

function debtOf(charges: readonly ChargeJson[], paidRows: readonly PaidJson[]): AccountDebt {
  if (charges.length === 0) return { lines: [], total: kopecks(0), asOf: null, advanceBasis: [] };
  const since = new Map(charges.map((c) => [c.service_id, Date.parse(c.updated_at)]));
  const paid: PaidSince[] = paidRows
    .filter((r) => Date.parse(r.created_at) > since.get(r.service_id)!)
    .map((r) => ({ serviceId: r.service_id, period: r.period, kind: r.kind, amount: kopecks(Number(r.amount)) }));
  const figures: ChargeFigures[] = charges.map((c) => ({
    serviceId: c.service_id, serviceCode: c.service_code, recipientId: c.recipient_id, period: c.period,
    openingBalance: c.opening_balance, accrued: c.accrued, recalculation: c.recalculation, benefit: c.benefit,
    paid: c.paid, toPay: c.to_pay, penalty: c.penalty,
  }));
  const lines = outstandingLines(figures, mergePaid(paid));
  return {
    lines,
    total: sumKopecks(lines.map((l) => l.amount)),
    asOf: new Date(Math.max(...charges.map((c) => Date.parse(c.updated_at)))),
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
function advanceBasisOf(charges: readonly ChargeJson[]): { recipientId: string; weight: number }[] {
  const latest = charges.reduce((max, c) => (c.period > max ? c.period : max), '');
  const weights = new Map<string, number>();
  for (const c of charges) {
    if (c.period !== latest) continue;
    const accrued = Math.max(0, Number(c.accrued ?? c.to_pay ?? 0));
    weights.set(c.recipient_id, (weights.get(c.recipient_id) ?? 0) + accrued);
  }
  return [...weights].map(([recipientId, weight]) => ({ recipientId, weight }));
}
