import type { Database, Em } from '../infra/database/database.ts';
import type { StaffRole } from '../orgs/index.ts';

export type StaffOrg = { readonly orgId: string; readonly slug: string; readonly shortName: string; readonly role: StaffRole };

export type SessionWithUser = {
  id: string; orgId: string | null; createdAt: Date; lastSeenAt: Date; revokedAt: Date | null;
  user: { id: string; email: string; fullName: string; platformOperator: boolean; active: boolean };
  orgs: StaffOrg[];
};

type SessionRow = {
  id: string; org_id: string | null; created_at: Date | string; last_seen_at: Date | string; revoked_at: Date | string | null;
  user_id: string; email: string; full_name: string; platform_operator: boolean; active: boolean;
  orgs: { org_id: string; slug: string; short_name: string; role: StaffRole }[] | string | null;
};

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

export const staffRepo = {
  /** Session, user and the user's organisations in one statement, outside any transaction (a plain read). */
  async sessionWithUser(db: Database, id: string): Promise<SessionWithUser | null> {
    const [row] = await db.read((em) => em.execute<SessionRow[]>(
      `select s.id, s.org_id, s.created_at, s.last_seen_at, s.revoked_at, u.id as user_id, u.email, u.full_name, u.platform_operator, u.active,
         (select json_agg(o order by o.short_name) from fp_staff_orgs(u.id) o) as orgs
       from staff_sessions s join users u on u.id = s.user_id where s.id = ?`, [id]));
    if (!row) return null;
    const orgs = (typeof row.orgs === 'string' ? JSON.parse(row.orgs) : row.orgs ?? []) as Exclude<SessionRow['orgs'], string | null>;
    return {
      id: row.id, orgId: row.org_id, createdAt: asDate(row.created_at), lastSeenAt: asDate(row.last_seen_at),
      revokedAt: row.revoked_at === null ? null : asDate(row.revoked_at),
      user: { id: row.user_id, email: row.email, fullName: row.full_name, platformOperator: row.platform_operator, active: row.active },
      orgs: orgs.map((o) => ({ orgId: o.org_id, slug: o.slug, shortName: o.short_name, role: o.role })),
    };
  },


  /** The user's active memberships in active organisations, read through a narrow SECURITY DEFINER function:
   * before an organisation is chosen no tenant is set, so RLS would show none. */
  async orgsOf(em: Em, userId: string): Promise<StaffOrg[]> {
    const rows = await em.execute<{ org_id: string; slug: string; short_name: string; role: StaffRole }[]>(
      'select org_id, slug, short_name, role from fp_staff_orgs(?) order by short_name', [userId]);
    return rows.map((r) => ({ orgId: r.org_id, slug: r.slug, shortName: r.short_name, role: r.role }));
  },

  async failuresSince(em: Em, column: 'email_key' | 'ip', value: string, since: Date): Promise<number> {
    const [row] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from login_attempts where ${column} = ? and not success and at >= ?`, [value, since]);
    return row?.n ?? 0;
  },

  async recordAttempt(em: Em, attempt: { emailKey: string; ip: string; success: boolean; at: Date }): Promise<string> {
    const [row] = await em.execute<{ id: string }[]>('insert into login_attempts (email_key, ip, success, at) values (?, ?, ?, ?) returning id',
      [attempt.emailKey, attempt.ip.slice(0, 45), attempt.success, attempt.at]);
    return String(row!.id);
  },
};
