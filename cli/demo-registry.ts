import { writeDelimited } from '../core/registries/index.ts';
import type { App } from './compose.ts';

/**
 * The demo organisation's accruals for last month, loaded the way a customer's would be: a windows-1251 registry
 * through the import (so the demo shows debts by service, and its pay links have something to pay).
 */
const HEADER = ['ЛС', 'ФИО', 'Период', 'Код услуги', 'Услуга', 'Входящее сальдо', 'Начислено', 'Оплачено', 'К оплате', 'Пени'];
const SERVICES = [['01', 'Содержание жилого помещения'], ['02', 'Отопление'], ['03', 'Горячее водоснабжение'],
  ['04', 'Обращение с ТКО'], ['05', 'Холодное водоснабжение'], ['06', 'Водоотведение']] as const;
const BASE_KOP = [182_340, 245_612, 98_450, 41_275, 36_918, 27_504];

const money = (k: number) => `${k < 0 ? '-' : ''}${Math.floor(Math.abs(k) / 100)},${String(Math.abs(k) % 100).padStart(2, '0')}`;

function lastMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`;
}

function* rows(accounts: readonly { number: string; payer_name: string | null }[], period: string): Generator<string[]> {
  for (const [n, a] of accounts.entries()) {
    for (const [s, [code, name]] of SERVICES.entries()) {
      const accrued = BASE_KOP[s]! + ((n * 7_919 + s * 104_729) % 9_000);
      // A third of the payers owe last month's bill too; a few paid ahead.
      const opening = n % 3 === 0 ? BASE_KOP[s]! : n % 17 === 0 ? -5_000 : 0;
      const paid = n % 3 === 0 ? 0 : Math.max(opening, 0);
      const penalty = n % 3 === 0 && s === 1 ? 1_234 : 0;
      yield [a.number, a.payer_name ?? '', period, code, name, money(opening), money(accrued), money(paid),
        money(opening - paid + accrued + penalty), money(penalty)];
    }
  }
}

export async function importDemoRegistry(app: Pick<App, 'db' | 'registries' | 'clock'>, orgId: string): Promise<number> {
  const accounts = await app.db.withTenant(orgId, (em) =>
    em.execute<{ number: string; payer_name: string | null }[]>('select number, payer_name from accounts order by number'));
  const content = writeDelimited(HEADER, rows(accounts, lastMonth(app.clock.now())), { encoding: 'windows-1251', delimiter: ';' });
  const stored = await app.registries.store(orgId, { name: 'демо-начисления.txt', mediaType: 'text/plain', content });
  const report = await app.registries.importStored(orgId, stored.sha256, { source: 'cli', actor: { userId: null, label: 'demo' } });
  if (report?.status !== 'applied' && report?.status !== 'already_imported') {
    throw new Error(`demo registry was not imported: ${JSON.stringify(report?.errors.slice(0, 3))}`);
  }
  return report.lines;
}
