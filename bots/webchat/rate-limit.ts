/**
 * In-process token buckets, one per key (a session hash, an IP). Enough for one web process; several processes
 * each allow the rate, which still bounds a flood by the number of processes.
 */
export type TokenBuckets = {
  /** Takes a token; null when allowed, else the milliseconds until one is back. */
  take(key: string): number | null;
};

export type BucketRule = { readonly capacity: number; readonly perMs: number };

/** Past this many keys the fullest (idle) buckets are dropped, so a spray of fresh sessions cannot grow memory. */
const MAX_KEYS = 50_000;

export function makeTokenBuckets(rule: BucketRule, now: () => number = Date.now): TokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillPerMs = rule.capacity / rule.perMs;
  const level = (b: { tokens: number; at: number }, t: number) => Math.min(rule.capacity, b.tokens + (t - b.at) * refillPerMs);
  const prune = (t: number) => {
    for (const [key, b] of buckets) if (level(b, t) >= rule.capacity) buckets.delete(key);
    // Everyone still throttled: drop the oldest entries (Map keeps insertion order) rather than grow without bound.
    for (const key of buckets.keys()) {
      if (buckets.size < MAX_KEYS) break;
      buckets.delete(key);
    }
  };
  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key);
      const tokens = bucket ? level(bucket, t) : rule.capacity;
      // The epsilon absorbs float error (0.999 tokens at 1/ms is 1 ms to wait, not 1.0000000000000009 → 2).
      if (tokens < 1) return Math.max(1, Math.ceil((1 - tokens) / refillPerMs - 1e-9));
      if (!bucket && buckets.size >= MAX_KEYS) prune(t);
      buckets.set(key, { tokens: tokens - 1, at: t });
      return null;
    },
  };
}
