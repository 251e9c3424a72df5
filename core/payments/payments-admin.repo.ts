import type { Em } from '../infra/database/database.ts';
import { addDays, DEFAULT_TZ, isLocalDate, likeEscape, startOfLocalDay } from '../shared/index.ts';
import type { PaymentSource, PaymentStatus } from './payments.entity.ts';
import type { PayMethod } from './provider.port.ts';

/**
 * Staff reads of payments: the list and the per-day totals (the card is in payments-admin-card.repo.ts). Every
 * function runs in the caller's `db.withTenant(orgId, …)` and still names `org_id = ?`: row-level security is
 * the second lock, not the only one, and the explicit filter lets the planner use the (org_id, …) indexes.
 */

/** Beyond this many payments the list says «more than» instead of counting them all (as the accounts list does). */
export const PAYMENTS_COUNT_CAP = 10_000;

export type PaymentListFilter = {
  /** 'YYYY-MM-DD': the registry day of a paid payment, or the local creation day of one not (yet) paid. */
  readonly day?: string;
  readonly status?: PaymentStatus;
  readonly method?: PayMethod;
  /** The start of an account number. */
  readonly account?: string;
  readonly collectorId?: string;
  readonly page: number;
  readonly pageSize: number;
};

export type PaymentListRow = {
  readonly id: string; readonly createdAt: Date; readonly paidAt: Date | null; readonly registryDay: string | null;
  readonly status: PaymentStatus; readonly method: PayMethod; readonly accountId: string; readonly accountNumber: string;
  readonly amount: number; readonly fee: number; readonly gross: number; readonly refunded: number;
  readonly collectorName: string | null; readonly source: PaymentSource;
};

type ListRow = {
  id: string; created_at: Date | string; paid_at: Date | string | null; registry_day: string | null; status: PaymentStatus; method: PayMethod;
  account_id: string; account_number: string; amount: string; fee: string; gross: string; refunded: string; collector_name: string | null; source: PaymentSource;
};

/** The organisation's zone: its business day, and so its registry day, ends at local midnight. */
export async function orgTimeZone(em: Em, orgId: string): Promise<string> {
  const [row] = await em.execute<{ time_zone: string }[]>('select time_zone from organizations where id = ?', [orgId]);
  return row?.time_zone ?? DEFAULT_TZ;
}

/** The WHERE of the list (shared by the page and its count), with its parameters in order. */
function listWhere(orgId: string, filter: PaymentListFilter, timeZone: string): { sql: string; params: unknown[] } {
  const parts = ['p.org_id = ?'];
  const params: unknown[] = [orgId];
  if (filter.day && isLocalDate(filter.day)) {
    // A paid payment counts on its registry day; one never paid has none, so its local creation day stands in.
    parts.push('(p.registry_day = ?::date or (p.registry_day is null and p.created_at >= ? and p.created_at < ?))');
    params.push(filter.day, startOfLocalDay(filter.day, timeZone), startOfLocalDay(addDays(filter.day, 1), timeZone));
  }
  if (filter.status) { parts.push('p.status = ?'); params.push(filter.status); }
  if (filter.method) { parts.push('p.method = ?'); params.push(filter.method); }
  if (filter.collectorId) { parts.push('p.collector_id = ?'); params.push(filter.collectorId); }
  if (filter.account) {
    parts.push(`p.account_id in (select id from accounts where org_id = ? and number like ?)`);
    params.push(orgId, `${likeEscape(filter.account)}%`);
  }
  return { sql: parts.join(' and '), params };
}

/** Newest first, by offset: staff page through days, rarely deeper than a few pages. */
export async function listPayments(em: Em, orgId: string, filter: PaymentListFilter): Promise<{ rows: PaymentListRow[]; total: number }> {
  const where = listWhere(orgId, filter, filter.day ? await orgTimeZone(em, orgId) : DEFAULT_TZ);
  const rows = await em.execute<ListRow[]>(
    `select p.id, p.created_at, p.paid_at, to_char(p.registry_day, 'YYYY-MM-DD') as registry_day, p.status, p.method, p.account_id,
       a.number as account_number, p.amount, p.fee, p.gross, p.refunded, c.name as collector_name, p.source
     from payments p
     join accounts a on a.org_id = p.org_id and a.id = p.account_id
     left join collectors c on c.org_id = p.org_id and c.id = p.collector_id
     where ${where.sql} order by p.created_at desc, p.id desc limit ? offset ?`,
    [...where.params, filter.pageSize, (filter.page - 1) * filter.pageSize]);
  const [count] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from (select 1 from payments p where ${where.sql} limit ${PAYMENTS_COUNT_CAP + 1}) c`, where.params);
  return { rows: rows.map(toListRow), total: count?.n ?? 0 };
}

function toListRow(r: ListRow): PaymentListRow {
  return {
    id: r.id, createdAt: new Date(r.created_at), paidAt: r.paid_at ? new Date(r.paid_at) : null, registryDay: r.registry_day,
    status: r.status, method: r.method, accountId: r.account_id, accountNumber: r.account_number,
    amount: Number(r.amount), fee: Number(r.fee), gross: Number(r.gross), refunded: Number(r.refunded),
    collectorName: r.collector_name, source: r.source,
  };
}

export type MoneyTotals = {
  readonly count: number; readonly amount: number; readonly fee: number; readonly gross: number; readonly net: number; readonly refunded: number;
};
export type MethodTotals = MoneyTotals & { readonly method: PayMethod };
export type RangeTotals = MoneyTotals & { readonly methods: readonly MethodTotals[] };
export type DayTotals = RangeTotals & { readonly day: string };

const ZERO: MoneyTotals = { count: 0, amount: 0, fee: 0, gross: 0, net: 0, refunded: 0 };
const plus = (a: MoneyTotals, b: MoneyTotals): MoneyTotals => ({
  count: a.count + b.count, amount: a.amount + b.amount, fee: a.fee + b.fee, gross: a.gross + b.gross, net: a.net + b.net, refunded: a.refunded + b.refunded,
});

type DayRow = { day: string; method: PayMethod; count: number; amount: string; fee: string; gross: string; net: string; refunded: string };

/**
 * Paid payments by registry day (`from`…`to`, both included, newest first) and method, with each day's total and
 * the grand total (also by method). Only payments that were credited have a registry day; refunded ones stay in their day, with
 * what was given back of them in `refunded`.
 */
export async function dayTotals(em: Em, orgId: string, from: string, to: string): Promise<{ days: DayTotals[]; total: RangeTotals }> {
  const rows = await em.execute<DayRow[]>(
    `select to_char(registry_day, 'YYYY-MM-DD') as day, method, count(*)::int as count, sum(amount) as amount, sum(fee) as fee,
       sum(gross) as gross, sum(net) as net, sum(refunded) as refunded
     from payments where org_id = ? and registry_day >= ?::date and registry_day <= ?::date
     group by registry_day, method order by registry_day desc, method`, [orgId, from, to]);
  const days = new Map<string, DayTotals>();
  for (const r of rows) {
    const line = { method: r.method, count: Number(r.count), amount: Number(r.amount), fee: Number(r.fee), gross: Number(r.gross), net: Number(r.net), refunded: Number(r.refunded) };
    const before = days.get(r.day) ?? { ...ZERO, day: r.day, methods: [] };
    days.set(r.day, { ...plus(before, line), day: r.day, methods: [...before.methods, line] });
  }
  const list = [...days.values()];
  const methods = new Map<PayMethod, MoneyTotals>();
  for (const m of list.flatMap((d) => d.methods)) methods.set(m.method, plus(methods.get(m.method) ?? ZERO, m));
  return {
    days: list,
    total: { ...list.reduce<MoneyTotals>((sum, d) => plus(sum, d), ZERO), methods: [...methods].sort(([x], [y]) => x.localeCompare(y)).map(([method, m]) => ({ ...m, method })) },
  };
}
