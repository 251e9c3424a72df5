import type { Router } from 'express';
import { ACCOUNT_SORTS, type AccountSort } from '../../core/accounts/index.ts';
import { listAudit } from '../../core/audit/index.ts';
import type { AdminDeps } from '../deps.ts';
import { pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { accountCharges } from '../../core/billing/index.ts';
import { accountDebt } from '../../core/payments/index.ts';
import { AccountCardPage, AccountsPage, ACCOUNTS_PAGE_SIZE, type AccountsQuery } from '../views/accounts.tsx';
import { notFound } from './not-found.tsx';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function accountsQuery(query: Record<string, unknown>): AccountsQuery {
  const sort = ACCOUNT_SORTS.includes(str(query.sort) as AccountSort) ? (str(query.sort) as AccountSort) : 'number';
  const page = Math.min(Math.max(1, Number.parseInt(str(query.page), 10) || 1), 10_000);
  return { q: str(query.q).slice(0, 100), sort, dir: str(query.dir) === 'desc' ? 'desc' : 'asc', page };
}

export function accountsRoutes(router: Router, deps: AdminDeps): void {
  const readers = requireRole('admin', 'accountant', 'operator', 'lawyer');

  router.get('/admin/accounts', requireStaff, readers, async (req, res) => {
    const orgId = locals(res).staff!.current!.orgId;
    const query = accountsQuery(req.query);
    const { rows, total } = await deps.accounts.search(orgId, {
      q: query.q, sort: query.sort, dir: query.dir, limit: ACCOUNTS_PAGE_SIZE, offset: (query.page - 1) * ACCOUNTS_PAGE_SIZE,
    });
    sendPage(res, <AccountsPage {...pageProps(res)} query={query} rows={rows} total={total} />);
  });

  router.get('/admin/accounts/:accountId', requireStaff, readers, async (req, res) => {
    const orgId = locals(res).staff!.current!.orgId;
    const card = await deps.accounts.card(orgId, String(req.params.accountId));
    if (!card) return notFound(res);
    const [history, charges, debt] = await deps.db.withTenant(orgId, async (em) => [
      await listAudit(em, orgId, { entityType: 'account', entityId: card.account.id }, { limit: 50, offset: 0 }),
      await accountCharges(em, orgId, card.account.id),
      await accountDebt(em, orgId, card.account.id),
    ] as const);
    // The resident's own payment page (/pay/<token>); a closed account's would only say it is closed.
    const payUrl = deps.payments && card.account.status === 'open'
      ? `${deps.publicUrl}/pay/${await deps.payments.links.sign({ orgId, purpose: 'account', subjectId: card.account.id })}` : null;
    sendPage(res, <AccountCardPage {...pageProps(res)} card={card} history={history.rows} charges={charges} debt={debt} payUrl={payUrl} />);
  });
}
