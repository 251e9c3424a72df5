/**
 * Accounts search page of the admin app over 100 000 accounts, 50 concurrent staff (autocannon), on PostgreSQL.
 * `npm run bench -- admin-search [accounts=100000] [seconds=20]`; uses DATABASE_URL or the local server. The server
 * runs as `familypay serve` in a child process (server mode, pool of 20).
 * Prints p50/p99 latency and requests per second per query kind, and the weight of the heaviest admin page. Payers
 * carry 50 surnames, so a surname search finds ~2 % of the accounts (2 000 rows to sort and count).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { openDatabase, migratePostgres } from '../core/infra/database/database.ts';
import { makeOrgsService } from '../core/orgs/index.ts';
import { systemClock } from '../core/shared/index.ts';
import { createScratchDatabase } from '../test/support/test-database.ts';
import { Browser } from '../test/support/admin-harness.ts';
import { orgInput } from '../test/fixtures/orgs.ts';

const ACCOUNTS = Number(process.argv[2] ?? 100_000);
const SECONDS = Number(process.argv[3] ?? 20);
const dbServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'bench password 123';

const scratch = await createScratchDatabase(dbServer);
await migratePostgres(scratch.url);
const db = await openDatabase({ databaseUrl: scratch.url, migrate: false });
const orgs = makeOrgsService({ db, clock: systemClock });
// The server is its own process, as deployed: the load generator must not share its event loop.
const PORT = 39_500;
// BENCH_CPU_PROFILE=dir writes the server's V8 CPU profile there, to see where the time goes.
const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
const server = spawn(process.execPath, [...profile, new URL('../cli/familypay.js', import.meta.url).pathname, 'serve'], {
  env: { PATH: process.env.PATH ?? '', DATABASE_URL: scratch.url, SECRET_KEY: 'b'.repeat(64), PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_POOL_MAX: '20' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const admin = { url: `http://127.0.0.1:${PORT}` };
try {
  const org = await orgs.createOrganization(orgInput('bench'));
  if (!org.ok) throw new Error('org');
  const orgId = org.value.id;
  await orgs.addStaffUser(orgId, { email: 'bench@bench.test', fullName: 'Bench', password: PASSWORD }, 'operator');
  const started = performance.now();
  // Bulk fixture in SQL (the import path comes with registries): 500 buildings × 200 flats, Russian names.
  await db.withTenant(orgId, (em) => em.execute(`
    with b as (insert into buildings (id, org_id, address, address_key, created_at)
      select gen_random_uuid(), ?, 'г. Пермь, ул. ' || (array['Ленина','Мира','Сибирская','Пушкина','Гагарина'])[1 + i % 5] || ', д. ' || i,
             'г пермь ул ' || lower((array['Ленина','Мира','Сибирская','Пушкина','Гагарина'])[1 + i % 5]) || ' д ' || i, now()
      from generate_series(1, ?) i returning id),
    p as (insert into premises (id, org_id, building_id, number, kind, area, created_at)
      select gen_random_uuid(), ?, b.id, f::text, 'residential', 30 + f % 60, now() from b, generate_series(1, 200) f returning id)
    insert into accounts (id, org_id, number, number_assigned, premise_id, payer_name, residents_count, status, created_at, updated_at)
      select gen_random_uuid(), ?, lpad((row_number() over ())::text, 9, '0'), false, p.id,
        (array['Иванов','Смирнова','Кузнецов','Попова','Васильев','Петрова','Соколов','Михайлова','Новиков','Фёдорова',
               'Морозов','Волкова','Алексеев','Лебедева','Семёнов','Егорова','Павлов','Козлова','Степанов','Николаева',
               'Орлов','Андреева','Макаров','Захарова','Зайцев','Соловьёва','Борисов','Яковлева','Григорьев','Романова',
               'Воробьёв','Сергеева','Кузьмин','Фролова','Александров','Дмитриева','Королёв','Гусева','Киселёв','Ильина',
               'Максимов','Полякова','Сорокин','Виноградова','Ковалёв','Белова','Медведев','Антонова','Тарасов','Жукова'])[1 + (random()*49)::int]
          || ' ' || (array['Алексей','Мария','Сергей','Анна','Дмитрий','Ольга'])[1 + (random()*5)::int] || ' ' || (row_number() over ()),
        1 + (random()*3)::int, 'open', now(), now()
      from p`, [orgId, ACCOUNTS / 200, orgId, orgId]));
  // Statistics as autovacuum would gather them (ANALYZE needs the owner, not the application role).
  const owner = new pg.Client({ connectionString: scratch.url });
  await owner.connect();
  await owner.query('analyze');
  await owner.end();
  console.log(`fixture: ${ACCOUNTS} accounts in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  for (let i = 0; i < 200; i++) {
    if (await fetch(`${admin.url}/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = new Browser(admin.url);
  await browser.signIn('bench@bench.test', PASSWORD);
  const cookie = `fp_sid=${browser.cookie('fp_sid')}`;
  const queries: [string, string][] = [
    ['list, first page', '/admin/accounts'],
    ['by surname', `/admin/accounts?q=${encodeURIComponent('Смирнова')}`],
    ['by address', `/admin/accounts?q=${encodeURIComponent('Сибирская, д. 27')}`],
    ['by number prefix', '/admin/accounts?q=0000123'],
    ['sorted by payer, page 40', '/admin/accounts?sort=payer&dir=desc&page=40'],
  ];
  console.log(`accounts search page, ${ACCOUNTS} accounts, 50 connections, ${SECONDS} s each (PostgreSQL)`);
  for (const [name, path] of queries) {
    const result = await autocannon({ url: admin.url + path, connections: 50, duration: SECONDS, headers: { cookie } });
    const non2xx = result.non2xx + result.errors + result.timeouts;
    console.log(`  ${name.padEnd(26)} p50 ${String(result.latency.p50).padStart(4)} ms  p99 ${String(result.latency.p99).padStart(4)} ms  ${Math.round(result.requests.average)} req/s${non2xx ? `  (${non2xx} non-2xx!)` : ''}`);
  }
  const pages = ['/admin/accounts', '/admin/settings', '/admin/recipients', '/admin/services', '/admin/staff', '/admin/audit', '/admin/login'];
  const assets = ['/admin/static/admin.css', '/admin/static/admin.js', '/admin/static/htmx.min.js'];
  let assetBytes = 0;
  for (const a of assets) assetBytes += (await (await fetch(admin.url + a)).arrayBuffer()).byteLength;
  const weights: [string, number][] = [];
  for (const p of pages) weights.push([p, (await browser.get(p)).text.length]);
  const [heaviest, bytes] = weights.sort((a, b) => b[1] - a[1])[0]!;
  console.log(`heaviest page: ${heaviest} ${(bytes / 1024).toFixed(1)} KiB HTML + ${(assetBytes / 1024).toFixed(1)} KiB CSS/JS (uncompressed, cached after the first page)`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await db.close();
  await scratch.drop();
}
