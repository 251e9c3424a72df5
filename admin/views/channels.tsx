import { BOT_CHANNELS, type ConnectionView, type VoiceSettings } from '../../core/conversations/index.ts';
import type { T } from '../i18n.ts';
import { ErrorSummary, Field, Notice, Select, type FormErrors } from './components.tsx';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { CopyField } from './links.tsx';
import { formatWhen } from './registries.tsx';
import { Facts, type FormValues } from './settings.tsx';

export const CHANNELS_PAGE = '/admin/channels';
export const CONNECT_FIELDS = ['channel', 'title', 'token', 'baseUrl'] as const;
export const VOICE_FIELDS = ['voiceNumber', 'operatorPhone', 'dispatcherPhone', 'readingDayFrom', 'readingDayTo'] as const;
/** What adapters report (core/conversations connections.ts); anything else is shown as it was stored. */
const STATES = ['new', 'webhook', 'polling', 'qr', 'ready', 'error', 'stopped'];

/** A connection with its WhatsApp login code drawn, while the session waits for a phone to scan it. */
export type ChannelView = ConnectionView & { readonly qrSvg: string | null };
export type ChannelsForm = 'connect' | 'voice';
export type FailedChannelsForm = { readonly form: ChannelsForm; readonly values: FormValues; readonly errors: FormErrors };
export type VoiceView = { readonly turnUrl: string; readonly secret: string | null; readonly chatUrl: string; readonly settings: VoiceSettings };

export const connectionPath = (id: string) => `${CHANNELS_PAGE}/${id}`;
/** The page's CSP allows no inline style: the code gets its size from SVG attributes (about 6 cm on screen). */
const sized = (svg: string) => svg.replace(/^<svg /, '<svg width="240" height="240" ');
const stateLabel = (t: T, state: string) => (STATES.includes(state) ? t(`channels.states.${state}`) : state);

/**
 * The login code of a WhatsApp session, polled while it is shown: WhatsApp replaces it every 20 seconds or so, and
 * the poll stops by itself once the answer no longer asks for it (the session is ready or failed).
 */
export function WhatsappLogin({ t, c }: { t: T; c: ChannelView }) {
  if (c.channel !== 'whatsapp') return null;
  const waiting = c.state === 'qr' && c.qrSvg !== null;
  return (
    <div id={`login-${c.id}`} hx-get={waiting ? `${connectionPath(c.id)}/login` : undefined} hx-trigger={waiting ? 'every 5s' : undefined}
      hx-swap={waiting ? 'outerHTML' : undefined}>
      {waiting && (
        <figure>
          {/* qrSvg draws paths only, never the text it encodes: nothing of the code can become markup. */}
          <div class="qr" role="img" aria-label={t('channels.qrLabel')} dangerouslySetInnerHTML={{ __html: sized(c.qrSvg!) }} />
          <figcaption>{t('channels.scanQr')}</figcaption>
        </figure>
      )}
      {c.state !== 'ready' && <p class="muted">{t('channels.whatsappProcess')}</p>}
    </div>
  );
}

function Connection({ p, c, canManage }: { p: PageProps; c: ChannelView; canManage: boolean }) {
  const { t } = p;
  const errors = [...c.lastErrors].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <li id={`connection-${c.id}`} class={c.active ? undefined : 'inactive'}>
      <p>
        <strong>{c.title}</strong> · {t(`account.channels.${c.channel}`)}
        {c.tokenTail && <> · {t('channels.tokenTail', { tail: c.tokenTail })}</>}
        {' · '}{c.active ? t('channels.active') : t('channels.inactive')}
      </p>
      <p>
        {t('channels.state')}: <span class="badge">{stateLabel(t, c.state)}</span>
        {c.stateAt && <span class="muted"> {t('channels.since', { at: formatWhen(c.stateAt, p.locale) })}</span>}
        {c.stateDetail && c.state !== 'qr' && <> · <code>{c.stateDetail}</code></>}
      </p>
      {c.channel === 'max' && typeof c.settings.baseUrl === 'string' && <p class="muted">{t('channels.baseUrlValue', { url: c.settings.baseUrl })}</p>}
      <WhatsappLogin t={t} c={c} />
      {errors.length > 0 && (
        <details>
          <summary>{t('channels.lastErrors', { count: errors.length })}</summary>
          <ul>{errors.map((e) => <li><span class="muted">{formatWhen(e.at, p.locale)}</span> <code>{e.message}</code></li>)}</ul>
        </details>
      )}
      {canManage && (
        <form method="post" action={`${connectionPath(c.id)}/active`}>
          <CsrfField csrf={p.csrf} />
          <input type="hidden" name="active" value={c.active ? '0' : '1'} />
          <button type="submit" class="link">{c.active ? t('common.disable') : t('common.enable')}</button>
        </form>
      )}
    </li>
  );
}

function ConnectForm({ p, failed }: { p: PageProps; failed?: FailedChannelsForm }) {
  const { t } = p;
  const mine = failed?.form === 'connect' ? failed : undefined;
  const values = mine?.values ?? {};
  return (
    <form method="post" action={CHANNELS_PAGE} class="card" id="connect" novalidate>
      <h2>{t('channels.connectTitle')}</h2>
      <ErrorSummary t={t} errors={mine?.errors} />
      <CsrfField csrf={p.csrf} />
      <Select t={t} name="channel" label={t('channels.channel')} value={values.channel ?? 'telegram'} errors={mine?.errors}
        options={BOT_CHANNELS.map((c) => ({ value: c, label: t(`account.channels.${c}`) }))} />
      <Field t={t} name="title" label={t('channels.name')} value={values.title} errors={mine?.errors} maxLength={120} hint={t('channels.titleHint')} />
      {/* The token is never sent back into the page, not even after a mistake elsewhere in the form. */}
      <Field t={t} name="token" label={t('channels.token')} errors={mine?.errors} maxLength={200} hint={t('channels.tokenHint')} autocomplete="off" />
      <Field t={t} name="baseUrl" label={t('channels.baseUrl')} value={values.baseUrl} errors={mine?.errors} maxLength={300} hint={t('channels.baseUrlHint')} type="url" />
      <p class="muted">{t('channels.restartHint')}</p>
      <div class="actions"><button type="submit">{t('channels.connect')}</button></div>
    </form>
  );
}

const text = (v: string | number | null) => (v === null ? '' : String(v));

function VoiceSection({ p, voice, canManage, failed }: { p: PageProps; voice: VoiceView; canManage: boolean; failed?: FailedChannelsForm }) {
  const { t } = p;
  const mine = failed?.form === 'voice' ? failed : undefined;
  const s = voice.settings;
  const values = mine?.values ?? Object.fromEntries(VOICE_FIELDS.map((f) => [f, text(s[f])]));
  const days = s.readingDayFrom === null && s.readingDayTo === null ? t('voiceRobot.anyDay')
    : t('voiceRobot.daysValue', { from: s.readingDayFrom ?? 1, to: s.readingDayTo ?? 31 });
  return (
    <section class="card" id="voice">
      <h2>{t('voiceRobot.title')}</h2>
      <p class="muted">{t('voiceRobot.hint')}</p>
      <CopyField id="voice-turn-url" label={t('voiceRobot.turnUrl')} value={voice.turnUrl} />
      {voice.secret !== null && (
        <div class="field">
          <span>{t('voiceRobot.secret')} <span class="muted">(X-Voice-Secret)</span></span>
          <details><summary>•••••••• {t('voiceRobot.reveal')}</summary><code class="secret">{voice.secret}</code></details>
        </div>
      )}
      {canManage ? (
        <form method="post" action={`${CHANNELS_PAGE}/voice`} id="voice-settings" novalidate>
          <ErrorSummary t={t} errors={mine?.errors} />
          <CsrfField csrf={p.csrf} />
          <Field t={t} name="voiceNumber" label={t('voiceRobot.voiceNumber')} value={values.voiceNumber} errors={mine?.errors} type="tel" maxLength={20} hint={t('voiceRobot.voiceNumberHint')} />
          <Field t={t} name="operatorPhone" label={t('voiceRobot.operatorPhone')} value={values.operatorPhone} errors={mine?.errors} type="tel" maxLength={20} hint={t('voiceRobot.operatorPhoneHint')} />
          <Field t={t} name="dispatcherPhone" label={t('voiceRobot.dispatcherPhone')} value={values.dispatcherPhone} errors={mine?.errors} type="tel" maxLength={20} hint={t('voiceRobot.dispatcherPhoneHint')} />
          <Field t={t} name="readingDayFrom" label={t('voiceRobot.readingDayFrom')} value={values.readingDayFrom} errors={mine?.errors} inputmode="numeric" maxLength={2} />
          <Field t={t} name="readingDayTo" label={t('voiceRobot.readingDayTo')} value={values.readingDayTo} errors={mine?.errors} inputmode="numeric" maxLength={2} hint={t('voiceRobot.readingDaysHint')} />
          <div class="actions"><button type="submit">{t('form.save')}</button></div>
        </form>
      ) : (
        <Facts rows={[
          [t('voiceRobot.voiceNumber'), s.voiceNumber], [t('voiceRobot.operatorPhone'), s.operatorPhone],
          [t('voiceRobot.dispatcherPhone'), s.dispatcherPhone], [t('voiceRobot.readingDays'), days],
        ]} />
      )}
    </section>
  );
}

export function ChannelsPage(p: PageProps & {
  connections: readonly ChannelView[]; voice: VoiceView; canManage: boolean; saved?: boolean; failed?: FailedChannelsForm;
}) {
  const { t } = p;
  return (
    <Layout {...p} title={t('channels.pageTitle')} active={CHANNELS_PAGE}>
      {p.saved && <Notice>{t('form.saved')}</Notice>}
      {!p.canManage && <p class="muted">{t('common.readOnly')}</p>}
      <section class="card" id="connections">
        <h2>{t('channels.connections')}</h2>
        {p.connections.length === 0 ? <p class="muted">{t('channels.none')}</p>
          : <ul>{p.connections.map((c) => <Connection p={p} c={c} canManage={p.canManage} />)}</ul>}
      </section>
      {p.canManage && <ConnectForm p={p} failed={p.failed} />}
      <section class="card" id="webchat">
        <h2>{t('channels.webchatTitle')}</h2>
        <p class="muted">{t('channels.webchatHint')}</p>
        <CopyField id="webchat-url" label={t('channels.webchatLink')} value={p.voice.chatUrl} />
        <p><a href={p.voice.chatUrl} target="_blank" rel="noopener">{t('channels.webchatOpen')}</a></p>
      </section>
      <VoiceSection p={p} voice={p.voice} canManage={p.canManage} failed={p.failed} />
    </Layout>
  );
}
