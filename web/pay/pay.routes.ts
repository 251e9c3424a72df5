import express, { Router } from 'express';
import path from 'node:path';
import { payHeaders, type PayDeps } from './pay-http.ts';
import { payPageRoutes } from './pay-page.routes.tsx';
import { payPlateRoutes } from './pay-plate.routes.tsx';
import { payStatusRoutes } from './pay-status.routes.tsx';

const STATIC = new URL('./static/', import.meta.url).pathname;

/**
 * The resident's side: `/pay/:token` (a bill's or a message's link), `/pay/o/:token` (a plate or a collector's
 * card), `/pay/p/:paymentId?r=` (one payment's status). Full paths on one router, like the admin's, so every
 * route and method can be listed from `router.stack`.
 */
export function payRoutes(deps: PayDeps): Router {
  const router = Router();
  router.get('/pay/static/:file', (req, res) => {
    const file = String(req.params.file);
    if (!/^[\w-]+\.(css|js)$/.test(file)) return res.status(404).end();
    res.set('Cache-Control', 'public, max-age=3600').sendFile(path.join(STATIC, file), (e) => { if (e && !res.headersSent) res.status(404).end(); });
  });
  // A pay form is a few short fields and up to a few dozen service ticks.
  router.use('/pay', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }), payHeaders(deps));
  payStatusRoutes(router, deps);
  payPlateRoutes(router, deps);
  payPageRoutes(router, deps);
  return router;
}
