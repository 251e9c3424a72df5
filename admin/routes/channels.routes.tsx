import type { Request, Response, Router } from 'express';
import { render } from 'preact-render-to-string';
import { normalisePhone } from '../../core/accounts/index.ts';
import { recordAudit, type AuditRecord } from '../../core/audit/index.ts';
import {
  isVoiceNumberTaken, saveVoiceSettings, voiceSettings, type ConnectionView, type Connections, type VoiceSettings,
} from '../../core/conversations/index.ts';
import { qrSvg } from '../../core/documents/index.ts';
import { AppError, err, ok, type Result } from '../../core/shared/index.ts';
import type { AdminDeps } from '../deps.ts';
import { field, pageProps, sendPage } from '../render.tsx';
import { locals, requireRole, requireStaff } from '../session.ts';
import {
  CHANNELS_PAGE, CONNECT_FIELDS, ChannelsPage, VOICE_FIELDS, WhatsappLogin, type ChannelView, type FailedChannelsForm,
} from '../views/channels.tsx';
import type { FormValues } from '../views/settings.tsx';
import { notFound } from './not-found.tsx';
import { actorOf, formValues } from './settings.routes.tsx';

/** What the channel pages need beyond the other admin pages: the bot connections and the phone robot's secret. */
export type ChannelDeps = { readonly connections: Connections; readonly voiceSecret: string };
export type ChannelsAdminDeps = AdminDeps & ChannelDeps;
/** The composition root passes the whole app (cli/serve.ts); tests of other pages may leave the bots out. */
export const hasChannels = (deps: AdminDeps): deps is ChannelsAdminDeps => 'connections' in deps && 'voiceSecret' in deps;

/** A form the page sent with a problem in it: the fields are shown again, each problem beside its field. */
const UNPROCESSABLE = 422;
const CONNECTION = `${CHANNELS_PAGE}/:connectionId`;
/** Every role sees how the bots are doing; only the organisation's admin connects, switches and configures them. */
const readers = requireRole('admin', 'accountant', 'operator', 'lawyer');
const managers = requireRole('admin');

const orgIdOf = (res: Response) => locals(res).staff!.current!.orgId;

/** MAX's API address for a bot of a self-hosted or test installation: https only, the token travels in a header. */
function httpsUrl(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && !url.username && !url.password ? url.toString().replace(/\/+$/, '') : null;
  } catch {
    return null;
  }
}

/** Every problem of the voice form at once. Empty fields clear a setting; reading days are 1–31, from ≤ to. */
export function readVoiceForm(values: FormValues): Result<VoiceSettings, AppError[]> {
  const errors: AppError[] = [];
  const phone = (name: 'voiceNumber' | 'operatorPhone' | 'dispatcherPhone') => {
    if (!values[name]) return null;
    const checked = normalisePhone(values[name]!);
    if (checked.ok) return checked.value;
    errors.push(new AppError('ACCOUNTS.PHONE_INVALID', { field: name }));
    return null;
  };
  const day = (name: 'readingDayFrom' | 'readingDayTo') => {
    const value = values[name] ?? '';
    if (!value) return null;
    if (/^\d{1,2}$/.test(value) && Number(value) >= 1 && Number(value) <= 31) return Number(value);
    errors.push(new AppError('DIALOGS.READING_DAYS_INVALID', { field: name }));
    return null;
  };
  const settings = {
    voiceNumber: phone('voiceNumber'), operatorPhone: phone('operatorPhone'), dispatcherPhone: phone('dispatcherPhone'),
    readingDayFrom: day('readingDayFrom'), readingDayTo: day('readingDayTo'),
  };
  if (settings.readingDayFrom !== null && settings.readingDayTo !== null && settings.readingDayFrom > settings.readingDayTo) {
    errors.push(new AppError('DIALOGS.READING_DAYS_INVALID', { field: 'readingDayTo' }));
  }
  return errors.length ? err(errors) : ok(settings);
}

/** The login code is drawn only while the session waits for it; a code too long to draw shows the state alone. */
const withQr = async (c: ConnectionView): Promise<ChannelView> => ({
  ...c, qrSvg: c.channel === 'whatsapp' && c.state === 'qr' && c.stateDetail ? await qrSvg(c.stateDetail).catch(() => null) : null,
});

export function channelsRoutes(router: Router, deps: ChannelsAdminDeps): void {
  const audit = (req: Request, res: Response, record: AuditRecord) =>
    deps.db.withTenant(orgIdOf(res), async (em) => recordAudit(em, orgIdOf(res), actorOf(req, res), record, deps.clock.now()));
  const findConnection = async (req: Request, res: Response) =>
    (await deps.connections.listForOrg(orgIdOf(res))).find((c) => c.id === String(req.params.connectionId)) ?? null;

  async function show(res: Response, options: { saved?: boolean; failed?: FailedChannelsForm } = {}) {
    const orgId = orgIdOf(res);
    const [connections, org, settings] = await Promise.all([
      deps.connections.listForOrg(orgId), deps.orgs.getOrganization(orgId), deps.db.withTenant(orgId, (em) => voiceSettings(em, orgId)),
    ]);
    if (!org || !settings) return notFound(res);
    const isAdmin = locals(res).staff!.current!.role === 'admin';
    // publicUrl is read here, not earlier: it is known only once the server listens.
    const voice = { turnUrl: `${deps.publicUrl}/voice/turn`, chatUrl: `${deps.publicUrl}/chat/${org.slug}`, secret: isAdmin ? deps.voiceSecret : null, settings };
    sendPage(res, <ChannelsPage {...pageProps(res)} connections={await Promise.all(connections.map(withQr))} voice={voice} canManage={isAdmin} {...options} />,
      options.failed ? UNPROCESSABLE : 200);
  }

  router.get(CHANNELS_PAGE, requireStaff, readers, (req, res) => show(res, { saved: req.query.saved === '1' }));

  router.post(CHANNELS_PAGE, requireStaff, managers, async (req, res) => {
    const values = formValues(req.body, CONNECT_FIELDS);
    const failed = (errors: AppError[]) => show(res, { failed: { form: 'connect', values: { ...values, token: '' }, errors } });
    const isMax = values.channel === 'max';
    const baseUrl = isMax && values.baseUrl ? httpsUrl(values.baseUrl) : null;
    if (isMax && values.baseUrl && !baseUrl) return failed([new AppError('DIALOGS.BASE_URL_INVALID', { field: 'baseUrl' })]);
    // WhatsApp logs in by the QR code, not a token: whatever was typed there is not kept.
    const token = values.channel === 'whatsapp' ? '' : values.token;
    const added = await deps.connections.add(orgIdOf(res), { channel: values.channel, title: values.title, token, settings: baseUrl ? { baseUrl } : {} });
    if (!added.ok) return failed([added.error]);
    const c = added.value;
    // The connection commits in its own transaction first; the entry names it, never its token.
    await audit(req, res, { action: 'channel.connect', entityType: 'bot_connection', entityId: c.id,
      changes: { channel: [null, c.channel], title: [null, c.title], ...(baseUrl ? { baseUrl: [null, baseUrl] } : {}) } });
    res.redirect(303, `${CHANNELS_PAGE}?saved=1#connection-${c.id}`);
  });

  router.post(`${CONNECTION}/active`, requireStaff, managers, async (req, res) => {
    const connection = await findConnection(req, res);
    if (!connection) return notFound(res);
    const value = field(req.body, 'active');
    if (value !== '1' && value !== '0') return res.status(400).type('text/plain').send(locals(res).t('common.badRequest'));
    const active = value === '1';
    if (!(await deps.connections.setActive(orgIdOf(res), connection.id, active))) return notFound(res);
    if (active !== connection.active) {
      await audit(req, res, { action: active ? 'channel.activate' : 'channel.deactivate', entityType: 'bot_connection', entityId: connection.id,
        changes: { active: [connection.active, active] } });
    }
    res.redirect(303, `${CHANNELS_PAGE}?saved=1#connection-${connection.id}`);
  });

  // The page polls this while a WhatsApp session shows its login code.
  router.get(`${CONNECTION}/login`, requireStaff, readers, async (req, res) => {
    const connection = await findConnection(req, res);
    if (!connection || connection.channel !== 'whatsapp') return notFound(res);
    res.type('html').send(render(<WhatsappLogin t={locals(res).t} c={await withQr(connection)} />));
  });

  router.post(`${CHANNELS_PAGE}/voice`, requireStaff, managers, async (req, res) => {
    const orgId = orgIdOf(res);
    const values = formValues(req.body, VOICE_FIELDS);
    const failed = (errors: AppError[]) => show(res, { failed: { form: 'voice', values, errors } });
    const settings = readVoiceForm(values);
    if (!settings.ok) return failed(settings.error);
    try {
      const saved = await deps.db.withTenant(orgId, (em) => saveVoiceSettings(em, orgId, settings.value, actorOf(req, res), deps.clock.now()));
      if (!saved) return notFound(res);
    } catch (e) {
      if (!isVoiceNumberTaken(e)) throw e;
      return failed([new AppError('DIALOGS.VOICE_NUMBER_TAKEN', { field: 'voiceNumber' })]);
    }
    res.redirect(303, `${CHANNELS_PAGE}?saved=1#voice`);
  });
}
