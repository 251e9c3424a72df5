import type { Database } from '../infra/database/database.ts';
import { isUuid } from '../shared/index.ts';
import type { LinkRow } from './links-export.ts';
import type { PayLinks } from './pay-links.ts';

/**
 * Where the signed links of an organisation come from: every open account's (for bills), the entrance plate's
 * and each collector's. URLs follow the public pages: `/pay/<token>` for an account, `/pay/o/<token>` for a
 * plate or a collector's card, where the resident types the account.
 */

/** Rows per read: one short transaction each, so a slow download never holds a transaction open. */
export const LINKS_PAGE_SIZE = 1_000;

const accountUrl = (publicUrl: string, token: string) => `${publicUrl}/pay/${token}`;
const plateUrl = (publicUrl: string, token: string) => `${publicUrl}/pay/o/${token}`;

type PageRow = { id: string; number: string; address: string | null; premise: string | null };

/** The same address as the payment page shows (pay-page.ts), so a bill and the page agree. */
const addressOf = (row: PageRow) => [row.address, row.premise ? `кв. ${row.premise}` : null].filter(Boolean).join(', ');

/**
 * Every open account with a freshly signed account link, in account-number order. Pages are read by keyset
 * (`number > last`), not offset: each page costs the same however deep the export, and an account opened or
 * closed meanwhile neither repeats nor shifts a row. The (org_id, number) unique index serves both filter and order.
 */
export async function* accountLinkRows(db: Database, orgId: string, links: PayLinks, publicUrl: string): AsyncGenerator<LinkRow> {
  let after: string | null = null;
  for (;;) {
    const page: PageRow[] = await db.withTenant(orgId, (em) => em.execute<PageRow[]>(
      `select a.id, a.number, b.address, p.number as premise
       from accounts a
       left join premises p on p.org_id = a.org_id and p.id = a.premise_id
       left join buildings b on b.org_id = a.org_id and b.id = p.building_id
       where a.org_id = ? and a.status = 'open'${after === null ? '' : ' and a.number > ?'}
       order by a.number limit ?`, after === null ? [orgId, LINKS_PAGE_SIZE] : [orgId, after, LINKS_PAGE_SIZE]));
    for (const row of page) {
      const token = await links.sign({ orgId, purpose: 'account', subjectId: row.id });
      yield { accountNumber: row.number, url: accountUrl(publicUrl, token), address: addressOf(row) };
    }
    if (page.length < LINKS_PAGE_SIZE) return;
    after = page[page.length - 1]!.number;
  }
}

/** How many rows accountLinkRows would give. */
export async function countOpenAccounts(db: Database, orgId: string): Promise<number> {
  const [row] = await db.withTenant(orgId, (em) => em.execute<{ n: number }[]>(
    `select count(*)::int as n from accounts where org_id = ? and status = 'open'`, [orgId]));
  return row?.n ?? 0;
}

/** One open account's link (the account card, its QR); null when the account is missing, closed or another's. */
export async function accountLink(db: Database, links: PayLinks, orgId: string, accountId: string, publicUrl: string): Promise<string | null> {
  if (!isUuid(accountId)) return null;
  const [row] = await db.withTenant(orgId, (em) => em.execute<{ id: string }[]>(
    `select id from accounts where org_id = ? and id = ? and status = 'open'`, [orgId, accountId]));
  return row ? accountUrl(publicUrl, await links.sign({ orgId, purpose: 'account', subjectId: row.id })) : null;
}

/** The organisation's entrance plate: opens the page without an account. */
export async function plateLink(links: PayLinks, orgId: string, publicUrl: string): Promise<string> {
  return plateUrl(publicUrl, await links.sign({ orgId, purpose: 'plate', subjectId: null }));
}

/** A collector's card: the caller checks that the collector is this organisation's and active. */
export async function collectorLink(links: PayLinks, orgId: string, collectorId: string, publicUrl: string): Promise<string> {
  return plateUrl(publicUrl, await links.sign({ orgId, purpose: 'collector', subjectId: collectorId }));
}
