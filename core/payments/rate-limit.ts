import type { Em } from '../infra/database/database.ts';

export type Limit = { readonly bucket: string; readonly max: number };
export const RATE_WINDOW_MS = 3_600_000;

/**
 * Whether any bucket is at its hourly limit. Each bucket is locked for the rest of the transaction, so attempts
 * running in parallel are counted one after another and a burst cannot slip past the count (the same discipline
 * as staff sign-in); record the attempt (recordHit) in the same transaction.
 */
export async function overLimit(em: Em, limits: readonly Limit[], now: Date): Promise<boolean> {
  let limited = false;
  for (const limit of [...limits].sort((a, b) => a.bucket.localeCompare(b.bucket))) {
    await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`rate:${limit.bucket}`]);
    const [row] = await em.execute<{ n: string }[]>('select count(*) as n from rate_limit_hits where bucket = ? and hit_at > ?', [limit.bucket, new Date(now.getTime() - RATE_WINDOW_MS)]);
    if (Number(row?.n ?? 0) >= limit.max) limited = true;
  }
  return limited;
}

/** Counts one attempt; rows older than a day are swept now and then as attempts pass. */
export async function recordHit(em: Em, bucket: string, now: Date): Promise<void> {
  await em.execute('insert into rate_limit_hits (id, bucket, hit_at) values (gen_random_uuid(), ?, ?)', [bucket, now]);
  if (Math.random() < 0.01) await em.execute('delete from rate_limit_hits where hit_at < ?', [new Date(now.getTime() - 86_400_000)]);
}
