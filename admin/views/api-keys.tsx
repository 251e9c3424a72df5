import type { ApiKeyInfo } from '../../core/orgs/index.ts';
import { ErrorSummary, Field, Notice, type FormErrors } from './components.tsx';
import { CsrfField, Layout, type PageProps } from './layout.tsx';
import { formatWhen } from './registries.tsx';

export type ApiKeysPageProps = PageProps & {
  keys: readonly ApiKeyInfo[];
  /** Just created: the only time the whole key is on a page. */
  created?: { readonly name: string; readonly key: string };
  revoked?: boolean;
  failed?: { readonly name: string; readonly errors: FormErrors };
};

export function ApiKeysPage(p: ApiKeysPageProps) {
  const { t, locale } = p;
  return (
    <Layout {...p} title={t('apiKeys.title')} active="/admin/settings/api-keys">
      <p class="muted">{t('apiKeys.explain')}</p>
      {p.created && (
        <div class="notice" role="status">
          <p>{t('apiKeys.created', { name: p.created.name })}</p>
          <p><code class="secret" id="new-key">{p.created.key}</code></p>
        </div>
      )}
      {p.revoked && <Notice>{t('apiKeys.revoked')}</Notice>}
      <form method="post" action="/admin/settings/api-keys" class="card" id="create" novalidate>
        <h2>{t('apiKeys.newKey')}</h2>
        <ErrorSummary t={t} errors={p.failed?.errors} />
        <CsrfField csrf={p.csrf} />
        <Field t={t} name="name" label={t('apiKeys.name')} value={p.failed?.name} errors={p.failed?.errors} hint={t('apiKeys.nameHint')}
          maxLength={100} autocomplete="off" required />
        <div class="actions"><button type="submit">{t('apiKeys.create')}</button></div>
      </form>
      <h2>{t('apiKeys.list')}</h2>
      {p.keys.length === 0 ? <p class="muted">{t('apiKeys.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('apiKeys.name')}</th><th>{t('apiKeys.prefix')}</th><th class="hide-narrow">{t('apiKeys.createdAt')}</th>
                <th class="hide-narrow">{t('apiKeys.lastUsed')}</th><th>{t('apiKeys.state')}</th><th />
              </tr>
            </thead>
            <tbody>
              {p.keys.map((k) => (
                <tr class={k.revokedAt ? 'inactive' : undefined}>
                  <td>{k.name}</td>
                  <td><code>{`fpk_${k.prefix}_…`}</code></td>
                  <td class="hide-narrow">{formatWhen(k.createdAt, locale)}</td>
                  <td class="hide-narrow">{k.lastUsedAt ? formatWhen(k.lastUsedAt, locale) : t('apiKeys.never')}</td>
                  <td>{k.revokedAt ? t('apiKeys.revokedAt', { at: formatWhen(k.revokedAt, locale) }) : t('apiKeys.active')}</td>
                  <td>
                    {!k.revokedAt && (
                      <form method="post" action={`/admin/settings/api-keys/${k.id}/revoke`}>
                        <CsrfField csrf={p.csrf} />
                        <button type="submit" class="danger" aria-label={t('apiKeys.revokeFor', { name: k.name })}>{t('apiKeys.revoke')}</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
