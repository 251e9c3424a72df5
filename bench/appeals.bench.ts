/**
 * Appeals (issue 7): SLA recomputation of every open appeal after a calendar change, and the staff inbox under 20
 * concurrent staff members, over 100 000 appeals of which 5 % are open, on PostgreSQL.
 * `npm run bench -- appeals [appeals=100000] [seconds=20]`; uses DATABASE_URL or the local server. The admin app
 * runs as `familypay serve` in a child process (server mode, pool of 20). Prints medians and p99.
 */
import pg from 'pg';
import { recomputeOpenAppeals } from '../core/appeals/index.ts';
import { migratePostgres, openDatabase } from '../core/infra/database/database.ts';
import { createScratchDatabase } from '../test/support/test-database.ts';
import { makeAppealsFixture } from './appeals/fixture.ts';
import { measureInbox } from './appeals/inbox-load.ts';

const TOTAL = Number(process.argv[2] ?? 100_000);
const SECONDS = Number(process.argv[3] ?? 20);
const dbServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const scratch = await createScratchDatabase(dbServer);
await migratePostgres(scratch.url);
const db = await openDatabase({ databaseUrl: scratch.url, migrate: false });
try {
  let started = performance.now();
  const fixture = await makeAppealsFixture(db, TOTAL, 0.05);
  // Statistics as autovacuum would gather them (ANALYZE needs the owner, not the application role).
  const owner = new pg.Client({ connectionString: scratch.url });
  await owner.connect();
  await owner.query('analyze');
  await owner.end();
  console.log(`fixture: ${TOTAL} appeals (${fixture.openIds.length} open) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // A calendar change: a working day becomes a holiday (and back), and every open deadline is computed again.
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    const count = await db.withTenant(fixture.orgId, async (em) => {
      if (i % 2 === 0) await em.execute(`insert into calendar_days (org_id, date, kind, updated_at) values (?, '2026-12-30', 'holiday', now())`, [fixture.orgId]);
      else await em.execute(`delete from calendar_days where org_id = ?`, [fixture.orgId]);
      return recomputeOpenAppeals(em, fixture.orgId, new Date(), { retarget: false });
    });
    runs.push(performance.now() - started);
    if (count !== fixture.openIds.length) throw new Error(`recomputed ${count} of ${fixture.openIds.length}`);
  }
  console.log(`SLA recomputation after a calendar change, ${fixture.openIds.length} open appeals: median ${(median(runs) / 1000).toFixed(2)} s (runs ${runs.map((r) => (r / 1000).toFixed(2)).join(', ')} s; goal ≤ 5 s)`);

  await measureInbox({ databaseUrl: scratch.url, fixture, seconds: SECONDS });
} finally {
  await db.close();
  await scratch.drop();
}
