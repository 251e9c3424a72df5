import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/audit/index.ts';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { createApiKey, listApiKeys, makeOrgsService, revokeApiKey, type OrgsService } from '../core/orgs/index.ts';
import { makeRegistriesService, type RegistriesService } from '../core/registries/index.ts';
import { settableClock, type SettableClock } from '../core/shared/index.ts';
import { registriesApi } from '../web/api/registries.api.ts';
import { makeHttpApp } from '../web/http-app.ts';
import { orgInput } from './fixtures/orgs.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

/** POST /api/v1/registries for customers' systems: API keys, statuses, errors with line and column, limits. */
const FIXTURE = readFileSync(new URL('./fixtures/registries/accruals.cp1251.txt', import.meta.url));
const MAX_BYTES = 64 * 1024;
const STAFF: Actor = { userId: null, label: 'admin@api.test' };

let test: TestDatabase;
let clock: SettableClock;
let orgs: OrgsService;
let registries: RegistriesService;
let server: Server;
let base = '';
const org = { a: '', b: '' };
const key = { a: '', b: '' };

async function newOrg(slug: string): Promise<string> {
  const created = await orgs.createOrganization(orgInput(slug));
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  await orgs.addRecipient(created.value.id, { ...orgInput(slug), name: 'МУП «Водоканал»' });
  return created.value.id;
}

async function newKey(orgId: string, name: string): Promise<string> {
  const created = await createApiKey(test.db, clock, orgId, STAFF, name);
  if (!created.ok) throw new Error('key');
  return created.value.key;
}

function post(query: string, body: BodyInit, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/v1/registries${query}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

/** A small `;`-separated windows-1251 registry written in the test. */
const registry = (lines: string[]) => new Uint8Array(iconv.encode(['ЛС;ФИО;Адрес;Кв;Период;Код услуги;Услуга;Начислено;К оплате', ...lines].join('\r\n'), 'win1251'));

beforeAll(async () => {
  test = await openTestDatabase();
  clock = settableClock(new Date('2026-04-02T09:00:00Z'));
  orgs = makeOrgsService({ db: test.db, clock });
  registries = makeRegistriesService({ db: test.db, clock });
  org.a = await newOrg('api-a');
  org.b = await newOrg('api-b');
  key.a = await newKey(org.a, '1С: Квартплата');
  key.b = await newKey(org.b, 'Другая организация');
  const app = makeHttpApp(makeLogger({ level: 'silent' }), [registriesApi({ db: test.db, clock, registries, maxBytes: MAX_BYTES })]);
  server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await test.drop();
});

describe('POST /api/v1/registries', () => {
  // Functions: the keys exist only once beforeAll has run.
  it.each([
    ['no key', () => ({})],
    ['a malformed key', () => ({ authorization: 'Bearer nonsense' })],
    ['a wrong secret with a real prefix', () => ({ authorization: `Bearer ${key.a.slice(0, 13)}${'A'.repeat(43)}` })],
    ['a key in another scheme', () => ({ authorization: `Basic ${key.a}` })],
  ] as const)('answers 401 with %s, in Russian, and stores nothing', async (_name, headers) => {
    const res = await post('?name=r.txt', FIXTURE, headers());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ error: { code: 'REGISTRIES.API_KEY_INVALID', message: 'Ключ API не подходит или отозван.' } });
    expect((await registries.listImports(org.a, { limit: 5, offset: 0 })).total).toBe(0);
  });

  it('answers 401 for a revoked key', async () => {
    const revoked = await newKey(org.a, 'Старый');
    const id = (await listApiKeys(test.db, org.a)).find((k) => revoked.includes(k.prefix))!.id;
    await revokeApiKey(test.db, clock, org.a, STAFF, id);
    expect((await post('?name=r.txt', FIXTURE, { 'x-api-key': revoked })).status).toBe(401);
  });

  it('checks without applying (200), imports (201), and answers «already imported» the second time (200)', async () => {
    const auth = { authorization: `Bearer ${key.a}` };
    // The store keeps a file under the name it first came with, so both requests name it alike.
    const dry = await post('?dryRun=1', FIXTURE, { ...auth, 'x-file-name': encodeURIComponent('Начисления март.txt') });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ status: 'dry_run', applied: false, file: 'Начисления март.txt', rows: 21, format: 'txt', encoding: 'windows-1251' });
    expect((await registries.listImports(org.a, { limit: 5, offset: 0 })).total).toBe(0);

    const res = await post(`?name=${encodeURIComponent('Начисления март.txt')}`, FIXTURE, auth);
    expect(res.status).toBe(201);
    const report = await res.json();
    expect(report).toMatchObject({ status: 'applied', applied: true, file: 'Начисления март.txt', rows: 21, lines: 21, accounts: { created: 7, updated: 0 } });
    expect(res.headers.get('location')).toBe(`/api/v1/registries/${report.importId}`);
    const [item] = (await registries.listImports(org.a, { limit: 5, offset: 0 })).items;
    expect(item).toMatchObject({ id: report.importId, source: 'api', actorLabel: 'api:1С: Квартплата' });

    const again = await post('?name=again.txt', FIXTURE, { 'x-api-key': key.a });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'already_imported', previous: { importId: report.importId } });

    const fetched = await fetch(`${base}/api/v1/registries/${report.importId}`, { headers: auth });
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toMatchObject({ importId: report.importId, status: 'applied', source: 'api' });
    const foreign = await fetch(`${base}/api/v1/registries/${report.importId}`, { headers: { authorization: `Bearer ${key.b}` } });
    expect(foreign.status).toBe(404);
    expect((await fetch(`${base}/api/v1/registries/not-an-id`, { headers: auth })).status).toBe(404);
  });

  it('rejects a file with errors (422), naming each by line and column, in the language asked for', async () => {
    const bad = registry([
      '20000001;Иванов И. И.;г. Пермь, ул. Мира, д. 1;1;03.2026;01;Холодное водоснабжение;100,00;100,00',
      '20000002;Петров П. П.;г. Пермь, ул. Мира, д. 1;2;03.2026;01;Холодное водоснабжение;сто;100,00',
    ]);
    const res = await post('?name=bad.txt', bad, { authorization: `Bearer ${key.b}` });
    expect(res.status).toBe(422);
    const report = await res.json();
    expect(report).toMatchObject({ status: 'rejected', applied: false });
    expect(report.errors[0]).toMatchObject({ line: 3, column: expect.any(String), value: 'сто', code: 'REGISTRIES.CELL_BAD_NUMBER' });
    expect(report.errors[0].message).toMatch(/^Строка 3, столбец .+: «сто» — не число/);
    const english = await (await post('?name=bad.txt', bad, { authorization: `Bearer ${key.b}`, 'accept-language': 'en' })).json();
    expect(english.errors[0].message).not.toMatch(/Строка/);
    const counted = await test.db.withTenant(org.b, (em) => em.execute<{ n: string }[]>('select count(*) as n from charges'));
    expect(Number(counted[0]!.n)).toBe(0);
  });

  it('checks a total line unless the caller says totalsCheck=0, and refuses a flag it cannot read', async () => {
    const wrongTotal = registry(['20000011;Сидоров С. С.;г. Пермь, ул. Мира, д. 3;1;03.2026;01;Холодное водоснабжение;100,00;100,00',
      'Итого;;;;;;;100,00;100,01']);
    const auth = { authorization: `Bearer ${key.b}` };
    expect((await post('?name=total.txt', wrongTotal, auth)).status).toBe(422);
    expect((await post('?name=total.txt&totalsCheck=maybe', wrongTotal, auth)).status).toBe(400);
    const off = await post('?name=total.txt&totalsCheck=0', wrongTotal, auth);
    expect(off.status).toBe(201);
    expect(await off.json()).toMatchObject({ status: 'applied', lines: 1 });
  });

  it('answers 413 for a body over the limit, declared or streamed, and stores nothing', async () => {
    const auth = { authorization: `Bearer ${key.b}` };
    const files = async () => Number((await test.db.withTenant(org.b, (em) => em.execute<{ n: string }[]>('select count(*) as n from stored_files')))[0]!.n);
    const before = await files();
    const declared = await post('?name=big.txt', Buffer.alloc(MAX_BYTES + 1, 65), auth);
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe('REGISTRIES.FILE_TOO_LARGE');
    const chunk = new Uint8Array(16 * 1024).fill(66);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= MAX_BYTES * 2) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await post('?name=big.txt', stream, auth);
    expect(streamed.status).toBe(413);
    expect(await files()).toBe(before);
  });

  it('keeps serving after a client leaves mid-body (no store left waiting for bytes)', async () => {
    await new Promise<void>((resolve) => {
      const cut = request(`${base}/api/v1/registries?name=cut.txt`, { method: 'POST', headers: { authorization: `Bearer ${key.b}`, 'content-length': '50000' } });
      cut.on('error', () => resolve());
      cut.write(Buffer.alloc(10_000, 65), () => setTimeout(() => { cut.destroy(); resolve(); }, 200));
    });
    const res = await post('?name=after.txt&dryRun=1', new Uint8Array(FIXTURE), { authorization: `Bearer ${key.b}` });
    expect(res.status).toBe(200);
  });

  it('answers 400 for a parameter it cannot read', async () => {
    const auth = { authorization: `Bearer ${key.b}` };
    const period = await post('?name=r.txt&period=март', FIXTURE, auth);
    expect(period.status).toBe(400);
    expect((await period.json()).error.message).toContain('period');
    expect((await post('?name=r.txt&encoding=latin1', FIXTURE, auth)).status).toBe(400);
  });
});
