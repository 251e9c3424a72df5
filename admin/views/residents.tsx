import { maskPhone, normalisePhone } from '../../core/accounts/index.ts';
import type { ResidentIdentity, ResidentLink, ResidentRow } from '../../core/conversations/index.ts';
import type { T } from '../i18n.ts';
import { Notice, Pager } from './components.tsx';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { formatWhen } from './registries.tsx';

export const RESIDENTS_PAGE = '/admin/residents';
export const RESIDENTS_PAGE_SIZE = 50;
export type ResidentsQuery = { readonly q: string; readonly page: number };
export type ResidentCard = ResidentRow & { readonly locale: string; readonly createdAt: Date };

export const residentPath = (personId: string) => `${RESIDENTS_PAGE}/${personId}`;

/**
 * Enough of a messenger id for staff to tell two apart, too little to write to or to open a web chat with (its id
 * is the chat's bearer). WhatsApp and the phone robot use the phone's digits: shown as a masked phone.
 */
export function maskExternalId(channel: string, id: string): string {
  const phone = channel === 'whatsapp' || channel === 'voice' ? normalisePhone(id) : null;
  if (phone?.ok) return maskPhone(phone.value);
  return id.length > 8 ? `…${id.slice(-4)}` : '***';
}

const when = (at: Date | null, locale: string) => (at ? formatWhen(at, locale) : '—');
const nameOf = (t: T, r: ResidentRow) => r.fullName ?? t('residents.unnamed');

function Identities({ t, identities }: { t: T; identities: readonly ResidentIdentity[] }) {
  if (!identities.length) return <span class="muted">—</span>;
  return (
    <ul>
      {identities.map((i) => (
        <li>
          {t(`account.channels.${i.channel}`)} <code>{maskExternalId(i.channel, i.externalId)}</code>
          {i.phone && <> · {maskPhone(i.phone)}</>}
          <span class="muted"> · {i.consent ? t('residents.consentYes') : t('residents.consentNo')}</span>
        </li>
      ))}
    </ul>
  );
}

function Links({ t, links, locale }: { t: T; links: readonly ResidentLink[]; locale: string }) {
  if (!links.length) return <span class="muted">—</span>;
  return (
    <ul>
      {links.map((l) => (
        <li><a href={`/admin/accounts/${l.accountId}`}>{l.number}</a> <span class="muted">· {t(`account.proofs.${l.proof}`)} · {formatWhen(l.createdAt, locale)}</span></li>
      ))}
    </ul>
  );
}

export function ResidentsPage(p: PageProps & { query: ResidentsQuery; rows: readonly ResidentRow[]; total: number }) {
  const { t, query } = p;
  return (
    <Layout {...p} title={t('residents.title')} active={RESIDENTS_PAGE}>
      <form method="get" action={RESIDENTS_PAGE} class="search" role="search">
        <label class="visually-hidden" for="q">{t('residents.search')}</label>
        <input id="q" type="search" name="q" value={query.q} placeholder={t('residents.searchHint')} maxLength={100} autofocus />
        <button type="submit">{t('residents.find')}</button>
      </form>
      {p.rows.length === 0 ? <p class="muted">{query.q ? t('residents.nothingFound', { q: query.q }) : t('residents.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th>{t('residents.person')}</th><th>{t('residents.channels')}</th><th>{t('residents.accounts')}</th>
              <th class="hide-narrow">{t('residents.lastActive')}</th>
            </tr></thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td><a href={residentPath(r.personId)}>{nameOf(t, r)}</a></td>
                  <td><Identities t={t} identities={r.identities} /></td>
                  <td><Links t={t} links={r.links} locale={p.locale} /></td>
                  <td class="hide-narrow">{when(r.lastActiveAt, p.locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager t={t} total={p.total} page={query.page} pageSize={RESIDENTS_PAGE_SIZE} base={RESIDENTS_PAGE} query={{ q: query.q || undefined }} />
    </Layout>
  );
}

export function ResidentCardPage(p: PageProps & {
  card: ResidentCard; canUnlink: boolean; saved?: boolean;
  /** This month's bill code per linked account, for staff who may tell it to the resident; null for others. */
  billCodes: Readonly<Record<string, string>> | null;
}) {
  const { t, card } = p;
  return (
    <Layout {...p} title={t('residents.cardTitle', { name: nameOf(t, card) })} active={RESIDENTS_PAGE}>
      {p.saved && <Notice>{t('residents.unlinked')}</Notice>}
      <p><a href={RESIDENTS_PAGE}>{t('common.backToList')}</a></p>
      <section class="card">
        <dl class="facts">
          <dt>{t('residents.since')}</dt><dd>{formatWhen(card.createdAt, p.locale)}</dd>
          <dt>{t('residents.language')}</dt><dd>{card.locale}</dd>
          <dt>{t('residents.lastActive')}</dt><dd>{when(card.lastActiveAt, p.locale)}</dd>
        </dl>
      </section>
      <h2>{t('residents.channels')}</h2>
      {card.identities.length === 0 ? <p class="muted">{t('residents.noChannels')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th>{t('residents.channel')}</th><th>{t('residents.externalId')}</th><th>{t('residents.phone')}</th><th>{t('residents.consent')}</th><th class="hide-narrow">{t('residents.lastActive')}</th></tr></thead>
            <tbody>
              {card.identities.map((i) => (
                <tr>
                  <td>{t(`account.channels.${i.channel}`)}</td><td><code>{maskExternalId(i.channel, i.externalId)}</code></td>
                  <td>{i.phone ? maskPhone(i.phone) : '—'}</td><td>{i.consent ? t('residents.consentYes') : t('residents.consentNo')}</td>
                  <td class="hide-narrow">{when(i.lastActiveAt, p.locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('residents.accounts')}</h2>
      {card.links.length === 0 ? <p class="muted">{t('residents.noAccounts')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th>{t('residents.account')}</th><th class="hide-narrow">{t('residents.address')}</th><th>{t('residents.proof')}</th>
              {p.billCodes && <th>{t('residents.billCode')}</th>}{p.canUnlink && <th><span class="visually-hidden">{t('residents.unlink')}</span></th>}
            </tr></thead>
            <tbody>
              {card.links.map((l) => (
                <tr class={l.status === 'closed' ? 'inactive' : undefined} id={`link-${l.accountId}`}>
                  <td><a href={`/admin/accounts/${l.accountId}`}>{l.number}</a></td>
                  <td class="hide-narrow">{l.address ? `${l.address}${l.premise ? `, ${t('accounts.flat', { n: l.premise })}` : ''}` : '—'}</td>
                  <td>{t(`account.relations.${l.relation}`)} · {t(`account.proofs.${l.proof}`)} <span class="muted">· {formatWhen(l.createdAt, p.locale)}</span></td>
                  {p.billCodes && <td>{p.billCodes[l.accountId] ? <code>{p.billCodes[l.accountId]}</code> : '—'}</td>}
                  {p.canUnlink && (
                    <td>
                      <form method="post" action={`${residentPath(card.personId)}/links/${l.accountId}/unlink`}>
                        <CsrfField csrf={p.csrf} />
                        <button type="submit" class="link">{t('residents.unlink')}</button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.billCodes && card.links.length > 0 && <p class="muted">{t('residents.billCodeHint')}</p>}
      {p.canUnlink && card.links.length > 0 && <p class="muted">{t('residents.unlinkHint')}</p>}
    </Layout>
  );
}
