import { Migration } from '@mikro-orm/migrations';

const TENANT_TABLES = ['payments', 'payment_events', 'payment_inbox', 'payment_splits', 'payment_refunds', 'idempotency_keys',
  'collectors', 'ledger_accounts', 'ledger_entries'];
const APPEND_ONLY = ['payment_events', 'payment_inbox', 'payment_splits', 'ledger_accounts', 'ledger_entries'];

/**
 * Payments in (issue 5): payment attempts, the provider inbox, the proof of split, refunds, idempotency keys,
 * collectors, and the double-entry ledger; the keys of signed pay links; the sandbox bank's books; hits of the
 * rate-limited typed-account page.
 * - Tenant tables sit under row-level security. A bank notification arrives before any tenant is known, so
 *   fp_payment_org() (owner rights) names the organisation of an order id and nothing more.
 * - The ledger, the inbox, the splits and the events are append-only (RELIABILITY.md M4): the application role
 *   keeps INSERT and SELECT, and triggers refuse UPDATE, DELETE and TRUNCATE to everyone.
 * - The tables a bank notification writes carry no foreign key to organizations: every such key check takes a
 *   KEY SHARE lock on the one organisation row, and fifty concurrent notifications queued on it (measured: 58
 *   against 1 100 req/s). RLS pins org_id, and the application role may not delete organisations.
 * - Every ledger transfer sums to zero: a statement trigger checks the rows each insert wrote, so a transfer is
 *   written whole in one statement or not at all.
 */
export class Migration20261126070006_payments extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "ledger_entries" ("id" bigserial primary key, "org_id" uuid not null, "transfer_id" uuid not null, "ledger_account_id" uuid not null, "amount" bigint not null, "kind" varchar(16) not null, "payment_id" uuid null, "refund_id" uuid null, "account_id" uuid null, "created_at" timestamptz not null);`);
    this.addSql(`create index "ledger_entries_org_id_ledger_account_id_index" on "ledger_entries" ("org_id", "ledger_account_id");`);
    this.addSql(`create index "ledger_entries_transfer_id_index" on "ledger_entries" ("transfer_id");`);
    this.addSql(`create index "ledger_entries_payment_id_index" on "ledger_entries" ("payment_id");`);

    this.addSql(`create table "ledger_accounts" ("id" uuid not null, "org_id" uuid not null, "code" varchar(80) not null, "kind" text check ("kind" in ('clearing', 'payable', 'advance', 'fee_income')) not null, "recipient_id" uuid null, "created_at" timestamptz not null, constraint "ledger_accounts_pkey" primary key ("id"));`);
    this.addSql(`alter table "ledger_accounts" add constraint "ledger_accounts_org_id_code_unique" unique ("org_id", "code");`);

    this.addSql(`create table "idempotency_keys" ("org_id" uuid not null, "key" varchar(64) not null, "request_hash" varchar(64) not null, "payment_id" uuid not null, "created_at" timestamptz not null, constraint "idempotency_keys_pkey" primary key ("org_id", "key"));`);

    this.addSql(`create table "collectors" ("id" uuid not null, "org_id" uuid not null, "name" varchar(200) not null, "code" varchar(32) not null, "active" boolean not null default true, "created_at" timestamptz not null, constraint "collectors_pkey" primary key ("id"));`);
    this.addSql(`alter table "collectors" add constraint "collectors_org_id_code_unique" unique ("org_id", "code");`);

    this.addSql(`create table "pay_link_keys" ("kid" smallint not null, "created_at" timestamptz not null, "retired_at" timestamptz null, constraint "pay_link_keys_pkey" primary key ("kid"));`);

    this.addSql(`create table "payments" ("id" uuid not null, "org_id" uuid not null, "account_id" uuid not null, "provider" varchar(16) not null, "provider_payment_id" varchar(64) null, "method" varchar(8) not null, "status" text check ("status" in ('created', 'pending', 'authorized', 'paid', 'failed', 'canceled', 'refunded', 'partially_refunded')) not null, "amount" bigint not null, "fee" bigint not null, "gross" bigint not null, "net" bigint not null, "commission_mode" varchar(8) not null, "commission_bp" int not null, "refunded" bigint not null default 0, "collector_id" uuid null, "source" text check ("source" in ('link', 'plate', 'collector', 'bot', 'api')) not null, "cover" jsonb null, "idempotency_key" varchar(64) null, "request_hash" varchar(64) null, "payment_url" text null, "sbp_payload" text null, "status_reason" varchar(64) null, "expires_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "paid_at" timestamptz null, "registry_day" date null, constraint "payments_pkey" primary key ("id"));`);
    this.addSql(`create index "payments_org_id_created_at_index" on "payments" ("org_id", "created_at");`);
    this.addSql(`create index "payments_org_id_account_id_created_at_index" on "payments" ("org_id", "account_id", "created_at");`);
    this.addSql(`create index "payments_org_id_registry_day_index" on "payments" ("org_id", "registry_day");`);
    this.addSql(`alter table "payments" add constraint "payments_provider_provider_payment_id_unique" unique ("provider", "provider_payment_id");`);
    this.addSql(`alter table "payments" add constraint "payments_org_id_idempotency_key_unique" unique ("org_id", "idempotency_key");`);

    this.addSql(`create table "payment_events" ("id" uuid not null, "seq" bigserial, "org_id" uuid not null, "payment_id" uuid not null, "kind" varchar(16) not null, "operation" varchar(128) not null, "status_from" varchar(20) null, "status_to" varchar(20) null, "data" jsonb not null, "created_at" timestamptz not null, constraint "payment_events_pkey" primary key ("id"));`);
    this.addSql(`create index "payment_events_org_id_index" on "payment_events" ("org_id");`);
    this.addSql(`create index "payment_events_payment_id_created_at_index" on "payment_events" ("payment_id", "created_at");`);

    this.addSql(`create table "payment_inbox" ("provider" varchar(16) not null, "operation_id" varchar(160) not null, "org_id" uuid not null, "payment_id" uuid not null, "outcome" varchar(32) not null, "received_at" timestamptz not null, constraint "payment_inbox_pkey" primary key ("provider", "operation_id"));`);
    this.addSql(`create index "payment_inbox_org_id_index" on "payment_inbox" ("org_id");`);

    this.addSql(`create table "payment_refunds" ("id" uuid not null, "org_id" uuid not null, "payment_id" uuid not null, "amount" bigint not null, "reason" varchar(500) not null, "status" text check ("status" in ('requested', 'done', 'failed')) not null, "actor_id" uuid null, "actor_label" varchar(254) not null, "created_at" timestamptz not null, "completed_at" timestamptz null, constraint "payment_refunds_pkey" primary key ("id"));`);
    this.addSql(`create index "payment_refunds_org_id_index" on "payment_refunds" ("org_id");`);
    this.addSql(`create index "payment_refunds_payment_id_index" on "payment_refunds" ("payment_id");`);

    this.addSql(`create table "payment_splits" ("id" uuid not null, "org_id" uuid not null, "payment_id" uuid not null, "refund_id" uuid null, "seq" int not null, "account_id" uuid not null, "service_id" uuid null, "service_code" varchar(32) null, "recipient_id" uuid not null, "period" date null, "kind" text check ("kind" in ('principal', 'penalty', 'advance')) not null, "amount" bigint not null, "fee_share" bigint not null, "debt_before" bigint null, "reason" varchar(20) not null, "created_at" timestamptz not null, constraint "payment_splits_pkey" primary key ("id"));`);
    this.addSql(`create index "payment_splits_org_id_account_id_service_id_index" on "payment_splits" ("org_id", "account_id", "service_id");`);
    this.addSql(`create index "payment_splits_payment_id_index" on "payment_splits" ("payment_id");`);

    this.addSql(`create table "rate_limit_hits" ("id" uuid not null, "bucket" varchar(120) not null, "hit_at" timestamptz not null, constraint "rate_limit_hits_pkey" primary key ("id"));`);
    this.addSql(`create index "rate_limit_hits_bucket_hit_at_index" on "rate_limit_hits" ("bucket", "hit_at");`);

    this.addSql(`create table "sandbox_payments" ("id" varchar(40) not null, "order_id" varchar(64) not null, "amount" bigint not null, "refunded" bigint not null default 0, "method" varchar(8) not null, "status" varchar(20) not null, "description" varchar(250) not null, "notification_url" text not null, "success_url" text not null, "fail_url" text not null, "expires_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "sandbox_payments_pkey" primary key ("id"));`);
    this.addSql(`alter table "sandbox_payments" add constraint "sandbox_payments_order_id_unique" unique ("order_id");`);




    this.addSql(`alter table "collectors" add constraint "collectors_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);




    this.addSql(`alter table "payment_refunds" add constraint "payment_refunds_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);


    this.addSql(`alter table "organizations" add column "split_rule" varchar(16) not null default 'oldestFirst', add column "split_shares" jsonb null, add column "offer_url" varchar(500) null;`);

    for (const table of TENANT_TABLES) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy tenant_isolation on "${table}" using (org_id = fp_current_org()) with check (org_id = fp_current_org());`);
    }
    for (const table of APPEND_ONLY) {
      this.addSql(`revoke update, delete, truncate on "${table}" from familypay_app;`);
      this.addSql(`create trigger "${table}_append_only" before update or delete on "${table}" for each row execute function fp_refuse_change();`);
      this.addSql(`create trigger "${table}_no_truncate" before truncate on "${table}" for each statement execute function fp_refuse_change();`);
    }
    this.addSql(`revoke delete, truncate on "payments", "payment_refunds", "collectors" from familypay_app;`);
    this.addSql(`alter table "ledger_entries" add constraint "ledger_entries_amount_not_zero" check ("amount" <> 0);`);
    this.addSql(`alter table "payments" add constraint "payments_money" check ("amount" >= 0 and "fee" >= 0 and "gross" = "net" + "fee" and "refunded" >= 0 and "refunded" <= "gross");`);
    // Checked once per statement over the rows it inserted (a transition table): a transfer is written in one
    // statement and must balance there. A per-row deferred check cost one query per entry at every commit.
    this.addSql(`create function fp_ledger_transfer_balanced() returns trigger language plpgsql as $$
      declare bad uuid;
      begin
        select transfer_id into bad from new_entries group by transfer_id having sum(amount) <> 0 limit 1;
        if bad is not null then
          raise exception 'ledger transfer % does not balance', bad using errcode = 'check_violation';
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "ledger_entries_balanced" after insert on "ledger_entries" referencing new table as new_entries
      for each statement execute function fp_ledger_transfer_balanced();`);
    this.addSql(`create function fp_payment_org(p_order text) returns uuid language plpgsql stable security definer set search_path = public as
      $$ begin return (select org_id from payments where id = p_order::uuid);
         exception when invalid_text_representation then return null; end $$;`);
    this.addSql(`create function fp_stale_payments(p_before timestamptz, p_after timestamptz, p_limit int)
      returns table (org_id uuid, id uuid) language sql stable security definer set search_path = public as
      $$ select org_id, id from payments where status in ('created', 'pending', 'authorized') and provider_payment_id is not null
         and created_at < p_before and created_at > p_after order by created_at limit p_limit $$;`);
    for (const fn of ['fp_payment_org(text)', 'fp_stale_payments(timestamptz, timestamptz, int)']) {
      this.addSql(`revoke all on function ${fn} from public;`);
      this.addSql(`grant execute on function ${fn} to familypay_app;`);
    }
    this.addSql(`create index "payments_open_index" on "payments" ("created_at") where "status" in ('created', 'pending', 'authorized');`);
    this.addSql(`insert into "pay_link_keys" ("kid", "created_at") values (1, now());`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists fp_stale_payments(timestamptz, timestamptz, int);`);
    this.addSql(`drop function if exists fp_payment_org(text);`);
    this.addSql(`drop table if exists "ledger_entries" cascade;`);
    this.addSql(`drop function if exists fp_ledger_transfer_balanced();`);

    this.addSql(`drop table if exists "ledger_accounts" cascade;`);

    this.addSql(`drop table if exists "idempotency_keys" cascade;`);

    this.addSql(`drop table if exists "collectors" cascade;`);

    this.addSql(`drop table if exists "pay_link_keys" cascade;`);

    this.addSql(`drop table if exists "payments" cascade;`);

    this.addSql(`drop table if exists "payment_events" cascade;`);

    this.addSql(`drop table if exists "payment_inbox" cascade;`);

    this.addSql(`drop table if exists "payment_refunds" cascade;`);

    this.addSql(`drop table if exists "payment_splits" cascade;`);

    this.addSql(`drop table if exists "rate_limit_hits" cascade;`);

    this.addSql(`drop table if exists "sandbox_payments" cascade;`);

    this.addSql(`alter table "organizations" drop column "split_rule", drop column "split_shares", drop column "offer_url";`);
  }

}
