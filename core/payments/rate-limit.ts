import type { Em } from '../infra/database/database.ts';

export type Limit = { readonly bucket: string; readonly max: number };
export const RATE_WINDOW_MS = 3_600_000;

/**
 * Whether any bucket is at its hourly limit. Each bucket is locked for the rest of the transaction, so attempts
 * running in parallel are counted one after another and a burst cannot slip past the count (the same discipline
 * as staff sign-in); record the attempt (recordHit) in the same transaction.
 */
export async function overLimit(em: Em, limits: readonly Limit[], now: Date): Promise<boolean> {
  if (limits.length === 0) return false;
  const sorted = [...limits].sort((a, b) => a.bucket.localeCompare(b.bucket));
  const since = new Date(now.getTime() - RATE_WINDOW_MS);
  // One round trip: the locks in bucket order (no two attempts lock the same pair in opposite orders), then the counts.
  const results = await em.execute<unknown[][]>(
    [...sorted.map(() => 'select pg_advisory_xact_lock(hashtextextended(?, 0))'),
      ...sorted.map(() => 'select count(*) as n from rate_limit_hits where bucket = ? and hit_at > ?')].join('; '),
    [...sorted.map((l) => `rate:${l.bucket}`), ...sorted.flatMap((l) => [l.bucket, since])]);
  // Always two statements or more, so one result per statement: the locks' first, then the counts.
  const counts = results.slice(sorted.length);
  return sorted.some((limit, i) => Number((counts[i] as { n: string }[] | undefined)?.[0]?.n ?? 0) >= limit.max);
}

/** Counts one attempt; rows older than a day are swept now and then as attempts pass. */
export async function recordHit(em: Em, bucket: string, now: Date): Promise<void> {
  await em.execute('insert into rate_limit_hits (id, bucket, hit_at) values (gen_random_uuid(), ?, ?)', [bucket, now]);
  if (Math.random() < 0.01) await em.execute('delete from rate_limit_hits where hit_at < ?', [new Date(now.getTime() - 86_400_000)]);
}
