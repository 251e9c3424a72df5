import type { AuditEntryRow, AuditFilter } from '../../core/audit/index.ts';
import type { T } from '../i18n.ts';
import { Layout, type PageProps } from './layout.tsx';
import { Pager } from './components.tsx';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function AuditTable({ t, rows }: { t: T; rows: AuditEntryRow[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead><tr><th>{t('audit.at')}</th><th>{t('audit.who')}</th><th>{t('audit.action')}</th><th>{t('audit.changes')}</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>{r.at.toISOString().replace('T', ' ').slice(0, 19)} UTC</td>
              <td>{r.actorLabel}{r.ip ? <span class="muted"> · {r.ip}</span> : null}</td>
              <td>{t(`audit.actions.${r.action}`)}</td>
              <td>{r.changes ? <ul>{Object.entries(r.changes).map(([k, [was, now]]) => <li>{k}: {show(was)} → {show(now)}</li>)}</ul> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditPage(p: PageProps & { filter: AuditFilter & { page: number }; rows: AuditEntryRow[]; total: number; pageSize: number }) {
  const { t, filter } = p;
  const query = { action: filter.action, actor: filter.actor, from: filter.from?.toISOString().slice(0, 10), to: filter.to?.toISOString().slice(0, 10) };
  return (
    <Layout {...p} title={t('audit.title')} active="/admin/audit">
      <form method="get" action="/admin/audit" class="search">
        <label class="visually-hidden" for="f-action">{t('audit.action')}</label>
        <select id="f-action" name="action" data-autosubmit="">
          <option value="">{t('audit.allActions')}</option>
          {['organization', 'recipient', 'service', 'staff', 'account', 'registry', 'apiKey', 'payment', 'collector', 'links', 'settings', 'channel', 'resident', 'appealSettings'].map((a) => <option value={a} selected={filter.action === a}>{t(`audit.groups.${a}`)}</option>)}
        </select>
        <input type="search" name="actor" value={filter.actor ?? ''} placeholder={t('audit.who')} aria-label={t('audit.who')} />
        <input type="date" name="from" value={query.from ?? ''} aria-label={t('audit.from')} />
        <input type="date" name="to" value={query.to ?? ''} aria-label={t('audit.to')} />
        <button type="submit">{t('audit.filter')}</button>
      </form>
      {p.rows.length === 0 ? <p class="muted">{t('audit.none')}</p> : <AuditTable t={t} rows={p.rows} />}
      <Pager t={t} total={p.total} page={filter.page} pageSize={p.pageSize} base="/admin/audit" query={query} />
    </Layout>
  );
}
