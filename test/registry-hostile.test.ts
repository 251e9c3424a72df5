import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, createDeflateRaw } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * RELIABILITY.md R2: hostile files are refused in < 10 s with RSS < 256 MiB. Each is opened with openRegistry
 * in a child process (test/support/registry-drain.ts), which reports the code, its own time and peak RSS.
 * The files are made here, in the temp dir: the big ones are never committed.
 */
const MAX_MS = 10_000;
const MAX_RSS_KIB = 256 * 1024;
const dir = mkdtempSync(path.join(tmpdir(), 'registry-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

type Drained = { code: string; vars: Record<string, unknown>; rows: number; ms: number; maxRssKiB: number };

function drain(name: string): Drained {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/registry-drain.ts', file(name), name], {
    encoding: 'utf8', timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`drain ${name} failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Drained;
  console.log(`R2 ${name}: ${result.code} in ${result.ms} ms, max RSS ${Math.round(result.maxRssKiB / 1024)} MiB`);
  return result;
}

// ---- A hand-made ZIP: local headers, data, central directory, end record (APPNOTE 4.3). ----
type ZipPart = { name: string; data: Buffer; method: 0 | 8; crc: number; size: number; declared?: number; unlisted?: boolean };

const stored = (name: string, text: string): ZipPart => {
  const data = Buffer.from(text);
  return { name, data, method: 0, crc: crc32(data), size: data.length };
};

function zip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const size = p.declared ?? p.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(p.method, 8);
    local.writeUInt32LE(p.crc >>> 0, 14);
    local.writeUInt32LE(p.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, p.data);
    if (!p.unlisted) {
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(p.method, 10);
      central.writeUInt32LE(p.crc >>> 0, 16);
      central.writeUInt32LE(p.data.length, 20);
      central.writeUInt32LE(size, 24);
      central.writeUInt16LE(name.length, 28);
      central.writeUInt32LE(offset, 42);
      centrals.push(central, name);
    }
    offset += 30 + name.length + p.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const listed = parts.filter((p) => !p.unlisted).length;
  end.writeUInt16LE(listed, 8);
  end.writeUInt16LE(listed, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** `bytes` zeros, deflated as they stream: about 1 000 to 1 (deflate's ceiling is ≈ 1 030:1). */
async function deflatedZeros(name: string, bytes: number): Promise<ZipPart> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const chunk = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let done = 0; done < bytes; done += chunk.length) {
    crc = crc32(chunk, crc);
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return { name, data: Buffer.concat(out), method: 8, crc, size: bytes };
}

const BOOK_PARTS = [
  stored('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
  stored('xl/workbook.xml', '<?xml version="1.0"?><workbook/>'),
];

/** A deterministic «random» megabyte (xorshift32), so the test does not flake on a lucky PK or DBF prefix. */
function noise(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

beforeAll(async () => {
  const bomb = await deflatedZeros('xl/worksheets/sheet1.xml', 256 * 1024 * 1024);
  expect(bomb.size / bomb.data.length).toBeGreaterThan(1000);
  writeFileSync(file('bomb.xlsx'), zip([...BOOK_PARTS, bomb]));
  // The same bomb, its headers (local and central) claiming 1 000 bytes: the ratio check cannot see it.
  writeFileSync(file('lying.xlsx'), zip([...BOOK_PARTS, { ...bomb, declared: 1000 }]));
  // Entries of 1 MiB each are below the per-entry ratio floor; together 998 of them inflate 1 000:1.
  const small = await deflatedZeros('x', 1024 * 1024);
  const smalls = Array.from({ length: 995 }, (_, i) => ({ ...small, name: `xl/media/m${i}.bin` }));
  writeFileSync(file('small-bombs.xlsx'), zip([...BOOK_PARTS, { ...small, name: 'xl/worksheets/sheet1.xml' }, ...smalls]));
  const many = Array.from({ length: 10_001 }, (_, i) => stored(`xl/media/e${i}.txt`, ''));
  writeFileSync(file('entries.xlsx'), zip([...BOOK_PARTS, stored('xl/worksheets/sheet1.xml', '<worksheet/>'), ...many]));
  // An entry the central directory does not list, which a local-header reader (exceljs's unzipper) would still read.
  writeFileSync(file('hidden.xlsx'), zip([...BOOK_PARTS, { ...bomb, name: 'xl/sharedStrings.xml', unlisted: true },
    stored('xl/worksheets/sheet1.xml', '<worksheet/>')]));
  // Deflate data that is noise: zlib fails on it, and the failure must surface (yauzl's own streams swallow it).
  const garbage = noise(64 * 1024);
  writeFileSync(file('garbage.xlsx'), zip([...BOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', data: garbage, method: 8, crc: 0, size: 1_000_000 }]));
  // A stored sheet whose bytes do not match their CRC-32: yauzl does not look, and exceljs would read it.
  writeFileSync(file('bad-crc.xlsx'), zip([...BOOK_PARTS, { ...stored('xl/worksheets/sheet1.xml', '<worksheet/>'), crc: 12345 }]));
  const book = readFileSync('test/fixtures/registries/accruals.xlsx');
  writeFileSync(file('truncated.xlsx'), book.subarray(0, Math.floor(book.length / 2)));

  writeFileSync(file('no-sheet.xlsx'), zip(BOOK_PARTS));
  writeFileSync(file('plain.zip'), zip([stored('реестр.csv', 'ЛС;Сумма\n1;5\n')]));
  // Sparse: a gibibyte and a byte that takes no disk; refused on its size before a byte is read.
  writeFileSync(file('huge.txt'), '');
  truncateSync(file('huge.txt'), 1024 ** 3 + 1);

  const huge = 'x'.repeat(10 * 1024 * 1024);
  writeFileSync(file('long-field.csv'), `ЛС;ФИО;Сумма\n1;${huge};5\n`);
  writeFileSync(file('long-quoted.csv'), `ЛС;ФИО;Сумма\n1;"${huge}";5\n`);
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i};Иванов Иван;${i},00`).join('\n');
  writeFileSync(file('unbalanced.csv'), `ЛС;ФИО;Сумма\n1;Иванов;5\n2;"Петров;7\n${rows}\n`);
  writeFileSync(file('unbalanced-end.csv'), 'ЛС;ФИО;Сумма\n1;Иванов;5\n2;Петров;"7\n');
  writeFileSync(file('empty.txt'), '');
  writeFileSync(file('blank.txt'), '\uFEFF  \r\n\t\r\n');
  writeFileSync(file('noise.bin'), noise(1024 * 1024));
}, 120_000);

describe('hostile files (R2)', () => {
  const cases: [name: string, code: string, vars?: Record<string, unknown>][] = [
    ['bomb.xlsx', 'REGISTRIES.XLSX_TOO_LARGE', { limit: '1 ГиБ' }],
    ['lying.xlsx', 'REGISTRIES.XLSX_TOO_LARGE', { limit: '1 ГиБ' }],
    ['small-bombs.xlsx', 'REGISTRIES.XLSX_TOO_LARGE', { limit: '1 ГиБ' }],
    ['entries.xlsx', 'REGISTRIES.XLSX_TOO_MANY_ENTRIES', { count: 10_004, limit: 1000 }],
    ['hidden.xlsx', 'REGISTRIES.XLSX_CORRUPT', { detail: 'части архива перекрываются или между ними спрятаны данные' }],
    ['truncated.xlsx', 'REGISTRIES.XLSX_CORRUPT', { detail: 'файл обрезан или это не ZIP-архив' }],
    ['bad-crc.xlsx', 'REGISTRIES.XLSX_CORRUPT', { detail: 'часть xl/worksheets/sheet1.xml повреждена (контрольная сумма не сходится)' }],
    ['garbage.xlsx', 'REGISTRIES.XLSX_CORRUPT', { detail: 'часть xl/worksheets/sheet1.xml не распаковывается' }],
    ['no-sheet.xlsx', 'REGISTRIES.XLSX_NO_SHEET'],
    ['plain.zip', 'REGISTRIES.XLSX_CORRUPT', { detail: 'нет описания частей книги [Content_Types].xml' }],
    ['huge.txt', 'REGISTRIES.FILE_TOO_LARGE', { limit: '1 ГиБ' }],
    ['long-field.csv', 'REGISTRIES.FIELD_TOO_LONG', { line: 2, limit: 65_536 }],
    ['long-quoted.csv', 'REGISTRIES.FIELD_TOO_LONG', { line: 2, limit: 65_536 }],
    ['unbalanced.csv', 'REGISTRIES.QUOTE_UNBALANCED', { line: 3 }],
    ['unbalanced-end.csv', 'REGISTRIES.QUOTE_UNBALANCED', { line: 3 }],
    ['empty.txt', 'REGISTRIES.EMPTY_FILE'],
    ['blank.txt', 'REGISTRIES.EMPTY_FILE'],
    ['noise.bin', 'REGISTRIES.BINARY_FILE'],
  ];
  for (const [name, code, vars] of cases) {
    it(`refuses ${name} with ${code}, fast and in little memory`, () => {
      const result = drain(name);
      expect(result.code).toBe(code);
      if (vars) expect(result.vars).toEqual(vars);
      expect(result.ms).toBeLessThan(MAX_MS);
      expect(result.maxRssKiB).toBeLessThan(MAX_RSS_KIB);
    });
  }

  it('still reads a file of the same shape when nothing is wrong with it', () => {
    writeFileSync(file('fine.csv'), `ЛС;ФИО;Сумма\n1;Иванов;5\n2;"Петров; П.";7\n`);
    expect(drain('fine.csv')).toMatchObject({ code: 'OK', rows: 3 });
  });
});
