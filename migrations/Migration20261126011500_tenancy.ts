import { Migration } from '@mikro-orm/migrations';

/** Tenant-owned tables: each gets row-level security on org_id (organizations on its own id). */
const TENANT_TABLES = [
  'recipients', 'services', 'memberships', 'buildings', 'premises', 'accounts', 'account_number_sequences',
  'persons', 'contacts', 'identities', 'account_links',
];

/**
 * Row-level security is the real barrier between organisations (ARCHITECTURE.md «Data»). The application acts
 * as familypay_app, which owns nothing and is not a superuser, so the policies bind it; the tenant comes from
 * the transaction-local setting app.org_id, and with none set the policies match no row at all.
 */
export class Migration20261126011500_tenancy extends Migration {
  override async up(): Promise<void> {
    // Roles are cluster-wide: concurrent test databases may race to create it.
    this.addSql(`do $$ begin
      create role familypay_app nologin;
    exception when duplicate_object or unique_violation then null; end $$;`);
    // A non-superuser owner needs membership to SET ROLE; superusers already can.
    this.addSql(`do $$ begin
      execute format('grant familypay_app to %I', current_user);
    exception when others then null; end $$;`);

    this.addSql(`create function fp_current_org() returns uuid language sql stable as
      $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;`);
    // Resolving a public slug (payment page, bot deep link) happens before any tenant is known.
    this.addSql(`create function fp_org_id_by_slug(p_slug text) returns uuid language sql stable
      security definer set search_path = public as
      $$ select id from organizations where slug = p_slug and active $$;`);
    this.addSql(`revoke all on function fp_org_id_by_slug(text) from public;`);
    this.addSql(`grant execute on function fp_org_id_by_slug(text) to familypay_app;`);
    this.addSql(`grant execute on function fp_current_org() to familypay_app;`);

    this.addSql(`alter table organizations enable row level security;`);
    this.addSql(`create policy tenant_isolation on organizations using (id = fp_current_org()) with check (id = fp_current_org());`);
    for (const table of TENANT_TABLES) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy tenant_isolation on "${table}" using (org_id = fp_current_org()) with check (org_id = fp_current_org());`);
    }

    this.addSql(`grant select, insert, update, delete on all tables in schema public to familypay_app;`);
    this.addSql(`grant usage, select on all sequences in schema public to familypay_app;`);
    this.addSql(`revoke all on table mikro_orm_migrations from familypay_app;`);
    // Tables of later migrations get the same rights; append-only ones revoke what they must not allow.
    this.addSql(`alter default privileges in schema public grant select, insert, update, delete on tables to familypay_app;`);
    this.addSql(`alter default privileges in schema public grant usage, select on sequences to familypay_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter default privileges in schema public revoke all on tables from familypay_app;`);
    this.addSql(`alter default privileges in schema public revoke all on sequences from familypay_app;`);
    this.addSql(`revoke all on all tables in schema public from familypay_app;`);
    this.addSql(`revoke all on all sequences in schema public from familypay_app;`);
    for (const table of ['organizations', ...TENANT_TABLES]) {
      this.addSql(`drop policy if exists tenant_isolation on "${table}";`);
      this.addSql(`alter table "${table}" disable row level security;`);
    }
    this.addSql(`drop function if exists fp_org_id_by_slug(text);`);
    this.addSql(`drop function if exists fp_current_org();`);
  }
}
