import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition } from '../admin/routes/registries.routes.tsx';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { startAdmin, type AdminHarness } from './support/admin-harness.ts';
import { multipart } from './support/multipart.ts';
import { FIXTURE, importFields, orgWithStaff, sha256, signedIn as signIn, tenantCounts, upload as uploadAs } from './support/registry-pages.ts';

/** Issue 4 «Registries in» through the staff app: upload → preview → dry run → import → report → history → file. */
const FILE_NAME = 'Начисления март.txt';

let test: TestDatabase;
let admin: AdminHarness;
const org = { north: '', south: '' };
const signedIn = (email: string) => signIn(admin, email);
const upload = (...args: Parameters<typeof uploadAs> extends [unknown, ...infer R] ? R : never) => uploadAs(admin, ...args);
const counts = (orgId: string) => tenantCounts(test.db, orgId);

beforeAll(async () => {
  test = await openTestDatabase();
  admin = await startAdmin(test.db);
  org.north = await orgWithStaff(admin, 'north');
  org.south = await orgWithStaff(admin, 'south');
});
afterAll(async () => { await admin.close(); await test.drop(); });

describe('registry upload, preview and import in the admin app', () => {
  const sha = sha256(FIXTURE);
  let importId = '';

  it('uploads a cp1251 registry, shows how it reads, checks it without applying, imports it and reports', async () => {
    const north = await signedIn('admin@north.test');
    expect((await north.get('/admin/registries')).text).toContain('Реестров ещё не загружали.');
    const up = await upload(north, FILE_NAME, FIXTURE);
    expect([up.status, up.location]).toEqual([303, `/admin/registries/preview/${sha}`]);

    const preview = await north.get(up.location!);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('определить самим: Windows-1251');
    expect(preview.text).toContain('определить самим: точка с запятой «;»');
    expect(preview.text).toContain('Щёголев Фёдор Артёмович');
    const fields = importFields(preview.text);
    expect(fields).toMatchObject({ 'col.0': 'account', 'col.1': 'payerName', 'col.7': 'serviceCode', 'col.12': 'accrued', 'col.17': 'toPay' });

    const before = await counts(org.north);
    const dry = await north.post(`/admin/registries/preview/${sha}`, { ...fields, action: 'dryRun' });
    expect(dry.status).toBe(200);
    expect(dry.text).toContain('Это проверка: ничего не записано.');
    expect(dry.text).toContain('Присвоенные номера лицевых счетов');
    expect(await counts(org.north)).toEqual(before);
    expect((await admin.registries.listImports(org.north, { limit: 10, offset: 0 })).total).toBe(0);

    const done = await north.post(`/admin/registries/preview/${sha}`, { ...fields, action: 'import' });
    expect(done.status).toBe(303);
    importId = /^\/admin\/registries\/imports\/([0-9a-f-]{36})$/.exec(done.location ?? '')![1]!;
    const report = await north.get(done.location!);
    expect(report.status).toBe(200);
    expect(report.text).toContain('Реестр загружен.');
    expect(report.text).toContain('Присвоенные номера лицевых счетов');
    const assigned = /href="(\/admin\/registries\/files\/[0-9a-f]{64})"[^>]*>Скачать все присвоенные номера/.exec(report.text)?.[1];
    const list = await north.get(assigned!);
    expect(list.status).toBe(200);
    expect(list.text).toMatch(/Строка;Адрес;Помещение;Присвоенный лицевой счёт\r\n15;г\. Пермь, ул\. Подъёмная, д\. 12;15;\d{9}\r\n/);
    const after = await counts(org.north);
    expect([after.accounts, after.charges]).toEqual([7, 21]);
  });

  it('lists the import in the history and serves the original byte for byte', async () => {
    const north = await signedIn('admin@north.test');
    const history = await north.get('/admin/registries');
    expect(history.text).toContain(FILE_NAME);
    expect(history.text).toContain(`/admin/registries/imports/${importId}`);
    expect(history.text).toContain('загружен');
    const audit = await north.get('/admin/audit?action=registry');
    expect(audit.text).toContain('<option value="registry" selected');
    expect(audit.text).toContain('Загружен реестр');
    const res = await fetch(`${admin.url}/admin/registries/files/${sha}`, { headers: { cookie: `fp_sid=${north.cookie('fp_sid')}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(FIXTURE)).toBe(true);
    expect(res.headers.get('content-disposition')).toBe(contentDisposition(FILE_NAME));
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(FILE_NAME)}`);
  });

  it("shows the imported charges on the account's card, by period with a total", async () => {
    const north = await signedIn('admin@north.test');
    const [account] = await test.db.withTenant(org.north, (em) => em.execute<{ id: string }[]>(`select id from accounts where number = '10050012'`));
    const card = await north.get(`/admin/accounts/${account!.id}`);
    expect(card.status).toBe(200);
    expect(card.text).toContain('Март 2026');
    expect(card.text).toContain('Холодное водоснабжение');
    expect(card.text).toMatch(/Итого<\/th>/);
    expect(card.text).not.toContain('Начислений пока нет');
  });

  it('says «already imported» for the same bytes again, with a link to the earlier import, and applies nothing', async () => {
    const north = await signedIn('admin@north.test');
    const before = await counts(org.north);
    const up = await upload(north, 'копия.txt', FIXTURE);
    expect(up.location).toBe(`/admin/registries/preview/${sha}`);
    const fields = importFields((await north.get(up.location!)).text);
    const again = await north.post(`/admin/registries/preview/${sha}`, { ...fields, action: 'import' });
    expect(again.status).toBe(200);
    expect(again.text).toContain('Этот файл уже загружен');
    expect(again.text).toContain(`/admin/registries/imports/${importId}`);
    expect(await counts(org.north)).toEqual(before);
    expect((await admin.registries.listImports(org.north, { limit: 10, offset: 0 })).total).toBe(1);
  });

  it.each([
    ['no token', { token: null }],
    ['a wrong token', { token: 'x'.repeat(43) }],
    ['the token after the file', { fileFirst: true }],
  ] as const)('refuses an upload with %s (403) and stores nothing', async (_name, options) => {
    const north = await signedIn('admin@north.test');
    const before = await counts(org.north);
    const res = await upload(north, 'чужое.txt', Buffer.from('ЛС;Сумма\n1;2\n'), options);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Форма устарела');
    expect(await counts(org.north)).toEqual(before);
  });

  it('asks for a file when the form comes without one', async () => {
    const north = await signedIn('admin@north.test');
    const { body, contentType } = multipart([{ name: '_csrf', value: north.csrf }]);
    const res = await fetch(`${admin.url}/admin/registries/upload`, {
      method: 'POST', redirect: 'manual', body, headers: { 'content-type': contentType, cookie: `fp_sid=${north.cookie('fp_sid')}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Выберите файл реестра для загрузки.');
  });

  it("answers 404 for another organisation's import, file and preview, and for a malformed hash", async () => {
    const south = await signedIn('admin@south.test');
    expect((await south.get(`/admin/registries/imports/${importId}`)).status).toBe(404);
    expect((await south.get(`/admin/registries/files/${sha}`)).status).toBe(404);
    expect((await south.get(`/admin/registries/preview/${sha}`)).status).toBe(404);
    expect((await south.post(`/admin/registries/preview/${sha}`, { 'col.0': 'account', action: 'import' })).status).toBe(404);
    expect((await south.get('/admin/registries/files/not-a-hash')).status).toBe(404);
    expect((await south.get('/admin/registries')).text).not.toContain(FILE_NAME);
    expect((await admin.registries.listImports(org.south, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('keeps staff without the role out (403)', async () => {
    const lawyer = await signedIn('lawyer@north.test');
    expect((await lawyer.get('/admin/registries')).status).toBe(403);
    expect((await lawyer.get(`/admin/registries/files/${sha}`)).status).toBe(403);
    expect((await upload(lawyer, 'x.txt', FIXTURE)).status).toBe(403);
  });
});

describe('every fixture through the admin app', () => {
  const dir = new URL('./fixtures/registries/', import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { file: string; rows: number }[];

  it.each(manifest.map((m) => m.file))('uploads, previews and imports %s', async (file) => {
    const slug = `every-${file.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 24)}`;
    const orgId = await orgWithStaff(admin, slug);
    const browser = await signedIn(`admin@${slug}.test`);
    const bytes = readFileSync(new URL(file, dir));
    const up = await upload(browser, file, bytes);
    expect(up.status).toBe(303);
    const preview = await browser.get(up.location!);
    expect(preview.status).toBe(200);
    const done = await browser.post(up.location!, { ...importFields(preview.text), action: 'import' });
    expect(done.status).toBe(303);
    expect((await browser.get(done.location!)).text).toContain('Реестр загружен.');
    const { items } = await admin.registries.listImports(orgId, { limit: 1, offset: 0 });
    expect(items[0]).toMatchObject({ status: 'applied', fileName: file, errorsCount: 0 });
    expect(items[0]!.lines).toBeGreaterThan(0);
  });
});
