import { Migration } from '@mikro-orm/migrations';

const TENANT_TABLES = ['document_files', 'chat_pending', 'dialog_states', 'dialog_payments', 'dialog_inbox', 'appeals', 'appeal_messages'];

/**
 * Resident bots (issue 6): bot connections with sealed tokens, dialog state per identity, the inbox of handled
 * channel events, web-chat messages waiting for the page, payments started in a chat (for receipts), appeals
 * filed by the bots, and small conversation files. Organisations get reading days and the dispatcher's and
 * operator's phones.
 */

export class Migration20261126094742_dialogs extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "document_files" ("id" uuid not null, "org_id" uuid not null, "kind" text check ("kind" in ('statement', 'attachment')) not null, "name" varchar(200) not null, "mime" varchar(100) not null, "size" int not null, "sha256" varchar(64) not null, "data" bytea not null, "created_at" timestamptz not null, constraint "document_files_pkey" primary key ("id"));`);
    this.addSql(`create index "document_files_org_id_index" on "document_files" ("org_id");`);

    this.addSql(`create table "chat_pending" ("id" bigserial primary key, "org_id" uuid not null, "chat_id" varchar(64) not null, "message_key" varchar(160) not null, "message" jsonb not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "chat_pending" add constraint "chat_pending_message_key_unique" unique ("message_key");`);
    this.addSql(`create index "chat_pending_org_id_chat_id_id_index" on "chat_pending" ("org_id", "chat_id", "id");`);

    this.addSql(`create table "bot_connections" ("id" uuid not null, "org_id" uuid null, "channel" text check ("channel" in ('telegram', 'max', 'whatsapp')) not null, "title" varchar(120) not null, "token_sealed" text not null, "secret_sealed" text not null, "settings" jsonb not null, "active" boolean not null default true, "state" varchar(16) not null default 'new', "state_detail" text null, "state_at" timestamptz null, "last_errors" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "bot_connections_pkey" primary key ("id"));`);
    this.addSql(`create index "bot_connections_org_id_index" on "bot_connections" ("org_id");`);

    this.addSql(`create table "dialog_states" ("identity_id" uuid not null, "org_id" uuid not null, "flow" varchar(32) not null, "step" varchar(48) not null, "version" int not null, "data" jsonb not null, "account_id" uuid null, "connection_id" uuid null, "chat_id" varchar(64) null, "seq" int not null default 0, "updated_at" timestamptz not null, constraint "dialog_states_pkey" primary key ("identity_id"));`);

    this.addSql(`create table "dialog_payments" ("payment_id" uuid not null, "org_id" uuid not null, "identity_id" uuid not null, "channel" varchar(16) not null, "connection_id" uuid null, "chat_id" varchar(64) not null, "created_at" timestamptz not null, constraint "dialog_payments_pkey" primary key ("payment_id"));`);

    this.addSql(`create table "dialog_inbox" ("identity_id" uuid not null, "event_key" varchar(100) not null, "org_id" uuid not null, "reply" jsonb not null, "created_at" timestamptz not null, constraint "dialog_inbox_pkey" primary key ("identity_id", "event_key"));`);
    this.addSql(`create index "dialog_inbox_created_at_index" on "dialog_inbox" ("created_at");`);

    this.addSql(`create table "appeals" ("id" uuid not null, "org_id" uuid not null, "number" int not null, "type" text check ("type" in ('question', 'debt_structure', 'emergency', 'complaint', 'meter_issue')) not null, "category" varchar(32) null, "status" text check ("status" in ('new', 'assigned', 'waiting', 'answered', 'closed')) not null default 'new', "urgent" boolean not null default false, "person_id" uuid null, "identity_id" uuid null, "channel" text check ("channel" in ('telegram', 'whatsapp', 'max', 'webchat', 'voice')) null, "account_id" uuid null, "address" varchar(500) null, "text" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "appeals_pkey" primary key ("id"));`);
    this.addSql(`create index "appeals_org_id_status_created_at_index" on "appeals" ("org_id", "status", "created_at");`);
    this.addSql(`alter table "appeals" add constraint "appeals_org_id_number_unique" unique ("org_id", "number");`);

    this.addSql(`create table "appeal_messages" ("id" bigserial primary key, "org_id" uuid not null, "appeal_id" uuid not null, "author" text check ("author" in ('resident', 'staff', 'system')) not null, "staff_user_id" uuid null, "text" text not null, "attachments" jsonb not null, "delivered_via" varchar(16) null, "delivered_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`create index "appeal_messages_org_id_index" on "appeal_messages" ("org_id");`);
    this.addSql(`create index "appeal_messages_appeal_id_id_index" on "appeal_messages" ("appeal_id", "id");`);

    this.addSql(`alter table "document_files" add constraint "document_files_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "bot_connections" add constraint "bot_connections_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "dialog_states" add constraint "dialog_states_identity_id_foreign" foreign key ("identity_id") references "identities" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "dialog_payments" add constraint "dialog_payments_identity_id_foreign" foreign key ("identity_id") references "identities" ("id") on update cascade;`);

    this.addSql(`alter table "dialog_inbox" add constraint "dialog_inbox_identity_id_foreign" foreign key ("identity_id") references "identities" ("id") on update cascade;`);

    this.addSql(`alter table "appeals" add constraint "appeals_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "appeals" add constraint "appeals_person_id_foreign" foreign key ("person_id") references "persons" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "appeals" add constraint "appeals_identity_id_foreign" foreign key ("identity_id") references "identities" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "appeal_messages" add constraint "appeal_messages_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "appeal_messages" add constraint "appeal_messages_appeal_id_foreign" foreign key ("appeal_id") references "appeals" ("id") on update cascade;`);

    this.addSql(`alter table "organizations" add column "reading_day_from" smallint null, add column "reading_day_to" smallint null, add column "dispatcher_phone" varchar(16) null, add column "operator_phone" varchar(16) null, add column "voice_number" varchar(16) null;`);
    this.addSql(`alter table "organizations" add constraint "organizations_voice_number_unique" unique ("voice_number");`);

    // Read per person or per account, never per organisation alone: see core/accounts/accounts.entity.ts.
    this.addSql(`drop index if exists "persons_org_id_index";`);
    this.addSql(`drop index if exists "account_links_org_id_index";`);
    for (const table of TENANT_TABLES) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy tenant_isolation on "${table}" using (org_id = fp_current_org()) with check (org_id = fp_current_org());`);
    }
    // The platform's bot (org null) is visible only with no tenant set; an organisation's bots only to it.
    this.addSql(`alter table "bot_connections" enable row level security;`);
    this.addSql(`create policy tenant_isolation on "bot_connections" using (org_id is not distinct from fp_current_org()) with check (org_id is not distinct from fp_current_org());`);
    // A webhook names its bot by id before any tenant is known: owner rights, primary key, one row.
    this.addSql(`create function fp_bot_connection(p_id text) returns setof bot_connections language plpgsql stable security definer set search_path = public as
      $$ begin return query select * from bot_connections where id = p_id::uuid;
         exception when invalid_text_representation then return; end $$;`);
    this.addSql(`create function fp_bot_connections(p_channel text) returns setof bot_connections language sql stable security definer set search_path = public as
      $$ select * from bot_connections where channel = p_channel and active order by created_at $$;`);
    // The phone robot names the organisation by the number called, before any tenant is known.
    this.addSql(`create function fp_org_id_by_voice_number(p_number text) returns uuid language sql stable security definer set search_path = public as
      $$ select id from organizations where voice_number = p_number and active $$;`);
    // A channel sender holds a file id (from a message in its queue), not a tenant: the file names its organisation.
    this.addSql(`create function fp_document_file_org(p_id text) returns uuid language plpgsql stable security definer set search_path = public as
      $$ begin return (select org_id from document_files where id = p_id::uuid);
         exception when invalid_text_representation then return null; end $$;`);
    // The platform's bot hears a resident without knowing the organisation: the one they last talked to.
    this.addSql(`create function fp_identity_org(p_channel text, p_external text) returns uuid language sql stable security definer set search_path = public as
      $$ select i.org_id from identities i join dialog_states s on s.identity_id = i.id
         where i.channel = p_channel and i.external_id = p_external order by s.updated_at desc limit 1 $$;`);
    // Housekeeping across tenants: handled-event replies guard against redeliveries (hours), web-chat messages wait
    // for a page that polls (days). Only these two tables, only rows older than the given moments.
    this.addSql(`create function fp_prune_conversations(p_inbox_before timestamptz, p_pending_before timestamptz) returns bigint language sql volatile security definer set search_path = public as
      $$ with a as (delete from dialog_inbox where created_at < p_inbox_before returning 1),
              b as (delete from chat_pending where created_at < p_pending_before returning 1)
         select (select count(*) from a) + (select count(*) from b) $$;`);
    // A platform bot's deep link names an account (its start token): the account names the organisation.
    this.addSql(`create function fp_account_org(p_id text) returns uuid language plpgsql stable security definer set search_path = public as
      $$ begin return (select org_id from accounts where id = p_id::uuid and status = 'open');
         exception when invalid_text_representation then return null; end $$;`);
    for (const fn of ['fp_account_org(text)', 'fp_prune_conversations(timestamptz, timestamptz)', 'fp_bot_connection(text)', 'fp_bot_connections(text)', 'fp_org_id_by_voice_number(text)', 'fp_document_file_org(text)', 'fp_identity_org(text, text)']) {
      this.addSql(`revoke all on function ${fn} from public;`);
      this.addSql(`grant execute on function ${fn} to familypay_app;`);
    }
    this.addSql(`revoke update, delete, truncate on "appeal_messages" from familypay_app;`);
    this.addSql(`grant update ("delivered_via", "delivered_at") on "appeal_messages" to familypay_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "persons_org_id_index" on "persons" ("org_id");`);
    this.addSql(`create index "account_links_org_id_index" on "account_links" ("org_id");`);
    this.addSql(`drop function if exists fp_account_org(text);`);
    this.addSql(`drop function if exists fp_prune_conversations(timestamptz, timestamptz);`);
    this.addSql(`drop function if exists fp_identity_org(text, text);`);
    this.addSql(`drop function if exists fp_document_file_org(text);`);
    this.addSql(`drop function if exists fp_org_id_by_voice_number(text);`);
    this.addSql(`drop function if exists fp_bot_connections(text);`);
    this.addSql(`drop function if exists fp_bot_connection(text);`);
    this.addSql(`alter table "appeal_messages" drop constraint "appeal_messages_appeal_id_foreign";`);

    this.addSql(`drop table if exists "document_files" cascade;`);

    this.addSql(`drop table if exists "chat_pending" cascade;`);

    this.addSql(`drop table if exists "bot_connections" cascade;`);

    this.addSql(`drop table if exists "dialog_states" cascade;`);

    this.addSql(`drop table if exists "dialog_payments" cascade;`);

    this.addSql(`drop table if exists "dialog_inbox" cascade;`);

    this.addSql(`drop table if exists "appeals" cascade;`);

    this.addSql(`drop table if exists "appeal_messages" cascade;`);

    this.addSql(`alter table "organizations" drop column "reading_day_from", drop column "reading_day_to", drop column "dispatcher_phone", drop column "operator_phone", drop column "voice_number";`);
  }

}
