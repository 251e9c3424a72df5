import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Result } from '../../shared/index.ts';
import type { Database, Em } from './database.ts';

/**
 * What to do when a unique key refuses the commit because a concurrent transaction inserted the same key after
 * the step looked for it: 'retry' runs the step once more (it then sees their row and answers as for any existing
 * one), a function turns it into the step's error value.
 */
export type OnDuplicate<E> = 'retry' | (() => E);

/**
 * One use case in the tenant's transaction: the step's Result decides — ok flushes and commits, err writes
 * nothing (the step's pending entities are discarded with the transaction).
 */
export async function tenantStep<T, E>(db: Database, orgId: string, step: (em: Em) => Result<T, E> | Promise<Result<T, E>>,
  onDuplicate?: OnDuplicate<E>): Promise<Result<T, E>> {
  const run = () => db.withTenant(orgId, async (em) => {
    const result = await step(em);
    if (result.ok) await em.flush();
    else em.clear();
    return result;
  });
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof UniqueConstraintViolationException) || !onDuplicate) throw e;
    if (onDuplicate === 'retry') return run();
    return { ok: false, error: onDuplicate() };
  }
}
