import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { App } from './compose.ts';

export const DEMO_ADMIN_EMAIL = 'admin@demo.familypay.local';
const PASSWORD_FILE = 'demo-admin-password.txt';

/**
 * The demo organisation's administrator. Its password is DEMO_ADMIN_PASSWORD when set; otherwise one generated
 * once and kept (mode 0600) in DATA_DIR, so every start can show it again. An existing admin is never changed.
 */
export async function ensureDemoAdmin(app: Pick<App, 'config' | 'orgs'>, orgId: string): Promise<{ email: string; password: string | null; created: boolean }> {
  const staff = await app.orgs.listStaff(orgId);
  const password = app.config.DEMO_ADMIN_PASSWORD ?? (await storedOrNewPassword(app.config.DATA_DIR));
  if (staff.some((m) => m.email === DEMO_ADMIN_EMAIL)) return { email: DEMO_ADMIN_EMAIL, password, created: false };
  const added = await app.orgs.addStaffUser(orgId, { email: DEMO_ADMIN_EMAIL, fullName: 'Администратор демо', password }, 'admin');
  if (!added.ok) throw new Error(`demo admin: ${added.error.map((e) => e.code).join(', ')}`);
  return { email: DEMO_ADMIN_EMAIL, password, created: true };
}

async function storedOrNewPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, PASSWORD_FILE);
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 10) return stored;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dataDir, { recursive: true });
  const password = randomBytes(12).toString('base64url');
  try {
    await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
    return password;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return (await readFile(file, 'utf8')).trim();
  }
}
