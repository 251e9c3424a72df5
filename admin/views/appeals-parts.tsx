import { EMERGENCY_CATEGORIES, type AppealStatus, type AppealType, type ClockView } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { formatWhen } from './registries.tsx';

export const APPEALS_PAGE = '/admin/appeals';
export const appealPath = (appealId: string) => `${APPEALS_PAGE}/${appealId}`;

/** «Аварийная заявка · Протечка»: the type, and an emergency's category. */
export function typeLabel(t: T, type: AppealType, category: string | null): string {
  const known = category && (EMERGENCY_CATEGORIES as readonly string[]).includes(category);
  return known ? `${t(`appeals.type.${type}`)} · ${t(`dialogs.emergency.cat.${category}`)}` : t(`appeals.type.${type}`);
}

export function StatusBadge({ t, status }: { t: T; status: AppealStatus }) {
  return <span class={`badge appeal-${status}`}>{t(`appeals.status.${status}`)}</span>;
}

/**
 * «3 ч 12 мин», «4 мин 5 с»: two units, the larger first, seconds only in the last hour (an emergency's five
 * minutes count). appeals.js writes the same words every second.
 */
export function spanText(ms: number, units: readonly string[]): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const [d, h, m, sec] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60), s % 60];
  if (d > 0) return `${d} ${units[0]} ${h} ${units[1]}`;
  if (h > 0) return `${h} ${units[1]} ${m} ${units[2]}`;
  return `${m} ${units[2]} ${sec} ${units[3]}`;
}

/** What appeals.js needs to keep the timers inside an element running: the words, and the server's clock. */
export function timerHost(t: T, now: Date): Record<string, string> {
  return {
    'data-timers': '', 'data-now': now.toISOString(),
    'data-left': t('appeals.sla.left'), 'data-over': t('appeals.sla.over'), 'data-units': t('appeals.sla.units'),
  };
}

/**
 * A running clock as a live countdown to its deadline (real time to the instant; the instant itself already
 * counts only working hours); a paused one «на паузе»; a stopped one its verdict.
 */
export function ClockText({ t, clock, now, locale, verdict }: {
  t: T; clock: ClockView; now: Date; locale: string;
  /** The verdict to show once stopped, when the caller judges more than this clock (the list: any clock missed). */
  verdict?: 'met' | 'breached';
}) {
  if (clock.phase === 'running' && clock.dueAt) {
    const left = clock.dueAt.getTime() - now.getTime();
    const time = spanText(left, t('appeals.sla.units').split(' '));
    const iso = clock.dueAt.toISOString();
    return (
      <time class={`sla sla-${clock.state}${left < 0 ? ' sla-over' : ''}`} dateTime={iso} data-due={iso} title={t('appeals.sla.dueAt', { when: formatWhen(clock.dueAt, locale) })}>
        {left >= 0 ? t('appeals.sla.left', { time }) : t('appeals.sla.over', { time })}
      </time>
    );
  }
  if (clock.phase === 'stopped') {
    const met = (verdict ?? clock.state) === 'met';
    return <span class={`sla ${met ? 'sla-met' : 'sla-breached'}`}>{t(met ? 'appeals.sla.met' : 'appeals.sla.missed')}</span>;
  }
  return clock.phase === 'paused' ? <span class={`sla sla-paused sla-${clock.state}`}>{t('appeals.sla.paused')}</span> : <span class="muted">—</span>;
}

export const when = (at: Date | null, locale: string) => (at ? formatWhen(at, locale) : '—');
