import type { Database } from '../../core/infra/database/database.ts';

/**
 * Runs `action` while another transaction holds an uncommitted row inserted by `sql`, and commits that row only once
 * `action` waits for it — so `action` has checked for the row, not seen it, and then meets the unique key. This is the
 * moment two staff members (or an import and a person) create the same thing at once. PostgreSQL only: PGlite has
 * one session, so there the second transaction simply runs after the first.
 */
export async function racingAnUncommittedRow<T>(db: Database, orgId: string, sql: string, params: unknown[], action: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  let outcome: Promise<PromiseSettledResult<T>> | undefined;
  await db.withTenant(orgId, async (em) => {
    await em.execute(sql, params);
    outcome = action().then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason }));
    for (let tries = 0; ; tries += 1) {
      // An insert that meets our uncommitted key waits for a share lock on our transaction id.
      const [row] = await em.execute<{ waiting: number }[]>(`select count(*)::int as waiting from pg_locks
        where locktype = 'transactionid' and not granted and transactionid::text = (pg_current_xact_id()::text::bigint % 4294967296)::text`);
      if (row!.waiting > 0) break;
      if (tries > 200) throw new Error('the racing transaction never reached the unique key');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
  return outcome!;
}
