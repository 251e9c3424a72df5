import type { Em } from '../infra/database/database.ts';

export type Limit = { readonly bucket: string; readonly max: number };

/**
 * Counts an attempt against every bucket and says whether any is over its hourly limit. The attempt is counted
 * before the answer is looked up, under a per-bucket lock, so a parallel burst cannot slip past the count
 * (the same discipline as staff sign-in). Rows older than a day are swept as they are passed.
 */
export async function hitLimits(em: Em, limits: readonly Limit[], now: Date): Promise<{ limited: boolean; retryMinutes: number }> {
  const since = new Date(now.getTime() - 3_600_000);
  let limited = false;
  for (const limit of [...limits].sort((a, b) => a.bucket.localeCompare(b.bucket))) {
    await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`rate:${limit.bucket}`]);
    const [row] = await em.execute<{ n: string }[]>('select count(*) as n from rate_limit_hits where bucket = ? and hit_at > ?', [limit.bucket, since]);
    if (Number(row?.n ?? 0) >= limit.max) limited = true;
    await em.execute('insert into rate_limit_hits (id, bucket, hit_at) values (gen_random_uuid(), ?, ?)', [limit.bucket, now]);
  }
  if (Math.random() < 0.01) await em.execute('delete from rate_limit_hits where hit_at < ?', [new Date(now.getTime() - 86_400_000)]);
  return { limited, retryMinutes: 60 };
}
