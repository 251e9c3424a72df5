import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MikroORM, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { PGlite } from '@electric-sql/pglite';
import { initPgliteOrm, newPglite } from '../core/infra/database/database.ts';
import { pendingSchemaDiff, runMigrations } from '../core/infra/database/migrate.ts';
import { baseOrmOptions } from '../core/infra/database/orm-options.ts';
import { createScratchDatabase } from './support/test-database.ts';
import { postgresUrl } from './support/services.ts';

describe('migrations match the entities', () => {
  it('leave no schema difference on embedded PGlite', async () => {
    const pg = newPglite();
    const orm = await initPgliteOrm(pg);
    try {
      expect(await runMigrations(orm)).not.toHaveLength(0);
      expect(await pendingSchemaDiff(orm)).toBe('');
    } finally {
      await orm.close(true);
      await pg.close();
    }
  });

  it('leave no schema difference on PostgreSQL, and a second run applies nothing', async (ctx) => {
    const server = await postgresUrl();
    if (!server) return ctx.skip();
    const scratch = await createScratchDatabase(server);
    const orm = await MikroORM.init({ ...baseOrmOptions(), driver: PostgreSqlDriver, clientUrl: scratch.url } as Options);
    try {
      expect(await runMigrations(orm)).not.toHaveLength(0);
      expect(await runMigrations(orm)).toEqual([]);
      expect(await pendingSchemaDiff(orm)).toBe('');
    } finally {
      await orm.close(true);
      await scratch.drop();
    }
  });
});

describe('the schema diff check can fail', () => {
  let pg: PGlite;
  let orm: MikroORM;
  beforeAll(async () => {
    pg = newPglite();
    orm = await initPgliteOrm(pg);
    await runMigrations(orm);
  });
  afterAll(async () => {
    await orm.close(true);
    await pg.close();
  });

  it('reports a column the migrations dropped', async () => {
    await orm.em.getConnection().execute('alter table accounts drop column els');
    expect(await pendingSchemaDiff(orm)).toMatch(/els/);
  });
});
