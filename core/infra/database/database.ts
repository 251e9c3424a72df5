import { MikroORM, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver, type SqlEntityManager } from '@mikro-orm/postgresql';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGliteDriver } from 'mikro-orm-pglite';
import { mkdir } from 'node:fs/promises';
import { baseOrmOptions } from './orm-options.ts';
import { APP_ROLE, TENANT_SETTING } from './roles.ts';
import { runMigrations } from './migrate.ts';
import { copyThroughClient, copyThroughPglite } from './copy-from.ts';

export type Em = SqlEntityManager;
export type AnyOrm = MikroORM;
export type DatabaseMode = 'postgres' | 'pglite';
export type DatabaseHealth = { readonly ok: boolean; readonly mode: DatabaseMode; readonly latencyMs?: number; readonly detail?: string };

export type Database = {
  readonly mode: DatabaseMode;
  readonly orm: AnyOrm;
  /** One transaction with the tenant set: row-level security hides every other organisation's rows. */
  withTenant<T>(orgId: string, fn: (em: Em) => Promise<T>): Promise<T>;
  /** One transaction with no tenant: only platform tables (users, outbox) are visible. */
  withoutTenant<T>(fn: (em: Em) => Promise<T>): Promise<T>;
  /** A single read of platform tables, without a transaction's round trips (no tenant is set, so RLS shows none). */
  read<T>(fn: (em: Em) => Promise<T>): Promise<T>;
  /**
   * `COPY … FROM STDIN` inside the caller's transaction (em from withTenant), fed chunk by chunk in PostgreSQL's
   * text format: the bulk path of imports, which the unit of work would make 20 times slower.
   */
  copyFrom(em: Em, copySql: string, chunks: AsyncIterable<Buffer>): Promise<void>;
  health(): Promise<DatabaseHealth>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** Owner connection (runs migrations). Unset → embedded PGlite. */
  readonly databaseUrl?: string;
  /** Application login; unset → the owner connection switches to APP_ROLE on every new connection. */
  readonly appUrl?: string;
  /** PGlite data directory, or 'memory://'. */
  readonly pgliteDir?: string;
  readonly poolMax?: number;
  /** Apply pending migrations before serving (default true). */
  readonly migrate?: boolean;
};

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

async function openPostgres(databaseUrl: string, options: OpenDatabaseOptions): Promise<Database> {
  if (options.migrate !== false) await migratePostgres(databaseUrl);
  const switchRole = options.appUrl === undefined;
  const orm = await MikroORM.init({
    ...baseOrmOptions(),
    driver: PostgreSqlDriver,
    clientUrl: options.appUrl ?? databaseUrl,
    // Warm pool: closing idle connections under steady load tripled p99 here (STACK.md G21).
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      idleTimeoutMillis: 60_000,
      ...(switchRole ? { afterCreate: setRoleOnConnect } : {}),
    },
  } as Options);
  return wrap('postgres', orm, copyThroughClient, async () => orm.close(true));
}

/** knex pool hook: a fresh connection acts as the application role before anyone can use it. */
function setRoleOnConnect(conn: { query: (sql: string, cb: (e: Error | null) => void) => void }, done: (e: Error | null, c: unknown) => void) {
  conn.query(`SET ROLE ${APP_ROLE}`, (e) => done(e, conn));
}

/** A dedicated single-connection ORM for migrations, so the advisory lock and the DDL share one session. */
export async function migratePostgres(databaseUrl: string): Promise<string[]> {
  const orm = await MikroORM.init({ ...baseOrmOptions(), driver: PostgreSqlDriver, clientUrl: databaseUrl, pool: { min: 1, max: 1 } } as Options);
  try {
    return await runMigrations(orm);
  } finally {
    await orm.close(true);
  }
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const dir = options.pgliteDir ?? 'memory://';
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const pg = newPglite(dir);
  await pg.waitReady;
  const orm = await initPgliteOrm(pg);
  if (options.migrate !== false) await runMigrations(orm);
  // PGlite has one session: from here on it acts as the application role, so RLS applies as on a server.
  await pg.exec(`SET ROLE ${APP_ROLE}`);
  return wrap('pglite', orm, copyThroughPglite(pg), async () => {
    await orm.close(true);
    await pg.close();
  });
}

/** PGlite with the extensions our migrations use (pg_trgm serves the staff search). */
export const newPglite = (dir = 'memory://'): PGlite => new PGlite(dir, { extensions: { pg_trgm } });

export async function initPgliteOrm(pg: PGlite): Promise<AnyOrm> {
  return (await MikroORM.init({
    ...baseOrmOptions(),
    driver: PGliteDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => pg } },
  } as Options)) as unknown as AnyOrm;
}

function wrap(mode: DatabaseMode, orm: AnyOrm, copyFrom: Database['copyFrom'], close: () => Promise<void>): Database {
  const em = () => orm.em.fork() as Em;
  return {
    mode,
    orm,
    copyFrom,
    withTenant: (orgId, fn) =>
      em().transactional(async (tx) => {
        await tx.execute(`select set_config('${TENANT_SETTING}', ?, true)`, [orgId]);
        return fn(tx as Em);
      }),
    withoutTenant: (fn) => em().transactional((tx) => fn(tx as Em)),
    read: (fn) => fn(em()),
    health: async () => {
      const started = performance.now();
      try {
        await withTimeout(em().execute('select 1'), 2_000);
        return { ok: true, mode, latencyMs: Math.round(performance.now() - started) };
      } catch (e) {
        return { ok: false, mode, detail: (e as Error).message.slice(0, 200) };
      }
    },
    close,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
