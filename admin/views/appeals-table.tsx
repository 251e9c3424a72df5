import { INBOX_COUNT_CAP, type InboxQueue, type InboxRow } from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { Pager } from './components.tsx';
import { APPEALS_PAGE, ClockText, StatusBadge, appealPath, timerHost, typeLabel } from './appeals-parts.tsx';

export const INBOX_PAGE_SIZE = 50;

/** The inbox's filters as they stand in the URL (every one a plain query parameter, so links and GET forms keep them). */
export type InboxFilters = {
  readonly queue: InboxQueue;
  readonly type: string;
  readonly building: string;
  readonly addr: string;
  readonly assignee: string;
  readonly breach: boolean;
  readonly page: number;
};

/** The filters as query parameters, without empty ones and without the page (a new filter starts at page 1). */
export const filterQuery = (f: InboxFilters, queue: InboxQueue = f.queue): Record<string, string | undefined> => ({
  queue: queue === 'open' ? undefined : queue, type: f.type || undefined, building: f.building || undefined, addr: f.addr || undefined,
  assignee: f.assignee || undefined, breach: f.breach ? '1' : undefined,
});

export const inboxHref = (f: InboxFilters, queue: InboxQueue = f.queue, page = 1): string => {
  const params = new URLSearchParams(Object.entries({ ...filterQuery(f, queue), page: page > 1 ? String(page) : undefined })
    .filter((e): e is [string, string] => e[1] !== undefined));
  return params.size ? `${APPEALS_PAGE}?${params}` : APPEALS_PAGE;
};

/**
 * Highlights: an emergency nobody took (or one the dispatchers were already alerted about) above all, then a
 * missed or nearly missed deadline.
 */
function rowClass(r: InboxRow): string {
  const open = r.status !== 'closed' && r.status !== 'answered';
  const classes = [
    r.type === 'emergency' ? 'emergency' : '',
    open && r.type === 'emergency' && r.takenAt === null ? 'untaken' : '',
    open && r.alertedAt !== null ? 'alerted' : '',
    open && r.clock?.state === 'breached' ? 'sla-row-breached' : open && r.clock?.state === 'at_risk' ? 'sla-row-risk' : '',
  ];
  return classes.filter(Boolean).join(' ');
}

function Row({ t, r, now, locale }: { t: T; r: InboxRow; now: Date; locale: string }) {
  const open = r.status !== 'closed' && r.status !== 'answered';
  return (
    <tr class={rowClass(r) || undefined}>
      <td class="num"><a href={appealPath(r.id)}>№{r.number}</a></td>
      <td>
        <span class={r.type === 'emergency' ? 'type-emergency' : undefined}>{typeLabel(t, r.type, r.category)}</span>
        {open && r.type === 'emergency' && r.takenAt === null && <> <strong class="flag">{t('appeals.list.untaken')}</strong></>}
        {open && r.alertedAt !== null && <> <strong class="flag">{t('appeals.list.alerted')}</strong></>}
      </td>
      <td class="snippet"><a href={appealPath(r.id)}>{r.snippet}</a></td>
      <td class="hide-narrow">{r.address ?? (r.accountNumber ? t('appeals.list.account', { number: r.accountNumber }) : '—')}</td>
      <td>{r.assigneeName ?? <span class="muted">{t('appeals.list.nobody')}</span>}</td>
      <td><StatusBadge t={t} status={r.status} /></td>
      <td>{r.clock ? <ClockText t={t} clock={r.clock} now={now} locale={locale} verdict={r.missed ? 'breached' : 'met'} /> : <span class="muted">—</span>}</td>
    </tr>
  );
}

/**
 * The list: the part of the inbox page that htmx asks for again every 20 seconds (hx-get with the same filters),
 * so new appeals appear by themselves; without JavaScript the page is simply reloaded by hand.
 */
export function InboxList({ t, rows, total, filters, now, locale }: {
  t: T; rows: readonly InboxRow[]; total: number; filters: InboxFilters; now: Date; locale: string;
}) {
  return (
    <div id="appeals-list" hx-get={inboxHref(filters, filters.queue, filters.page)} hx-trigger="every 20s" hx-swap="outerHTML" {...timerHost(t, now)}>
      {rows.length === 0 ? <p class="muted">{t(filters.page > 1 ? 'appeals.list.pageEmpty' : 'appeals.list.empty')}</p> : (
        <div class="table-wrap">
          <table class="appeals">
            <thead><tr>
              <th class="num">{t('appeals.list.number')}</th><th>{t('appeals.list.type')}</th><th>{t('appeals.list.text')}</th>
              <th class="hide-narrow">{t('appeals.list.address')}</th><th>{t('appeals.list.assignee')}</th><th>{t('appeals.list.status')}</th>
              <th>{t('appeals.list.sla')}</th>
            </tr></thead>
            <tbody>{rows.map((r) => <Row t={t} r={r} now={now} locale={locale} />)}</tbody>
          </table>
        </div>
      )}
      {total > 0 && <Pager t={t} total={total} page={filters.page} pageSize={INBOX_PAGE_SIZE} base={APPEALS_PAGE} query={filterQuery(filters)} cap={INBOX_COUNT_CAP} />}
    </div>
  );
}
