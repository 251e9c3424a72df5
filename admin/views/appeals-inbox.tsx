import {
  APPEAL_TYPES, INBOX_QUEUES, type InboxCounts, type InboxQueue, type InboxRow, type Named, type StaffNotice, type StaffOption,
} from '../../core/appeals/index.ts';
import type { T } from '../i18n.ts';
import { Notice, Select } from './components.tsx';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { APPEALS_PAGE, appealPath, when } from './appeals-parts.tsx';
import { InboxList, inboxHref, type InboxFilters } from './appeals-table.tsx';

export type Duty = { readonly teams: number; readonly onDuty: number };
export type Notices = { readonly rows: readonly StaffNotice[]; readonly unread: number };

export type InboxPageProps = PageProps & {
  filters: InboxFilters; counts: InboxCounts; rows: readonly InboxRow[]; total: number; now: Date;
  /** The organisation's buildings; null when there are too many to list (an address search instead). */
  buildings: readonly Named[] | null;
  /** The organisation's staff, for the assignee filter. */
  assignees: readonly StaffOption[];
  notices: Notices;
  duty: Duty;
  done?: string;
};

/** Queue sizes are exact (inboxCounts); only a filtered list's total stops at INBOX_COUNT_CAP. */
const countText = (n: number) => n.toLocaleString('ru-RU');

function Tabs({ t, filters, counts }: { t: T; filters: InboxFilters; counts: InboxCounts }) {
  return (
    <nav class="tabs" aria-label={t('appeals.inbox.queues')}>
      {INBOX_QUEUES.map((q: InboxQueue) => (
        <a href={inboxHref(filters, q)} aria-current={q === filters.queue ? 'page' : undefined}>
          {t(`appeals.queue.${q}`)} <span class="count">{countText(counts[q])}</span>
        </a>
      ))}
    </nav>
  );
}

function Filters({ t, filters, buildings, staff }: { t: T; filters: InboxFilters; buildings: readonly Named[] | null; staff: readonly StaffOption[] }) {
  return (
    <form method="get" action={APPEALS_PAGE} class="filters" role="search">
      {filters.queue !== 'open' && <input type="hidden" name="queue" value={filters.queue} />}
      <Select t={t} name="type" label={t('appeals.filter.type')} value={filters.type}
        options={[{ value: '', label: t('appeals.filter.anyType') }, ...APPEAL_TYPES.map((v) => ({ value: v, label: t(`appeals.type.${v}`) }))]} />
      {buildings ? (
        <Select t={t} name="building" label={t('appeals.filter.building')} value={filters.building}
          options={[{ value: '', label: t('appeals.filter.anyBuilding') }, ...buildings.map((b) => ({ value: b.id, label: b.name }))]} />
      ) : (
        <div class="field">
          <label for="f-addr">{t('appeals.filter.address')}</label>
          <input id="f-addr" type="search" name="addr" value={filters.addr} maxLength={100} placeholder={t('appeals.filter.addressHint')} />
        </div>
      )}
      <Select t={t} name="assignee" label={t('appeals.filter.assignee')} value={filters.assignee}
        options={[{ value: '', label: t('appeals.filter.anyone') }, { value: 'none', label: t('appeals.filter.nobody') }, ...staff.map((s) => ({ value: s.id, label: s.name }))]} />
      <div class="field check">
        <label><input type="checkbox" name="breach" value="1" checked={filters.breach} /> {t('appeals.filter.breach')}</label>
      </div>
      <div class="actions">
        <button type="submit">{t('appeals.filter.apply')}</button>
        <a href={inboxHref({ ...filters, type: '', building: '', addr: '', assignee: '', breach: false })}>{t('appeals.filter.reset')}</a>
      </div>
    </form>
  );
}

function DutySwitch({ t, csrf, duty }: { t: T; csrf: string; duty: Duty }) {
  if (duty.teams === 0) return null;
  const on = duty.onDuty > 0;
  return (
    <form method="post" action={`${APPEALS_PAGE}/duty`} class={`duty ${on ? 'on' : 'off'}`}>
      <CsrfField csrf={csrf} />
      <input type="hidden" name="onDuty" value={on ? '0' : '1'} />
      <span>{on ? (duty.onDuty < duty.teams ? t('appeals.duty.partly', { on: duty.onDuty, teams: duty.teams }) : t('appeals.duty.on')) : t('appeals.duty.off')}</span>{' '}
      <button type="submit" class="secondary">{t(on ? 'appeals.duty.goOff' : 'appeals.duty.goOn')}</button>
    </form>
  );
}

function NoticeList({ t, csrf, notices, locale }: { t: T; csrf: string; notices: Notices; locale: string }) {
  if (notices.unread === 0) return null;
  return (
    <section class="staff-notices" aria-labelledby="notices-title">
      <h2 id="notices-title">{t('appeals.notices.title', { count: notices.unread > 99 ? '99+' : notices.unread })}</h2>
      <ul>
        {notices.rows.map((n) => (
          <li class={`notice-${n.kind}`}>
            <a href={appealPath(n.appealId)}>{t(`appeals.notices.${n.kind}`, { number: n.number })}</a>
            <span class="muted"> · {when(n.createdAt, locale)}</span>{' '}
            <form method="post" action={`${APPEALS_PAGE}/notifications/read`} class="inline">
              <CsrfField csrf={csrf} />
              <input type="hidden" name="id" value={n.id} />
              <button type="submit" class="link">{t('appeals.notices.read')}</button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action={`${APPEALS_PAGE}/notifications/read`}>
        <CsrfField csrf={csrf} />
        <button type="submit" class="link">{t('appeals.notices.readAll')}</button>
      </form>
    </section>
  );
}

/** The staff inbox: the queues as tabs, filters, the live list, the staff member's notifications and duty. */
export function InboxPage(p: InboxPageProps) {
  const { t } = p;
  return (
    <Layout {...p} title={t('appeals.inbox.title')} active={APPEALS_PAGE}>
      {p.done && <Notice>{t(`appeals.done.${p.done}`)}</Notice>}
      <p class="inbox-links">
        <a href={`${APPEALS_PAGE}/reports`}>{t('appeals.inbox.reports')}</a>
        {p.staff?.current?.role === 'admin' && <> · <a href={`${APPEALS_PAGE}/settings`}>{t('appeals.inbox.settings')}</a></>}
      </p>
      <div class="inbox-top">
        <NoticeList t={t} csrf={p.csrf} notices={p.notices} locale={p.locale} />
        <DutySwitch t={t} csrf={p.csrf} duty={p.duty} />
      </div>
      <Tabs t={t} filters={p.filters} counts={p.counts} />
      <Filters t={t} filters={p.filters} buildings={p.buildings} staff={p.assignees} />
      <InboxList t={t} rows={p.rows} total={p.total} filters={p.filters} now={p.now} locale={p.locale} />
      <script src="/admin/static/appeals.js" defer></script>
    </Layout>
  );
}
