import { Migration } from '@mikro-orm/migrations';

/** Indexes of the staff search: number prefixes, and names and addresses matched anywhere by trigrams. */
export class Migration20261126015301_search_indexes extends Migration {

  override async up(): Promise<void> {
    // Trusted since PostgreSQL 13: a database owner may create it without superuser rights.
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index "buildings_address_trgm_index" on "buildings" using gin ("address_key" gin_trgm_ops);`);

    this.addSql(`create index "accounts_org_number_prefix_index" on "accounts" ("org_id", "number" varchar_pattern_ops);`);
    this.addSql(`create index "accounts_payer_trgm_index" on "accounts" using gin (lower("payer_name") gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "accounts_org_number_prefix_index";`);
    this.addSql(`drop index "accounts_payer_trgm_index";`);

    this.addSql(`drop index "buildings_address_trgm_index";`);
  }

}
