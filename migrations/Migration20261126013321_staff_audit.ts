import { Migration } from '@mikro-orm/migrations';

export class Migration20261126013321_staff_audit extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "login_attempts" ("id" bigserial primary key, "email_key" varchar(64) not null, "ip" varchar(45) not null, "success" boolean not null, "at" timestamptz not null);`);
    this.addSql(`create index "login_attempts_email_key_at_index" on "login_attempts" ("email_key", "at");`);
    this.addSql(`create index "login_attempts_ip_at_index" on "login_attempts" ("ip", "at");`);

    this.addSql(`create table "audit_log" ("id" bigserial primary key, "org_id" uuid not null, "actor_id" uuid null, "actor_label" varchar(254) not null, "action" varchar(64) not null, "entity_type" varchar(32) not null, "entity_id" varchar(64) null, "changes" jsonb null, "ip" varchar(45) null, "at" timestamptz not null);`);
    this.addSql(`create index "audit_log_org_id_at_index" on "audit_log" ("org_id", "at");`);
    this.addSql(`create index "audit_log_org_id_entity_type_entity_id_index" on "audit_log" ("org_id", "entity_type", "entity_id");`);

    this.addSql(`create table "staff_sessions" ("id" varchar(64) not null, "user_id" uuid not null, "org_id" uuid null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "revoked_at" timestamptz null, "ip" varchar(45) null, "user_agent" varchar(200) null, constraint "staff_sessions_pkey" primary key ("id"));`);
    this.addSql(`create index "staff_sessions_user_id_index" on "staff_sessions" ("user_id");`);

    this.addSql(`create table "password_tokens" ("id" varchar(64) not null, "user_id" uuid not null, "purpose" text check ("purpose" in ('reset', 'invite')) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "password_tokens_pkey" primary key ("id"));`);
    this.addSql(`create index "password_tokens_user_id_index" on "password_tokens" ("user_id");`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "staff_sessions" add constraint "staff_sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade;`);
    this.addSql(`alter table "staff_sessions" add constraint "staff_sessions_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "password_tokens" add constraint "password_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "login_attempts" cascade;`);

    this.addSql(`drop table if exists "audit_log" cascade;`);

    this.addSql(`drop table if exists "staff_sessions" cascade;`);

    this.addSql(`drop table if exists "password_tokens" cascade;`);
  }

}
