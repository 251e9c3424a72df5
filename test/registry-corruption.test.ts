import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrgsService } from '../core/orgs/index.ts';
import { makeRegistriesService, type ImportReport, type RegistriesService } from '../core/registries/index.ts';
import { systemClock } from '../core/shared/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { orgInput } from './fixtures/orgs.ts';

/**
 * RELIABILITY.md R1 (and R3): random corruptions of valid registries in every format and code page either import
 * exactly or are refused cleanly — never a crash, never part of a file, never a garbled letter stored.
 * 60 files in a normal run, 1 000 with FULL=1.
 */
const RUNS = process.env.FULL === '1' ? 1_000 : 60;
const FIXTURES = new URL('./fixtures/registries/', import.meta.url).pathname;
const manifest = JSON.parse(await readFile(path.join(FIXTURES, 'manifest.json'), 'utf8')) as { file: string }[];
const originals = await Promise.all(manifest.map(async (m) => ({ name: m.file, bytes: await readFile(path.join(FIXTURES, m.file)) })));

let test: TestDatabase;
let db: Database;
let registries: RegistriesService;
let orgId: string;
let dir: string;

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  registries = makeRegistriesService({ db, clock: systemClock });
  const orgs = makeOrgsService({ db, clock: systemClock });
  const org = await orgs.createOrganization(orgInput('corruption'));
  if (!org.ok) throw new Error(JSON.stringify(org.error));
  orgId = org.value.id;
  await orgs.addRecipient(orgId, { ...orgInput('corruption'), name: 'УК' });
  dir = await mkdtemp(path.join(tmpdir(), 'fp-corrupt-'));
});
afterAll(async () => {
  await test.drop();
  await rm(dir, { recursive: true, force: true });
});

type Corruption = { kind: 'flip' | 'delete' | 'insert' | 'truncate' | 'special'; at: number; size: number; byte: number };

function corrupt(bytes: Buffer, c: Corruption): Buffer {
  const at = Math.floor(c.at * bytes.length);
  switch (c.kind) {
    case 'flip': return Buffer.concat([bytes.subarray(0, at), Buffer.from([bytes[at]! ^ (1 + (c.byte % 255))]), bytes.subarray(at + 1)]);
    case 'delete': return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + c.size)]);
    case 'insert': return Buffer.concat([bytes.subarray(0, at), Buffer.alloc(c.size, c.byte), bytes.subarray(at)]);
    case 'truncate': return bytes.subarray(0, at);
    case 'special': return Buffer.concat([bytes.subarray(0, at), Buffer.from([[0x22, 0x3b, 0x0a, 0x0d, 0x2c, 0x00, 0x1a][c.byte % 7]!]), bytes.subarray(at + 1)]);
  }
}

const corruption = fc.record({
  file: fc.nat({ max: originals.length - 1 }),
  kind: fc.constantFrom('flip', 'delete', 'insert', 'truncate', 'special') as fc.Arbitrary<Corruption['kind']>,
  at: fc.double({ min: 0, max: 0.999, noNaN: true }),
  size: fc.integer({ min: 1, max: 64 }),
  byte: fc.nat({ max: 255 }),
});

const counts = () => db.withTenant(orgId, async (em) => {
  const [row] = await em.execute<{ accounts: string; charges: string; imports: string }[]>(`select
    (select count(*) from accounts) as accounts, (select count(*) from charges) as charges,
    (select count(*) from registry_imports where status = 'applied') as imports`);
  return row!;
});

async function checkApplied(report: ImportReport): Promise<void> {
  const [row] = await db.withTenant(orgId, (em) => em.execute<{ lines: string; garbled: string }[]>(`select
    (select count(*) from charges where import_id = ?) as lines,
    (select count(*) from accounts where payer_name like '%' || chr(65533) || '%') as garbled`, [report.importId]));
  expect(Number(row!.lines)).toBe(report.lines);
  expect(Number(row!.garbled)).toBe(0);
}

describe('R1: corrupted registries', () => {
  it(`either import exactly or are refused with a message, never in part (${RUNS} files)`, async () => {
    let seq = 0;
    await fc.assert(fc.asyncProperty(corruption, async (c) => {
      const original = originals[c.file]!;
      const file = path.join(dir, `${seq++}-${original.name}`);
      await writeFile(file, corrupt(original.bytes, c));
      const before = await counts();
      const report = await registries.importPath(orgId, file, original.name, { source: 'cli', actor: { userId: null, label: 'r1' }, period: '2026-03' });
      expect(['applied', 'rejected', 'already_imported']).toContain(report.status);
      if (report.status === 'applied') await checkApplied(report);
      else {
        expect(await counts()).toEqual(before);
        if (report.status === 'rejected') {
          expect(report.errors.length).toBeGreaterThan(0);
          for (const e of report.errors) expect(e.message).toMatch(/\S/);
        }
      }
    }), { numRuns: RUNS });
  }, 600_000);

  // Found by the property above (seed 1336523375): a NUL inside a DBF text cell went on to COPY, which failed.
  it('refuses a row whose cell holds a NUL byte, naming its line and column, and applies nothing', async () => {
    const dbf = originals.findIndex((o) => o.name === 'accruals.cp866.dbf');
    const file = path.join(dir, 'nul-in-cell.dbf');
    await writeFile(file, corrupt(originals[dbf]!.bytes, { kind: 'special', at: 0.16257234726688102, size: 1, byte: 5 }));
    const before = await counts();
    const report = await registries.importPath(orgId, file, 'nul-in-cell.dbf', { source: 'cli', actor: { userId: null, label: 'r1' }, period: '2026-03' });
    expect(report.status).toBe('rejected');
    const nul = report.status === 'rejected' ? report.errors.find((e) => e.code === 'REGISTRIES.CELL_NUL') : undefined;
    expect(nul).toMatchObject({ code: 'REGISTRIES.CELL_NUL' });
    expect(nul!.line).toBeGreaterThan(0);
    expect(nul!.message).toMatch(/^Строка \d+, столбец \S+/);
    expect(await counts()).toEqual(before);
  });
});
