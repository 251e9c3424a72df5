import type { Em } from '../infra/database/database.ts';
import type { StaffRole } from '../orgs/index.ts';

export type StaffOrg = { readonly orgId: string; readonly slug: string; readonly shortName: string; readonly role: StaffRole };

export const staffRepo = {
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
