import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import type { Delimiter, RegistryEncoding } from '../core/registries/index.ts';
import { openRegistry, sniffFormat } from '../core/registries/open-registry.ts';
import { csvCells, fastCells, openDelimited } from '../core/registries/reader-delimited.ts';
import { cellText, columnLabel, dateText, excelNumberText } from '../core/registries/reader-xlsx.ts';
import type { OpenOptions, RawRow } from '../core/registries/reader.ts';
import { DEBT_HEADER, dbfGrid, debtRows, textGrid, xlsxGrid } from './fixtures/registries/accruals.rows.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'registry-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

const ICONV: Record<RegistryEncoding, string> = { 'utf-8': 'utf8', 'windows-1251': 'win1251', cp866: 'cp866', 'koi8-r': 'koi8-r' };

/** A file in the temp dir holding `text` in `encoding`, or raw bytes. */
function tempFile(content: string | Uint8Array, encoding: RegistryEncoding = 'utf-8', ext = 'txt'): string {
  const file = path.join(dir, `f${++fileNo}.${ext}`);
  writeFileSync(file, typeof content === 'string' ? iconv.encode(content, ICONV[encoding]) : content);
  return file;
}

async function readAll(file: string, options: Partial<OpenOptions> = {}): Promise<RawRow[]> {
  const registry = await openRegistry(file, { name: path.basename(file), ...options });
  const rows: RawRow[] = [];
  for await (const row of registry.rows()) rows.push(row);
  return rows;
}

/** The code and message variables a read fails with; the test fails if it does not. */
async function failure(file: string, options: Partial<OpenOptions> = {}): Promise<{ code: string; vars: object }> {
  try {
    await readAll(file, options);
  } catch (e) {
    const error = (e as { error?: { code: string; vars: object } }).error;
    if (error) return { code: error.code, vars: error.vars };
    throw e;
  }
  throw new Error('read did not fail');
}

const cellsOf = (rows: readonly RawRow[]) => rows.map((r) => r.cells);

/** RFC 4180 as Excel writes it: quoted only when it must be. */
const quote = (cell: string, d: string) => (/["\r\n]/.test(cell) || cell.includes(d) ? `"${cell.replaceAll('"', '""')}"` : cell);
const serialise = (grid: readonly (readonly string[])[], d: string, eol = '\r\n') => grid.map((r) => r.map((c) => quote(c, d)).join(d)).join(eol) + eol;

const GRID = [
  ['ЛС', 'ФИО', 'Адрес', 'Начислено'],
  ['100234', 'Щукин Алексей Петрович', 'г. Пермь, ул. Ленина, д. 5, кв. 12', '1 234,56'],
  ['100235', 'Ёлкина Ольга Викторовна', 'г. Пермь, пр-т Мира, д. 7, кв. 3', '98,10'],
  ['100236', 'Объедкова Алёна Сергеевна', 'г. Пермь, ул. Подъёмная, д. 12', '0,00'],
];
const ENCODINGS: readonly RegistryEncoding[] = ['utf-8', 'windows-1251', 'cp866', 'koi8-r'];
const DELIMITERS: readonly Delimiter[] = [';', ',', '|', '\t'];

describe('delimited text', () => {
  for (const encoding of ENCODINGS) {
    for (const delimiter of DELIMITERS) {
      it(`reads ${encoding} with ${JSON.stringify(delimiter)}, detecting both`, async () => {
        const file = tempFile(serialise(GRID, delimiter), encoding);
        const registry = await openRegistry(file, { name: 'реестр.txt' });
        expect([registry.format, registry.encoding, registry.delimiter]).toEqual(['txt', encoding, delimiter]);
        expect(registry.columnLabel(4)).toBe('5');
        const rows: RawRow[] = [];
        for await (const row of registry.rows()) rows.push(row);
        expect(cellsOf(rows)).toEqual(GRID);
        expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4]);
      });
    }
  }

  it('keeps delimiters, line breaks and doubled quotes inside quoted fields, counting physical lines', async () => {
    const text = 'ЛС;ФИО;Примечание\r\n1;"Иванов; Иван";"первая строка\r\nвторая ""в кавычках"""\r\n2;ООО "Ромашка";"""Альфа"""\r\n3;"";x\r\n';
    const rows = await readAll(tempFile(text), { delimiter: ';' });
    expect(rows).toEqual([
      { line: 1, cells: ['ЛС', 'ФИО', 'Примечание'] },
      { line: 2, cells: ['1', 'Иванов; Иван', 'первая строка\r\nвторая "в кавычках"'] },
      { line: 4, cells: ['2', 'ООО "Ромашка"', '"Альфа"'] },
      { line: 5, cells: ['3', '', 'x'] },
    ]);
  });

  it('strips a UTF-8 BOM, keeps title lines and decimal commas, and skips empty lines', async () => {
    const text = '\uFEFFРеестр начислений за март 2026\r\n\r\nЛС;Сумма;Пени\r\n100234;1 234,56;0,15\r\n   \r\n100235;98,10;\r\n\u001a';
    const rows = await readAll(tempFile(text));
    expect(rows).toEqual([
      { line: 1, cells: ['Реестр начислений за март 2026'] },
      { line: 3, cells: ['ЛС', 'Сумма', 'Пени'] },
      { line: 4, cells: ['100234', '1 234,56', '0,15'] },
      { line: 6, cells: ['100235', '98,10', ''] },
    ]);
  });

  it('reads LF, CRLF and old-Mac CR line ends alike', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      expect(cellsOf(await readAll(tempFile(serialise(GRID, ';', eol))))).toEqual(GRID);
    }
  });

  it('honours maxRows, staff’s encoding and delimiter, and names CSV by the extension', async () => {
    const file = tempFile(serialise(GRID, ','), 'koi8-r', 'csv');
    expect(cellsOf(await readAll(file, { maxRows: 2 }))).toEqual(GRID.slice(0, 2));
    const registry = await openDelimited(file, { name: 'x.csv', encoding: 'koi8-r', delimiter: ',' }, 'csv');
    expect([registry.format, registry.encoding]).toEqual(['csv', 'koi8-r']);
    // Staff insisting on the wrong code page get what they asked for (the preview shows it).
    expect((await readAll(file, { encoding: 'windows-1251' }))[1]!.cells[1]).not.toBe(GRID[1]![1]);
  });

  it('keeps a cp866 DOS end-of-file mark as itself, not as ICU’s rotated control', async () => {
    const bytes = Buffer.concat([iconv.encode('ЛС;Примечание\r\n1;а', 'cp866'), Buffer.from([0x1a]), iconv.encode('б\r\n', 'cp866')]);
    const rows = await readAll(tempFile(bytes), { encoding: 'cp866' });
    expect(rows[1]!.cells).toEqual(['1', 'а\u001aб']);
  });

  it('refuses undecodable bytes on the line they are on', async () => {
    const utf8 = Buffer.concat([Buffer.from('ЛС;ФИО\n1;Иванов\n2;'), Buffer.from([0xd0, 0x28]), Buffer.from('\n')]);
    expect(await failure(tempFile(utf8), { encoding: 'utf-8' })).toEqual({ code: 'REGISTRIES.ENCODING_INVALID', vars: { line: 3, encoding: 'UTF-8' } });
    const cp1251 = Buffer.concat([iconv.encode('ЛС;ФИО\r\n1;Щукин Алексей Петрович, г. Пермь\r\n2;', 'win1251'), Buffer.from([0x98, 0x0d, 0x0a])]);
    expect(await failure(tempFile(cp1251), { encoding: 'windows-1251' })).toMatchObject({ vars: { line: 3, encoding: 'windows-1251' } });
  });

  it('asks staff for the encoding when the text does not decide it, naming the candidates', async () => {
    const result = await failure(tempFile('Да;Нет\r\n', 'windows-1251'));
    expect(result.code).toBe('REGISTRIES.ENCODING_AMBIGUOUS');
    expect((result.vars as { candidates: string }).candidates).toMatch(/^(UTF-8|windows-1251|CP866|KOI8-R)(, (UTF-8|windows-1251|CP866|KOI8-R))+$/);
  });

  it('refuses a one-column file and a row of more than 512 columns', async () => {
    expect((await failure(tempFile('Иванов\r\nПетров\r\nСидоров\r\n'))).code).toBe('REGISTRIES.DELIMITER_NOT_FOUND');
    const wide = `a;b\r\n1;2\r\n${Array.from({ length: 600 }, (_, i) => i).join(';')}\r\n`;
    expect(await failure(tempFile(wide))).toEqual({ code: 'REGISTRIES.TOO_MANY_COLUMNS', vars: { line: 3, limit: 512 } });
  });
});

describe('format sniffing', () => {
  it('tells XLSX, old XLS, DBF and text apart by their first bytes', () => {
    expect(sniffFormat(Buffer.from('PK\x03\x04rest', 'latin1'))).toBe('xlsx');
    expect(sniffFormat(Buffer.from('d0cf11e0a1b11ae1', 'hex'))).toBe('xls');
    expect(sniffFormat(readFileSync('test/fixtures/registries/accruals.cp866.dbf'))).toBe('dbf');
    // A TSV line with a «date» in bytes 1–3 (0x09 is the 9th) but no descriptor terminator is text.
    expect(sniffFormat(Buffer.from(`01\t\t${'x'.repeat(200)}`, 'latin1'))).toBe('text');
  });

  it('explains that an old .xls must be saved as .xlsx', async () => {
    const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]);
    expect((await failure(tempFile(xls, 'utf-8', 'xls'))).vars).toEqual({ detail: expect.stringContaining('.xls') });
  });
});

describe('committed fixtures', () => {
  type Fixture = { file: string; content: string; format: string; encoding: RegistryEncoding | null; delimiter: string | null };
  const manifest = JSON.parse(readFileSync('test/fixtures/registries/manifest.json', 'utf8')) as Fixture[];
  for (const f of manifest) {
    it(`reads ${f.file} back to the canonical grid`, async () => {
      const registry = await openRegistry(`test/fixtures/registries/${f.file}`, { name: f.file });
      expect([registry.format, registry.encoding, registry.delimiter]).toEqual([f.format, f.encoding, f.delimiter]);
      const rows: string[][] = [];
      for await (const row of registry.rows()) rows.push([...row.cells]);
      const expected = f.content === 'debt' ? [[...DEBT_HEADER], ...debtRows()]
        : f.format === 'xlsx' ? xlsxGrid() : f.format === 'dbf' ? dbfGrid(f.encoding!) : textGrid(f.encoding!);
      expect(rows).toEqual(expected);
    });
  }
});

async function xlsxFile(fill: (sheet: ExcelJS.Worksheet) => void): Promise<string> {
  const book = new ExcelJS.Workbook();
  fill(book.addWorksheet('Реестр'));
  book.addWorksheet('Итоги').addRow(['не читается']);
  const file = path.join(dir, `f${++fileNo}.xlsx`);
  await book.xlsx.writeFile(file); // shared strings, as Excel writes them
  return file;
}

const utcDay = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const serial = (date: Date) => date.getTime() / 86_400_000 + 25569;

describe('XLSX', () => {
  it('reads the first sheet as text: numbers, dates, formulas, shared and rich strings, gaps', async () => {
    const file = await xlsxFile((sheet) => {
      sheet.addRow(['ЛС', 'ФИО', 'Сумма', 'Дата', 'Формула', 'Дата по формуле', 'Флаг']);
      sheet.addRow(['0050204', 'Щёголев Фёдор', 1234.5, utcDay(2026, 3, 15), { formula: '0.1+0.2', result: 0.30000000000000004 },
        { formula: 'DATE(2026,3,1)', result: serial(utcDay(2026, 3, 1)) }, true]);
      sheet.getCell('D2').numFmt = 'dd.mm.yyyy';
      sheet.getCell('F2').numFmt = 'dd.mm.yyyy';
      sheet.getCell('A4').value = { richText: [{ text: 'Подъ' }, { text: 'ячев' }] };
      sheet.getCell('C4').value = { error: '#N/A' } as ExcelJS.CellErrorValue;
      sheet.getCell('D4').value = { text: 'ссылка', hyperlink: 'https://example.ru' };
      sheet.getCell('E4').value = { formula: 'A4&"!"', result: 'Подъячев!' };
      sheet.getCell('G4').value = -0.000_000_15;
    });
    const rows = await readAll(file);
    expect(rows).toEqual([
      { line: 1, cells: ['ЛС', 'ФИО', 'Сумма', 'Дата', 'Формула', 'Дата по формуле', 'Флаг'] },
      { line: 2, cells: ['0050204', 'Щёголев Фёдор', '1234.5', '2026-03-15', '0.3', '2026-03-01', 'TRUE'] },
      { line: 4, cells: ['Подъячев', '', '', 'ссылка', 'Подъячев!', '', '-0.00000015'] },
    ]);
    const registry = await openRegistry(file, { name: 'r.xlsx', maxRows: 1 });
    expect([registry.format, registry.encoding, registry.delimiter, registry.fieldNames]).toEqual(['xlsx', null, null, null]);
    const first: RawRow[] = [];
    for await (const row of registry.rows()) first.push(row);
    expect(first.map((r) => r.line)).toEqual([1]);
  });

  it('leaves no temp copy of a sheet behind when a preview stops early', async () => {
    // exceljs copies sheets that precede the shared strings (Excel's order) to temp files named tmp-<pid>-….
    const copies = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`tmp-${process.pid}-`)).length;
    const file = await xlsxFile((sheet) => sheet.addRows([['ЛС', 'Сумма'], ['1', 5], ['2', 7]]));
    const before = copies();
    for (let i = 0; i < 3; i++) expect(await readAll(file, { maxRows: 1 })).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 200)); // exceljs deletes them asynchronously
    expect(copies()).toBeLessThanOrEqual(before);
  });

  it('refuses a row wider than 512 columns', async () => {
    const file = await xlsxFile((sheet) => {
      sheet.addRow(['a', 'b']);
      sheet.getCell(2, 600).value = 'далеко';
    });
    expect(await failure(file)).toEqual({ code: 'REGISTRIES.TOO_MANY_COLUMNS', vars: { line: 2, limit: 512 } });
  });

  it('writes numbers to Excel’s 15 digits in plain decimals, and dates as ISO days', () => {
    expect([0.1 + 0.2, 1e21, 1.5e-7, -0, 123456789012345680000, 46082.5, 1 / 3].map(excelNumberText))
      .toEqual(['0.3', '1000000000000000000000', '0.00000015', '0', '123456789012346000000', '46082.5', '0.333333333333333']);
    expect(dateText(new Date(Date.UTC(2026, 2, 15, 23, 59, 59, 999.6)))).toBe('2026-03-16');
    expect(dateText(new Date(Date.UTC(2026, 2, 15, 10, 30)))).toBe('2026-03-15 10:30:00');
    expect(dateText(new Date(Date.UTC(1899, 11, 30, 8, 15)))).toBe('08:15:00');
    expect([cellText(false), cellText(null), cellText({ error: '#DIV/0!' } as ExcelJS.CellErrorValue)]).toEqual(['FALSE', '', '']);
  });

  it('labels columns as Excel does', () => {
    expect([0, 25, 26, 51, 701, 702, 16383].map(columnLabel)).toEqual(['A', 'Z', 'AA', 'AZ', 'ZZ', 'AAA', 'XFD']);
  });
});

// FULL=1 for a long run, as in core/registries/delimited.calc.test.ts.
const RUNS = process.env.FULL === '1' ? 50 : 1;
const CHARS = ['а', 'Ё', 'z', '1', ' ', ',', '"', ';', '\t', '|'];
const cellArb = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 6 });
const delimiterArb = fc.constantFrom<Delimiter>(';', ',', '\t', '|');

describe('fast path and csv-parse', () => {
  it('agree on every line the fast path takes, and the fast path takes quoted lines too', () => {
    let fast = 0;
    const simpleQuoted = cellArb.map((c) => `"${c.replaceAll('"', '')}"`);
    const lineArb = fc.tuple(delimiterArb, fc.array(fc.oneof(cellArb, simpleQuoted), { minLength: 1, maxLength: 6 }));
    fc.assert(fc.property(lineArb, ([d, cells]) => {
      const line = cells.join(d);
      const cells1 = fastCells(line, d);
      if (cells1 === null || line.trim() === '') return; // blank lines never reach either: the reader skips them
      if (line.includes('"')) fast++;
      expect(cells1).toEqual(csvCells(line, d, '\n', 1));
    }), { numRuns: 5000 * RUNS });
    expect(fast).toBeGreaterThan(500 * RUNS);
  }, RUNS * 60_000);

  it('reads back any grid written RFC 4180 style, quoted or not, with its line numbers', async () => {
    const multiline = fc.string({ unit: fc.constantFrom(...CHARS, '\n', '\r'), maxLength: 6 });
    const cell = fc.record({ text: fc.oneof(cellArb, multiline), quoted: fc.boolean() });
    // A row holds a letter: lines of delimiters and spaces only are blank lines, which the reader skips.
    const row = fc.array(cell, { minLength: 1, maxLength: 5 }).filter((r) => r.some((c) => /[аЁz1]/.test(c.text)));
    await fc.assert(fc.asyncProperty(delimiterArb, fc.constantFrom('\n', '\r\n'), fc.array(row, { minLength: 1, maxLength: 6 }),
      async (d, eol, grid) => {
        const text = grid.map((r) => r.map(({ text: t, quoted }) =>
          quoted || /["\r\n]/.test(t[0] ?? '') || /[\r\n]/.test(t) || t.includes(d) ? `"${t.replaceAll('"', '""')}"` : t).join(d));
        const rows = await readAll(tempFile(text.join(eol) + eol), { encoding: 'utf-8', delimiter: d });
        expect(cellsOf(rows)).toEqual(grid.map((r) => r.map((c) => c.text)));
        // Lines are counted by LF: a lone CR inside a quoted field of an LF or CRLF file breaks no line.
        const lines = text.map((_, i) => 1 + text.slice(0, i).reduce((n, t) => n + t.split('\n').length, 0));
        expect(rows.map((r) => r.line)).toEqual(lines);
      }), { numRuns: 300 * RUNS });
  }, RUNS * 60_000);
});
