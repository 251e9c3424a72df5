import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guessMapping } from '../core/registries/index.ts';
import type { RegistryEncoding } from '../core/registries/index.ts';
import { openRegistry } from '../core/registries/open-registry.ts';
import { openDbf } from '../core/registries/reader-dbf.ts';
import { RegistryReadError } from '../core/registries/reader.ts';
import type { OpenedRegistry, RawRow } from '../core/registries/reader.ts';
import { writeDbf } from '../core/registries/writer.ts';
import type { DbfFieldSpec } from '../core/registries/writer.ts';
import { COLUMNS, DBF_FIELDS, DEBT_HEADER, debtRows, dbfGrid, textGrid, xlsxGrid } from './fixtures/registries/accruals.rows.ts';
import type { FixtureEntry } from './fixtures/registries/make-fixtures.ts';

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/registries');
const MANIFEST: FixtureEntry[] = JSON.parse(await readFile(path.join(DIR, 'manifest.json'), 'utf8'));

async function readAll(opened: OpenedRegistry): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const row of opened.rows()) rows.push(row);
  return rows;
}

/** What the reader must return, by content and format (see accruals.rows.ts for each format's view). */
function expectedGrid(entry: FixtureEntry): string[][] {
  if (entry.content === 'debt') return [[...DEBT_HEADER], ...debtRows()];
  if (entry.format === 'xlsx') return xlsxGrid();
  if (entry.format === 'dbf') return dbfGrid(entry.encoding!);
  return textGrid(entry.encoding!);
}

/** The reader's failure as its user sees it: the code and the message's parameters. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; vars: Record<string, unknown> }> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof RegistryReadError) return { code: e.error.code, vars: { ...e.error.vars } };
    throw e;
  }
  throw new Error('expected a RegistryReadError');
}

const openAndRead = async (file: string, encoding?: RegistryEncoding) =>
  readAll(await openDbf(file, { name: path.basename(file), encoding }));

describe('registry fixtures', () => {
  it('lists every fixture file, each under 20 KB', async () => {
    expect(MANIFEST.map((e) => e.file).sort()).toEqual([
      '7701234567_40702810900000000001_0326.txt', 'accruals.cp1251.csv', 'accruals.cp1251.dbf', 'accruals.cp1251.txt',
      'accruals.cp866-nocp.dbf', 'accruals.cp866.dbf', 'accruals.cp866.txt', 'accruals.koi8r.txt', 'accruals.pipe.txt',
      'accruals.utf8-bom.txt', 'accruals.utf8.tsv', 'accruals.utf8.txt', 'accruals.xlsx',
    ]);
    for (const entry of MANIFEST) expect((await readFile(path.join(DIR, entry.file))).length).toBeLessThan(20_000);
  });

  for (const entry of MANIFEST) {
    it(`detects ${entry.file} as ${entry.format}, ${entry.encoding ?? 'XML'}, ${JSON.stringify(entry.delimiter)} and reads the canonical rows`, async () => {
      const opened = await openRegistry(path.join(DIR, entry.file), { name: entry.file });
      expect({ format: opened.format, encoding: opened.encoding, delimiter: opened.delimiter }).toEqual({
        format: entry.format, encoding: entry.encoding, delimiter: entry.delimiter,
      });
      const rows = await readAll(opened);
      expect(rows).toHaveLength(entry.rows);
      // XLSX drops the empty cells at a row's end; text keeps them. Compare what staff would see.
      const grid = (g: readonly (readonly string[])[]) => g.map((r) => trimTrailing(r.map((c) => c.trim())));
      expect(grid(rows.map((r) => r.cells))).toEqual(grid(expectedGrid(entry)));
      expect(rows.map((r) => r.line)).toEqual(rows.map((_, i) => i + 1));
    });

    it(`maps every column of ${entry.file} to its field`, async () => {
      const opened = await openRegistry(path.join(DIR, entry.file), { name: entry.file });
      const rows = (await readAll(opened)).map((r) => r.cells);
      const { headerRow, mapping, unmapped } = guessMapping(opened.fieldNames ? [opened.fieldNames] : rows);
      expect(headerRow).toBe(entry.headerRow ?? 0);
      const fields = entry.content === 'debt' ? (['account', 'payerName', 'address', 'toPay'] as const) : COLUMNS.map((c) => c.field);
      expect(fields.map((f) => mapping[f])).toEqual(fields.map((_, i) => i));
      expect(unmapped).toEqual([]);
      if (entry.format === 'dbf') expect([opened.fieldNames, opened.columnLabel(4)]).toEqual([COLUMNS.map((c) => c.dbf), 'PLOSHAD']);
    });
  }
});

const trimTrailing = (cells: readonly string[]): string[] => {
  const out = [...cells];
  while (out.length && out.at(-1) === '') out.pop();
  return out;
};

describe('DBF reader', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'familypay-dbf-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  const FIELDS: DbfFieldSpec[] = [
    { name: 'LS', type: 'C', size: 10 },
    { name: 'FIO', type: 'C', size: 40 },
    { name: 'SUMMA', type: 'N', size: 12, decimalPlaces: 2 },
    { name: 'DATA', type: 'D', size: 8 },
  ];
  const ROWS = [
    ['001', 'Щукин Пётр Ильич', '1234.50', '2026-03-25'],
    ['002', 'Объедкова Алёна Сергеевна', '', ''],
    ['003', 'Подъячев Фёдор', '-0.05', '2026-02-28'],
    ['004', 'Ёлкина Дарья', '7', '2025-12-31'],
    ['005', 'Съедин Артём Юрьевич', '10', ''],
  ];

  async function dbf(name: string, patch?: (bytes: Buffer) => Buffer, options: { encoding?: 'cp866' | 'windows-1251'; codePageByte?: boolean } = {}) {
    const file = path.join(tmp, name);
    await writeDbf(file, FIELDS, ROWS, { encoding: options.encoding ?? 'cp866', codePageByte: options.codePageByte });
    if (patch) await writeFile(file, patch(await readFile(file)));
    return file;
  }

  it('reads numbers as stored, dates as YYYY-MM-DD and blanks as empty', async () => {
    const rows = await openAndRead(await dbf('plain.dbf'));
    expect(rows).toEqual([
      { line: 1, cells: ['001', 'Щукин Пётр Ильич', '1234.50', '2026-03-25'] },
      { line: 2, cells: ['002', 'Объедкова Алёна Сергеевна', '', ''] },
      { line: 3, cells: ['003', 'Подъячев Фёдор', '-0.05', '2026-02-28'] },
      { line: 4, cells: ['004', 'Ёлкина Дарья', '7.00', '2025-12-31'] },
      { line: 5, cells: ['005', 'Съедин Артём Юрьевич', '10.00', ''] },
    ]);
  });

  it('skips deleted records and keeps the record numbers staff see', async () => {
    const file = await dbf('deleted.dbf', (b) => {
      const headerLength = b.readUInt16LE(8);
      const recordLength = b.readUInt16LE(10);
      b[headerLength + recordLength * 1] = 0x2a;
      b[headerLength + recordLength * 3] = 0x2a;
      return b;
    });
    const rows = await openAndRead(file);
    expect(rows.map((r) => [r.line, r.cells[0]])).toEqual([[1, '001'], [3, '003'], [5, '005']]);
  });

  it('stops after maxRows', async () => {
    const opened = await openDbf(await dbf('max.dbf'), { name: 'max.dbf', maxRows: 2 });
    expect((await readAll(opened)).map((r) => r.line)).toEqual([1, 2]);
  });

  it('detects the code page when byte 29 is 0', async () => {
    for (const encoding of ['cp866', 'windows-1251'] as const) {
      const file = await dbf(`nocp-${encoding}.dbf`, undefined, { encoding, codePageByte: false });
      expect((await readFile(file))[29]).toBe(0);
      const opened = await openDbf(file, { name: 'x.dbf' });
      expect(opened.encoding).toBe(encoding);
      expect((await readAll(opened))[0]!.cells[1]).toBe('Щукин Пётр Ильич');
    }
  });

  it('asks staff when the code page byte is 0 and the text does not decide', async () => {
    const file = path.join(tmp, 'short.dbf');
    await writeDbf(file, [{ name: 'OTVET', type: 'C', size: 4 }], [['Да']], { encoding: 'cp866', codePageByte: false });
    expect(await failure(openDbf(file, { name: 'short.dbf' }))).toMatchObject({
      code: 'REGISTRIES.ENCODING_AMBIGUOUS', vars: { candidates: expect.stringMatching(/CP866.*windows-1251|windows-1251.*CP866/) },
    });
    expect((await openAndRead(file, 'cp866'))[0]!.cells).toEqual(['Да']);
  });

  it('lets staff override the code page byte', async () => {
    const file = await dbf('override.dbf', undefined, { encoding: 'windows-1251' });
    const opened = await openDbf(file, { name: 'x.dbf', encoding: 'cp866' });
    expect(opened.encoding).toBe('cp866');
    expect((await readAll(opened))[0]!.cells[1]).not.toBe('Щукин Пётр Ильич');
  });

  it('refuses a byte the code page does not define, naming the record', async () => {
    const file = await dbf('undefined-byte.dbf', (b) => {
      b[b.readUInt16LE(8) + b.readUInt16LE(10) * 2 + 1 + 10 + 3] = 0x98; // inside FIO of record 3
      return b;
    }, { encoding: 'windows-1251' });
    expect(await failure(openAndRead(file))).toEqual({ code: 'REGISTRIES.ENCODING_INVALID', vars: { line: 3, encoding: 'windows-1251' } });
  });

  it('reads logical fields as TRUE, FALSE or empty', async () => {
    const file = path.join(tmp, 'logical.dbf');
    await writeDbf(file, [{ name: 'FLAG', type: 'C', size: 1 }], [['T'], ['f'], [''], ['?'], ['Y']], { encoding: 'cp866' });
    const bytes = await readFile(file);
    bytes[32 + 11] = 0x4c; // retype C(1) as L: our writer writes no logical fields
    await writeFile(file, bytes);
    expect((await openAndRead(file)).map((r) => r.cells[0])).toEqual(['TRUE', 'FALSE', '', '', 'TRUE']);
  });

  const LIES: [string, (b: Buffer) => void, RegExp][] = [
    ['a record count larger than the file', (b) => b.writeUInt32LE(5000, 4), /обещает 5000 записей по \d+ байт, а в файле место для 5/],
    ['a record count of 4 billion', (b) => b.writeUInt32LE(0xffffffff, 4), /обещает 4294967295 записей/],
    ['records the count does not cover', (b) => b.writeUInt32LE(3, 4), /обещает 3 записей по \d+ байт, а в файле место для 5/],
    ['a record length that is not the sum of the fields', (b) => b.writeUInt16LE(b.readUInt16LE(10) + 1, 10), /длина записи/],
    ['a record length of 65 535', (b) => b.writeUInt16LE(0xffff, 10), /длина записи в заголовке 65535/],
    ['a header length beyond the file', (b) => b.writeUInt16LE(60_000, 8), /заголовок объявлен длиной 60000 байт/],
    ['a header length too short for its fields', (b) => b.writeUInt16LE(40, 8), /нет признака конца|полей занимают больше/],
    ['a memo field', (b) => { b[32 + 32 + 11] = 0x4d; }, /memo/],
    ['a binary field type', (b) => { b[32 + 11] = 0x42; }, /неизвестный тип «B»/],
    ['no field terminator', (b) => { b[32 + 4 * 32] = 0x20; }, /0x0D/],
    ['a misaligned record', (b) => { b[b.readUInt16LE(8)] = 0x41; }, /запись 1 начинается с байта 0x41/],
  ];

  for (const [lie, patch, detail] of LIES) {
    it(`rejects a DBF with ${lie} as corrupt within a second`, async () => {
      const file = await dbf('lie.dbf', (b) => (patch(b), b));
      const started = performance.now();
      const found = await failure(openAndRead(file));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(found.code).toBe('REGISTRIES.DBF_CORRUPT');
      expect(String(found.vars.detail)).toMatch(detail);
    });
  }

  it('rejects a truncated DBF without reading a partial file', async () => {
    const file = await dbf('cut.dbf', (b) => b.subarray(0, b.length - 40));
    expect(await failure(openDbf(file, { name: 'cut.dbf' }))).toMatchObject({ code: 'REGISTRIES.DBF_CORRUPT' });
  });

  it('writes the fixture columns as valid dBase field descriptors', () => {
    expect(DBF_FIELDS.every((f) => f.name.length <= 10)).toBe(true);
  });
});
