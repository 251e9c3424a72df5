import type { AccountCard, AccountListRow, AccountSort } from '../../core/accounts/index.ts';
import { COUNT_CAP, maskPhone } from '../../core/accounts/index.ts';
import type { AuditEntryRow } from '../../core/audit/index.ts';
import { Layout, type PageProps } from './layout.tsx';
import { Pager, SortHeader } from './components.tsx';
import { AuditTable } from './audit.tsx';
import { ChargesTables, DebtNow } from './charges.tsx';
import type { AccountDebt } from '../../core/payments/index.ts';
import type { ChargeLine } from '../../core/billing/index.ts';
import { AccountPayLink } from './links-account.tsx';

export type AccountsQuery = { q: string; sort: AccountSort; dir: 'asc' | 'desc'; page: number };
export const ACCOUNTS_PAGE_SIZE = 50;

export function AccountsPage(p: PageProps & { query: AccountsQuery; rows: AccountListRow[]; total: number }) {
  const { t, query } = p;
  const keep = { q: query.q || undefined, sort: query.sort, dir: query.dir };
  const head = (label: string, key: AccountSort) =>
    <SortHeader label={label} keyName={key} sort={query.sort} dir={query.dir} base="/admin/accounts" query={{ q: keep.q }} />;
  return (
    <Layout {...p} title={t('accounts.title')} active="/admin/accounts">
      <form method="get" action="/admin/accounts" class="search" role="search">
        <label class="visually-hidden" for="q">{t('accounts.search')}</label>
        <input id="q" type="search" name="q" value={query.q} placeholder={t('accounts.searchHint')} autofocus />
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <button type="submit">{t('accounts.find')}</button>
      </form>
      {p.rows.length === 0 ? <p class="muted">{query.q ? t('accounts.nothingFound', { q: query.q }) : t('accounts.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr>
              {head(t('accounts.number'), 'number')}
              {head(t('accounts.payer'), 'payer')}
              {head(t('accounts.address'), 'address')}
              <th class="num hide-narrow">{t('accounts.area')}</th>
              <th class="hide-narrow">{t('accounts.status')}</th>
            </tr></thead>
            <tbody>
              {p.rows.map((r) => (
                <tr class={r.status === 'closed' ? 'inactive' : undefined}>
                  <td><a href={`/admin/accounts/${r.id}`}>{r.number}</a></td>
                  <td>{r.payerName ?? '—'}</td>
                  <td>{r.address ? `${r.address}${r.premiseNumber ? `, ${t('accounts.flat', { n: r.premiseNumber })}` : ''}` : '—'}</td>
                  <td class="num hide-narrow">{r.area ?? '—'}</td>
                  <td class="hide-narrow">{t(`accounts.statuses.${r.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager t={t} total={p.total} page={query.page} pageSize={ACCOUNTS_PAGE_SIZE} base="/admin/accounts" query={keep} cap={query.q ? undefined : COUNT_CAP} />
    </Layout>
  );
}

export function AccountCardPage(p: PageProps & { card: AccountCard; history: AuditEntryRow[]; charges: readonly ChargeLine[]; debt?: AccountDebt; payUrl?: string | null }) {
  const { t, card } = p;
  const { account, premise, building } = card;
  return (
    <Layout {...p} title={t('account.title', { number: account.number })} active="/admin/accounts">
      <section class="card">
        <dl class="facts">
          <dt>{t('accounts.payer')}</dt><dd>{account.payerName ?? '—'}</dd>
          <dt>{t('accounts.address')}</dt><dd>{building ? building.address : '—'}</dd>
          <dt>{t('account.premise')}</dt><dd>{premise ? `${premise.number} · ${t(`account.kinds.${premise.kind}`)}` : '—'}</dd>
          <dt>{t('accounts.area')}</dt><dd>{premise?.area ? t('account.areaValue', { area: premise.area.replace('.', ',') }) : '—'}</dd>
          <dt>{t('account.residents')}</dt><dd>{account.residentsCount}</dd>
          <dt>{t('account.els')}</dt><dd>{account.els ?? '—'}</dd>
          <dt>{t('accounts.status')}</dt><dd>{t(`accounts.statuses.${account.status}`)}</dd>
          {account.numberAssigned && <><dt>{t('account.numbering')}</dt><dd>{t('account.assigned')}</dd></>}
        </dl>
      </section>
      <AccountPayLink t={t} accountId={account.id} url={p.payUrl} />
      <h2>{t('account.people')}</h2>
      {card.people.length === 0 ? <p class="muted">{t('account.noPeople')}</p> : card.people.map(({ person, link, contacts, identities }) => (
        <section class="card">
          <p><strong>{person.fullName ?? t('account.unnamed')}</strong> · {t(`account.relations.${link.relation}`)} · <span class="muted">{t(`account.proofs.${link.proof}`)}</span></p>
          <ul>
            {contacts.map((c) => (
              <li>
                {c.kind === 'phone' ? maskPhone(c.value) : c.value}{' '}
                <span class="muted">
                  {c.consentService ? t('account.consentService') : t('account.noConsent')}
                  {c.consentMarketing ? `, ${t('account.consentMarketing')}` : ''}
                  {c.consentAt ? ` · ${c.consentAt.toISOString().slice(0, 10)}${c.consentSource ? ` (${c.consentSource})` : ''}` : ''}
                </span>
              </li>
            ))}
            {identities.map((i) => <li>{t(`account.channels.${i.channel}`)}{i.consentNotifications ? ` · ${t('account.notificationsOn')}` : ''}</li>)}
          </ul>
        </section>
      ))}
      {p.debt && p.debt.lines.length > 0 && <DebtNow t={t} debt={p.debt} charges={p.charges} />}
      <h2>{t('account.balances')}</h2>
      <ChargesTables t={t} lines={p.charges} />
      <h2>{t('account.history')}</h2>
      {p.history.length === 0 ? <p class="muted">{t('account.noHistory')}</p> : <AuditTable t={t} rows={p.history} />}
    </Layout>
  );
}
