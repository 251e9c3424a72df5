import type { Request, Response, Router } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../core/shared/index.ts';
import type { RegistriesAdminDeps } from '../deps.ts';
import { pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff, verifyCsrf } from '../session.ts';
import type { FormErrors } from '../views/components.tsx';
import { RegistriesPage, REGISTRIES_PAGE_SIZE, REGISTRY_ROLES, UPLOAD_LIMIT_BYTES, uploadLimitText } from '../views/registries.tsx';
import { ReportPage } from '../views/registry-report.tsx';
import { notFound } from './not-found.tsx';
import { registryPreviewRoutes } from './registry-preview.routes.tsx';
import { isMultipartUpload, receiveUpload, UPLOAD_PATH } from './registry-upload.ts';

/**
 * `filename*` (RFC 5987/6266) carries the Cyrillic name exactly; `filename` is an ASCII stand-in for old clients.
 * Quotes, backslashes and control characters never reach the header.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'file';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const pageOf = (query: Record<string, unknown>) => Math.min(Math.max(1, Number.parseInt(String(query.page ?? ''), 10) || 1), 10_000);

export function registriesRoutes(router: Router, deps: RegistriesAdminDeps): void {
  const staff = requireRole(...REGISTRY_ROLES);
  const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;
  const csrf = verifyCsrf(deps);

  async function history(req: Request, res: Response, uploadErrors?: FormErrors, status = 200) {
    const page = pageOf(req.query);
    const { items, total } = await deps.registries.listImports(orgIdOf(res), { limit: REGISTRIES_PAGE_SIZE, offset: (page - 1) * REGISTRIES_PAGE_SIZE });
    sendPage(res, <RegistriesPage {...pageProps(res)} items={items} total={total} page={page} canUpload uploadErrors={uploadErrors} />, status);
  }

  router.get('/admin/registries', requireStaff, staff, (req, res) => history(req, res));

  router.post(UPLOAD_PATH, requireStaff, staff, async (req, res) => {
    // A form posted without multipart (or by a script) has no file; the router's CSRF check has passed it.
    if (!isMultipartUpload(req)) return history(req, res, [new AppError('REGISTRIES.UPLOAD_MISSING', { field: 'file' })], 400);
    const orgId = orgIdOf(res);
    const outcome = await receiveUpload(req, res, csrf, UPLOAD_LIMIT_BYTES,
      (input) => deps.registries.store(orgId, input));
    switch (outcome.kind) {
      case 'refused': return undefined;
      case 'stored': return res.redirect(303, `/admin/registries/preview/${outcome.stored.sha256}`);
      case 'tooLarge': return history(req, res, [new AppError('REGISTRIES.FILE_TOO_LARGE', { field: 'file', vars: { limit: uploadLimitText(locals(res).locale) } })], 413);
      case 'missing':
      case 'malformed': return history(req, res, [new AppError('REGISTRIES.UPLOAD_MISSING', { field: 'file' })], 400);
    }
  });

  router.get('/admin/registries/imports/:importId', requireStaff, staff, async (req, res) => {
    const found = await deps.registries.getImport(orgIdOf(res), String(req.params.importId));
    if (!found) return notFound(res);
    sendPage(res, <ReportPage {...pageProps(res)} report={found.report} />);
  });

  // Originals and lists of rejected rows, as stored: the bytes are checked against their address on the way.
  router.get('/admin/registries/files/:sha256', requireStaff, staff, async (req, res) => {
    const stored = await deps.registries.readStored(orgIdOf(res), String(req.params.sha256).toLowerCase());
    if (!stored) return notFound(res);
    // No Content-Length: should the bytes turn out not to match their hash (at the last chunk), the response
    // is cut off before its final chunk and the client sees a failed download, not a complete wrong file.
    res.set({ 'Content-Type': 'application/octet-stream', 'Content-Disposition': contentDisposition(stored.info.name), 'Cache-Control': 'private, no-store' });
    try {
      await pipeline(Readable.from(stored.bytes), res);
    } catch (e) {
      deps.logger.warn({ requestId: res.locals.requestId, code: (e as { code?: string }).code }, 'stored file download failed');
    }
  });

  registryPreviewRoutes(router, deps);
}
