import { Router } from 'express';
import type { Database } from '../core/infra/database/database.ts';
import { checkFileRef, loadDocumentFile } from '../core/documents/index.ts';
import { isUuid, type Clock } from '../core/shared/index.ts';
import { sendStoredFile } from './send-file.ts';

/**
 * `GET /files/:orgId/:fileId?e=&s=`: a conversation file (a PDF statement sent in a chat). The link carries its own
 * HMAC and expiry; a wrong, foreign or stale link is a plain 404, so ids cannot be probed.
 */
export function filesRoutes(deps: { db: Database; clock: Clock; secretKey: string }): Router {
  const router = Router();
  router.get('/files/:orgId/:fileId', async (req, res) => {
    const { orgId, fileId } = req.params;
    const expires = Number(req.query.e);
    const sig = typeof req.query.s === 'string' ? req.query.s : '';
    if (!isUuid(orgId) || !isUuid(fileId) || !checkFileRef(deps.secretKey, orgId, fileId, expires, sig, deps.clock.now())) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    const file = await deps.db.withTenant(orgId, (em) => loadDocumentFile(em, orgId, fileId));
    if (!file) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    sendStoredFile(res, file);
  });
  return router;
}
