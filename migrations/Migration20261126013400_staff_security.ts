import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log is per organisation (RLS) and append-only: the application role may insert and read only, and a
 * trigger refuses UPDATE, DELETE and TRUNCATE to everyone, owner included. fp_staff_orgs lists a user's
 * organisations at sign-in, before any tenant is set.
 */
export class Migration20261126013400_staff_security extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table audit_log enable row level security;`);
    this.addSql(`create policy tenant_isolation on audit_log using (org_id = fp_current_org()) with check (org_id = fp_current_org());`);
    this.addSql(`revoke update, delete, truncate on audit_log from familypay_app;`);
    this.addSql(`create function fp_refuse_change() returns trigger language plpgsql as $$
      begin raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege'; end $$;`);
    this.addSql(`create trigger audit_log_append_only before update or delete on audit_log for each row execute function fp_refuse_change();`);
    this.addSql(`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function fp_refuse_change();`);

    this.addSql(`create function fp_staff_orgs(p_user uuid) returns table (org_id uuid, slug text, short_name text, role text)
      language sql stable security definer set search_path = public as
      $$ select o.id, o.slug::text, o.short_name::text, m.role::text from memberships m join organizations o on o.id = m.org_id
         where m.user_id = p_user and m.active and o.active $$;`);
    this.addSql(`revoke all on function fp_staff_orgs(uuid) from public;`);
    this.addSql(`grant execute on function fp_staff_orgs(uuid) to familypay_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists fp_staff_orgs(uuid);`);
    this.addSql(`drop trigger if exists audit_log_no_truncate on audit_log;`);
    this.addSql(`drop trigger if exists audit_log_append_only on audit_log;`);
    this.addSql(`drop function if exists fp_refuse_change();`);
    this.addSql(`drop policy if exists tenant_isolation on audit_log;`);
    this.addSql(`alter table audit_log disable row level security;`);
  }
}
