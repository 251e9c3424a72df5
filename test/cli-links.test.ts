import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../cli/compose.ts';
import { embeddedDemo, type EmbeddedDemo } from './support/embedded-demo.ts';
import { linksCommand } from '../cli/links-command.ts';
import { accountLinkRows, LINKS_PAGE_SIZE } from '../core/payments/links-source.ts';
import { orgInput } from './fixtures/orgs.ts';

/**
 * `familypay links …` run in-process against an embedded database with the demo organisation, as the
 * dispatcher in cli/main.ts runs it: the exit code and what the operator reads on the terminal.
 */
let demo: EmbeddedDemo;
let dir: string;
let app: App;
let demoId: string;

beforeAll(async () => {
  demo = await embeddedDemo('fp-links-');
  ({ app, demoId, dir } = demo);
}, 180_000);

afterAll(async () => {
  await demo?.close();
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => { out.push(String(line)); });
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => { err.push(String(line)); });
  try {
    return { code: await linksCommand(app, args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const tokenOf = (url: string) => /\/pay\/(?:o\/)?([\w-]+)$/.exec(url)?.[1] ?? '';
const verify = async (url: string) => {
  const verified = await app.payments.links.verify(tokenOf(url));
  return verified.ok ? verified.value : verified.error;
};

describe('familypay links', () => {
  it('writes a CSV row for every open account, each link opening that account', async () => {
    const file = path.join(dir, 'links.csv');
    const done = await run('--org', 'demo', '--csv', file);
    expect(done).toMatchObject({ code: 0, out: `Записан файл ${file}: ссылок 200.` });
    const [header, ...rows] = parse(await readFile(file), { delimiter: ';', bom: true }) as string[][];
    expect(header).toEqual(['Лицевой счёт', 'Адрес', 'Ссылка на оплату']);
    expect(rows).toHaveLength(200);
    const ids = new Map((await app.db.withTenant(demoId, (em) => em.execute<{ id: string; number: string }[]>(
      'select id, number from accounts where org_id = ?', [demoId]))).map((a) => [a.number, a.id]));
    for (const [number, , url] of rows) expect(await verify(url!)).toMatchObject({ orgId: demoId, purpose: 'account', subjectId: ids.get(number!) });
  });

  it('without a file prints the plate link and how many accounts it would export', async () => {
    const done = await run('--org', 'demo');
    expect(done.code).toBe(0);
    const url = /Ссылка для таблички в подъезде: (\S+)/.exec(done.out)?.[1] ?? '';
    expect(await verify(url)).toMatchObject({ orgId: demoId, purpose: 'plate', subjectId: null });
    expect(done.out).toContain('Открытых лицевых счетов: 200.');
  });

  it('refuses a wrong call with the usage line and an unknown organisation', async () => {
    for (const args of [[], ['--org'], ['--org', 'demo', '--format', 'gif'], ['--org', 'demo', '--bogus'], ['retire-key']]) {
      expect(await run(...args), args.join(' ')).toMatchObject({ code: 2, err: expect.stringContaining('familypay links --org АДРЕС') });
    }
    expect(await run('--org', 'nowhere')).toMatchObject({ code: 2, err: 'Организации с адресом «nowhere» нет.' });
  });

  it('rotates the key so old links still open, retires the old key so they do not, and never retires the last one', async () => {
    const oldUrl = (await accountLinkRows(app.db, demoId, app.payments.links, app.publicUrl).next()).value!.url;
    expect(await run('keys')).toMatchObject({ code: 0, out: expect.stringMatching(/^Ключ 1: создан \d{4}-\d\d-\d\d \d\d:\d\d UTC, действует\.$/) });
    expect(await run('rotate-key')).toMatchObject({ code: 0, out: expect.stringContaining('Новый ключ 2 подписывает ссылки') });
    expect(await verify(oldUrl)).toMatchObject({ kid: 1, purpose: 'account' });
    const newUrl = (await accountLinkRows(app.db, demoId, app.payments.links, app.publicUrl).next()).value!.url;
    expect(await verify(newUrl)).toMatchObject({ kid: 2 });

    expect(await run('retire-key', '1')).toMatchObject({ code: 0, out: 'Ключ 1 выведен: подписанные им ссылки больше не открываются.' });
    expect(await verify(oldUrl)).toBe('unknownKey');
    expect(await verify(newUrl)).toMatchObject({ kid: 2 });
    expect(await run('retire-key', '2')).toMatchObject({ code: 1, err: expect.stringContaining('Ключ 2 — последний действующий') });
    expect(await verify(newUrl)).toMatchObject({ kid: 2 });
    expect(await run('retire-key', '1')).toMatchObject({ code: 1, err: expect.stringContaining('Действующего ключа 1 нет') });
    expect((await run('keys')).out.split('\n')).toEqual([expect.stringMatching(/^Ключ 1: .*, выведен .* UTC\.$/), expect.stringMatching(/^Ключ 2: .*, действует\.$/)]);
  });
});

describe('account links source', () => {
  it(`reads every open account by keyset in pages of ${LINKS_PAGE_SIZE}, in number order, none twice`, async () => {
    const org = await app.orgs.createOrganization(orgInput('paging'));
    if (!org.ok) throw new Error(JSON.stringify(org.error));
    const orgId = org.value.id;
    // 2 500 numbers whose text order is not their numeric order («10» before «9»); every 7th account closed.
    const accounts = Array.from({ length: 2_500 }, (_, i) => ({ id: randomUUID(), number: String(i + 1), open: i % 7 !== 0 }));
    await app.db.withTenant(orgId, async (em) => {
      for (let i = 0; i < accounts.length; i += 500) {
        const chunk = accounts.slice(i, i + 500);
        await em.execute(`insert into accounts (id, org_id, number, status, created_at, updated_at) values ${chunk.map(() => '(?, ?, ?, ?, now(), now())').join(', ')}`,
          chunk.flatMap((a) => [a.id, orgId, a.number, a.open ? 'open' : 'closed']));
      }
    });
    const rows = [];
    for await (const row of accountLinkRows(app.db, orgId, app.payments.links, 'https://pay.example')) rows.push(row);
    const open = accounts.filter((a) => a.open).map((a) => a.number).sort();
    expect(rows.map((r) => r.accountNumber)).toEqual(open);
    expect(rows.length).toBeGreaterThan(2 * LINKS_PAGE_SIZE);
    expect(new Set(rows.map((r) => r.url)).size).toBe(rows.length);
    const last = rows.at(-1)!;
    expect(last.url).toMatch(/^https:\/\/pay\.example\/pay\/[\w-]{75}$/);
    expect(await verify(last.url)).toMatchObject({ orgId, subjectId: accounts.find((a) => a.number === last.accountNumber)!.id });
  });
});
