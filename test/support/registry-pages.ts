import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Database } from '../../core/infra/database/database.ts';
import { orgInput } from '../fixtures/orgs.ts';
import { Browser, type AdminHarness } from './admin-harness.ts';
import { multipart, type Part } from './multipart.ts';

/** What the registry page tests share: the fixture, staff, the upload form, the import form, row counts. */
export const PASSWORD = 'correct horse battery';
export const FIXTURE = readFileSync(new URL('../fixtures/registries/accruals.cp1251.txt', import.meta.url));
export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** An organisation with a recipient (services a file names are created for it) and an admin and a lawyer. */
export async function orgWithStaff(admin: AdminHarness, slug: string): Promise<string> {
  const created = await admin.orgs.createOrganization(orgInput(slug));
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  await admin.orgs.addRecipient(created.value.id, { ...orgInput(slug), name: 'МУП «Водоканал»' });
  for (const role of ['admin', 'lawyer'] as const) {
    await admin.orgs.addStaffUser(created.value.id, { email: `${role}@${slug}.test`, fullName: role, password: PASSWORD }, role);
  }
  return created.value.id;
}

export async function signedIn(admin: AdminHarness, email: string): Promise<Browser> {
  const browser = new Browser(admin.url);
  expect(await browser.signIn(email, PASSWORD)).toBe(303);
  await browser.get('/admin/registries');
  return browser;
}

/** Posts the upload form as a browser does: the CSRF field first (unless told otherwise), then the file. */
export async function upload(admin: AdminHarness, browser: Browser, name: string, bytes: Buffer, options: { token?: string | null; fileFirst?: boolean } = {}) {
  const token = options.token === undefined ? browser.csrf : options.token;
  const file: Part = { name: 'file', filename: name, bytes };
  const csrf: Part[] = token === null ? [] : [{ name: '_csrf', value: token }];
  const { body, contentType } = multipart(options.fileFirst ? [file, ...csrf] : [...csrf, file]);
  const res = await fetch(`${admin.url}/admin/registries/upload`, {
    method: 'POST', redirect: 'manual', body, headers: { 'content-type': contentType, cookie: `fp_sid=${browser.cookie('fp_sid')}` },
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/** The import form of a preview page as the browser would send it untouched: hidden fields and chosen fields. */
export function importFields(html: string): Record<string, string> {
  const form = /<form[^>]*id="import"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]!] = m[2]!;
  for (const m of form.matchAll(/<select name="(col\.\d+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option value="([^"]*)" selected/.exec(m[2]!)?.[1];
    if (chosen) fields[m[1]!] = chosen;
  }
  delete fields._csrf;
  return fields;
}

export const tenantCounts = (db: Database, orgId: string) => db.withTenant(orgId, async (em) => {
  const [row] = await em.execute<{ accounts: string; charges: string; files: string }[]>(
    'select (select count(*) from accounts) as accounts, (select count(*) from charges) as charges, (select count(*) from stored_files) as files');
  return { accounts: Number(row!.accounts), charges: Number(row!.charges), files: Number(row!.files) };
});
