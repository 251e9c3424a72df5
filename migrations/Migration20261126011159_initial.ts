import { Migration } from '@mikro-orm/migrations';

export class Migration20261126011159_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "applied_effects" ("key" varchar(200) not null, "created_at" timestamptz not null, constraint "applied_effects_pkey" primary key ("key"));`);

    this.addSql(`create table "organizations" ("id" uuid not null, "slug" varchar(40) not null, "name" varchar(300) not null, "short_name" varchar(160) not null, "category" text check ("category" in ('uk', 'tszh', 'tsn', 'zhsk', 'rso', 'snt', 'dnt', 'gsk', 'school', 'transport', 'other')) not null, "inn" varchar(12) not null, "kpp" varchar(9) null, "ogrn" varchar(15) null, "bank_account" varchar(20) not null, "bik" varchar(9) not null, "corr_account" varchar(20) not null, "bank_name" varchar(160) not null, "commission" jsonb not null, "time_zone" varchar(64) not null default 'Europe/Moscow', "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "organizations_pkey" primary key ("id"));`);
    this.addSql(`alter table "organizations" add constraint "organizations_slug_unique" unique ("slug");`);

    this.addSql(`create table "buildings" ("id" uuid not null, "org_id" uuid not null, "address" varchar(500) not null, "address_key" varchar(500) not null, "fias_id" uuid null, "created_at" timestamptz not null, constraint "buildings_pkey" primary key ("id"));`);
    this.addSql(`alter table "buildings" add constraint "buildings_org_id_address_key_unique" unique ("org_id", "address_key");`);

    this.addSql(`create table "account_number_sequences" ("org_id" uuid not null, "next_value" bigint not null default 1, constraint "account_number_sequences_pkey" primary key ("org_id"));`);

    this.addSql(`create table "outbox" ("id" bigserial primary key, "org_id" uuid null, "topic" varchar(100) not null, "payload" jsonb not null, "job_id" varchar(200) not null, "available_at" timestamptz not null, "created_at" timestamptz not null, "dispatched_at" timestamptz null, "completed_at" timestamptz null, "dispatches" int not null default 0, "last_error" varchar(500) null);`);
    this.addSql(`create index "outbox_completed_at_available_at_index" on "outbox" ("completed_at", "available_at");`);

    this.addSql(`create table "persons" ("id" uuid not null, "org_id" uuid not null, "full_name" varchar(300) null, "locale" varchar(5) not null default 'ru', "created_at" timestamptz not null, constraint "persons_pkey" primary key ("id"));`);
    this.addSql(`create index "persons_org_id_index" on "persons" ("org_id");`);

    this.addSql(`create table "identities" ("id" uuid not null, "org_id" uuid not null, "person_id" uuid not null, "channel" text check ("channel" in ('telegram', 'whatsapp', 'max', 'webchat', 'voice')) not null, "external_id" varchar(128) not null, "phone" varchar(16) null, "consent_notifications" boolean not null default false, "created_at" timestamptz not null, constraint "identities_pkey" primary key ("id"));`);
    this.addSql(`create index "identities_person_id_index" on "identities" ("person_id");`);
    this.addSql(`alter table "identities" add constraint "identities_org_id_channel_external_id_unique" unique ("org_id", "channel", "external_id");`);

    this.addSql(`create table "contacts" ("id" uuid not null, "org_id" uuid not null, "person_id" uuid not null, "kind" text check ("kind" in ('phone', 'email')) not null, "value" varchar(254) not null, "verified_at" timestamptz null, "consent_service" boolean not null default false, "consent_marketing" boolean not null default false, "consent_at" timestamptz null, "consent_source" varchar(64) null, "created_at" timestamptz not null, constraint "contacts_pkey" primary key ("id"));`);
    this.addSql(`create index "contacts_org_id_index" on "contacts" ("org_id");`);
    this.addSql(`alter table "contacts" add constraint "contacts_person_id_kind_value_unique" unique ("person_id", "kind", "value");`);

    this.addSql(`create table "premises" ("id" uuid not null, "org_id" uuid not null, "building_id" uuid not null, "number" varchar(32) not null, "kind" text check ("kind" in ('residential', 'non_residential', 'parking', 'land_plot', 'garage')) not null default 'residential', "area" numeric(10,2) null, "created_at" timestamptz not null, constraint "premises_pkey" primary key ("id"));`);
    this.addSql(`create index "premises_org_id_index" on "premises" ("org_id");`);
    this.addSql(`alter table "premises" add constraint "premises_building_id_number_unique" unique ("building_id", "number");`);

    this.addSql(`create table "accounts" ("id" uuid not null, "org_id" uuid not null, "number" varchar(32) not null, "number_assigned" boolean not null default false, "premise_id" uuid null, "payer_name" varchar(300) null, "residents_count" int not null default 0, "els" varchar(10) null, "izhku" varchar(13) null, "status" text check ("status" in ('open', 'closed')) not null default 'open', "closed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "accounts_pkey" primary key ("id"));`);
    this.addSql(`create index "accounts_premise_id_index" on "accounts" ("premise_id");`);
    this.addSql(`alter table "accounts" add constraint "accounts_org_id_number_unique" unique ("org_id", "number");`);

    this.addSql(`create table "account_links" ("id" uuid not null, "org_id" uuid not null, "account_id" uuid not null, "person_id" uuid not null, "relation" text check ("relation" in ('payer', 'owner', 'resident', 'proxy')) not null default 'payer', "proof" text check ("proof" in ('import', 'staff', 'deep_link', 'phone_match', 'bill_code', 'bill_amount')) not null, "created_at" timestamptz not null, constraint "account_links_pkey" primary key ("id"));`);
    this.addSql(`create index "account_links_org_id_index" on "account_links" ("org_id");`);
    this.addSql(`create index "account_links_person_id_index" on "account_links" ("person_id");`);
    this.addSql(`alter table "account_links" add constraint "account_links_account_id_person_id_unique" unique ("account_id", "person_id");`);

    this.addSql(`create table "recipients" ("id" uuid not null, "org_id" uuid not null, "name" varchar(300) not null, "inn" varchar(12) not null, "kpp" varchar(9) null, "bank_account" varchar(20) not null, "bik" varchar(9) not null, "corr_account" varchar(20) not null, "bank_name" varchar(160) not null, "active" boolean not null default true, "created_at" timestamptz not null, constraint "recipients_pkey" primary key ("id"));`);
    this.addSql(`create index "recipients_org_id_index" on "recipients" ("org_id");`);

    this.addSql(`create table "services" ("id" uuid not null, "org_id" uuid not null, "code" varchar(32) not null, "name" varchar(200) not null, "unit" varchar(32) not null, "kind" text check ("kind" in ('maintenance', 'cold_water', 'hot_water', 'sewerage', 'heating', 'electricity', 'gas', 'waste', 'capital_repair', 'common_property', 'intercom', 'security', 'membership_fee', 'target_fee', 'education', 'transport', 'other')) not null, "recipient_id" uuid not null, "active" boolean not null default true, "created_at" timestamptz not null, constraint "services_pkey" primary key ("id"));`);
    this.addSql(`create index "services_recipient_id_index" on "services" ("recipient_id");`);
    this.addSql(`alter table "services" add constraint "services_org_id_code_unique" unique ("org_id", "code");`);

    this.addSql(`create table "users" ("id" uuid not null, "email" varchar(254) not null, "full_name" varchar(200) not null, "password_hash" varchar(200) not null, "active" boolean not null default true, "platform_operator" boolean not null default false, "created_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`create table "memberships" ("id" uuid not null, "org_id" uuid not null, "user_id" uuid not null, "role" text check ("role" in ('admin', 'accountant', 'operator', 'lawyer')) not null, "active" boolean not null default true, "created_at" timestamptz not null, constraint "memberships_pkey" primary key ("id"));`);
    this.addSql(`create index "memberships_user_id_index" on "memberships" ("user_id");`);
    this.addSql(`alter table "memberships" add constraint "memberships_org_id_user_id_unique" unique ("org_id", "user_id");`);

    this.addSql(`alter table "buildings" add constraint "buildings_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "account_number_sequences" add constraint "account_number_sequences_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "persons" add constraint "persons_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "identities" add constraint "identities_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "identities" add constraint "identities_person_id_foreign" foreign key ("person_id") references "persons" ("id") on update cascade;`);

    this.addSql(`alter table "contacts" add constraint "contacts_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "contacts" add constraint "contacts_person_id_foreign" foreign key ("person_id") references "persons" ("id") on update cascade;`);

    this.addSql(`alter table "premises" add constraint "premises_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "premises" add constraint "premises_building_id_foreign" foreign key ("building_id") references "buildings" ("id") on update cascade;`);

    this.addSql(`alter table "accounts" add constraint "accounts_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "accounts" add constraint "accounts_premise_id_foreign" foreign key ("premise_id") references "premises" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "account_links" add constraint "account_links_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "account_links" add constraint "account_links_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade;`);
    this.addSql(`alter table "account_links" add constraint "account_links_person_id_foreign" foreign key ("person_id") references "persons" ("id") on update cascade;`);

    this.addSql(`alter table "recipients" add constraint "recipients_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "services" add constraint "services_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "services" add constraint "services_recipient_id_foreign" foreign key ("recipient_id") references "recipients" ("id") on update cascade;`);

    this.addSql(`alter table "memberships" add constraint "memberships_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "memberships" add constraint "memberships_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "buildings" drop constraint "buildings_org_id_foreign";`);

    this.addSql(`alter table "account_number_sequences" drop constraint "account_number_sequences_org_id_foreign";`);

    this.addSql(`alter table "persons" drop constraint "persons_org_id_foreign";`);

    this.addSql(`alter table "identities" drop constraint "identities_org_id_foreign";`);

    this.addSql(`alter table "contacts" drop constraint "contacts_org_id_foreign";`);

    this.addSql(`alter table "premises" drop constraint "premises_org_id_foreign";`);

    this.addSql(`alter table "accounts" drop constraint "accounts_org_id_foreign";`);

    this.addSql(`alter table "account_links" drop constraint "account_links_org_id_foreign";`);

    this.addSql(`alter table "recipients" drop constraint "recipients_org_id_foreign";`);

    this.addSql(`alter table "services" drop constraint "services_org_id_foreign";`);

    this.addSql(`alter table "memberships" drop constraint "memberships_org_id_foreign";`);

    this.addSql(`alter table "premises" drop constraint "premises_building_id_foreign";`);

    this.addSql(`alter table "identities" drop constraint "identities_person_id_foreign";`);

    this.addSql(`alter table "contacts" drop constraint "contacts_person_id_foreign";`);

    this.addSql(`alter table "account_links" drop constraint "account_links_person_id_foreign";`);

    this.addSql(`alter table "accounts" drop constraint "accounts_premise_id_foreign";`);

    this.addSql(`alter table "account_links" drop constraint "account_links_account_id_foreign";`);

    this.addSql(`alter table "services" drop constraint "services_recipient_id_foreign";`);

    this.addSql(`alter table "memberships" drop constraint "memberships_user_id_foreign";`);

    this.addSql(`drop table if exists "applied_effects" cascade;`);

    this.addSql(`drop table if exists "organizations" cascade;`);

    this.addSql(`drop table if exists "buildings" cascade;`);

    this.addSql(`drop table if exists "account_number_sequences" cascade;`);

    this.addSql(`drop table if exists "outbox" cascade;`);

    this.addSql(`drop table if exists "persons" cascade;`);

    this.addSql(`drop table if exists "identities" cascade;`);

    this.addSql(`drop table if exists "contacts" cascade;`);

    this.addSql(`drop table if exists "premises" cascade;`);

    this.addSql(`drop table if exists "accounts" cascade;`);

    this.addSql(`drop table if exists "account_links" cascade;`);

    this.addSql(`drop table if exists "recipients" cascade;`);

    this.addSql(`drop table if exists "services" cascade;`);

    this.addSql(`drop table if exists "users" cascade;`);

    this.addSql(`drop table if exists "memberships" cascade;`);
  }

}
