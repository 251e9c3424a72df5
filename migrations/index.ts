import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { Migration20261126011159_initial } from './Migration20261126011159_initial.ts';
import { Migration20261126011500_tenancy } from './Migration20261126011500_tenancy.ts';

/** Applied in this order; listed statically so no .ts file is imported at run time by path (STACK.md G8). */
export const MIGRATIONS: { name: string; class: Constructor<Migration> }[] = [
  { name: 'Migration20261126011159_initial', class: Migration20261126011159_initial },
  { name: 'Migration20261126011500_tenancy', class: Migration20261126011500_tenancy },
];
