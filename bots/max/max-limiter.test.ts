import { describe, expect, it } from 'vitest';
import { makeTokenBucket } from './max-limiter.ts';

/** Virtual time: sleep advances the clock, so the schedule the bucket makes is observed exactly and instantly. */
function virtualClock() {
  let now = 0;
  const timers: { at: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => { timers.push({ at: now + ms, wake: resolve }); }),
    async runAll() {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) return;
        now = Math.max(now, next.at);
        next.wake();
      }
    },
  };
}

describe('MAX token bucket', () => {
  it('admits at most 30 requests in any sliding second, even when 200 arrive at once', async () => {
    const clock = virtualClock();
    const bucket = makeTokenBucket({ now: clock.now, sleep: clock.sleep });
    const admitted: number[] = [];
    const all = Promise.all(Array.from({ length: 200 }, () => bucket.take().then(() => admitted.push(clock.now()))));
    await clock.runAll();
    await all;
    expect(admitted).toHaveLength(200);
    for (let i = 0; i < admitted.length; i++) {
      const inWindow = admitted.filter((t) => t >= admitted[i]! && t < admitted[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(30);
    }
    // …and does not crawl: 200 requests take about (200 − 5) / 25 s.
    expect(admitted[admitted.length - 1]).toBeLessThan(8_000);
  });

  it('lets a short burst through without waiting', async () => {
    let slept = 0;
    const bucket = makeTokenBucket({ now: () => 0, sleep: async (ms) => { slept += ms; } });
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(slept).toBe(0);
    await bucket.take();
    expect(slept).toBeGreaterThan(0);
  });
});
