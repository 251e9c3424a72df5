import { Migration } from '@mikro-orm/migrations';

const TENANT_TABLES = ['import_profiles', 'registry_imports', 'meters', 'meter_readings', 'charges'];

/**
 * Registries in (issue 4): column profiles, the append-only record of imports, and what accounts owe (charges by
 * account, service and period) with meters and their readings. All tenant rows under row-level security, except
 * api_keys: a customer's system presents a key before any organisation is known, so it is a platform table whose
 * rows the admin reads by org_id. An applied import is unique per file, so loading the same bytes twice cannot
 * apply them twice even when two uploads race.
 */
export class Migration20261126041857_registries_billing extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "import_profiles" ("id" uuid not null, "org_id" uuid not null, "name" varchar(100) not null, "columns" jsonb not null, "encoding" varchar(16) null, "delimiter" varchar(2) null, "totals_check" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "import_profiles_pkey" primary key ("id"));`);
    this.addSql(`alter table "import_profiles" add constraint "import_profiles_org_id_name_unique" unique ("org_id", "name");`);

    this.addSql(`create table "api_keys" ("id" uuid not null, "org_id" uuid not null, "name" varchar(100) not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "scopes" varchar(100) not null default 'registries', "created_by" uuid null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_keys_pkey" primary key ("id"));`);
    this.addSql(`create index "api_keys_org_id_index" on "api_keys" ("org_id");`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_prefix_unique" unique ("prefix");`);

    this.addSql(`create table "registry_imports" ("id" uuid not null, "org_id" uuid not null, "file_sha256" varchar(64) not null, "file_name" varchar(255) not null, "format" varchar(8) not null, "encoding" varchar(16) null, "profile_name" varchar(100) null, "status" text check ("status" in ('applied', 'rejected')) not null, "valid_rows_only" boolean not null default false, "rows" int not null, "lines" int not null, "total_kop" bigint not null, "accounts_created" int not null, "accounts_updated" int not null, "errors_count" int not null, "report" jsonb not null, "rejected_sha256" varchar(64) null, "source" varchar(16) not null, "actor_id" uuid null, "actor_label" varchar(254) not null, "created_at" timestamptz not null, constraint "registry_imports_pkey" primary key ("id"));`);
    this.addSql(`create index "registry_imports_org_id_created_at_index" on "registry_imports" ("org_id", "created_at");`);

    this.addSql(`create table "meters" ("id" uuid not null, "org_id" uuid not null, "account_id" uuid not null, "service_id" uuid null, "number" varchar(32) not null, "created_at" timestamptz not null, constraint "meters_pkey" primary key ("id"));`);
    this.addSql(`create index "meters_org_id_index" on "meters" ("org_id");`);
    this.addSql(`alter table "meters" add constraint "meters_account_id_number_unique" unique ("account_id", "number");`);

    this.addSql(`create table "meter_readings" ("id" uuid not null, "org_id" uuid not null, "meter_id" uuid not null, "period" date not null, "previous_value" numeric(16,4) null, "value" numeric(16,4) not null, "read_at" date null, "source" varchar(16) not null, "import_id" uuid null, "created_at" timestamptz not null, constraint "meter_readings_pkey" primary key ("id"));`);
    this.addSql(`create index "meter_readings_org_id_index" on "meter_readings" ("org_id");`);
    this.addSql(`alter table "meter_readings" add constraint "meter_readings_meter_id_period_source_unique" unique ("meter_id", "period", "source");`);

    this.addSql(`create table "charges" ("account_id" uuid not null, "service_id" uuid not null, "period" date not null, "org_id" uuid not null, "method" text check ("method" in ('meter', 'norm', 'average')) null, "tariff" numeric(14,4) null, "volume" numeric(16,6) null, "accrued" bigint null, "recalculation" bigint null, "benefit" bigint null, "opening_balance" bigint null, "paid" bigint null, "to_pay" bigint null, "penalty" bigint null, "ipd" varchar(40) null, "source" text check ("source" in ('import', 'accrual')) not null, "import_id" uuid null, "updated_at" timestamptz not null, constraint "charges_pkey" primary key ("account_id", "service_id", "period"));`);
    this.addSql(`create index "charges_org_id_period_index" on "charges" ("org_id", "period");`);

    this.addSql(`alter table "import_profiles" add constraint "import_profiles_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "registry_imports" add constraint "registry_imports_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "meters" add constraint "meters_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "meters" add constraint "meters_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade;`);
    this.addSql(`alter table "meters" add constraint "meters_service_id_foreign" foreign key ("service_id") references "services" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "meter_readings" add constraint "meter_readings_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "meter_readings" add constraint "meter_readings_meter_id_foreign" foreign key ("meter_id") references "meters" ("id") on update cascade;`);


    for (const table of TENANT_TABLES) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy tenant_isolation on "${table}" using (org_id = fp_current_org()) with check (org_id = fp_current_org());`);
    }
    // Charges, buildings, premises and accounts carry no foreign keys (billing.entity.ts, accounts.entity.ts):
    // nothing they point at may be deleted instead.
    for (const fk of ['buildings_org_id', 'premises_org_id', 'premises_building_id', 'accounts_org_id', 'accounts_premise_id']) {
      this.addSql(`alter table "${fk.split('_')[0]}" drop constraint "${fk}_foreign";`);
    }
    this.addSql(`revoke delete, truncate on "organizations", "buildings", "premises", "accounts", "services" from familypay_app;`);
    // Stored files compress with lz4 where the server has it: pglz made storing a 166 MB registry take seconds.
    this.addSql(`do $$ begin alter table stored_file_chunks alter column bytes set compression lz4;
      exception when feature_not_supported or invalid_parameter_value then null; end $$;`);
    this.addSql(`create unique index "registry_imports_applied_file_unique" on "registry_imports" ("org_id", "file_sha256") where "status" = 'applied';`);
    this.addSql(`revoke update, delete, truncate on "registry_imports" from familypay_app;`);
    this.addSql(`create trigger "registry_imports_append_only" before update or delete on "registry_imports" for each row execute function fp_refuse_change();`);
    this.addSql(`create trigger "registry_imports_no_truncate" before truncate on "registry_imports" for each statement execute function fp_refuse_change();`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "meter_readings" drop constraint "meter_readings_meter_id_foreign";`);

    this.addSql(`drop table if exists "import_profiles" cascade;`);

    this.addSql(`drop table if exists "api_keys" cascade;`);

    this.addSql(`drop table if exists "registry_imports" cascade;`);

    this.addSql(`drop table if exists "meters" cascade;`);

    this.addSql(`drop table if exists "meter_readings" cascade;`);

    this.addSql(`drop table if exists "charges" cascade;`);
  }

}
