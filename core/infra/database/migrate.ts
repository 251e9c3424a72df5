import type { MikroORM } from '@mikro-orm/core';
import type { Migrator } from '@mikro-orm/migrations';

/** Any 64-bit constant; every FamilyPay process agrees on it, so only one migrates at a time. */
const MIGRATION_LOCK = 4_321_987_001;

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function runMigrations(orm: MikroORM): Promise<string[]> {
  const connection = orm.em.getConnection();
  await connection.execute(`select pg_advisory_lock(${MIGRATION_LOCK})`);
  try {
    const applied = await (orm.getMigrator() as Migrator).up();
    return applied.map((m) => m.name);
  } finally {
    await connection.execute(`select pg_advisory_unlock(${MIGRATION_LOCK})`);
  }
}

/** SQL the entities would need beyond what the migrations built; empty when they agree. */
export async function pendingSchemaDiff(orm: MikroORM): Promise<string> {
  const sql = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false });
  return sql.trim();
}
