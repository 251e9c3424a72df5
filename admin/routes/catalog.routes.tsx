import type { Request, Response, Router } from 'express';
import type { RecipientRow, ServiceRow } from '../../core/orgs/index.ts';
import { isUuid } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import type { FormErrors } from '../views/components.tsx';
import { RECIPIENT_FIELDS, RecipientPage, RecipientsPage, SERVICE_FIELDS, ServicePage, ServicesPage } from '../views/catalog.tsx';
import type { FormValues } from '../views/settings.tsx';
import { notFound } from './not-found.tsx';
import { actorOf, formValues, isNotFound } from './settings.routes.tsx';

/**
 * A recipient the form did not name (or mangled) becomes the nil id, so the service answers «recipient not found»
 * beside the field instead of the database refusing a malformed uuid.
 */
const recipientIdOf = (value: string) => (isUuid(value) ? value : '00000000-0000-0000-0000-000000000000');

const recipientValues = (r: RecipientRow): FormValues => Object.fromEntries(RECIPIENT_FIELDS.map((f) => [f, r[f] ?? '']));
const serviceValues = (s: ServiceRow): FormValues => ({ code: s.code, name: s.name, unit: s.unit, kind: s.kind, recipientId: s.recipient });

/** `active=1` turns a row on, `active=0` off; anything else is not a request this page sends. */
function activeOf(req: Request): boolean | undefined {
  const value = field(req.body, 'active');
  return value === '1' ? true : value === '0' ? false : undefined;
}

/** Recipients and services: admin and accountant read, only admin changes; nothing is ever deleted. */
export function catalogRoutes(router: Router, deps: AdminDeps): void {
  const readers = requireRole('admin', 'accountant');
  const writers = requireRole('admin');
  const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;
  const canEdit = (res: Response) => locals(res).staff!.current!.role === 'admin';

  // Recipients

  router.get('/admin/recipients', requireStaff, readers, async (req, res) => {
    const rows = await deps.orgs.listRecipients(orgIdOf(res));
    sendPage(res, <RecipientsPage {...pageProps(res)} rows={rows} canEdit={canEdit(res)} saved={req.query.saved === '1'} />);
  });

  router.get('/admin/recipients/new', requireStaff, writers, (_req, res) =>
    sendPage(res, <RecipientPage {...pageProps(res)} values={{}} canEdit />));

  router.post('/admin/recipients', requireStaff, writers, async (req, res) => {
    const values = formValues(req.body, RECIPIENT_FIELDS);
    const result = await deps.orgs.addRecipient(orgIdOf(res), values, actorOf(req, res));
    if (!result.ok) return sendPage(res, <RecipientPage {...pageProps(res)} values={values} errors={result.error} canEdit />, 400);
    res.redirect(303, '/admin/recipients?saved=1');
  });

  router.get('/admin/recipients/:recipientId', requireStaff, readers, async (req, res) => {
    const recipient = await deps.orgs.findRecipient(orgIdOf(res), String(req.params.recipientId));
    if (!recipient) return notFound(res);
    sendPage(res, <RecipientPage {...pageProps(res)} recipient={recipient} values={recipientValues(recipient)} canEdit={canEdit(res)} saved={req.query.saved === '1'} />);
  });

  router.post('/admin/recipients/:recipientId', requireStaff, writers, async (req, res) => {
    const orgId = orgIdOf(res);
    const recipient = await deps.orgs.findRecipient(orgId, String(req.params.recipientId));
    if (!recipient) return notFound(res);
    const values = formValues(req.body, RECIPIENT_FIELDS);
    const result = await deps.orgs.updateRecipient(orgId, recipient.id, values, actorOf(req, res));
    if (!result.ok) return recipientFailed(res, recipient, values, result.error);
    res.redirect(303, `/admin/recipients/${recipient.id}?saved=1`);
  });

  router.post('/admin/recipients/:recipientId/active', requireStaff, writers, async (req, res) => {
    const orgId = orgIdOf(res);
    const recipient = await deps.orgs.findRecipient(orgId, String(req.params.recipientId));
    const active = activeOf(req);
    if (!recipient) return notFound(res);
    if (active === undefined) return res.status(400).type('text/plain').send(locals(res).t('common.badRequest'));
    const result = await deps.orgs.setRecipientActive(orgId, recipient.id, active, actorOf(req, res));
    if (!result.ok) return notFound(res);
    res.redirect(303, '/admin/recipients?saved=1');
  });

  function recipientFailed(res: Response, recipient: RecipientRow, values: FormValues, errors: FormErrors) {
    if (isNotFound(errors)) return notFound(res);
    sendPage(res, <RecipientPage {...pageProps(res)} recipient={recipient} values={values} errors={errors} canEdit />, 400);
  }

  // Services

  router.get('/admin/services', requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const [rows, recipients] = await Promise.all([deps.orgs.listServices(orgId), deps.orgs.listRecipients(orgId)]);
    sendPage(res, <ServicesPage {...pageProps(res)} rows={rows} recipients={recipients} canEdit={canEdit(res)} saved={req.query.saved === '1'} />);
  });

  router.get('/admin/services/new', requireStaff, writers, async (_req, res) => {
    const recipients = await deps.orgs.listRecipients(orgIdOf(res));
    sendPage(res, <ServicePage {...pageProps(res)} values={{}} recipients={recipients} canEdit />);
  });

  router.post('/admin/services', requireStaff, writers, async (req, res) => {
    const orgId = orgIdOf(res);
    const values = formValues(req.body, SERVICE_FIELDS);
    const result = await deps.orgs.addService(orgId, { ...values, recipientId: recipientIdOf(values.recipientId) }, actorOf(req, res));
    if (!result.ok) {
      const recipients = await deps.orgs.listRecipients(orgId);
      return sendPage(res, <ServicePage {...pageProps(res)} values={values} errors={result.error} recipients={recipients} canEdit />, 400);
    }
    res.redirect(303, '/admin/services?saved=1');
  });

  router.get('/admin/services/:serviceId', requireStaff, readers, async (req, res) => {
    const orgId = orgIdOf(res);
    const service = await deps.orgs.findService(orgId, String(req.params.serviceId));
    if (!service) return notFound(res);
    const recipients = await deps.orgs.listRecipients(orgId);
    sendPage(res, <ServicePage {...pageProps(res)} service={service} values={serviceValues(service)} recipients={recipients}
      canEdit={canEdit(res)} saved={req.query.saved === '1'} />);
  });

  router.post('/admin/services/:serviceId', requireStaff, writers, async (req, res) => {
    const orgId = orgIdOf(res);
    const service = await deps.orgs.findService(orgId, String(req.params.serviceId));
    if (!service) return notFound(res);
    const values = { ...formValues(req.body, SERVICE_FIELDS), code: service.code };
    const result = await deps.orgs.updateService(orgId, service.id, { ...values, recipientId: recipientIdOf(values.recipientId) }, actorOf(req, res));
    if (!result.ok) {
      if (isNotFound(result.error)) return notFound(res);
      const recipients = await deps.orgs.listRecipients(orgId);
      return sendPage(res, <ServicePage {...pageProps(res)} service={service} values={values} errors={result.error} recipients={recipients} canEdit />, 400);
    }
    res.redirect(303, `/admin/services/${service.id}?saved=1`);
  });

  router.post('/admin/services/:serviceId/active', requireStaff, writers, async (req, res) => {
    const orgId = orgIdOf(res);
    const service = await deps.orgs.findService(orgId, String(req.params.serviceId));
    const active = activeOf(req);
    if (!service) return notFound(res);
    if (active === undefined) return res.status(400).type('text/plain').send(locals(res).t('common.badRequest'));
    const result = await deps.orgs.setServiceActive(orgId, service.id, active, actorOf(req, res));
    if (!result.ok) return notFound(res);
    res.redirect(303, '/admin/services?saved=1');
  });
}
