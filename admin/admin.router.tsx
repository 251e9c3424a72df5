import express, { Router, type RequestHandler } from 'express';
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
import { registriesRoutes } from './routes/registries.routes.tsx';
import { apiKeysRoutes } from './routes/api-keys.routes.tsx';
import { paymentsRoutes } from './routes/payments.routes.tsx';
import { linksRoutes } from './routes/links.routes.tsx';
import { channelsRoutes, hasChannels } from './routes/channels.routes.tsx';
import { residentsRoutes } from './routes/residents.routes.tsx';
import { appealSettingsRoutes } from './routes/appeal-settings.routes.tsx';
import { appealReportsRoutes } from './routes/appeal-reports.routes.tsx';
import { appealsRoutes } from './routes/appeals.routes.tsx';
import { isReplyUpload } from './routes/appeal-upload.ts';
import { isMultipartUpload } from './routes/registry-upload.ts';
import { notFound } from './routes/not-found.tsx';

const require = createRequire(import.meta.url);
const HTMX = require.resolve('htmx.org/dist/htmx.min.js');
const STATIC = new URL('./static/', import.meta.url).pathname;

/** Every id in an admin URL is a UUID; anything else is not found (and never reaches SQL as a bad uuid). */
export const ID_PARAMS = ['accountId', 'recipientId', 'serviceId', 'membershipId', 'importId', 'keyId', 'paymentId', 'collectorId',
  'teamId', 'memberId', 'ruleId', 'cannedId',
  'appealId', 'fileId',
  'connectionId', 'personId'] as const;
/** Stored files are addressed by their SHA-256, 64 hex digits. */
export const HASH_PARAMS = ['sha256'] as const;

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
  const csrf = verifyCsrf(deps);
  // The registry upload and an appeal reply with files are multipart: their handlers run this same check on the
  // form's token before keeping a byte (registry-upload.ts, appeal-upload.ts).
  const csrfUnlessUpload: RequestHandler = (req, res, next) => (isMultipartUpload(req) || isReplyUpload(req) ? next() : csrf(req, res, next));
  router.use('/admin', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 600 }), loadSession(deps), csrfUnlessUpload, (_req, res, next) => {
    // A strict policy: scripts and styles only from our own files; no framing; forms post only to us.
    res.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    next();
  });
  for (const name of ID_PARAMS) {
    router.param(name, (_req, res, next, value: string) => (isUuid(value) ? next() : notFound(res)));
  }
  for (const name of HASH_PARAMS) {
    router.param(name, (_req, res, next, value: string) => (/^[0-9a-f]{64}$/i.test(value) ? next() : notFound(res)));
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
  if (deps.registries) registriesRoutes(router, { ...deps, registries: deps.registries });
  apiKeysRoutes(router, deps);
  // Before paymentsRoutes: /admin/payments/links would otherwise be taken for a :paymentId (and answered 404).
  linksRoutes(router, deps);
  paymentsRoutes(router, deps);
  if (hasChannels(deps)) channelsRoutes(router, deps);
  residentsRoutes(router, deps);
  // Before the appeal card's '/admin/appeals/:appealId', which would take «settings» for an id (and answer 404).
  appealSettingsRoutes(router, deps);
  // Before the appeal card's '/admin/appeals/:appealId', which would take «reports» for an id (and answer 404).
  appealReportsRoutes(router, deps);
  appealsRoutes(router, deps);
  return router;
}
