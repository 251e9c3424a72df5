import express, { Router } from 'express';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isUuid } from '../core/shared/index.ts';
import type { AdminDeps } from './deps.ts';
import { loadSession, verifyCsrf, locals, requireStaff } from './session.ts';
import { authRoutes } from './routes/auth.routes.tsx';
import { accountsRoutes } from './routes/accounts.routes.tsx';
import { auditRoutes } from './routes/audit.routes.tsx';
import { settingsRoutes } from './routes/settings.routes.tsx';
import { catalogRoutes } from './routes/catalog.routes.tsx';
import { staffRoutes } from './routes/staff.routes.tsx';
import { platformRoutes } from './routes/platform.routes.tsx';
import { notFound } from './routes/not-found.tsx';

const require = createRequire(import.meta.url);
const HTMX = require.resolve('htmx.org/dist/htmx.min.js');
const STATIC = new URL('./static/', import.meta.url).pathname;

/** Every id in an admin URL is a UUID; anything else is not found (and never reaches SQL as a bad uuid). */
export const ID_PARAMS = ['accountId', 'recipientId', 'serviceId', 'membershipId'] as const;

/**
 * The staff app: one flat router with full paths, so the tenant-isolation test can list every route and method
 * from `router.stack`. Route modules register onto it; each guards itself with requireStaff/requireRole.
 */
export function makeAdminRouter(deps: AdminDeps): Router {
  const router = Router();
  // Browsers ask for it on every first visit; an empty answer instead of a 404 in every console.
  router.get('/favicon.ico', (_req, res) => res.set('Cache-Control', 'public, max-age=86400').status(204).end());
  router.get('/admin/static/htmx.min.js', (_req, res) => res.set('Cache-Control', 'public, max-age=86400').sendFile(HTMX));
  router.get('/admin/static/:file', (req, res) => {
    const file = String(req.params.file);
    if (!/^[\w-]+\.(css|js)$/.test(file)) return res.status(404).end();
    res.set('Cache-Control', 'public, max-age=3600').sendFile(path.join(STATIC, file), (e) => { if (e && !res.headersSent) res.status(404).end(); });
  });
  router.use('/admin', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }), loadSession(deps), verifyCsrf(deps), (_req, res, next) => {
    // A strict policy: scripts and styles only from our own files; no framing; forms post only to us.
    res.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    next();
  });
  for (const name of ID_PARAMS) {
    router.param(name, (_req, res, next, value: string) => (isUuid(value) ? next() : notFound(res)));
  }
  router.get('/admin', requireStaff, (_req, res) => {
    const role = locals(res).staff?.current?.role;
    res.redirect(303, role ? '/admin/accounts' : locals(res).staff?.user.platformOperator ? '/admin/platform/orgs/new' : '/admin/login');
  });
  authRoutes(router, deps);
  accountsRoutes(router, deps);
  auditRoutes(router, deps);
  settingsRoutes(router, deps);
  catalogRoutes(router, deps);
  staffRoutes(router, deps);
  platformRoutes(router, deps);
  return router;
}
