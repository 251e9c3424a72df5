import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { makeAdminRouter } from '../admin/admin.router.tsx';
import { makeAccountsService } from '../core/accounts/index.ts';
import { listAudit } from '../core/audit/index.ts';
import { ndefTlv, ndefUriRecord } from '../core/documents/index.ts';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { makeMailer } from '../core/infra/mail/mailer.ts';
import { makeOrgsService, type StaffRole } from '../core/orgs/index.ts';
import { listCollectors } from '../core/payments/collectors.ts';
import { makePaymentsService, type PaymentsService } from '../core/payments/index.ts';
import { settableClock } from '../core/shared/index.ts';
import { makeStaffAuthService } from '../core/staff/index.ts';
import { makeHttpApp } from '../web/http-app.ts';
import { makePaymentsOrg, type PaymentsOrg } from './support/payments-fixture.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { Browser } from './support/admin-harness.ts';

/** The pay-link pages over real HTTP: exports that open the right accounts, QR codes that decode, NFC bytes, roles, tenancy. */
const jsQR = ((jsqrModule as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;
const SECRET = 's'.repeat(64);
const PASSWORD = 'correct horse battery';
const LINKS = '/admin/payments/links';

let test: TestDatabase;
let payments: PaymentsService;
let server: Server;
let base = '';
let north: PaymentsOrg;
let south: PaymentsOrg;
const closed: string[] = [];

const people: Partial<Record<string, Browser>> = {};

async function signIn(email: string): Promise<Browser> {
  const b = new Browser(base);
  expect(await b.signIn(email, PASSWORD)).toBe(303);
  await b.get('/admin/accounts'); // the CSRF token bound to the new session
  return b;
}

/** The claims a link carries, or the reason it does not open. */
async function opened(url: string) {
  const token = /\/pay\/(?:o\/)?([\w-]+)$/.exec(url)?.[1] ?? '';
  const verified = await payments.links.verify(token);
  return verified.ok ? verified.value : verified.error;
}

const decodePng = (png: Buffer) => {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
};

function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      archive.on('error', reject).on('end', () => resolve(files)).on('entry', (entry: yauzl.Entry) => archive.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        const parts: Buffer[] = [];
        stream.on('data', (p: Buffer) => parts.push(p)).on('end', () => (files.set(entry.fileName, Buffer.concat(parts)), archive.readEntry()));
      }));
      archive.readEntry();
    });
  });
}

const audited = async (orgId: string, action: string) =>
  (await test.db.withTenant(orgId, (em) => listAudit(em, orgId, { action }, { limit: 50, offset: 0 }))).rows.filter((r) => r.action === action);
const collectors = (orgId: string) => test.db.withTenant(orgId, (em) => listCollectors(em, orgId));

beforeAll(async () => {
  test = await openTestDatabase();
  const db = test.db;
  const clock = settableClock(new Date()); // never advanced: a link signed twice is the same link
  payments = makePaymentsService({ db, clock, secretKey: SECRET, provider: 'sandbox', publicUrl: () => base });
  const orgs = makeOrgsService({ db, clock });
  const deps = {
    db, clock, orgs, payments, accounts: makeAccountsService({ db, clock }), auth: makeStaffAuthService({ db, clock, secretKey: SECRET }),
    mailer: makeMailer({ from: 'x', print: () => {} }), logger: makeLogger({ level: 'silent' }), secretKey: SECRET, secure: false,
    get publicUrl() { return base; },
  };
  server = makeHttpApp(deps.logger, [makeAdminRouter(deps)]).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  [north, south] = [await makePaymentsOrg(db, 'north', { accounts: 12 }), await makePaymentsOrg(db, 'south', { accounts: 2 })];
  closed.push(north.accounts[3]!.id, north.accounts[7]!.id);
  await db.withTenant(north.orgId, (em) => em.execute(`update accounts set status = 'closed' where id in (?, ?)`, closed));
  const staff: [string, string, StaffRole][] = [[north.orgId, 'admin@north.test', 'admin'], [north.orgId, 'buh@north.test', 'accountant'],
    [north.orgId, 'op@north.test', 'operator'], [south.orgId, 'admin@south.test', 'admin']];
  for (const [orgId, email, role] of staff) {
    const added = await orgs.addStaffUser(orgId, { email, fullName: email, password: PASSWORD }, role);
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    people[email] = await signIn(email);
  }
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  payments?.close();
  await test?.drop();
});

const as = (email: string) => people[email]!;
const openNorth = () => north.accounts.filter((a) => !closed.includes(a.id));

describe('account links', () => {
  it('downloads a CSV with one row per open account, each link opening that account, and logs the export', async () => {
    const res = await as('buh@north.test').get(`${LINKS}/accounts.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?pay-links-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const [header, ...rows] = parse(res.bytes, { delimiter: ';', bom: true }) as string[][];
    expect(header).toEqual(['Лицевой счёт', 'Адрес', 'Ссылка на оплату']);
    expect(rows.map((r) => r[0])).toEqual(openNorth().map((a) => a.number));
    for (const [number, address, url] of rows) {
      expect(address).toMatch(/^г\. Пермь, ул\. Ленина, д\. 10, кв\. \d+$/);
      expect(await opened(url!)).toMatchObject({ orgId: north.orgId, purpose: 'account', subjectId: north.accounts.find((a) => a.number === number)!.id });
    }
    expect((await audited(north.orgId, 'links.export'))[0]).toMatchObject({ actorLabel: 'buh@north.test', changes: { format: [null, 'csv'] } });
  });

  it('zips one PNG QR code per open account that decodes to a link opening that account', async () => {
    const res = await as('admin@north.test').get(`${LINKS}/qr.zip?format=png`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/zip']);
    const files = await unzip(res.bytes);
    expect([...files.keys()].sort()).toEqual([...openNorth().map((a) => `${a.number}.png`), 'links.csv'].sort());
    for (const account of openNorth()) {
      const url = decodePng(files.get(`${account.number}.png`)!);
      expect(await opened(url!)).toMatchObject({ purpose: 'account', subjectId: account.id });
    }
    expect((await as('admin@north.test').get(`${LINKS}/qr.zip?format=gif`)).status).toBe(400);
  });

  it('shows the account card a link to its own payment page and serves its QR; none for a closed account', async () => {
    const account = openNorth()[0]!;
    const card = await as('op@north.test').get(`/admin/accounts/${account.id}`);
    const url = /id="pay-link-url"[^>]*value="([^"]+)"/.exec(card.text)?.[1];
    expect(await opened(url!)).toMatchObject({ purpose: 'account', subjectId: account.id });
    expect(card.text).toContain(`src="/admin/accounts/${account.id}/pay-qr.svg"`);
    const qr = await as('op@north.test').get(`/admin/accounts/${account.id}/pay-qr.svg`);
    expect([qr.status, qr.headers.get('content-type')]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    expect((await as('op@north.test').get(`/admin/accounts/${closed[0]}`)).text).not.toContain('pay-link-url');
    expect((await as('op@north.test').get(`/admin/accounts/${closed[0]}/pay-qr.svg`)).status).toBe(404);
  });
});

describe('plate and collectors', () => {
  it('shows the plate link and serves its QR, which decodes to that plate link', async () => {
    const page = await as('admin@north.test').get(LINKS);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Открытых лицевых счетов: 10.');
    const url = /id="plate-url"[^>]*value="([^"]+)"/.exec(page.text)?.[1];
    expect(url).toMatch(new RegExp(`^${base}/pay/o/`));
    const png = await as('admin@north.test').get(`${LINKS}/plate.png`);
    expect(decodePng(png.bytes)).toBe(url);
    expect(await opened(url!)).toMatchObject({ orgId: north.orgId, purpose: 'plate', subjectId: null });
  });

  it('adds collectors, generating a code when none is given, and refuses a nameless one or a taken code', async () => {
    const added = await as('buh@north.test').post(`${LINKS}/collectors`, { name: 'Иванова Мария', code: 'K-7' });
    expect([added.status, added.location]).toMatchObject([303, expect.stringMatching(/^\/admin\/payments\/links\?saved=1#collector-/)]);
    expect((await as('buh@north.test').post(`${LINKS}/collectors`, { name: 'Петров Пётр', code: '' })).status).toBe(303);
    expect((await collectors(north.orgId)).map((c) => [c.name, c.code])).toEqual([['Иванова Мария', 'K-7'], ['Петров Пётр', '1']]);
    const refused = await as('buh@north.test').post(`${LINKS}/collectors`, { name: ' ', code: 'k-7' });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="f-name"[^>]*aria-invalid="true"/);
    expect(refused.text).toMatch(/id="f-code"[^>]*aria-invalid="true"/);
    expect(refused.text).toContain('Контролёр с кодом «K-7» уже есть.');
    expect(await collectors(north.orgId)).toHaveLength(2);
    expect(await audited(north.orgId, 'collector.create')).toHaveLength(2);
  });

  it("serves a collector's QR and NFC files holding exactly the NDEF URI record of the card's link", async () => {
    const [collector] = await collectors(north.orgId);
    const page = await as('admin@north.test').get(LINKS);
    const url = new RegExp(`id="url-${collector!.id}"[^>]*value="([^"]+)"`).exec(page.text)?.[1] ?? '';
    expect(await opened(url)).toMatchObject({ orgId: north.orgId, purpose: 'collector', subjectId: collector!.id });
    const record = (await as('admin@north.test').get(`${LINKS}/collectors/${collector!.id}/nfc.ndef`)).bytes;
    const body = Buffer.from(url.slice('http://'.length), 'utf8');
    // MB|ME|SR|TNF=1, type length 1, payload length, type «U», prefix code 0x03 = «http://», the rest of the URL.
    expect(record).toEqual(Buffer.concat([Buffer.from([0xd1, 0x01, body.length + 1, 0x55, 0x03]), body]));
    expect(record).toEqual(ndefUriRecord(url));
    expect(page.text).toContain([...record].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' '));
    const tag = await as('admin@north.test').get(`${LINKS}/collectors/${collector!.id}/nfc-ntag.bin`);
    expect([tag.headers.get('content-type'), tag.headers.get('content-disposition')]).toEqual(['application/octet-stream', expect.stringMatching(/^attachment; filename="?collector-K-7-ntag\.bin"?$/)]);
    expect(tag.bytes).toEqual(Buffer.concat([Buffer.from([0x03, record.length]), record, Buffer.from([0xfe])]));
    expect(tag.bytes).toEqual(ndefTlv(url));
    expect((await as('admin@north.test').get(`${LINKS}/collectors/${collector!.id}/qr.svg`)).text).toMatch(/^<svg/);
  });

  it('deactivates a collector, whose card is then no longer offered, and activates it again', async () => {
    const [collector] = await collectors(north.orgId);
    const path = `${LINKS}/collectors/${collector!.id}`;
    expect((await as('admin@north.test').post(`${path}/active`, { active: '0' })).status).toBe(303);
    expect((await collectors(north.orgId)).find((c) => c.id === collector!.id)?.active).toBe(false);
    for (const file of ['qr.svg', 'nfc.ndef', 'nfc-ntag.bin']) expect((await as('admin@north.test').get(`${path}/${file}`)).status).toBe(404);
    expect((await as('admin@north.test').get(LINKS)).text).not.toContain(`id="url-${collector!.id}"`);
    expect((await as('admin@north.test').post(`${path}/active`, { active: 'maybe' })).status).toBe(400);
    expect((await as('admin@north.test').post(`${path}/active`, { active: '1' })).status).toBe(303);
    expect((await as('admin@north.test').get(`${path}/qr.svg`)).status).toBe(200);
    expect((await audited(north.orgId, 'collector.deactivate')).length + (await audited(north.orgId, 'collector.activate')).length).toBe(2);
  });
});

describe('payment settings', () => {
  const SETTINGS = '/admin/settings/payments';
  const terms = () => test.db.withTenant(north.orgId, (em) => em.execute<{ split_rule: string; split_shares: unknown; offer_url: string | null }[]>(
    'select split_rule, split_shares, offer_url from organizations where id = ?', [north.orgId]));
  const invalid = (html: string, id: string) => new RegExp(`id="${id.replace(/\./g, '\\.')}"[^>]*aria-invalid="true"`).test(html);

  it('shows every problem at once, each beside its field, with 422, and stores nothing', async () => {
    const before = await terms();
    const [first, second] = north.services;
    const res = await as('admin@north.test').post(SETTINGS, {
      splitRule: 'richestFirst', offerUrl: 'javascript:alert(1)', [`share.${first!.id}`]: '-5', [`share.${second!.id}`]: '0',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Правило распределения «richestFirst» неизвестно.');
    expect(res.text).toContain('Доли распределения заданы неверно: доля — целое число от 0 до 1 000 000.');
    expect(res.text).toContain('Адрес оферты должен начинаться с https:// или http://.');
    expect(res.text).toMatch(/<fieldset id="f-splitRule" class="invalid"/);
    expect([invalid(res.text, 'f-offerUrl'), invalid(res.text, `f-share.${first!.id}`), invalid(res.text, `f-share.${second!.id}`)]).toEqual([true, true, false]);
    expect(res.text).toMatch(/id="f-offerUrl"[^>]*value="javascript:alert\(1\)"/);
    expect(await terms()).toEqual(before);
  });

  it('refuses fixed shares when no share is above zero', async () => {
    const res = await as('admin@north.test').post(SETTINGS, { splitRule: 'fixedShares', offerUrl: '', ...Object.fromEntries(north.services.map((s) => [`share.${s.id}`, '0'])) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('при фиксированных долях хотя бы одна доля должна быть больше нуля');
  });

  it('stores the rule, the shares of this organisation\'s services only, and the offer, with an audit entry', async () => {
    const [first, second] = north.services;
    const res = await as('admin@north.test').post(SETTINGS, {
      splitRule: 'fixedShares', offerUrl: 'https://north.example/offer', [`share.${first!.id}`]: '70', [`share.${second!.id}`]: '30', [`share.${south.services[0]!.id}`]: '5',
    });
    expect([res.status, res.location]).toEqual([303, `${SETTINGS}?saved=1`]);
    expect(await terms()).toEqual([{ split_rule: 'fixedShares', split_shares: { [first!.id]: 70, [second!.id]: 30 }, offer_url: 'https://north.example/offer' }]);
    expect((await audited(north.orgId, 'settings.payments'))[0]?.changes).toMatchObject({ splitRule: ['oldestFirst', 'fixedShares'], offerUrl: [null, 'https://north.example/offer'] });
    const page = await as('buh@north.test').get(SETTINGS);
    expect(page.text).toMatch(/value="fixedShares" checked/);
    expect(page.text).toMatch(new RegExp(`id="f-share\\.${first!.id}"[^>]*value="70"`));
  });
});

describe('roles and tenants', () => {
  it('lets an accountant read the payment terms but only an admin change them; an operator gets 403', async () => {
    const page = await as('buh@north.test').get('/admin/settings/payments');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<fieldset disabled');
    expect((await as('buh@north.test').post('/admin/settings/payments', { splitRule: 'proportional', offerUrl: '' })).status).toBe(403);
    for (const path of [LINKS, `${LINKS}/accounts.csv`, `${LINKS}/qr.zip`, `${LINKS}/plate.svg`, '/admin/settings/payments']) {
      expect((await as('op@north.test').get(path)).status, path).toBe(403);
    }
    expect((await as('op@north.test').post(`${LINKS}/collectors`, { name: 'Оператор' })).status).toBe(403);
  });

  it("answers another organisation's staff 404 for every collector and account id, and changes nothing", async () => {
    const [collector] = await collectors(north.orgId);
    const intruder = as('admin@south.test');
    for (const file of ['qr.svg', 'nfc.ndef', 'nfc-ntag.bin']) {
      expect((await intruder.get(`${LINKS}/collectors/${collector!.id}/${file}`)).status, file).toBe(404);
    }
    expect((await intruder.post(`${LINKS}/collectors/${collector!.id}/active`, { active: '0' })).status).toBe(404);
    expect((await intruder.get(`/admin/accounts/${north.accounts[0]!.id}/pay-qr.svg`)).status).toBe(404);
    expect((await intruder.get(`${LINKS}/collectors/not-a-uuid/qr.svg`)).status).toBe(404);
    expect((await collectors(north.orgId)).find((c) => c.id === collector!.id)?.active).toBe(true);
    const own = await intruder.get(LINKS);
    expect(own.text).not.toContain(collector!.id);
    expect(own.text).toContain('Открытых лицевых счетов: 2.');
  });
});
