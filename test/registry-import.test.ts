import { mkdtemp, readFile as readBytes, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrgsService } from '../core/orgs/index.ts';
import { accountCharges } from '../core/billing/index.ts';
import { makeRegistriesService, type ImportOptions, type RegistriesService } from '../core/registries/index.ts';
import { settableClock } from '../core/shared/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { orgInput } from './fixtures/orgs.ts';

/** Issue 4 «Import»: one transaction, every error named, re-imports are no-ops, dry runs apply nothing. */
let test: TestDatabase;
let db: Database;
let registries: RegistriesService;
let dir: string;
const clock = settableClock(new Date('2026-11-26T09:00:00Z'));
const actor = { userId: null, label: 'test' };
const FIXTURES = new URL('./fixtures/registries/', import.meta.url).pathname;
const manifest = JSON.parse(await readBytes(path.join(FIXTURES, 'manifest.json'), 'utf8')) as { file: string; content: string; rows: number }[];
const accrualsText = await readBytes(path.join(FIXTURES, 'accruals.utf8.txt'), 'utf8');
/** Σ «К оплате» of the accruals fixture, from its own total line. */
const ACCRUALS_TOTAL_KOP = 3_813_359;

async function newOrg(slug: string): Promise<string> {
  const orgs = makeOrgsService({ db, clock });
  const created = await orgs.createOrganization(orgInput(slug));
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const recipient = await orgs.addRecipient(created.value.id, { ...orgInput(slug), name: 'УК' });
  if (!recipient.ok) throw new Error('recipient');
  return created.value.id;
}

const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({ source: 'cli', actor, ...extra });

async function importText(orgId: string, name: string, text: string, extra: Partial<ImportOptions> = {}, encoding = 'utf8') {
  const file = path.join(dir, name);
  await writeFile(file, iconv.encode(text, encoding));
  clock.advance(1_000);
  return registries.importPath(orgId, file, name, opts(extra));
}

async function tableCounts(orgId: string) {
  return db.withTenant(orgId, async (em) => {
    const counts: Record<string, number> = {};
    for (const table of ['accounts', 'charges', 'buildings', 'premises', 'meters', 'meter_readings']) {
      counts[table] = Number((await em.execute<{ n: string }[]>(`select count(*) as n from ${table}`))[0]!.n);
    }
    return counts;
  });
}

/** The accruals fixture with one cell replaced (line 1-based as in the file, column 0-based). */
const withCell = (line: number, column: number, value: string) =>
  withLine(line, (l) => l.split(';').map((c, i) => (i === column ? value : c)).join(';'));
const lastLine = accrualsText.trimEnd().split('\n').length;

/** The accruals fixture with one line replaced (line numbers are the file's, 1-based). */
const withLine = (line: number, replace: (text: string) => string) =>
  accrualsText.split('\n').map((l, i) => (i === line - 1 ? replace(l) : l)).join('\n');

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  registries = makeRegistriesService({ db, clock });
  dir = await mkdtemp(path.join(tmpdir(), 'fp-import-'));
});
afterAll(async () => {
  await test.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('import of the fixtures', () => {
  it.each(manifest.filter((m) => m.content === 'accruals').map((m) => m.file))('applies %s with the same figures', async (file) => {
    const orgId = await newOrg(`imp-${file.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}`);
    const report = await registries.importPath(orgId, path.join(FIXTURES, file), file, opts());
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ status: 'applied', applied: true, rows: 21, lines: 21, totalKop: ACCRUALS_TOTAL_KOP });
    expect(report.accounts.created).toBe(7);
    expect(report.accounts.assigned).toHaveLength(1);
    expect(await tableCounts(orgId)).toMatchObject({ accounts: 7, charges: 21, buildings: 2, premises: 7, meter_readings: 10 });
    const [account] = await db.withTenant(orgId, (em) => em.execute<{ payer_name: string; to_pay: string }[]>(
      `select a.payer_name, sum(c.to_pay) as to_pay from accounts a join charges c on c.account_id = a.id where a.number = '10050012' group by 1`));
    expect(account?.payer_name).toBe('Щёголев Фёдор Артёмович');
  });

  it('applies a bank debt registry without a period column, taking the month from the file name', async () => {
    const orgId = await newOrg('imp-debt');
    const name = '7701234567_40702810900000000001_0326.txt';
    const report = await registries.importPath(orgId, path.join(FIXTURES, name), name, opts());
    expect(report.errors).toEqual([]);
    expect(report.status).toBe('applied');
    const periods = await db.withTenant(orgId, (em) => em.execute<{ period: string }[]>(`select distinct to_char(period, 'YYYY-MM') as period from charges`));
    expect(periods).toEqual([{ period: '2026-03' }]);
  });
});

describe('all or nothing', () => {
  it('re-importing the same bytes is a no-op that says so', async () => {
    const orgId = await newOrg('imp-again');
    const first = await importText(orgId, 'a.txt', accrualsText);
    const before = await tableCounts(orgId);
    const second = await importText(orgId, 'b.txt', accrualsText);
    expect(second.status).toBe('already_imported');
    expect(second.previous?.importId).toBe(first.importId);
    expect(await tableCounts(orgId)).toEqual(before);
  });

  it('a dry run reports the figures and applies nothing', async () => {
    const orgId = await newOrg('imp-dry');
    const report = await importText(orgId, 'dry.txt', accrualsText, { dryRun: true });
    expect(report).toMatchObject({ status: 'dry_run', applied: false, lines: 21, totalKop: ACCRUALS_TOTAL_KOP, importId: null });
    expect(report.accounts.created).toBe(7);
    expect(await tableCounts(orgId)).toMatchObject({ accounts: 0, charges: 0, buildings: 0 });
    expect((await registries.listImports(orgId, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('a file with an error applies nothing and names line, column and value', async () => {
    const orgId = await newOrg('imp-bad');
    const report = await importText(orgId, 'bad.txt', withCell(9, 12, '23,7,3').replace(/;03\.2026;/, ';13.2026;'));
    expect(report.status).toBe('rejected');
    expect(await tableCounts(orgId)).toMatchObject({ accounts: 0, charges: 0, buildings: 0, premises: 0 });
    const messages = report.errors.map((e) => e.message);
    expect(messages.some((m) => /^Строка 3, столбец 7 \(«Период»\): «13\.2026» — не период/.test(m))).toBe(true);
    expect(report.errors.every((e) => e.line !== null)).toBe(true);
    expect(report.errors.find((e) => e.line === 9)).toMatchObject({ code: 'REGISTRIES.CELL_BAD_NUMBER', value: '23,7,3' });
    const history = await registries.listImports(orgId, { limit: 10, offset: 0 });
    expect(history.items[0]).toMatchObject({ status: 'rejected', errorsCount: report.errorsTotal });
  });

  it('loads only the valid rows when asked, and lists the rejected ones in a stored file', async () => {
    const orgId = await newOrg('imp-valid');
    const report = await importText(orgId, 'some-bad.txt', accrualsText.replace(';03.2026;', ';13.2026;'), { validRowsOnly: true });
    expect(report.status).toBe('applied');
    expect(report.rejectedRows).toBe(1);
    expect(report.lines).toBe(20);
    const rejected = await registries.readStored(orgId, report.rejectedSha256!);
    const chunks: Buffer[] = [];
    for await (const c of rejected!.bytes) chunks.push(c);
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv).toContain('13.2026');
    expect(csv).toContain('не период');
  });

  it('refuses a total line that does not add up', async () => {
    const orgId = await newOrg('imp-total');
    const report = await importText(orgId, 'total.txt', withCell(lastLine, 17, '38133,60'));
    expect(report.status).toBe('rejected');
    expect(report.errors.map((e) => e.code)).toContain('REGISTRIES.TOTAL_MISMATCH');
    expect(report.errors.find((e) => e.code === 'REGISTRIES.TOTAL_MISMATCH')?.message).toMatch(/^Итоговая строка 24: в столбце 18 \(«К оплате»\) указано 38\s133,60\s₽, а сумма строк — 38\s133,59\s₽\.$/);
  });

  it('imports past a wrong total line when staff turn the check off, and a profile remembers the choice', async () => {
    const orgId = await newOrg('imp-total-off');
    const text = withCell(lastLine, 17, '38133,60');
    const report = await importText(orgId, 'total-off.txt', text, { totalsCheck: false, saveProfileAs: 'Без итогов' });
    expect(report).toMatchObject({ status: 'applied', lines: 21, totalKop: ACCRUALS_TOTAL_KOP });
    expect((await registries.listProfiles(orgId))[0]).toMatchObject({ name: 'Без итогов', totalsCheck: false });
    const again = await importText(orgId, 'total-off-2.txt', text.replaceAll('03.2026', '04.2026'), { profileName: 'Без итогов' });
    expect(again.status).toBe('applied');
  });

  it('refuses the same account, service and period twice, naming both lines', async () => {
    const orgId = await newOrg('imp-dup');
    const lines = accrualsText.split('\n');
    const report = await importText(orgId, 'dup.txt', [...lines.slice(0, 4), lines[2], ...lines.slice(4)].join('\n'));
    expect(report.status).toBe('rejected');
    expect(report.errors.find((e) => e.code === 'REGISTRIES.ROW_DUPLICATE')).toMatchObject({ line: 5, params: { first: 3 } });
  });

  it('finds a repeat in a file without a total line while applying it, and rolls the apply back', async () => {
    const orgId = await newOrg('imp-dup-apply');
    const lines = accrualsText.trimEnd().split('\n').slice(0, lastLine - 1);
    const text = [...lines.slice(0, 6), lines[3], ...lines.slice(6)].join('\n');
    for (const dryRun of [false, true]) {
      const report = await importText(orgId, `dup-apply-${dryRun}.txt`, text, { dryRun });
      expect(report.status).toBe(dryRun ? 'dry_run' : 'rejected');
      expect(report.errors).toEqual([expect.objectContaining({ code: 'REGISTRIES.ROW_DUPLICATE', line: 7, params: expect.objectContaining({ first: 4 }) })]);
    }
    expect(await tableCounts(orgId)).toMatchObject({ accounts: 0, charges: 0, buildings: 0 });
  });

  it('knows a service named by code on one line and by name on another is one service', async () => {
    const orgId = await newOrg('imp-dup-name');
    await importText(orgId, 'first.txt', accrualsText);
    const lines = accrualsText.trimEnd().split('\n').slice(0, lastLine - 1);
    // Line 4 again, for April, without its service code: the name «Горячее водоснабжение» finds service 02.
    const april = lines.map((l) => l.replaceAll('03.2026', '04.2026'));
    const byName = april[3]!.split(';').map((c, i) => (i === 7 ? '' : c)).join(';');
    const report = await importText(orgId, 'second.txt', [...april, byName].join('\n'));
    expect(report.status).toBe('rejected');
    expect(report.errors).toEqual([expect.objectContaining({ code: 'REGISTRIES.ROW_DUPLICATE', line: lines.length + 1, params: expect.objectContaining({ first: 4 }) })]);
  });

  it('refuses one account number at two addresses', async () => {
    const orgId = await newOrg('imp-conflict');
    const report = await importText(orgId, 'conflict.txt', withLine(4, (l) => l.replace(';12;', ';13;')));
    expect(report.status).toBe('rejected');
    expect(report.errors.map((e) => e.code)).toContain('REGISTRIES.ROW_ACCOUNT_CONFLICT');
  });
});

describe('accounts and profiles', () => {
  it('assigns numbers to premises without one, and finds that account again next month', async () => {
    const orgId = await newOrg('imp-assign');
    const march = await importText(orgId, 'march.txt', accrualsText);
    const [assigned] = march.accounts.assigned;
    expect(assigned?.number).toMatch(/^\d{9}$/);
    const april = await importText(orgId, 'april.txt', accrualsText.replaceAll('03.2026', '04.2026'));
    expect(april.accounts).toMatchObject({ created: 0, assigned: [] });
    expect(await tableCounts(orgId)).toMatchObject({ accounts: 7, charges: 42 });
    const list = await registries.readStored(orgId, march.assignedSha256!);
    expect(list).not.toBeNull();
    const [account] = await db.withTenant(orgId, (em) => em.execute<{ id: string }[]>(`select id from accounts where number = '10050012'`));
    const lines = await db.withTenant(orgId, (em) => accountCharges(em, orgId, account!.id));
    expect([...new Set(lines.map((l) => l.period))]).toEqual(['2026-04', '2026-03']);
    expect(lines.filter((l) => l.period === '2026-03').map((l) => l.serviceName)).toContain('Холодное водоснабжение');
  });

  it('saves the mapping as a profile and reads a file with other headers in another order through it', async () => {
    const orgId = await newOrg('imp-profile');
    const text = 'Лицевой;Сумма долга;Плательщик\n100;1500,00;Иванов И. И.\n101;20,5;Петров П. П.\n';
    const first = await importText(orgId, 'p1.txt', text, { period: '2026-03', mapping: { headerLine: 1, columns: { account: 0, toPay: 1, payerName: 2 } }, saveProfileAs: 'Банк' });
    expect(first.errors).toEqual([]);
    const profiles = await registries.listProfiles(orgId);
    expect(profiles[0]).toMatchObject({ name: 'Банк', columns: { account: 'лицевой', toPay: 'сумма долга', payerName: 'плательщик' } });
    const second = await importText(orgId, 'p2.txt', 'Плательщик;Лицевой;Сумма долга\nСидоров С. С.;102;7,00\n', { period: '2026-03', profileName: 'Банк' });
    expect(second).toMatchObject({ status: 'applied', lines: 1, totalKop: 700, profile: 'Банк' });
  });

  it('keeps one organisation out of another: imports write only their own rows', async () => {
    const a = await newOrg('imp-tenant-a');
    const b = await newOrg('imp-tenant-b');
    await importText(a, 'a.txt', accrualsText);
    expect(await tableCounts(b)).toMatchObject({ accounts: 0, charges: 0 });
    expect(await registries.getImport(b, (await registries.listImports(a, { limit: 1, offset: 0 })).items[0]!.id)).toBeNull();
  });
});

describe('encodings', () => {
  it('asks for the encoding when it cannot be told, and imports with the one staff pick', async () => {
    const orgId = await newOrg('imp-enc');
    // Two short words: windows-1251 and KOI8-R both read as plausible Russian.
    const file = path.join(dir, 'short.txt');
    await writeFile(file, iconv.encode('ЛС;Долг\n1;5\n', 'win1251'));
    const stored = await registries.store(orgId, { name: 'short.txt', content: await readBytes(file) });
    const preview = await registries.preview(orgId, stored.sha256, {});
    if (preview?.kind !== 'ambiguous') throw new Error(`expected ambiguous, got ${preview?.kind}`);
    expect(preview.candidates.map((c) => c.encoding)).toContain('windows-1251');
    const refused = await registries.importStored(orgId, stored.sha256, opts({ period: '2026-03' }));
    expect(refused?.errors[0]?.code).toBe('REGISTRIES.ENCODING_AMBIGUOUS');
    const done = await registries.importStored(orgId, stored.sha256, opts({ period: '2026-03', encoding: 'windows-1251' }));
    expect(done).toMatchObject({ status: 'applied', lines: 1 });
  });
});
