import { createHash } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';

/** Waits until one more request may go out. */
export type RateLimiter = { take(signal?: AbortSignal): Promise<void> };

export type TokenBucketOptions = {
  readonly ratePerSec?: number;
  readonly burst?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

// MAX allows about 30 requests per second per bot. A bucket admits at most burst + rate × T in any window of T, so
// 5 + 25/s keeps every sliding second at ≤ 30, however MAX counts (STACK.md G22 shows fixed windows can double up).
const DEFAULT_RATE = 25;
const DEFAULT_BURST = 5;

/**
 * A token bucket that lets the balance go negative: each caller reserves its slot at once and sleeps off the debt,
 * so concurrent callers are spaced out in call order without a queue or polling.
 */
export function makeTokenBucket(options: TokenBucketOptions = {}): RateLimiter {
  const rate = options.ratePerSec ?? DEFAULT_RATE;
  const burst = options.burst ?? DEFAULT_BURST;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
  let tokens = burst;
  let last = now();
  return {
    async take(signal) {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000);
      last = t;
      tokens -= 1;
      if (tokens < 0) await sleep((-tokens * 1000) / rate, signal);
    },
  };
}

const buckets = new Map<string, RateLimiter>();

/** One bucket per bot token in this process, shared by the runner, the routes and the sender. */
export function limiterForToken(token: string): RateLimiter {
  // Keyed by a digest so the map never holds the token itself.
  const key = createHash('sha256').update(token).digest('hex');
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = makeTokenBucket();
    buckets.set(key, bucket);
  }
  return bucket;
}
