import type { PGlite } from '@electric-sql/pglite';
import type { PoolClient } from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Em } from './database.ts';
import { APP_ROLE } from './roles.ts';

type KnexTransaction = { client: { acquireConnection(): Promise<unknown> } };

/** The pg client under the caller's transaction: knex hands a transaction's own connection back to it. */
async function transactionClient(em: Em): Promise<PoolClient> {
  const trx = em.getTransactionContext<KnexTransaction>();
  if (!trx) throw new Error('copyFrom must run inside a transaction (db.withTenant)');
  return (await trx.client.acquireConnection()) as PoolClient;
}

export async function copyThroughClient(em: Em, copySql: string, chunks: AsyncIterable<Buffer>): Promise<void> {
  const client = await transactionClient(em);
  await pipeline(Readable.from(chunks), client.query(copyFromStream(copySql)));
}

/**
 * PGlite has one session, and the ORM's single pooled connection is held by the caller's transaction, so a
 * statement sent straight to the instance runs inside that transaction. PGlite takes COPY input as a blob named
 * '/dev/blob', which PostgreSQL counts as reading a server file: only the embedded superuser may, so the session
 * leaves the application role for that one statement (the blob is ours, never a path) and takes it back at once.
 */
export function copyThroughPglite(pg: PGlite) {
  return async (em: Em, copySql: string, chunks: AsyncIterable<Buffer>): Promise<void> => {
    if (!em.getTransactionContext()) throw new Error('copyFrom must run inside a transaction (db.withTenant)');
    const statement = copySql.replace(/\bSTDIN\b/i, `'/dev/blob'`);
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      await pg.exec('RESET ROLE');
      try {
        await pg.query(statement, [], { blob: new Blob([new Uint8Array(chunk)]) });
      } finally {
        await pg.exec(`SET ROLE ${APP_ROLE}`);
      }
    }
  };
}
