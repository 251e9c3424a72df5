import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { linksCsv, linksZip } from '../core/payments/links-export.ts';
import type { LinkRow } from '../core/payments/links-export.ts';

// tsx hands over the function, plain Node ESM the CommonJS namespace (STACK.md G16)
const jsQR = ((jsqrModule as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;

const link = (n: number) => `https://pay.familypay.ru/l/AQAHAA-OSlJqC0wenSs_SltsfY5bLJ0efzpLjKHS4_Slts${String(n).padStart(6, '0')}`;
const ROWS: LinkRow[] = [
  { accountNumber: '100001', address: 'г. Пермь, ул. Ленина, д. 1, кв. 1', url: link(1) },
  { accountNumber: '100002', address: '=HYPERLINK("http://evil.example","Оплатить")', url: link(2) },
  { accountNumber: '100001', address: 'ул. «Кавычки» "двойные"; с точкой с запятой\r\nи переводом строки', url: link(3) },
  { accountNumber: '12/34 ё', url: link(4) },
  { accountNumber: '-5+5', address: '@SUM(A1)', url: link(5) },
];

async function bytesOf(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

function sink(): { out: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const out = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), done()) });
  return { out, bytes: () => Buffer.concat(chunks) };
}

function unzip(zip: Buffer): Promise<Map<string, { data: Buffer; method: number }>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, { data: Buffer; method: number }>();
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      archive.on('error', reject).on('end', () => resolve(files));
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError);
          const parts: Buffer[] = [];
          stream.on('data', (part: Buffer) => parts.push(part)).on('error', reject);
          stream.on('end', () => (files.set(entry.fileName, { data: Buffer.concat(parts), method: entry.compressionMethod }), archive.readEntry()));
        });
      });
      archive.readEntry();
    });
  });
}

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

const parseCsv = (csv: Buffer): string[][] => parse(csv, { delimiter: ';', bom: true, relax_column_count: false });
const expectedCells = (row: LinkRow) => [row.accountNumber, row.address ?? '', row.url];
const guarded = (cells: string[]) => cells.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c));

describe('pay links as CSV', () => {
  it('writes a BOM, the Russian header, CRLF lines, and reads back to the rows with formulas neutralised', async () => {
    const csv = await bytesOf(linksCsv(ROWS));
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString('utf8')).toMatch(/^\uFEFFЛицевой счёт;Адрес;Ссылка на оплату\r\n100001;/);
    expect(csv.toString('utf8').endsWith('\r\n')).toBe(true);
    const [header, ...records] = parseCsv(csv);
    expect(header).toEqual(['Лицевой счёт', 'Адрес', 'Ссылка на оплату']);
    expect(records).toEqual(ROWS.map((row) => guarded(expectedCells(row))));
    expect(records[1]![1]).toBe(`'=HYPERLINK("http://evil.example","Оплатить")`);
    expect(records[4]).toEqual(["'-5+5", "'@SUM(A1)", link(5)]);
  });

  it('quotes per RFC 4180 only the cells that need it', async () => {
    const text = (await bytesOf(linksCsv(ROWS))).toString('utf8');
    expect(text).toContain('100001;г. Пермь, ул. Ленина, д. 1, кв. 1;https://');
    expect(text).toContain('"ул. «Кавычки» ""двойные""; с точкой с запятой\r\nи переводом строки"');
  });

  it('takes the header from the locale and rows from an async source, in chunks for a big export', async () => {
    async function* many() {
      for (let n = 0; n < 3_000; n++) yield { accountNumber: String(n), address: 'Moscow', url: link(n) };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of linksCsv(many(), 'en')) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    const [header, ...records] = parseCsv(Buffer.concat(chunks));
    expect(header).toEqual(['Account', 'Address', 'Payment link']);
    expect(records).toHaveLength(3_000);
    expect(records[2_999]).toEqual(['2999', 'Moscow', link(2_999)]);
  });
});

describe('pay links as a ZIP of QR codes', () => {
  it('holds one PNG per account, named safely and uniquely, that decode to the links, plus links.csv', async () => {
    const { out, bytes } = sink();
    expect(await linksZip(ROWS, 'png', out)).toEqual({ files: 5 });
    const files = await unzip(bytes());
    const names = ['100001.png', '100002.png', '100001_2.png', '12_34_ё.png', '-5_5.png'];
    expect([...files.keys()]).toEqual([...names, 'links.csv']);
    for (const [i, name] of names.entries()) expect(decodeQr(files.get(name)!.data), name).toBe(ROWS[i]!.url);
    expect(files.get('100001.png')!.method).toBe(0); // PNG is deflated already

    const [header, ...records] = parseCsv(files.get('links.csv')!.data);
    expect(header).toEqual(['Лицевой счёт', 'Адрес', 'Ссылка на оплату', 'Файл QR-кода']);
    expect(records).toEqual(ROWS.map((row, i) => guarded([...expectedCells(row), names[i]!])));
  });

  it('holds compressed SVGs when asked for them', async () => {
    const { out, bytes } = sink();
    expect(await linksZip(ROWS.slice(0, 2), 'svg', out, 'en')).toEqual({ files: 2 });
    const files = await unzip(bytes());
    expect([...files.keys()]).toEqual(['100001.svg', '100002.svg', 'links.csv']);
    expect(files.get('100001.svg')!.data.toString('utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(files.get('100001.svg')!.method).toBe(8);
    expect(parseCsv(files.get('links.csv')!.data)[0]).toEqual(['Account', 'Address', 'Payment link', 'QR code file']);
  });

  it('keeps names inside the archive, off Windows device names, and unique whatever the letter case', async () => {
    const accounts = ['../../etc/passwd', 'CON', 'AB1', 'ab1', '', '', 'ab1_2', 'a'.repeat(300)];
    const { out, bytes } = sink();
    await linksZip(accounts.map((accountNumber, n) => ({ accountNumber, url: link(n) })), 'svg', out);
    expect([...(await unzip(bytes())).keys()]).toEqual([
      '______etc_passwd.svg', '_CON.svg', 'AB1.svg', 'ab1_2.svg', '_.svg', '__2.svg', 'ab1_2_2.svg', `${'a'.repeat(100)}.svg`, 'links.csv',
    ]);
  });

  it('reads rows only as fast as the output takes the archive', async () => {
    let pulled = 0;
    function* rows() {
      for (let n = 0; n < 600; n++) yield (pulled++, { accountNumber: String(n), url: link(n) });
    }
    let release: (() => void) | undefined;
    const held: (() => void)[] = [];
    const chunks: Buffer[] = [];
    const out = new Writable({
      highWaterMark: 1024,
      write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), release ? done() : held.push(done)),
    });
    const finished = linksZip(rows(), 'png', out);
    let before = -1;
    while (before !== pulled) {
      before = pulled;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(pulled).toBeLessThan(200); // 32 waiting entries plus what the stream buffers hold, about 90
    release = () => held.splice(0).forEach((done) => done());
    release();
    expect(await finished).toEqual({ files: 600 });
    expect((await unzip(Buffer.concat(chunks))).size).toBe(601);
  });

  it('fails and destroys the output when the rows fail, so no archive looks whole', async () => {
    function* rows() {
      yield ROWS[0]!;
      throw new Error('database went away');
    }
    const { out } = sink();
    await expect(linksZip(rows(), 'png', out)).rejects.toThrow('database went away');
    expect(out.destroyed).toBe(true);
  });

  it('fails when the output fails', async () => {
    const out = new Writable({ write: (_chunk, _encoding, done) => done(new Error('disk full')) });
    await expect(linksZip(ROWS, 'png', out)).rejects.toThrow('disk full');
  });
});
