import type { Em } from '../infra/database/database.ts';

/** One charge line as staff read it on the account card. Amounts in kopecks (null where the registry was silent). */
export type ChargeLine = {
  readonly period: string;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly method: string | null;
  readonly tariff: string | null;
  readonly volume: string | null;
  readonly openingBalance: number | null;
  readonly accrued: number | null;
  readonly recalculation: number | null;
  readonly benefit: number | null;
  readonly paid: number | null;
  readonly toPay: number | null;
  readonly penalty: number | null;
};

/** Periods an account card shows: a year of bills is what a resident asks about. */
export const CARD_PERIODS = 12;

type Row = {
  period: string; service_code: string; service_name: string; method: string | null; tariff: string | null; volume: string | null;
  opening_balance: string | null; accrued: string | null; recalculation: string | null; benefit: string | null; paid: string | null;
  to_pay: string | null; penalty: string | null;
};
const kop = (v: string | null) => (v === null ? null : Number(v));

/** The account's charges of its latest periods, newest first, by service code within a period. */
export async function accountCharges(em: Em, orgId: string, accountId: string, periods = CARD_PERIODS): Promise<ChargeLine[]> {
  const rows = await em.execute<Row[]>(`select to_char(c.period, 'YYYY-MM') as period, s.code as service_code, s.name as service_name,
      c.method, c.tariff, c.volume, c.opening_balance, c.accrued, c.recalculation, c.benefit, c.paid, c.to_pay, c.penalty
    from charges c join services s on s.id = c.service_id
    where c.org_id = ? and c.account_id = ? and c.period in (
      select distinct period from charges where org_id = ? and account_id = ? order by period desc limit ?)
    order by c.period desc, s.code`, [orgId, accountId, orgId, accountId, periods]);
  return rows.map((r) => ({
    period: r.period, serviceCode: r.service_code, serviceName: r.service_name, method: r.method, tariff: r.tariff, volume: r.volume,
    openingBalance: kop(r.opening_balance), accrued: kop(r.accrued), recalculation: kop(r.recalculation), benefit: kop(r.benefit),
    paid: kop(r.paid), toPay: kop(r.to_pay), penalty: kop(r.penalty),
  }));
}
