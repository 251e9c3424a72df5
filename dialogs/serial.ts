/**
 * Runs tasks with the same key one after another, in arrival order, and at most `limit` tasks at once overall.
 * The key is a resident: their events apply in order. The limit keeps engine transactions (each may open a second
 * connection for a payment) to half the pool, so they can never starve each other of connections.
 */
export function makeSerial(limit: number) {
  const tails = new Map<string, Promise<unknown>>();
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = () => new Promise<void>((resolve) => {
    if (running < limit) { running += 1; resolve(); } else waiting.push(() => { running += 1; resolve(); });
  });
  const release = () => { running -= 1; waiting.shift()?.(); };

  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => {
      await acquire();
      try { return await task(); } finally { release(); }
    });
    tails.set(key, run);
    void run.catch(() => undefined).finally(() => { if (tails.get(key) === run) tails.delete(key); });
    return run;
  };
}
