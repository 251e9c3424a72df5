import express from 'express';
import iconv from 'iconv-lite';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveUpload } from '../admin/routes/registry-upload.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { startAdmin, type AdminHarness } from './support/admin-harness.ts';
import { multipart } from './support/multipart.ts';
import { FIXTURE, importFields, orgWithStaff, sha256, signedIn as signIn, tenantCounts, upload as uploadAs } from './support/registry-pages.ts';

/** The registry preview's choices (encoding, valid rows only, profiles, mapping) and the upload's size limit. */
let test: TestDatabase;
let admin: AdminHarness;
const org = { north: '' };
const signedIn = (email: string) => signIn(admin, email);
const upload = (...args: Parameters<typeof uploadAs> extends [unknown, ...infer R] ? R : never) => uploadAs(admin, ...args);
const counts = (orgId: string) => tenantCounts(test.db, orgId);

beforeAll(async () => {
  test = await openTestDatabase();
  admin = await startAdmin(test.db);
  org.north = await orgWithStaff(admin, 'north');
});
afterAll(async () => { await admin.close(); await test.drop(); });

describe('choices on the preview', () => {
  it('asks for the encoding when it cannot be told, shows each reading, and reads the file as chosen', async () => {
    const north = await signedIn('admin@north.test');
    const bytes = iconv.encode('ЛС;Сумма\r\n1;2\r\n', 'win1251');
    const up = await upload(north, 'короткий.txt', bytes);
    const page = await north.get(up.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Кодировку файла не удалось определить надёжно.');
    expect(page.text).toContain('ЛС;Сумма');
    expect(page.text).toContain(iconv.decode(bytes, 'koi8-r').split('\r\n')[0]);
    const link = `/admin/registries/preview/${sha256(bytes)}?encoding=windows-1251`;
    expect(page.text).toContain(link);
    const chosen = await north.get(link);
    expect(chosen.text).toContain('<option value="windows-1251" selected');
    expect(chosen.text).toContain('<td>ЛС</td>');
  });

  it('says why a file cannot be read instead of failing', async () => {
    const north = await signedIn('admin@north.test');
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_v, i) => (i * 7919) % 256));
    const page = await north.get((await upload(north, 'мусор.bin', garbage)).location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Файл не прочитан');
    expect(page.text).not.toContain('id="import"');
  });

  it('loads past a total line that does not add up only when staff untick the check', async () => {
    const north = await signedIn('admin@north.test');
    const bytes = iconv.encode(['ЛС;ФИО;Адрес;Кв;Период;Код услуги;Услуга;К оплате',
      '40000011;Белова;г. Пермь, ул. Мира, д. 5;1;03.2026;01;Холодное водоснабжение;10,00', 'Итого;;;;;;;10,01'].join('\r\n'), 'win1251');
    const up = await upload(north, 'итог.txt', bytes);
    const preview = await north.get(up.location!);
    expect(preview.text).toContain('name="skipTotals"');
    const fields = importFields(preview.text);
    const checked = await north.post(up.location!, { ...fields, action: 'import' });
    expect((checked.status === 303 ? await north.get(checked.location!) : checked).text).toContain('Итоговая строка 3');
    const unticked = await north.post(up.location!, { ...fields, action: 'import', skipTotals: '1' });
    expect(unticked.status).toBe(303);
    expect((await north.get(unticked.location!)).text).toContain('Реестр загружен.');
  });

  it('rejects a file with errors whole, then loads only its valid rows when asked, with the rest downloadable', async () => {
    const north = await signedIn('admin@north.test');
    const bytes = iconv.encode([
      'ЛС;ФИО;Адрес;Кв;Период;Код услуги;Услуга;К оплате',
      '40000001;Белова;г. Пермь, ул. Мира, д. 3;1;03.2026;01;Холодное водоснабжение;10,00',
      '40000002;Чернов;г. Пермь, ул. Мира, д. 3;2;03.2026;01;Холодное водоснабжение;десять',
    ].join('\r\n'), 'win1251');
    const up = await upload(north, 'с ошибкой.txt', bytes);
    const sha = sha256(bytes);
    const fields = importFields((await north.get(`${up.location!}?encoding=windows-1251`)).text);
    const before = await counts(org.north);
    const rejected = await north.post(`/admin/registries/preview/${sha}`, { ...fields, action: 'import' });
    const report = rejected.status === 303 ? await north.get(rejected.location!) : rejected;
    expect(report.text).toContain('Реестр не загружен');
    expect(report.text).toMatch(/<td class="num">3<\/td><td>[^<]+<\/td><td>десять<\/td><td>Строка 3, столбец/);
    expect((await counts(org.north)).charges).toBe(before.charges);

    const partial = await north.post(`/admin/registries/preview/${sha}`, { ...fields, action: 'import', validRowsOnly: '1' });
    expect(partial.status).toBe(303);
    const done = await north.get(partial.location!);
    expect(done.text).toContain('Реестр загружен.');
    expect(done.text).toContain('Пропущено строк с ошибками: 1.');
    const rejectedFile = /href="(\/admin\/registries\/files\/[0-9a-f]{64})"[^>]*>Скачать пропущенные строки/.exec(done.text)?.[1];
    expect(rejectedFile).toBeDefined();
    const res = await fetch(admin.url + rejectedFile!, { headers: { cookie: `fp_sid=${north.cookie('fp_sid')}` } });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect((await counts(org.north)).charges).toBe(before.charges + 1);
  });

  it('saves the mapping as a profile and offers it for the next file', async () => {
    const north = await signedIn('admin@north.test');
    const bytes = Buffer.concat([FIXTURE, Buffer.from('\r\n')]);
    const up = await upload(north, 'для профиля.txt', bytes);
    const fields = importFields((await north.get(up.location!)).text);
    // A dry run applies nothing, the profile included; the import saves it.
    await north.post(up.location!, { ...fields, action: 'dryRun', saveProfile: '1', profileName: 'УК Пример' });
    expect(await admin.registries.listProfiles(org.north)).toEqual([]);
    const done = await north.post(up.location!, { ...fields, action: 'import', saveProfile: '1', profileName: 'УК Пример' });
    expect(done.status).toBe(303);
    expect((await admin.registries.listProfiles(org.north)).map((p) => p.name)).toEqual(['УК Пример']);
    const withProfile = await north.get(`${up.location!}?profile=${encodeURIComponent('УК Пример')}`);
    expect(withProfile.text).toContain('Сопоставление взято из профиля.');
    expect(withProfile.text).toContain('<option value="УК Пример" selected');
  });

  it('refuses a field chosen for two columns and a period it cannot read, keeping the form', async () => {
    const north = await signedIn('admin@north.test');
    const sha = sha256(FIXTURE);
    expect((await upload(north, 'март.txt', FIXTURE)).status).toBe(303);
    const fields = importFields((await north.get(`/admin/registries/preview/${sha}`)).text);
    const res = await north.post(`/admin/registries/preview/${sha}`, { ...fields, 'col.2': 'account', period: 'март', action: 'dryRun' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Поле «Лицевой счёт» выбрано для двух столбцов: 1 и 3.');
    expect(res.text).toContain('Период для всего файла указан неверно');
  });
});

describe('in English', () => {
  it('renders the history, the preview and the report in English', async () => {
    const north = await signedIn('admin@north.test');
    north.setCookie('fp_lang', 'en');
    const up = await upload(north, 'march.txt', Buffer.concat([FIXTURE, Buffer.from('\r\n\r\n')]));
    const preview = await north.get(up.location!);
    expect(preview.text).toContain('Check the registry');
    expect(preview.text).toContain('Account number');
    const dry = await north.post(up.location!, { ...importFields(preview.text), action: 'dryRun' });
    expect(dry.text).toContain('This is a check: nothing was written.');
    expect((await north.get('/admin/registries')).text).toContain('Import history');
  });
});

describe('receiveUpload', () => {
  it('keeps serving after a browser leaves mid-file (no store left waiting for bytes)', async () => {
    const north = await signedIn('admin@north.test');
    const { body, contentType } = multipart([{ name: '_csrf', value: north.csrf }, { name: 'file', filename: 'обрыв.txt', bytes: Buffer.alloc(200_000, 65) }]);
    await new Promise<void>((resolve) => {
      const cut = request(`${admin.url}/admin/registries/upload`, {
        method: 'POST', headers: { 'content-type': contentType, 'content-length': String(body.length), cookie: `fp_sid=${north.cookie('fp_sid')}` },
      });
      cut.on('error', () => resolve());
      cut.write(body.subarray(0, 50_000), () => setTimeout(() => { cut.destroy(); resolve(); }, 200));
    });
    expect((await north.get('/admin/registries')).status).toBe(200);
    expect((await upload(north, 'после.txt', FIXTURE)).status).toBe(303);
  });

  it('stops a file over the limit: the store fails, so nothing is kept, and the answer is «too large»', async () => {
    const seen: number[] = [];
    const app = express();
    app.post('/admin/registries/upload', async (req, res) => {
      const outcome = await receiveUpload(req, res, (_q, _s, next) => next(), 1000, async ({ content }) => {
        let size = 0;
        for await (const chunk of content as AsyncIterable<Buffer>) size += chunk.length;
        seen.push(size);
        return { sha256: 'x', size, alreadyStored: false, chainSeq: 1 };
      });
      res.json(outcome);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/registries/upload`;
      const send = async (bytes: number) => {
        const { body, contentType } = multipart([{ name: '_csrf', value: 't' }, { name: 'file', filename: 'a.txt', bytes: Buffer.alloc(bytes, 65) }]);
        return (await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType } })).json();
      };
      expect(await send(1000)).toMatchObject({ kind: 'stored', stored: { size: 1000 } });
      expect(await send(5000)).toEqual({ kind: 'tooLarge' });
      expect(seen).toEqual([1000]);
    } finally {
      server.close();
    }
  });
});
