import type { Response, Router } from 'express';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/orgs/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import { ApiKeysPage, type ApiKeysPageProps } from '../views/api-keys.tsx';
import { notFound } from './not-found.tsx';
import { actorOf } from './settings.routes.tsx';

type Extra = Pick<ApiKeysPageProps, 'created' | 'revoked' | 'failed'>;

/** Keys for customers' systems (POST /api/v1/registries): the organisation's administrator manages them. */
export function apiKeysRoutes(router: Router, deps: AdminDeps): void {
  const admins = requireRole('admin');
  const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;

  async function show(res: Response, extra: Extra = {}, status = 200) {
    const keys = await listApiKeys(deps.db, orgIdOf(res));
    sendPage(res, <ApiKeysPage {...pageProps(res)} keys={keys} {...extra} />, status);
  }

  router.get('/admin/settings/api-keys', requireStaff, admins, (req, res) => show(res, { revoked: req.query.revoked === '1' }));

  // The new key is answered in the page itself, never through a redirect: it must not sit in a URL or history.
  router.post('/admin/settings/api-keys', requireStaff, admins, async (req, res) => {
    const name = field(req.body, 'name');
    const created = await createApiKey(deps.db, deps.clock, orgIdOf(res), actorOf(req, res), name);
    if (!created.ok) return show(res, { failed: { name, errors: created.error } }, 400);
    await show(res, { created: { name, key: created.value.key } });
  });

  router.post('/admin/settings/api-keys/:keyId/revoke', requireStaff, admins, async (req, res) => {
    const revoked = await revokeApiKey(deps.db, deps.clock, orgIdOf(res), actorOf(req, res), String(req.params.keyId));
    if (!revoked) return notFound(res);
    res.redirect(303, '/admin/settings/api-keys?revoked=1');
  });
}
