import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guessMapping, normaliseHeader } from './headers.calc.ts';
import type { RegistryField } from './headers.calc.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;

/** Header cells paired with the field each must map to (null: must stay unmapped). */
type Expected = readonly (readonly [string, RegistryField | null])[];

function expectMapped(rows: string[][], headerRow: number, expected: Expected): void {
  const guess = guessMapping(rows);
  expect(guess.headerRow).toBe(headerRow);
  const want = Object.fromEntries(expected.flatMap(([, field], column) => (field ? [[field, column]] : [])));
  expect(guess.mapping).toEqual(want);
  expect(guess.unmapped).toEqual(expected.flatMap(([, field], column) => (field ? [] : [column])));
}

const ONE_C: Expected = [
  ['№ п/п', null],
  ['Лицевой счёт', 'account'],
  ['Ф.И.О. собственника', 'payerName'],
  ['Адрес помещения', 'address'],
  ['№ кв.', 'premise'],
  ['Площадь, кв.м', 'area'],
  ['Кол-во проживающих', 'residents'],
  ['Расчётный период', 'period'],
  ['Код услуги', 'serviceCode'],
  ['Наименование услуги', 'serviceName'],
  ['Способ расчёта', 'method'],
  ['Тариф, руб.', 'tariff'],
  ['Объём', 'volume'],
  ['Начислено', 'accrued'],
  ['Перерасчёт', 'recalculation'],
  ['Льгота', 'benefit'],
  ['Сальдо на начало', 'openingBalance'],
  ['Оплачено', 'paid'],
  ['Итого к оплате', 'toPay'],
  ['Начислено пени', 'penalty'],
  ['Номер счётчика', 'meterNumber'],
  ['Предыдущие показания', 'previousReading'],
  ['Текущие показания', 'currentReading'],
  ['Дата снятия показаний', 'readingDate'],
  ['ЕЛС', 'els'],
  ['ИЖКУ', 'izhku'],
  ['ИПД', 'ipd'],
];

const cells = (expected: Expected): string[] => expected.map(([cell]) => cell);

describe('guessMapping', () => {
  it('maps the header of our own example registry', () => {
    const header: Expected = [
      ['ЛС', 'account'], ['ФИО', 'payerName'], ['Адрес', 'address'], ['Период', 'period'], ['Услуга', 'serviceName'],
      ['Начислено', 'accrued'],
    ];
    expectMapped([cells(header), ['100234', 'Иванов И. И.', 'ул. Ленина, 5', '03.2026', 'ХВС', '1 234,56']], 0, header);
  });

  it('maps a full 1C-style header below a title, a name line and a blank line', () => {
    const rows = [['Реестр начислений за март 2026'], ['ТСЖ «Надежда»', '', ''], [], cells(ONE_C), ['1', '100234', 'Иванов И. И.']];
    expectMapped(rows, 3, ONE_C);
  });

  it('maps a Sberbank-style payment registry, leaving its bank columns to staff', () => {
    const header: Expected = [
      ['Дата', null], ['Время', null], ['Отделение', null], ['Терминал', null], ['Номер операции', null],
      ['Лицевой счет', 'account'], ['ФИО', 'payerName'], ['Адрес', 'address'], ['Период оплаты', 'period'],
      ['Сумма', 'toPay'], ['Сумма к перечислению', null], ['Комиссия', null],
    ];
    expectMapped([cells(header)], 0, header);
  });

  it('maps a Sberbank debt registry', () => {
    const header: Expected = [['№ л/с', 'account'], ['Плательщик', 'payerName'], ['Адрес плательщика', 'address'], ['Сумма задолженности', 'toPay']];
    expectMapped([cells(header)], 0, header);
  });

  it('maps DBF short field names', () => {
    const header: Expected = [
      ['LS', 'account'], ['FIO', 'payerName'], ['ADRES', 'address'], ['KV', 'premise'], ['PLOSH', 'area'],
      ['KOLPROG', 'residents'], ['PERIOD', 'period'], ['KOD_USL', 'serviceCode'], ['NAIMUSL', 'serviceName'],
      ['TARIF', 'tariff'], ['OBEM', 'volume'], ['NACHISL', 'accrued'], ['PERER', 'recalculation'], ['LGOTA', 'benefit'],
      ['SALDO', 'openingBalance'], ['OPLATA', 'paid'], ['SUMMA', 'toPay'], ['PENI', 'penalty'], ['NOMSCH', 'meterNumber'],
      ['POKPRED', 'previousReading'], ['POKTEK', 'currentReading'], ['DATAPOK', 'readingDate'], ['ELS', 'els'],
      ['IZHKU', 'izhku'], ['IPD', 'ipd'],
    ];
    expectMapped([cells(header)], 0, header);
  });

  it('maps English headers', () => {
    const header: Expected = [
      ['Account', 'account'], ['Name', 'payerName'], ['Address', 'address'], ['Flat', 'premise'], ['Area', 'area'],
      ['Residents', 'residents'], ['Period', 'period'], ['Service code', 'serviceCode'], ['Service', 'serviceName'],
      ['Method', 'method'], ['Tariff', 'tariff'], ['Volume', 'volume'], ['Accrued', 'accrued'],
      ['Recalculation', 'recalculation'], ['Benefit', 'benefit'], ['Opening balance', 'openingBalance'], ['Paid', 'paid'],
      ['To pay', 'toPay'], ['Penalty', 'penalty'], ['Meter number', 'meterNumber'], ['Previous reading', 'previousReading'],
      ['Current reading', 'currentReading'], ['Reading date', 'readingDate'],
    ];
    expectMapped([cells(header)], 0, header);
  });

  it('tells near-namesakes apart', () => {
    const header: Expected = [
      ['Единый лицевой счет', 'els'], ['Лицевой счет', 'account'], ['Площадь помещения', 'area'], ['Помещение', 'premise'],
      ['Кол-во проживающих', 'residents'], ['Кол-во', 'volume'], ['Долг на начало периода', 'openingBalance'],
      ['Сальдо на конец', 'toPay'], ['Сумма начисления', 'accrued'], ['Показания счетчика', 'currentReading'],
    ];
    expectMapped([cells(header)], 0, header);
  });

  it('gives each field one column: a second «ЛС» column is left to staff', () => {
    expectMapped([['Лицевой счет', 'ЛС', 'ФИО']], 0, [['Лицевой счет', 'account'], ['ЛС', null], ['ФИО', 'payerName']]);
  });

  it('finds no header in data alone, or in a lone title', () => {
    const none = { headerRow: -1, mapping: {}, unmapped: [] };
    expect(guessMapping([['100234', 'Иванов И. И.', '1 234,56'], ['100235', 'Петрова А. С.', '817,40']])).toEqual(none);
    expect(guessMapping([['Реестр начислений за март 2026']])).toEqual(none);
    expect(guessMapping([])).toEqual(none);
  });

  it('looks no further than the tenth row', () => {
    const titles = Array.from({ length: 10 }, (_, i) => [`Строка ${i}`]);
    expect(guessMapping([...titles, ['ЛС', 'ФИО']]).headerRow).toBe(-1);
    expect(guessMapping([...titles.slice(1), ['ЛС', 'ФИО']]).headerRow).toBe(9);
  });

  it('maps any selection of those columns in any order alike', () => {
    const selection = fc.shuffledSubarray([...ONE_C], { minLength: 2 }).filter((s) => s.filter(([, field]) => field).length >= 2);
    fc.assert(fc.property(selection, (shuffled) => {
      expectMapped([cells(shuffled)], 0, shuffled);
    }), { numRuns: RUNS });
  }, TIMEOUT);
});

describe('normaliseHeader', () => {
  it.each([
    ['№ Л/С', 'л с'],
    ['Ф.И.О.', 'ф и о'],
    ['  Перерасчёт,\n руб. ', 'перерасчет руб'],
    ['Кол-во проживающих', 'колво проживающих'],
    ['Кол. во', 'колво'],
    ['Количество', 'количество'],
    ['KOD_USL', 'kod usl'],
    ['Площадь, м²', 'площадь м2'],
  ])('turns «%s» into «%s»', (raw, normal) => {
    expect(normaliseHeader(raw)).toBe(normal);
  });
});
