import { APPEAL_TYPES, REPLY_THEN, type AppealType, type CardEvent } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { typeLabel } from './appeals-parts.tsx';

type Names = Readonly<Record<string, string>>;

/** Events the resident causes (no staff actor): filing, writing again, rating. */
const RESIDENT_KINDS = new Set(['filed', 'resident_message', 'reopened', 'rated']);

export function eventWho(t: T, e: CardEvent, names: Names): string {
  if (e.actorId) return names[e.actorId] ?? t('appeals.card.staff');
  return t(RESIDENT_KINDS.has(e.kind) ? 'appeals.card.resident' : 'appeals.card.system');
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const nameOf = (names: Names, id: unknown, none: string) => (str(id) ? names[str(id)!] ?? '—' : none);

function kindOf(t: T, v: unknown): string {
  const o = (v ?? {}) as { type?: unknown; category?: unknown };
  return APPEAL_TYPES.includes(o.type as AppealType) ? typeLabel(t, o.type as AppealType, str(o.category)) : '—';
}

/** One line of an appeal's history, in words: the event and what it changed (teams and people by name). */
export function eventText(t: T, e: CardEvent, names: Names): string {
  const d = e.data;
  switch (e.kind) {
    case 'routed': return t('appeals.event.routed', { team: nameOf(names, d.teamId, '—') });
    case 'assigned':
      return d.auto === true
        ? t('appeals.event.autoAssigned', { assignee: nameOf(names, d.assigneeId, t('appeals.list.nobody')) })
        : t('appeals.event.assigned', { team: nameOf(names, d.teamId, '—'), assignee: nameOf(names, d.assigneeId, t('appeals.list.nobody')) });
    case 'reclassified': return t('appeals.event.reclassified', { from: kindOf(t, d.from), to: kindOf(t, d.to) });
    case 'replied':
      return t('appeals.event.replied', { then: REPLY_THEN.includes(d.then as never) ? t(`appeals.then.${d.then as string}`) : '—' });
    case 'closed':
      return t(d.responseMet === false || d.resolutionMet === false ? 'appeals.event.closedLate' : 'appeals.event.closed');
    case 'at_risk':
    case 'breached':
      return t(`appeals.event.${e.kind}`, { clock: t(d.clock === 'response' ? 'appeals.sla.responseClock' : 'appeals.sla.resolutionClock') });
    case 'delivered': return t('appeals.event.delivered', { via: str(d.via) ?? '—' });
    case 'rated': return t('appeals.event.rated', { score: typeof d.score === 'number' ? d.score : '—' });
    case 'filed': case 'taken': case 'status': case 'note': case 'resident_message': case 'reopened': case 'alerted': case 'undelivered': case 'sla_recomputed':
      return t(`appeals.event.${e.kind}`);
  }
}
