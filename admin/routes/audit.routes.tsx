import type { Router } from 'express';
import { listAudit, type AuditFilter } from '../../core/audit/index.ts';
import type { AdminDeps } from '../deps.ts';
import { pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { AuditPage } from '../views/audit.tsx';

const PAGE_SIZE = 50;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const day = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? new Date(`${v}T00:00:00Z`) : undefined);

export function auditFilter(query: Record<string, unknown>): AuditFilter & { page: number } {
  const to = day(str(query.to));
  return {
    action: /^[a-z.]{1,40}$/.test(str(query.action)) ? str(query.action) : undefined,
    actor: str(query.actor).slice(0, 100) || undefined,
    from: day(str(query.from)),
    // «to» is inclusive for the person picking dates: up to the end of that day.
    to: to ? new Date(to.getTime() + 86_400_000) : undefined,
    page: Math.min(Math.max(1, Number.parseInt(str(query.page), 10) || 1), 10_000),
  };
}

export function auditRoutes(router: Router, deps: AdminDeps): void {
  router.get('/admin/audit', requireStaff, requireRole('admin'), async (req, res) => {
    const orgId = locals(res).staff!.current!.orgId;
    const filter = auditFilter(req.query);
    const { rows, total } = await deps.db.withTenant(orgId, (em) => listAudit(em, orgId, filter, { limit: PAGE_SIZE, offset: (filter.page - 1) * PAGE_SIZE }));
    const shown = { ...filter, to: filter.to ? new Date(filter.to.getTime() - 86_400_000) : undefined };
    sendPage(res, <AuditPage {...pageProps(res)} filter={shown} rows={rows} total={total} pageSize={PAGE_SIZE} />);
  });
}
