import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../core/infra/database/database.ts';
import { requireServices } from './services.ts';

export type TestDatabase = {
  readonly db: Database;
  /** Owner URL of the private PostgreSQL database (undefined on PGlite). */
  readonly ownerUrl?: string;
  drop(): Promise<void>;
};

/** A throw-away PostgreSQL database `fp_test_<random>` on the server: runs never collide. */
export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fp_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function openTestPostgres(serverUrl: string): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(serverUrl);
  const db = await openDatabase({ databaseUrl: scratch.url, poolMax: 5 });
  return { db, ownerUrl: scratch.url, drop: async () => { await db.close(); await scratch.drop(); } };
}

export async function openTestPglite(): Promise<TestDatabase> {
  const db = await openDatabase({ pgliteDir: 'memory://' });
  return { db, drop: () => db.close() };
}

/**
 * The database the suite runs on: PostgreSQL when DATABASE_URL is set (CI), otherwise embedded PGlite.
 * Tests that must cover both use openTestPostgres/openTestPglite directly.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (process.env.DATABASE_URL) return openTestPostgres(process.env.DATABASE_URL);
  if (requireServices) throw new Error('REQUIRE_SERVICES=1 but DATABASE_URL is not set');
  return openTestPglite();
}
