import { Migration } from '@mikro-orm/migrations';

export class Migration20261126020050_payer_sort_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "accounts_org_payer_index" on "accounts" ("org_id", "payer_name");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "accounts_org_payer_index";`);
  }

}
