import { Router, type Request, type Response } from 'express';
import { Transform } from 'node:stream';
import type { Database } from '../../core/infra/database/database.ts';
import type { Logger } from '../../core/infra/logger/logger.ts';
import { parseEncodingName, REGISTRY_ENCODINGS, type ImportOptions, type ImportReport, type RegistriesService, type RegistryEncoding } from '../../core/registries/index.ts';
import { isUuid, translate, type Clock, type Locale } from '../../core/shared/index.ts';
import { requestLocale } from '../http-app.ts';
import { principalOf, requireApiKey, sendApiError } from './api-auth.ts';

export type RegistriesApiDeps = {
  readonly db: Database;
  readonly clock: Clock;
  readonly registries: RegistriesService;
  readonly logger?: Logger;
  /** The largest body accepted (default 200 MiB, as in the admin upload). */
  readonly maxBytes?: number;
};

export const API_UPLOAD_LIMIT_BYTES = 200 * 1024 * 1024;
/** «200 МБ»: the limit as people read it, in their language. */
const limitText = (bytes: number, locale: Locale) => `${Number((bytes / 1024 / 1024).toFixed(1))} ${locale === 'en' ? 'MB' : 'МБ'}`;

class BodyTooLarge extends Error {}
class BodyAborted extends Error {}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The file's name: `?name=`, then `X-File-Name` (percent-encoded when not ASCII), then Content-Disposition. */
export function fileNameOf(req: Request): string {
  const decode = (text: string) => { try { return decodeURIComponent(text); } catch { return text; } };
  const disposition = req.get('content-disposition') ?? '';
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)?.[1];
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;\s]+)/.exec(disposition);
  const name = str(req.query.name) || decode(req.get('x-file-name') ?? '').trim() || (extended ? decode(extended) : '') || (plain?.[1] ?? plain?.[2] ?? '');
  return name.split(/[\\/]/).pop()?.trim() || 'registry';
}

type ParsedQuery = { ok: true; options: Omit<ImportOptions, 'source' | 'actor'> } | { ok: false; name: string; expected: string };

export function parseQuery(query: Record<string, unknown>): ParsedQuery {
  const flag = (name: string): boolean | null => ({ '': false, '0': false, false: false, '1': true, true: true } as Record<string, boolean>)[str(query[name])] ?? null;
  const dryRun = flag('dryRun');
  const validRowsOnly = flag('validRowsOnly');
  if (dryRun === null) return { ok: false, name: 'dryRun', expected: 'http.api.flagExpected' };
  if (validRowsOnly === null) return { ok: false, name: 'validRowsOnly', expected: 'http.api.flagExpected' };
  // Absent means the default (check a total line when there is one); only an explicit 0 or false turns it off.
  const totalsCheck = str(query.totalsCheck) === '' ? true : flag('totalsCheck');
  if (totalsCheck === null) return { ok: false, name: 'totalsCheck', expected: 'http.api.flagExpected' };
  const encoding = str(query.encoding).toLowerCase();
  const period = str(query.period);
  if (period && !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return { ok: false, name: 'period', expected: 'http.api.periodExpected' };
  const profile = str(query.profile);
  return {
    ok: true,
    options: {
      dryRun, validRowsOnly, ...(totalsCheck ? {} : { totalsCheck: false }),
      // «cp1251», «1251», «dos»…: the names customers' systems send; an unknown one is refused below.
      ...(encoding ? { encoding: (parseEncodingName(encoding) ?? encoding) as RegistryEncoding } : {}),
      ...(period ? { period } : {}),
      ...(profile ? { profileName: profile.slice(0, 100) } : {}),
    },
  };
}

/** The report as JSON; every error keeps its line and column and gets its message in the caller's language. */
export const reportJson = (report: ImportReport, locale: Locale) => ({
  ...report,
  errors: report.errors.map((e) => ({ line: e.line, column: e.column, value: e.value, code: e.code, message: translate(locale, e.code, e.params) })),
});

const STATUS: Record<ImportReport['status'], number> = { applied: 201, dry_run: 200, already_imported: 200, rejected: 422 };

/**
 * Customers' systems send accrual registries: POST the file's bytes (any content type), get the import report.
 * Authenticated by the organisation's API key (no cookies, so no CSRF); the body streams into the file store.
 */
export function registriesApi(deps: RegistriesApiDeps): Router {
  const router = Router();
  const maxBytes = deps.maxBytes ?? API_UPLOAD_LIMIT_BYTES;
  const auth = requireApiKey(deps);
  const tooLarge = (req: Request, res: Response) =>
    sendApiError(req, res, 413, 'REGISTRIES.FILE_TOO_LARGE', { limit: limitText(maxBytes, requestLocale(req.get('accept-language'))) });

  router.post('/api/v1/registries', auth, async (req, res) => {
    const locale = requestLocale(req.get('accept-language'));
    const parsed = parseQuery(req.query);
    if (!parsed.ok) return sendApiError(req, res, 400, 'http.api.badParameter', { name: parsed.name, expected: translate(locale, parsed.expected) });
    if (parsed.options.encoding && !REGISTRY_ENCODINGS.includes(parsed.options.encoding)) {
      return sendApiError(req, res, 400, 'REGISTRIES.ENCODING_UNKNOWN', { encoding: String(parsed.options.encoding) });
    }
    if (Number(req.get('content-length') ?? 0) > maxBytes) return tooLarge(req, res);
    const { orgId, name, prefix } = principalOf(res);
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(size > maxBytes ? new BodyTooLarge() : null, chunk);
      },
    });
    req.pipe(counted);
    // A client gone mid-body must not leave the store waiting for bytes (and holding its transaction).
    req.once('close', () => { if (!req.complete) counted.destroy(new BodyAborted()); });
    let report: ImportReport | null;
    try {
      const stored = await deps.registries.store(orgId, { name: fileNameOf(req), mediaType: req.get('content-type'), content: counted });
      const actor = { userId: null, label: `api:${name || prefix}`, ip: req.ip ?? null };
      report = await deps.registries.importStored(orgId, stored.sha256, { ...parsed.options, source: 'api', actor });
    } catch (e) {
      if (e instanceof BodyAborted) return undefined;
      if (!(e instanceof BodyTooLarge)) throw e;
      // The rest of the body is read and dropped, and the connection closed after the answer.
      req.unpipe(counted);
      req.resume();
      res.set('Connection', 'close');
      return tooLarge(req, res);
    }
    if (!report) throw new Error('a file just stored is missing');
    if (report.importId && (report.status === 'applied' || report.status === 'rejected')) res.location(`/api/v1/registries/${report.importId}`);
    res.status(STATUS[report.status]).json(reportJson(report, locale));
  });

  router.get('/api/v1/registries/:id', auth, async (req, res) => {
    const id = String(req.params.id);
    const found = isUuid(id) ? await deps.registries.getImport(principalOf(res).orgId, id) : null;
    if (!found) return sendApiError(req, res, 404, 'REGISTRIES.IMPORT_NOT_FOUND');
    const { item, report } = found;
    res.json({ ...reportJson(report, requestLocale(req.get('accept-language'))), importId: item.id, createdAt: item.createdAt, source: item.source, actor: item.actorLabel });
  });

  return router;
}
