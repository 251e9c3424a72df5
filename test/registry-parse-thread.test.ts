import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeXlsx, type XlsxCell } from '../core/registries/index.ts';
import { parseRegistry, type ParseEvent, type ParseSetup } from '../core/registries/import-parse.ts';
import { parseEvents, THREAD_FROM_BYTES } from '../core/registries/parse-thread.ts';

/** A large XLSX book goes through the parser thread and comes out exactly as parsing it here does. */
let dir: string;
let book: string;
const ROWS = 125_000;
const HEADER = ['ЛС', 'ФИО', 'Адрес', 'Кв', 'Период', 'Код услуги', 'Услуга', 'Начислено', 'К оплате'];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fp-thread-'));
  book = path.join(dir, 'big.xlsx');
  // Unique texts keep the book above the thread threshold with few rows (shared strings do not shrink them).
  const rows = function* (): Generator<XlsxCell[]> {
    for (let i = 0; i < ROWS; i++) {
      yield [String(10_000_000 + i), `Плательщик ${i} ${'ё'.repeat(i % 7)}${Math.sin(i).toString(36).slice(2)}`,
        `г. Пермь, ул. Ленина, д. ${1 + (i % 90)}, стр. ${i.toString(36)}`, String(1 + (i % 200)), '03.2026', '01', 'Холодное водоснабжение',
        { number: `${i % 5000}.${String(i % 100).padStart(2, '0')}` }, { number: `${(i * 7) % 9000}.5` }];
    }
  };
  await writeXlsx(book, HEADER, rows());
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function collect(events: AsyncIterable<ParseEvent>) {
  let rows = 0;
  const copies: Buffer[] = [];
  let end: ParseEvent | null = null;
  for await (const e of events) {
    if (e.kind === 'batch') {
      rows += e.rows;
      copies.push(e.copy);
    } else if (e.kind === 'end' || e.kind === 'fatal') end = e;
  }
  return { rows, copy: Buffer.concat(copies), end };
}

describe('the parser thread', () => {
  it('gives the same COPY text, row count and end as parsing in the calling thread', async () => {
    expect((await stat(book)).size).toBeGreaterThan(THREAD_FROM_BYTES);
    const setup: ParseSetup = { path: book, name: 'big.xlsx', options: {}, profile: null, totalsCheck: true, keepValid: false };
    const threaded = await collect(parseEvents(setup));
    const here = await collect(parseRegistry(setup));
    expect(threaded.end).toMatchObject({ kind: 'end', rows: ROWS, validRows: ROWS });
    expect(threaded.rows).toBe(ROWS);
    expect(threaded.end).toEqual(here.end);
    expect(threaded.copy.equals(here.copy)).toBe(true);
  }, 120_000);
});
