import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeDbf, writeDelimited, writeXlsx, type XlsxCell } from '../../core/registries/index.ts';

/**
 * Benchmark registries: `accounts` accounts × 5 services, realistic Cyrillic names and addresses, amounts with
 * kopecks. The same rows for every format, so rates compare.
 */
export const HEADER = ['ЛС', 'ФИО', 'Адрес', 'Кв', 'Площадь', 'Проживает', 'Период', 'Код услуги', 'Услуга', 'Тариф', 'Объём',
  'Начислено', 'Перерасчёт', 'Льгота', 'Входящее сальдо', 'Оплачено', 'К оплате', 'Пени'];
const DBF_NAMES = ['LS', 'FIO', 'ADRES', 'KV', 'PLOSHAD', 'PROG', 'PERIOD', 'KOD_USL', 'USLUGA', 'TARIF', 'OBEM', 'NACHISL',
  'PERERASCH', 'LGOTA', 'SALDO_VH', 'OPLACHENO', 'K_OPLATE', 'PENI'];
const SURNAMES = ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Васильев', 'Петрова', 'Соколов', 'Михайлова', 'Новиков', 'Фёдорова', 'Щёголев', 'Объедкова'];
const NAMES = ['Алексей Петрович', 'Мария Ивановна', 'Сергей Николаевич', 'Анна Сергеевна', 'Дмитрий Олегович', 'Юлия Артёмовна'];
const STREETS = ['ул. Ленина', 'ул. Сибирская', 'ул. Подъёмная', 'Комсомольский пр-т', 'ул. Екатерининская', 'ш. Космонавтов'];
const SERVICES = [['01', 'Холодное водоснабжение', '48,71'], ['02', 'Горячее водоснабжение', '238,45'], ['03', 'Водоотведение', '39,12'],
  ['04', 'Отопление', '2615,30'], ['10', 'Содержание жилого помещения', '32,60']] as const;
const FLATS = 100;

const money = (k: number) => `${Math.floor(k / 100)},${String(k % 100).padStart(2, '0')}`;

export function* rows(accounts: number): Generator<string[]> {
  for (let a = 0; a < accounts; a++) {
    const building = Math.floor(a / FLATS);
    const address = `г. Пермь, ${STREETS[building % STREETS.length]}, д. ${1 + Math.floor(building / STREETS.length)}`;
    const area = 3000 + ((a * 37) % 6000);
    for (const [s, [code, name, tariff]] of SERVICES.entries()) {
      const accrued = 10_000 + ((a * 7919 + s * 104_729) % 500_000);
      const opening = (a * 31 + s * 17) % 300_000;
      const paid = (a + s) % 3 === 0 ? opening : 0;
      yield [
        String(10_000_000 + a), `${SURNAMES[a % SURNAMES.length]} ${NAMES[a % NAMES.length]}`, address, String(1 + (a % FLATS)),
        money(area), String(1 + (a % 4)), '03.2026', code, name, tariff, `${1 + (a % 9)},${String(a % 1000).padStart(3, '0')}`,
        money(accrued), '0,00', '0,00', money(opening), money(paid), money(opening - paid + accrued), money((a * 13) % 1000),
      ];
    }
  }
}

export async function writeTxt(path: string, accounts: number): Promise<void> {
  await pipeline(Readable.from(writeDelimited(HEADER, rows(accounts), { encoding: 'windows-1251', delimiter: ';' })), createWriteStream(path));
}

/** Columns Excel holds as numbers (as a spreadsheet exported from a billing system does); the rest are text. */
const NUMERIC = new Set([4, 5, 9, 10, 11, 12, 13, 14, 15, 16, 17]);

export async function writeXlsxFile(path: string, accounts: number): Promise<void> {
  const typed = function* (): Generator<XlsxCell[]> {
    for (const r of rows(accounts)) yield r.map((c, i) => (NUMERIC.has(i) ? { number: c.replace(',', '.') } : c));
  };
  await writeXlsx(path, HEADER, typed());
}

export async function writeDbfFile(path: string, accounts: number): Promise<void> {
  const sizes = [10, 60, 80, 6, 10, 3, 7, 4, 40, 12, 12, 12, 12, 12, 12, 12, 12, 12];
  const numeric = new Set([4, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  const fields = DBF_NAMES.map((name, i) => (numeric.has(i)
    ? { name, type: 'N' as const, size: sizes[i]!, decimalPlaces: i === 10 ? 3 : 2 }
    : { name, type: 'C' as const, size: sizes[i]! }));
  const dotted = function* () {
    for (const r of rows(accounts)) yield r.map((c, i) => (numeric.has(i) ? c.replace(',', '.') : c));
  };
  await writeDbf(path, fields, dotted(), { encoding: 'cp866' });
}
