import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { Migration20261126011159_initial } from './Migration20261126011159_initial.ts';
import { Migration20261126011500_tenancy } from './Migration20261126011500_tenancy.ts';
import { Migration20261126013321_staff_audit } from './Migration20261126013321_staff_audit.ts';
import { Migration20261126013400_staff_security } from './Migration20261126013400_staff_security.ts';
import { Migration20261126015301_search_indexes } from './Migration20261126015301_search_indexes.ts';
import { Migration20261126015900_account_search } from './Migration20261126015900_account_search.ts';
import { Migration20261126020050_payer_sort_index } from './Migration20261126020050_payer_sort_index.ts';
import { Migration20261126023005_file_store } from './Migration20261126023005_file_store.ts';
import { Migration20261126041857_registries_billing } from './Migration20261126041857_registries_billing.ts';
import { Migration20261126070006_payments } from './Migration20261126070006_payments.ts';
import { Migration20261126094742_dialogs } from './Migration20261126094742_dialogs.ts';
import { Migration20261126124925_appeals_sla } from './Migration20261126124925_appeals_sla.ts';

/** Applied in this order; listed statically so no .ts file is imported at run time by path (STACK.md G8). */
export const MIGRATIONS: { name: string; class: Constructor<Migration> }[] = [
  { name: 'Migration20261126011159_initial', class: Migration20261126011159_initial },
  { name: 'Migration20261126011500_tenancy', class: Migration20261126011500_tenancy },
  { name: 'Migration20261126013321_staff_audit', class: Migration20261126013321_staff_audit },
  { name: 'Migration20261126013400_staff_security', class: Migration20261126013400_staff_security },
  { name: 'Migration20261126015301_search_indexes', class: Migration20261126015301_search_indexes },
  { name: 'Migration20261126015900_account_search', class: Migration20261126015900_account_search },
  { name: 'Migration20261126020050_payer_sort_index', class: Migration20261126020050_payer_sort_index },
  { name: 'Migration20261126023005_file_store', class: Migration20261126023005_file_store },
  { name: 'Migration20261126041857_registries_billing', class: Migration20261126041857_registries_billing },
  { name: 'Migration20261126070006_payments', class: Migration20261126070006_payments },
  { name: 'Migration20261126094742_dialogs', class: Migration20261126094742_dialogs },
  { name: 'Migration20261126124925_appeals_sla', class: Migration20261126124925_appeals_sla },
];
