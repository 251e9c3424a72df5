import { accountCharges } from '../../core/billing/index.ts';
import { accountDebt } from '../../core/payments/index.ts';
import { translate, type Locale } from '../../core/shared/index.ts';
import { choose, CHOICE, option, say, type Flow, type Turn } from '../flow.ts';
import { currentAccount, NEED_ACCOUNT, rub } from './common.ts';

/** «ноябрь 2026» from YYYY-MM in the resident's language. */
const MONTH_FORMATS: Readonly<Record<Locale, Intl.DateTimeFormat>> = {
  ru: new Intl.DateTimeFormat('ru-RU', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
};
export function monthName(period: string, locale: Locale): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return MONTH_FORMATS[locale].format(new Date(Date.UTC(y, m - 1, 1))).replace(' г.', '');
}

export async function serviceNames(turn: Turn): Promise<Map<string, string>> {
  const rows = await turn.em.execute<{ code: string; name: string }[]>('select code, name from services where org_id = ?', [turn.orgId]);
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** The latest month's accruals and today's debt by service, as lines of text. */
async function statement(turn: Turn, accountId: string): Promise<{ accruals: string; debt: string; total: number; period: string | null }> {
  const t = (key: string, vars: Record<string, string>) => translate(turn.locale, `dialogs.${key}`, vars);
  const charges = await accountCharges(turn.em, turn.orgId, accountId, 1);
  const period = charges[0]?.period ?? null;
  const accruals = charges.map((c) => t('debt.accrualLine', { service: c.serviceName, amount: rub(c.accrued ?? 0), toPay: rub(c.toPay ?? 0) })).join('\n');
  const debt = await accountDebt(turn.em, turn.orgId, accountId);
  const names = await serviceNames(turn);
  const byService = new Map<string, number>();
  for (const line of debt.lines) if (line.amount > 0) byService.set(line.serviceCode, (byService.get(line.serviceCode) ?? 0) + line.amount);
  const lines = [...byService].map(([code, amount]) => t('debt.serviceLine', { service: names.get(code) ?? code, amount: rub(amount) })).join('\n');
  return { accruals, debt: lines, total: debt.total, period };
}

export const debtFlow: Flow = {
  name: 'debt',
  version: 1,
  start: 'show',
  steps: {
    show: {
      async prompt(turn) {
        const account = await currentAccount(turn);
        if (!account) return NEED_ACCOUNT;
        const s = await statement(turn, account.id);
        const intents = [
          ...(s.period ? [say('debt.accruals', { period: monthName(s.period, turn.locale), lines: s.accruals, number: account.number })] : [say('debt.noCharges', { number: account.number })]),
          s.total > 0 ? say('debt.total', { total: rub(s.total), lines: s.debt }) : say('debt.none'),
          choose('debt.next', [...(s.total > 0 ? [option('d.pay', 'menu.pay')] : []), option('d.structure', 'menu.structure'), option('d.menu', 'back')]),
        ];
        return { intents, expect: CHOICE };
      },
      async handle(_turn, input) {
        if (input.kind === 'choice') {
          const to = { 'd.pay': 'pay', 'd.structure': 'structure', 'd.menu': 'menu' }[input.optionId];
          if (to) return { to };
        }
        return { to: 'menu' };
      },
    },
  },
};
