import type { FoundAccount, OrgFace } from '../../../core/payments/index.ts';
import type { AppError } from '../../../core/shared/index.ts';
import { withLang, type Ctx } from '../pay-http.ts';
import { Fact, PayLayout } from './layout.tsx';

export type PlateView = {
  readonly org: OrgFace;
  readonly collectorName: string | null;
  readonly token: string;
  readonly number: string;
  readonly error?: AppError;
  /** What findAccount answered: masked, and a short-lived link to the account's page. */
  readonly found?: FoundAccount;
};

/** An entrance plate or a collector's card: the organisation is known, the resident types the account number. */
export function PlatePage({ ctx, view }: { ctx: Ctx; view: PlateView }) {
  const { t } = ctx;
  const here = `/pay/o/${view.token}`;
  return (
    <PayLayout ctx={ctx} title={t('plateTitle')} here={here}>
      <h1>{t('heading', { name: view.org.shortName })}</h1>
      {view.collectorName && <p class="collector">{t('collector', { name: view.collectorName })}</p>}
      {view.found ? <Found ctx={ctx} view={view} found={view.found} /> : <NumberForm ctx={ctx} view={view} />}
    </PayLayout>
  );
}

function NumberForm({ ctx, view }: { ctx: Ctx; view: PlateView }) {
  const { t } = ctx;
  const error = view.error;
  return (
    <form method="post" action={withLang(`/pay/o/${view.token}`, ctx.lang)} class="card" noValidate>
      <div class={`field${error ? ' invalid' : ''}`}>
        <label for="f-account">{t('accountNumber')}</label>
        <input id="f-account" name="account" type="text" inputMode="numeric" autocomplete="off" maxLength={32} value={view.number}
          aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'e-account' : 'h-account'} />
        {error
          ? <p class="field-error" id="e-account" role="alert">{t(error.code, error.vars)}</p>
          : <small id="h-account">{t('accountHint')}</small>}
      </div>
      <button type="submit" class="pay-button">{t('find')}</button>
    </form>
  );
}

/** Only what findAccount returned: initials and a masked address (RELIABILITY.md A2). */
function Found({ ctx, view, found }: { ctx: Ctx; view: PlateView; found: FoundAccount }) {
  const { t } = ctx;
  const next = withLang(`/pay/${found.accountToken}?via=${encodeURIComponent(view.token)}`, ctx.lang);
  return (
    <section class="card facts found">
      <h2>{t('found')}</h2>
      <Fact label={t('account')}>{view.number}</Fact>
      <Fact label={t('payer')}>{found.payer}</Fact>
      <Fact label={t('address')}>{found.address}</Fact>
      <a class="pay-button" href={next}>{t('thisIsMine')}</a>
      <p><a href={withLang(`/pay/o/${view.token}`, ctx.lang)}>{t('notMine')}</a></p>
    </section>
  );
}
