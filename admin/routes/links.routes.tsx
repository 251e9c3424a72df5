import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler, Response, Router } from 'express';
import { recordAudit } from '../../core/audit/index.ts';
import { ndefHex, ndefTlv, ndefUriRecord, qrPng, qrSvg } from '../../core/documents/index.ts';
import {
  accountLink, accountLinkRows, addCollector, collectorLink, countOpenAccounts, findCollector, linksCsv, linksZip, listCollectors,
  paymentSettings, plateLink, savePaymentSettings, setCollectorActive, type ChangedBy, type PayLinks,
} from '../../core/payments/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import type { FormErrors } from '../views/components.tsx';
import { COLLECTOR_FIELDS, LINKS_PAGE, LinksPage, type CollectorView } from '../views/links.tsx';
import { inputValues, PAYMENT_SETTINGS_PAGE, PaymentSettingsPage, readableErrors, settingsInput, settingsValues } from '../views/links-settings.tsx';
import type { FormValues } from '../views/settings.tsx';
import { notFound } from './not-found.tsx';
import { actorOf, formValues } from './settings.routes.tsx';

/** A form the page sent with a problem in it: the fields are shown again, each problem beside its field. */
const UNPROCESSABLE = 422;
const COLLECTOR = `${LINKS_PAGE}/collectors/:collectorId`;
const today = (deps: AdminDeps) => deps.clock.now().toISOString().slice(0, 10);
// The code goes into a download's name: only characters every file system and browser keep.
const fileSafe = (text: string) => text.replace(/[^\w-]/g, '_');

function activeOf(req: Request): boolean | undefined {
  const value = field(req.body, 'active');
  return value === '1' ? true : value === '0' ? false : undefined;
}

/** What every part of these pages shares: the deps, the keys that sign, who asks and for which organisation. */
type Ctx = {
  readonly deps: AdminDeps;
  readonly links: PayLinks;
  readonly readers: RequestHandler;
  readonly orgIdOf: (res: Response) => string;
  readonly by: (req: Request, res: Response) => ChangedBy;
  readonly showLinks: (res: Response, options?: { saved?: boolean; failed?: { values: FormValues; errors: FormErrors } }) => Promise<void>;
};

/**
 * Pay links for bills, the entrance plate and collectors' cards (GET: admin and accountant, who also keep the
 * collectors), the organisation's payment terms (GET: admin and accountant; POST: admin), and the QR of one
 * account's link for everyone who opens the account card.
 */
export function linksRoutes(router: Router, deps: AdminDeps): void {
  // The pages sign links: without the payments service (tests of other pages) there is nothing to mount. `deps`
  // is kept as it is, not spread, because publicUrl is a getter known only once the server listens.
  if (!deps.payments) return;
  const links = deps.payments.links;
  const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;
  const ctx: Ctx = {
    deps, links, orgIdOf, readers: requireRole('admin', 'accountant'),
    by: (req, res) => ({ actor: actorOf(req, res), at: deps.clock.now() }),
    showLinks: (res, options = {}) => showLinks(ctx, res, options),
  };
  router.get(LINKS_PAGE, requireStaff, ctx.readers, (req, res) => ctx.showLinks(res, { saved: req.query.saved === '1' }));
  exportRoutes(router, ctx);
  collectorRoutes(router, ctx);
  cardRoutes(router, ctx);
  settingsRoutes(router, ctx);
  router.get('/admin/accounts/:accountId/pay-qr.svg', requireStaff, requireRole('admin', 'accountant', 'operator', 'lawyer'), async (req, res) => {
    const url = await accountLink(deps.db, links, orgIdOf(res), String(req.params.accountId), deps.publicUrl);
    if (!url) return notFound(res);
    res.type('image/svg+xml').send(await qrSvg(url));
  });
}

async function showLinks({ deps, links, orgIdOf }: Ctx, res: Response, options: { saved?: boolean; failed?: { values: FormValues; errors: FormErrors } }) {
  const orgId = orgIdOf(res);
  const collectors = await deps.db.withTenant(orgId, (em) => listCollectors(em, orgId));
  const views: CollectorView[] = await Promise.all(collectors.map(async (c) => {
    const url = c.active ? await collectorLink(links, orgId, c.id, deps.publicUrl) : null;
    return { ...c, url, ndefHex: url ? ndefHex(url) : null };
  }));
  sendPage(res, <LinksPage {...pageProps(res)} openAccounts={await countOpenAccounts(deps.db, orgId)}
    plateUrl={await plateLink(links, orgId, deps.publicUrl)} collectors={views} {...options} />, options.failed ? UNPROCESSABLE : 200);
}

/** Once bytes are out a status can no longer be sent: the response is cut, so the client never keeps a file that looks whole. */
async function streamed(deps: AdminDeps, res: Response, send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!res.headersSent) throw error;
    deps.logger.warn({ err: error }, 'pay-links export stopped');
    res.destroy();
  }
}

/** Every open account's link as CSV or a ZIP of QR codes, streamed; the plate's QR. */
function exportRoutes(router: Router, { deps, links, readers, orgIdOf }: Ctx): void {
  const rows = (res: Response) => accountLinkRows(deps.db, orgIdOf(res), links, deps.publicUrl);
  // Who downloaded every resident's link, and in what form: the file opens every account's payment page.
  const auditExport = (req: Request, res: Response, format: string) => deps.db.withTenant(orgIdOf(res), async (em) => recordAudit(em, orgIdOf(res),
    actorOf(req, res), { action: 'links.export', entityType: 'organization', entityId: orgIdOf(res), changes: { format: [null, format] } }, deps.clock.now()));

  router.get(`${LINKS_PAGE}/accounts.csv`, requireStaff, readers, async (req, res) => {
    await auditExport(req, res, 'csv');
    res.attachment(`pay-links-${today(deps)}.csv`).type('text/csv; charset=utf-8');
    await streamed(deps, res, () => pipeline(Readable.from(linksCsv(rows(res), locals(res).locale)), res));
  });

  router.get(`${LINKS_PAGE}/qr.zip`, requireStaff, readers, async (req, res) => {
    const format = req.query.format === undefined ? 'png' : req.query.format;
    if (format !== 'png' && format !== 'svg') return res.status(400).type('text/plain').send(locals(res).t('common.badRequest'));
    await auditExport(req, res, `zip/${format}`);
    res.attachment(`pay-links-${today(deps)}-${format}.zip`).type('application/zip');
    await streamed(deps, res, () => linksZip(rows(res), format, res, locals(res).locale));
  });

  router.get(`${LINKS_PAGE}/plate.svg`, requireStaff, readers, async (_req, res) => {
    res.type('image/svg+xml').send(await qrSvg(await plateLink(links, orgIdOf(res), deps.publicUrl)));
  });
  router.get(`${LINKS_PAGE}/plate.png`, requireStaff, readers, async (_req, res) => {
    res.type('image/png').send(await qrPng(await plateLink(links, orgIdOf(res), deps.publicUrl)));
  });
}

const findCollectorOf = ({ deps, orgIdOf }: Ctx, req: Request, res: Response) =>
  deps.db.withTenant(orgIdOf(res), (em) => findCollector(em, orgIdOf(res), String(req.params.collectorId)));

/** Collectors: added and switched on or off from the links page. */
function collectorRoutes(router: Router, ctx: Ctx): void {
  const { deps, readers, orgIdOf, by, showLinks } = ctx;

  router.post(`${LINKS_PAGE}/collectors`, requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const values = formValues(req.body, COLLECTOR_FIELDS);
    const added = await deps.db.withTenant(orgId, (em) => addCollector(em, orgId, values, by(req, res)));
    if (!added.ok) return showLinks(res, { failed: { values, errors: added.error } });
    res.redirect(303, `${LINKS_PAGE}?saved=1#collector-${added.value.id}`);
  });

  router.post(`${COLLECTOR}/active`, requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const collector = await findCollectorOf(ctx, req, res);
    const active = activeOf(req);
    if (!collector) return notFound(res);
    if (active === undefined) return res.status(400).type('text/plain').send(locals(res).t('common.badRequest'));
    const changed = await deps.db.withTenant(orgId, (em) => setCollectorActive(em, orgId, collector.id, active, by(req, res)));
    if (!changed.ok) return notFound(res);
    res.redirect(303, `${LINKS_PAGE}?saved=1#collector-${collector.id}`);
  });
}

/** A collector's card: its QR and NFC bytes, only while the collector is active (only then does the card open the page). */
function cardRoutes(router: Router, ctx: Ctx): void {
  const { deps, links, readers, orgIdOf } = ctx;
  const cardOf = async (req: Request, res: Response) => {
    const collector = await findCollectorOf(ctx, req, res);
    return collector?.active ? { collector, url: await collectorLink(links, orgIdOf(res), collector.id, deps.publicUrl) } : null;
  };

  router.get(`${COLLECTOR}/qr.svg`, requireStaff, readers, async (req, res) => {
    const card = await cardOf(req, res);
    if (!card) return notFound(res);
    res.type('image/svg+xml').send(await qrSvg(card.url));
  });

  // The record alone for NFC writer apps; the TLV-wrapped form is the byte image of an NTAG's data area.
  for (const [file, bytesOf] of [['nfc.ndef', ndefUriRecord], ['nfc-ntag.bin', ndefTlv]] as const) {
    router.get(`${COLLECTOR}/${file}`, requireStaff, readers, async (req, res) => {
      const card = await cardOf(req, res);
      if (!card) return notFound(res);
      res.attachment(`collector-${fileSafe(card.collector.code)}${file.slice(3)}`).type('application/octet-stream').send(bytesOf(card.url));
    });
  }
}

/** The payment terms: read by admin and accountant, changed by admin, every problem beside its field (422). */
function settingsRoutes(router: Router, { deps, orgIdOf, by }: Ctx): void {
  async function show(res: Response, options: { values?: FormValues; errors?: FormErrors; saved?: boolean } = {}) {
    const orgId = orgIdOf(res);
    const settings = await deps.db.withTenant(orgId, (em) => paymentSettings(em, orgId));
    const { t, staff } = locals(res);
    sendPage(res, <PaymentSettingsPage {...pageProps(res)} settings={settings} values={options.values ?? settingsValues(settings)}
      errors={options.errors && readableErrors(t, options.errors)} canEdit={staff!.current!.role === 'admin'} saved={options.saved} />,
    options.errors ? UNPROCESSABLE : 200);
  }

  router.get(PAYMENT_SETTINGS_PAGE, requireStaff, requireRole('admin', 'accountant'), (req, res) => show(res, { saved: req.query.saved === '1' }));

  router.post(PAYMENT_SETTINGS_PAGE, requireStaff, requireRole('admin'), async (req, res) => {
    const orgId = orgIdOf(res);
    const saved = await deps.db.withTenant(orgId, async (em) => {
      const input = settingsInput(req.body, (await paymentSettings(em, orgId)).shares.map((s) => s.serviceId));
      return { input, result: await savePaymentSettings(em, orgId, input, by(req, res)) };
    });
    if (!saved.result.ok) return show(res, { values: inputValues(saved.input), errors: saved.result.error });
    res.redirect(303, `${PAYMENT_SETTINGS_PAGE}?saved=1`);
  });
}
