import { Migration } from '@mikro-orm/migrations';

/** Tables with org_id that row-level security pins to the current organisation. */
const TENANT_TABLES = ['canned_answers', 'calendar_days', 'appeal_settings', 'sla_policies', 'staff_notifications', 'appeal_events', 'teams',
  'routing_rules', 'team_members'];

export class Migration20261126124925_appeals_sla extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "canned_answers" ("id" uuid not null, "org_id" uuid not null, "title" varchar(120) not null, "text" text not null, "created_at" timestamptz not null, constraint "canned_answers_pkey" primary key ("id"));`);
    this.addSql(`alter table "canned_answers" add constraint "canned_answers_org_id_title_unique" unique ("org_id", "title");`);

    this.addSql(`create table "calendar_days" ("org_id" uuid not null, "date" varchar(10) not null, "kind" text check ("kind" in ('holiday', 'working', 'short', 'ordinary')) not null, "updated_at" timestamptz not null, constraint "calendar_days_pkey" primary key ("org_id", "date"));`);

    this.addSql(`create table "appeal_settings" ("org_id" uuid not null, "working_week" jsonb null, "dispatcher_connection_id" uuid null, "dispatcher_chat_id" varchar(64) null, "auto_close_days" smallint not null default 7, "updated_at" timestamptz not null, constraint "appeal_settings_pkey" primary key ("org_id"));`);

    this.addSql(`create table "sla_policies" ("id" uuid not null, "org_id" uuid not null, "type" text check ("type" in ('question', 'debt_structure', 'emergency', 'complaint', 'meter_issue')) not null, "category" varchar(32) not null default '', "mode" text check ("mode" in ('business', 'always')) not null, "response_min" int null, "resolution_min" int null, "updated_at" timestamptz not null, constraint "sla_policies_pkey" primary key ("id"));`);
    this.addSql(`alter table "sla_policies" add constraint "sla_policies_org_id_type_category_unique" unique ("org_id", "type", "category");`);

    this.addSql(`create table "staff_notifications" ("id" bigserial primary key, "org_id" uuid not null, "user_id" uuid not null, "appeal_id" uuid not null, "kind" text check ("kind" in ('assigned', 'at_risk', 'breached', 'emergency', 'undelivered')) not null, "created_at" timestamptz not null, "read_at" timestamptz null);`);
    this.addSql(`create index "staff_notifications_user_id_read_at_index" on "staff_notifications" ("user_id", "read_at");`);

    this.addSql(`create table "appeal_events" ("id" bigserial primary key, "org_id" uuid not null, "appeal_id" uuid not null, "kind" text check ("kind" in ('filed', 'routed', 'assigned', 'taken', 'status', 'reclassified', 'replied', 'note', 'resident_message', 'reopened', 'closed', 'at_risk', 'breached', 'alerted', 'delivered', 'undelivered', 'rated', 'sla_recomputed')) not null, "actor_id" uuid null, "data" jsonb not null, "at" timestamptz not null);`);
    this.addSql(`create index "appeal_events_appeal_id_id_index" on "appeal_events" ("appeal_id", "id");`);

    this.addSql(`create table "teams" ("id" uuid not null, "org_id" uuid not null, "name" varchar(120) not null, "lead_id" uuid null, "created_at" timestamptz not null, constraint "teams_pkey" primary key ("id"));`);
    this.addSql(`alter table "teams" add constraint "teams_org_id_name_unique" unique ("org_id", "name");`);

    this.addSql(`create table "routing_rules" ("id" uuid not null, "org_id" uuid not null, "position" int not null, "type" text check ("type" in ('question', 'debt_structure', 'emergency', 'complaint', 'meter_issue')) null, "category" varchar(32) null, "building_id" uuid null, "team_id" uuid not null, "auto_assign" boolean not null default true, constraint "routing_rules_pkey" primary key ("id"));`);
    this.addSql(`create index "routing_rules_org_id_position_index" on "routing_rules" ("org_id", "position");`);

    this.addSql(`create table "team_members" ("team_id" uuid not null, "user_id" uuid not null, "org_id" uuid not null, "on_duty" boolean not null default true, constraint "team_members_pkey" primary key ("team_id", "user_id"));`);
    this.addSql(`create index "team_members_user_id_index" on "team_members" ("user_id");`);

    this.addSql(`alter table "canned_answers" add constraint "canned_answers_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "appeal_settings" add constraint "appeal_settings_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "staff_notifications" add constraint "staff_notifications_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade;`);

    this.addSql(`alter table "appeal_events" add constraint "appeal_events_appeal_id_foreign" foreign key ("appeal_id") references "appeals" ("id") on update cascade;`);

    this.addSql(`alter table "teams" add constraint "teams_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);
    this.addSql(`alter table "teams" add constraint "teams_lead_id_foreign" foreign key ("lead_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "routing_rules" add constraint "routing_rules_team_id_foreign" foreign key ("team_id") references "teams" ("id") on update cascade;`);

    this.addSql(`alter table "team_members" add constraint "team_members_team_id_foreign" foreign key ("team_id") references "teams" ("id") on update cascade;`);
    this.addSql(`alter table "team_members" add constraint "team_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade;`);

    this.addSql(`alter table "appeals" add column "building_id" uuid null, add column "team_id" uuid null, add column "assignee_id" uuid null, add column "assigned_at" timestamptz null, add column "taken_at" timestamptz null, add column "sla_mode" text check ("sla_mode" in ('business', 'always')) not null default 'business', add column "clock_since" timestamptz null, add column "response_target_min" int null, add column "response_elapsed_s" int not null default 0, add column "response_due_at" timestamptz null, add column "responded_at" timestamptz null, add column "response_met" boolean null, add column "resolution_target_min" int null, add column "resolution_elapsed_s" int not null default 0, add column "resolution_due_at" timestamptz null, add column "resolved_at" timestamptz null, add column "resolution_met" boolean null, add column "next_check_at" timestamptz null, add column "alerted_at" timestamptz null, add column "last_author" text check ("last_author" in ('resident', 'staff', 'system')) null, add column "last_message_at" timestamptz null, add column "closed_at" timestamptz null, add column "escalated" smallint not null default 0, add column "rating" smallint null, add column "rated_at" timestamptz null;`);
    this.addSql(`alter table "appeals" add constraint "appeals_assignee_id_foreign" foreign key ("assignee_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "appeals_open_due_index" on "appeals" ("org_id", "resolution_due_at") where "status" <> 'closed';`);
    this.addSql(`create index "appeals_next_check_index" on "appeals" ("next_check_at") where "next_check_at" is not null;`);
    this.addSql(`create index "appeals_assignee_open_index" on "appeals" ("assignee_id") where "status" in ('new', 'assigned', 'waiting');`);
    this.addSql(`create index "appeals_answered_index" on "appeals" ("resolved_at") where "status" = 'answered';`);
    // The open queues of the inbox in their order (emergencies first, then the nearest deadline): a page is read off
    // the index instead of sorting every open appeal.
    this.addSql(`create index "appeals_open_queue_index" on "appeals" ("org_id", ("type" = 'emergency') desc, coalesce("response_due_at", "resolution_due_at"), "number") where "status" in ('new', 'assigned', 'waiting');`);
    // The «closed» queue of the inbox, newest first, without sorting every closed appeal of the organisation.
    this.addSql(`create index "appeals_closed_index" on "appeals" ("org_id", "closed_at" desc, "number" desc) where "status" = 'closed';`);

    this.addSql(`alter table "appeal_messages" add column "internal" boolean not null default false;`);
    for (const table of TENANT_TABLES) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy tenant_isolation on "${table}" using (org_id = fp_current_org()) with check (org_id = fp_current_org());`);
    }
    // The escalation sweep runs for every organisation at once: it may see which appeals are due, nothing more.
    this.addSql(`create function fp_due_appeals(p_now timestamptz, p_limit int) returns table (org_id uuid, id uuid) language sql stable security definer set search_path = public as
      $$ select org_id, id from appeals where next_check_at <= p_now order by next_check_at limit p_limit $$;`);
    // Answered appeals the resident did not come back to close by themselves after the organisation's days.
    this.addSql(`create function fp_stale_answered(p_now timestamptz, p_limit int) returns table (org_id uuid, id uuid) language sql stable security definer set search_path = public as
      $$ select a.org_id, a.id from appeals a left join appeal_settings s on s.org_id = a.org_id
         where a.status = 'answered' and a.resolved_at < p_now - make_interval(days => coalesce(s.auto_close_days, 7)::int) order by a.resolved_at limit p_limit $$;`);
    for (const fn of ['fp_due_appeals(timestamptz, int)', 'fp_stale_answered(timestamptz, int)']) {
      this.addSql(`revoke all on function ${fn} from public;`);
      this.addSql(`grant execute on function ${fn} to familypay_app;`);
    }
    // The history of an appeal is written once and never changed.
    this.addSql(`revoke update, delete, truncate on "appeal_events" from familypay_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists fp_due_appeals(timestamptz, int);`);
    this.addSql(`drop function if exists fp_stale_answered(timestamptz, int);`);
    this.addSql(`alter table "routing_rules" drop constraint "routing_rules_team_id_foreign";`);

    this.addSql(`alter table "team_members" drop constraint "team_members_team_id_foreign";`);

    this.addSql(`drop table if exists "canned_answers" cascade;`);

    this.addSql(`drop table if exists "calendar_days" cascade;`);

    this.addSql(`drop table if exists "appeal_settings" cascade;`);

    this.addSql(`drop table if exists "sla_policies" cascade;`);

    this.addSql(`drop table if exists "staff_notifications" cascade;`);

    this.addSql(`drop table if exists "appeal_events" cascade;`);

    this.addSql(`drop table if exists "teams" cascade;`);

    this.addSql(`drop table if exists "routing_rules" cascade;`);

    this.addSql(`drop table if exists "team_members" cascade;`);

    this.addSql(`alter table "appeals" drop constraint "appeals_assignee_id_foreign";`);

    this.addSql(`alter table "appeal_messages" drop column "internal";`);

    this.addSql(`drop index "appeals_open_due_index";`);
    this.addSql(`drop index "appeals_next_check_index";`);
    this.addSql(`drop index "appeals_assignee_open_index";`);
    this.addSql(`drop index "appeals_answered_index";`);
    this.addSql(`drop index "appeals_closed_index";`);
    this.addSql(`drop index "appeals_open_queue_index";`);
    this.addSql(`alter table "appeals" drop column "building_id", drop column "team_id", drop column "assignee_id", drop column "assigned_at", drop column "taken_at", drop column "sla_mode", drop column "clock_since", drop column "response_target_min", drop column "response_elapsed_s", drop column "response_due_at", drop column "responded_at", drop column "response_met", drop column "resolution_target_min", drop column "resolution_elapsed_s", drop column "resolution_due_at", drop column "resolved_at", drop column "resolution_met", drop column "next_check_at", drop column "alerted_at", drop column "last_author", drop column "last_message_at", drop column "closed_at", drop column "escalated", drop column "rating", drop column "rated_at";`);
  }

}
