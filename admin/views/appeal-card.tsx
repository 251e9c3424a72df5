import type { AppealCard, CardMessage, CardOptions, ClockView } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { ErrorSummary, Notice, type FormErrors } from './components.tsx';
import { Layout, type PageProps } from './layout.tsx';
import { AppealActions } from './appeal-actions.tsx';
import { eventText, eventWho } from './appeal-history.tsx';
import { APPEALS_PAGE, ClockText, StatusBadge, appealPath, timerHost, typeLabel, when } from './appeals-parts.tsx';

export type CardPageProps = PageProps & {
  card: AppealCard;
  now: Date;
  /** The staff member may act on appeals (admin, operator); others read. */
  canAct: boolean;
  options: CardOptions | null;
  errors?: FormErrors;
  /** What the failed form held, to give it back. */
  values?: Readonly<Record<string, string>>;
  done?: string;
};

export const fileHref = (appealId: string, fileId: string) => `${appealPath(appealId)}/files/${fileId}`;

/** A default working day (09:00–18:00) in minutes: business targets are written in such days (sla-policy.calc.ts). */
const WORK_DAY_MIN = 9 * 60;

/** «30 мин», «1 ч 30 мин», «3 д» round the clock; «10 раб. дн.» or «4 ч» of working time. */
function targetText(t: T, clock: ClockView): string {
  const minutes = clock.targetMin;
  const business = clock.mode === 'business';
  if (business && minutes % WORK_DAY_MIN === 0) return t('appeals.units.workDays', { n: minutes / WORK_DAY_MIN });
  const d = business ? 0 : Math.floor(minutes / 1440);
  const [h, m] = [Math.floor((minutes - d * 1440) / 60), minutes % 60];
  const parts = [d ? t('appeals.units.days', { n: d }) : '', h ? t('appeals.units.hours', { n: h }) : '', m ? t('appeals.units.minutes', { n: m }) : ''];
  return parts.filter(Boolean).join(' ') || t('appeals.units.minutes', { n: 0 });
}

function ClockRow({ t, clock, stoppedAt, now, locale }: { t: T; clock: ClockView | null; stoppedAt: Date | null; now: Date; locale: string }) {
  if (!clock) return null;
  return (
    <tr class={`clock clock-${clock.state}`}>
      <th scope="row">{t(`appeals.sla.${clock.which}Clock`)}</th>
      <td>{targetText(t, clock)} <span class="muted">· {t(`appeals.sla.mode.${clock.mode}`)}</span></td>
      <td>{clock.phase === 'running' ? when(clock.dueAt, locale) : clock.phase === 'stopped' ? t('appeals.sla.stoppedAt', { when: when(stoppedAt, locale) }) : '—'}</td>
      <td><ClockText t={t} clock={clock} now={now} locale={locale} /></td>
    </tr>
  );
}

function authorOf(t: T, m: CardMessage): string {
  if (m.author === 'resident') return t('appeals.card.resident');
  if (m.author === 'system') return t('appeals.card.system');
  return m.staffName ?? t('appeals.card.staff');
}

/** System messages keep a locales key; an unknown one (an older release's) is shown as it is rather than failing. */
function systemText(t: T, key: string): string {
  try { return t(key); } catch { return key; }
}

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} МБ` : `${Math.max(1, Math.round(bytes / 1024))} КБ`);

function Message({ t, m, appealId, locale }: { t: T; m: CardMessage; appealId: string; locale: string }) {
  return (
    <li class={`msg msg-${m.author}${m.internal ? ' msg-note' : ''}`} id={`m-${m.id}`}>
      <div class="msg-head">
        {m.internal && <strong class="note-label">{t('appeals.card.noteLabel')}</strong>}
        <span class="who">{authorOf(t, m)}</span> <span class="muted">· {when(m.createdAt, locale)}</span>
        {m.author === 'staff' && !m.internal && (
          <span class="muted"> · {m.deliveredAt ? t('appeals.card.delivered', { via: m.deliveredVia ?? '', when: when(m.deliveredAt, locale) }) : t('appeals.card.notDelivered')}</span>
        )}
      </div>
      {(m.text || m.files.length === 0) && <div class="msg-text">{m.author === 'system' ? systemText(t, m.text) : m.text}</div>}
      {m.files.length > 0 && (
        <ul class="files">
          {m.files.map((f) => <li><a href={fileHref(appealId, f.id)}>{f.name}</a> <small class="muted">{sizeText(f.size)}</small></li>)}
        </ul>
      )}
    </li>
  );
}

function Facts({ t, card, locale }: { t: T; card: AppealCard; locale: string }) {
  const a = card.appeal;
  return (
    <dl class="facts">
      <dt>{t('appeals.card.type')}</dt><dd class={a.type === 'emergency' ? 'type-emergency' : undefined}>{typeLabel(t, a.type, a.category)}</dd>
      <dt>{t('appeals.card.status')}</dt><dd><StatusBadge t={t} status={a.status} /></dd>
      <dt>{t('appeals.card.channel')}</dt><dd>{a.channel ? t(`account.channels.${a.channel}`) : '—'}</dd>
      <dt>{t('appeals.card.account')}</dt><dd>{a.accountId && a.accountNumber ? <a href={`/admin/accounts/${a.accountId}`}>{a.accountNumber}</a> : '—'}</dd>
      <dt>{t('appeals.card.address')}</dt><dd>{a.address ?? '—'}</dd>
      <dt>{t('appeals.card.created')}</dt><dd>{when(a.createdAt, locale)}</dd>
      <dt>{t('appeals.card.team')}</dt><dd>{a.teamName ?? '—'}</dd>
      <dt>{t('appeals.card.assignee')}</dt><dd>{a.assigneeName ?? t('appeals.list.nobody')}{a.takenAt && <span class="muted"> · {t('appeals.card.takenAt', { when: when(a.takenAt, locale) })}</span>}</dd>
      {a.alertedAt && <><dt>{t('appeals.card.alerted')}</dt><dd class="type-emergency">{when(a.alertedAt, locale)}</dd></>}
      {a.closedAt && <><dt>{t('appeals.card.closed')}</dt><dd>{when(a.closedAt, locale)}</dd></>}
      {a.rating !== null && <><dt>{t('appeals.card.rating')}</dt><dd>{'★'.repeat(a.rating)}{'☆'.repeat(5 - a.rating)}</dd></>}
    </dl>
  );
}

/** An appeal for staff: what, who and where; both deadlines; the conversation with notes; the actions; the history. */
export function AppealCardPage(p: CardPageProps) {
  const { t, card, locale } = p;
  const a = card.appeal;
  const untaken = a.type === 'emergency' && a.takenAt === null && a.status !== 'closed' && a.status !== 'answered';
  return (
    <Layout {...p} title={t('appeals.card.title', { number: a.number })} active={APPEALS_PAGE}>
      {p.done && <Notice>{t(`appeals.done.${p.done}`)}</Notice>}
      <ErrorSummary t={t} errors={p.errors} />
      <p><a href={APPEALS_PAGE}>{t('appeals.card.back')}</a></p>
      {untaken && <p class="alarm" role="alert">{t(a.alertedAt ? 'appeals.card.alarmAlerted' : 'appeals.card.alarm')}</p>}
      <div class="appeal-grid" {...timerHost(t, p.now)}>
        <div class="appeal-main">
          <section class="card"><Facts t={t} card={card} locale={locale} /></section>
          <h2>{t('appeals.card.deadlines')}</h2>
          {a.response || a.resolution ? (
            <div class="table-wrap">
              <table class="clocks">
                <thead><tr><th>{t('appeals.card.clock')}</th><th>{t('appeals.card.target')}</th><th>{t('appeals.card.due')}</th><th>{t('appeals.card.state')}</th></tr></thead>
                <tbody>
                  <ClockRow t={t} clock={a.response} stoppedAt={a.respondedAt ?? a.resolvedAt} now={p.now} locale={locale} />
                  <ClockRow t={t} clock={a.resolution} stoppedAt={a.resolvedAt} now={p.now} locale={locale} />
                </tbody>
              </table>
            </div>
          ) : <p class="muted">{t('appeals.card.noTargets')}</p>}
          <h2>{t('appeals.card.conversation')}</h2>
          <ol class="conversation">{card.messages.map((m) => <Message t={t} m={m} appealId={a.id} locale={locale} />)}</ol>
          {p.canAct && p.options && <AppealActions {...p} options={p.options} />}
        </div>
        <aside class="appeal-side">
          <h2>{t('appeals.card.history')}</h2>
          <ol class="history">
            {card.events.map((e) => (
              <li><time dateTime={e.at.toISOString()}>{when(e.at, locale)}</time> <span class="who">{eventWho(t, e, card.names)}</span> — {eventText(t, e, card.names)}</li>
            ))}
          </ol>
        </aside>
      </div>
      <script src="/admin/static/appeals.js" defer></script>
    </Layout>
  );
}
