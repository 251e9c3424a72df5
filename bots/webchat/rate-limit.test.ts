import { describe, expect, it } from 'vitest';
import { makeTokenBuckets } from './rate-limit.ts';

describe('makeTokenBuckets', () => {
  it('allows the capacity at once, then one more per refill interval, per key', () => {
    let now = 0;
    const buckets = makeTokenBuckets({ capacity: 3, perMs: 3_000 }, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([null, null, null]);
    expect(buckets.take('a')).toBe(1_000);
    expect(buckets.take('b')).toBeNull();
    now = 999;
    expect(buckets.take('a')).toBe(1);
    now = 1_000;
    expect(buckets.take('a')).toBeNull();
    expect(buckets.take('a')).toBe(1_000);
  });

  it('never holds more than the capacity, however long a key was idle', () => {
    let now = 0;
    const buckets = makeTokenBuckets({ capacity: 2, perMs: 1_000 }, () => now);
    buckets.take('a');
    now = 10_000_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a') !== null]).toEqual([null, null, true]);
  });
});
