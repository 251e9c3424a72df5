import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { keptSecret } from '../core/infra/config/kept-secret.ts';
import type { App } from './compose.ts';

export const DEMO_ADMIN_EMAIL = 'admin@demo.familypay.local';
const PASSWORD_FILE = 'demo-admin-password.txt';

/**
 * The demo organisation's administrator. Its password is DEMO_ADMIN_PASSWORD when set; otherwise one generated
 * once and kept (mode 0600) in DATA_DIR, so every start can show it again. An existing admin is never changed.
 */
export async function ensureDemoAdmin(app: Pick<App, 'config' | 'orgs'>, orgId: string): Promise<{ email: string; password: string | null; created: boolean }> {
  const staff = await app.orgs.listStaff(orgId);
  const password = app.config.DEMO_ADMIN_PASSWORD ?? (await keptSecret(path.join(app.config.DATA_DIR, PASSWORD_FILE), () => randomBytes(12).toString('base64url'), 10));
  if (staff.some((m) => m.email === DEMO_ADMIN_EMAIL)) return { email: DEMO_ADMIN_EMAIL, password, created: false };
  const added = await app.orgs.addStaffUser(orgId, { email: DEMO_ADMIN_EMAIL, fullName: 'Администратор демо', password }, 'admin');
  if (!added.ok) throw new Error(`demo admin: ${added.error.map((e) => e.code).join(', ')}`);
  return { email: DEMO_ADMIN_EMAIL, password, created: true };
}
