import net from 'node:net';

/**
 * Tests that need PostgreSQL or Redis use them when configured (DATABASE_URL / REDIS_URL) or reachable on the
 * standard local port. Under REQUIRE_SERVICES=1 (CI) a missing service fails the run instead of skipping.
 */
export const requireServices = process.env.REQUIRE_SERVICES === '1';

function reachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The PostgreSQL server URL tests may use, or undefined (skip) — throws under REQUIRE_SERVICES=1. */
export async function postgresUrl(): Promise<string | undefined> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (await reachable('127.0.0.1', 5432)) return 'postgres://postgres@127.0.0.1:5432/test';
  if (requireServices) throw new Error('REQUIRE_SERVICES=1 but PostgreSQL is not reachable (set DATABASE_URL)');
  return undefined;
}

export async function redisUrl(): Promise<string | undefined> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (await reachable('127.0.0.1', 6379)) return 'redis://127.0.0.1:6379';
  if (requireServices) throw new Error('REQUIRE_SERVICES=1 but Redis is not reachable (set REDIS_URL)');
  return undefined;
}
