/**
 * The role the application acts as. It owns no table and is not a superuser, so PostgreSQL row-level security
 * applies to it (owners and superusers bypass RLS). Migrations create it NOLOGIN and grant it table rights;
 * production logins are made members of it (README «Database roles»).
 */
export const APP_ROLE = 'familypay_app';

/** The transaction-local setting that names the current tenant; policies read it through fp_current_org(). */
export const TENANT_SETTING = 'app.org_id';

/**
 * Tables that carry org_id but are platform infrastructure read across tenants (the outbox relay; a staff session
 * spans the user's organisations; `familypay verify` walks the file chain of every organisation).
 */
export const PLATFORM_TABLES_WITH_ORG_ID: readonly string[] = ['outbox', 'staff_sessions', 'file_chain', 'api_keys'];
