import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELIMITERS, detectDelimiter } from './delimited.calc.ts';
import type { Delimiter } from './delimited.calc.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;

const lines = (...rows: string[]): string => `${rows.join('\r\n')}\r\n`;

describe('detectDelimiter', () => {
  it('finds «;» in a registry full of decimal commas and commas in addresses', () => {
    const text = lines(
      'ЛС;ФИО;Адрес;Период;Услуга;Начислено',
      '100234;Иванов И. И.;г. Пермь, ул. Ленина, д. 5, кв. 12;03.2026;ХВС;1 234,56',
      '100235;Петрова А. С.;г. Пермь, ул. Мира, д. 1;03.2026;Отопление;2 817,40',
      '100236;Сидоров П. Н.;ул. Гагарина 17;03.2026;Вывоз ТКО;312,08',
    );
    expect(detectDelimiter(text)).toBe(';');
  });

  it('prefers «;» when decimal commas line up into a regular «,» table too', () => {
    // Every row has exactly two amounts, so «,» gives three columns throughout: the tie rule decides.
    const text = lines('100234;12,50;0,00', '100235;7,25;1,10', '100236;3,00;2,20');
    expect(detectDelimiter(text)).toBe(';');
  });

  it('looks past a title line above the header', () => {
    const text = lines(
      'Реестр начислений за март 2026',
      'ТСЖ «Надежда»',
      '',
      'ЛС;ФИО;Начислено',
      '100234;Иванов;1 234,56',
      '100235;Петрова;817,40',
    );
    expect(detectDelimiter(text)).toBe(';');
  });

  it('ignores separators inside quoted fields, escaped quotes and line breaks included', () => {
    const text = lines(
      'ЛС;Получатель;Сумма',
      '100234;"ООО ""Ромашка""; филиал";12,50',
      '100235;"ТСЖ; ""Надежда""\r\nкорпус 2";7,25',
      '100236;"УК ""Дом; Сервис""";3,00',
    );
    expect(detectDelimiter(text)).toBe(';');
  });

  it('finds «,» in an English-style CSV with quoted commas and decimal dots', () => {
    const text = lines('account,name,address,amount', '100234,"Ivanov, Ivan","Perm, Lenina 5",1234.56', '100235,Petrova,"Perm, Mira 1",817.40');
    expect(detectDelimiter(text)).toBe(',');
  });

  it('finds a tab in an Excel text export with decimal commas', () => {
    const text = lines('ЛС\tФИО\tНачислено\tОплачено', '100234\tИванов\t1234,56\t1000,00', '100235\tПетрова\t817,40\t817,40');
    expect(detectDelimiter(text)).toBe('\t');
  });

  it('finds «|»', () => {
    expect(detectDelimiter(lines('LS|FIO|SUMMA', '100234|Иванов, И.|12,50', '100235|Петрова|7,25'))).toBe('|');
  });

  it('tolerates the totals line that ends a Sberbank payment registry', () => {
    const text = lines(
      '01.03.2026;10:15:02;8618;0001;1234567890;100234;ИВАНОВ И И;ПЕРМЬ ЛЕНИНА 5-12;032026;1234,56;1222,21;12,35',
      '01.03.2026;11:40:55;8618;0002;1234567891;100235;ПЕТРОВА А С;ПЕРМЬ МИРА 1-3;032026;817,40;809,23;8,17',
      '=2;2051,96;2031,44;20,52;123;02.03.2026',
    );
    expect(detectDelimiter(text)).toBe(';');
  });

  it('forgives the last line of a sample cut in the middle', () => {
    expect(detectDelimiter('ЛС;ФИО;Сумма\n100234;Иванов;12,50\n100235;Петр')).toBe(';');
  });

  it('reads a header alone, without a final line break', () => {
    expect(detectDelimiter('ЛС;ФИО;Адрес;Период;Услуга;Начислено')).toBe(';');
  });

  it('tolerates one ragged row in ten or more; in a short file it answers null rather than fall back to «,»', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `1002${i};Иванов;12,50`);
    rows[5] = '10025;Иванов';
    expect(detectDelimiter(lines('ЛС;ФИО;Сумма', ...rows))).toBe(';');
    expect(detectDelimiter(lines('ЛС;ФИО;Сумма', '100234;Иванов', '100235;Петрова;7,25', '100236;Сидоров;3,00'))).toBeNull();
  });

  it('gives null for text that is no table', () => {
    expect(detectDelimiter('')).toBeNull();
    expect(detectDelimiter(lines('ЛС', '100234', '100235'))).toBeNull();
    expect(detectDelimiter(lines('Уважаемые жильцы, просим оплатить счет.', 'Спасибо, ваша УК, 2026.', 'Хорошего дня!'))).toBeNull();
  });

  it('gives up on too many title lines instead of guessing', () => {
    const titles = Array.from({ length: 11 }, (_, i) => `Строка заголовка ${i}`);
    expect(detectDelimiter(lines(...titles, 'ЛС;ФИО', '100234;Иванов'))).toBeNull();
  });

  it('survives an unbalanced quote', () => {
    const text = `ЛС;ФИО;Сумма\n100234;"Иванов;12,50\n${'100235;Петрова;7,25\n'.repeat(5_000)}`;
    expect(detectDelimiter(text)).toBe(';');
  });
});

/** What a well-behaved writer emits: a cell holding the separator, a quote or a line break is quoted. */
function writeTable(title: string | null, rows: readonly (readonly string[])[], delimiter: Delimiter): string {
  const cell = (c: string) => (c.includes(delimiter) || /["\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  return lines(...(title === null ? [] : [title]), ...rows.map((row) => row.map(cell).join(delimiter)));
}

describe('detectDelimiter properties', () => {
  const table = (delimiter: Delimiter) => {
    // A comma-separated file carries decimal dots; the others decimal commas, as Russian exporters write them.
    const decimal = delimiter === ',' ? '.' : ',';
    const cell = fc.oneof(
      fc.constantFrom('Иванов И. И.', 'ООО "Ромашка"', 'г. Пермь, ул. Ленина, д. 5', 'ХВС', ''),
      fc.tuple(fc.nat(99_999), fc.nat(99)).map(([r, k]) => `${r}${decimal}${String(k).padStart(2, '0')}`),
      fc.constantFrom(`а${delimiter}б`, 'строка\nвторая'),
    );
    return fc.integer({ min: 2, max: 8 }).chain((width) =>
      fc.tuple(
        fc.option(fc.constant('Реестр начислений за март 2026')),
        fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 2, maxLength: 20 }),
      ));
  };

  it.each(DELIMITERS.map((d) => [JSON.stringify(d), d] as const))('finds %s in any table written with it', (_, delimiter) => {
    fc.assert(fc.property(table(delimiter), ([title, rows]) => {
      expect(detectDelimiter(writeTable(title, rows, delimiter))).toBe(delimiter);
    }), { numRuns: RUNS });
  }, TIMEOUT);
});
