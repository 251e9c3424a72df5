import type { AppError } from '../../../core/shared/index.ts';
import { formatRubles } from '../../../core/shared/index.ts';
import { debtByService, DEFAULT_METHOD, FORM_FIELDS, isPayMethod, localDay, payButtonLabel, ratePercent, type PayFormView } from '../pay-form.ts';
import { withLang, type Ctx } from '../pay-http.ts';
import { Fact, PayLayout } from './layout.tsx';

const errorFor = (errors: readonly AppError[], name: string) => errors.find((e) => e.field === name);

function FieldError({ ctx, error, name }: { ctx: Ctx; error: AppError | undefined; name: string }) {
  return error ? <p class="field-error" id={`e-${name}`}>{ctx.t(error.code, error.vars)}</p> : null;
}

/** «Приём платежей за услуги …», the account, the debt «на дату», and the one form (the brief's screenshot). */
export function PayFormPage({ ctx, view, here }: { ctx: Ctx; view: PayFormView; here: string }) {
  const { t } = ctx;
  const { page, state, errors } = view;
  const general = errors.filter((e) => !e.field || !(FORM_FIELDS as readonly string[]).includes(e.field));
  return (
    <PayLayout ctx={ctx} title={t('title')} here={here}>
      <h1>{t('heading', { name: page.org.shortName })}</h1>
      <section class="card facts">
        <Fact label={t('account')}>{page.accountNumber}</Fact>
        <Fact label={t('payer')}>{page.address}</Fact>
        {page.debt.asOf && page.debt.total > 0
          ? <Fact label={t('recommended', { date: localDay(page.debt.asOf, page.org.timeZone) })} id="recommended">{formatRubles(page.debt.total)}</Fact>
          : <p class="muted" id="recommended">{t('nothingToPay')}</p>}
      </section>
      {general.length > 0 && (
        <div class="errors" role="alert">{general.map((e) => <p>{t(e.code, e.vars)}</p>)}</div>
      )}
      <PayForm ctx={ctx} view={view} />
      <p class="bookmark">
        <a href={withLang(`/pay/${view.token}`, ctx.lang)}>{t('bookmark')}</a>
        <br /><small>{t('bookmarkHint')}</small>
      </p>
    </PayLayout>
  );
}

function PayForm({ ctx, view }: { ctx: Ctx; view: PayFormView }) {
  const { t } = ctx;
  const { page, state, errors } = view;
  const amountError = errorFor(errors, 'amount');
  const agreeError = errorFor(errors, 'agree');
  const terms = page.org.commission;
  // The button's rule for pay.js: the same rates and the same halfUp rounding; the server recomputes on POST.
  const rates = JSON.stringify({ sbp: terms.sbp, card: terms.card });
  return (
    <form method="post" action={withLang(`/pay/${view.token}`, ctx.lang)} class="card pay-form" id="pay-form" noValidate
      data-rates={rates} data-label-free={t('payFree')} data-label-fee={t('payFee')} data-label-plain={t('payPlain')}>
      <input type="hidden" name="idem" value={state.idem} />
      {state.via && <input type="hidden" name="via" value={state.via} />}
      <div class={`field${amountError ? ' invalid' : ''}`}>
        <label for="f-amount">{t('amount')}</label>
        <input id="f-amount" name="amount" type="text" inputMode="decimal" autocomplete="off" value={state.amount} maxLength={20}
          aria-invalid={amountError ? 'true' : undefined} aria-describedby={amountError ? 'e-amount' : undefined} />
        <FieldError ctx={ctx} error={amountError} name="amount" />
      </div>
      <MethodChoice ctx={ctx} view={view} />
      <WhatToPay ctx={ctx} view={view} />
      <div class={`field agree${agreeError ? ' invalid' : ''}`}>
        <label class="check">
          <input type="checkbox" name="agree" value="1" id="f-agree" checked={state.agreed}
            aria-invalid={agreeError ? 'true' : undefined} aria-describedby={agreeError ? 'e-agree' : undefined} />
          <span>
            {page.org.offerUrl
              ? <>{t('agree')} <a href={page.org.offerUrl} target="_blank" rel="noopener noreferrer">{t('offerLink')}</a></>
              : t('agreeNoLink')}
          </span>
        </label>
        <FieldError ctx={ctx} error={agreeError} name="agree" />
      </div>
      <button type="submit" class="pay-button" id="pay-button">{payButtonLabel(t, state.amount, terms[isPayMethod(state.method) ? state.method : DEFAULT_METHOD])}</button>
    </form>
  );
}

function MethodChoice({ ctx, view }: { ctx: Ctx; view: PayFormView }) {
  const { t } = ctx;
  const error = errorFor(view.errors, 'method');
  const methods = [['sbp', t('methodSbp')], ['card', t('methodCard')]] as const;
  return (
    <fieldset class={`field methods${error ? ' invalid' : ''}`} aria-describedby={error ? 'e-method' : undefined}>
      <legend>{t('method')}</legend>
      {methods.map(([method, label]) => {
        const terms = view.page.org.commission[method];
        const payerPays = terms && terms.mode === 'external' && terms.basisPoints > 0;
        return (
          <label class="check method">
            <input type="radio" name="method" value={method} checked={view.state.method === method} />
            <span>{label}<small>{payerPays ? t('methodFee', { rate: ratePercent(terms.basisPoints) }) : t('methodNoFee')}</small></span>
          </label>
        );
      })}
      <FieldError ctx={ctx} error={error} name="method" />
    </fieldset>
  );
}

/** Optional: services to pay first. Unticked, the organisation's rule splits the money over the debt. */
function WhatToPay({ ctx, view }: { ctx: Ctx; view: PayFormView }) {
  const { t } = ctx;
  const rows = debtByService(view.page);
  if (rows.length === 0) return null;
  return (
    <details class="what" open={view.state.cover.length > 0}>
      <summary>{t('whatToPay')}</summary>
      <p class="muted">{t('whatToPayHint')}</p>
      {rows.map((row) => (
        <label class="check service">
          <input type="checkbox" name="cover" value={row.serviceId} checked={view.state.cover.includes(row.serviceId)} />
          <span class="service-name">{row.name}</span>
          <span class="service-sum">
            {formatRubles(row.amount)}
            {row.penalty > 0 && <small>{t('includesPenalty', { penalty: formatRubles(row.penalty) })}</small>}
          </span>
        </label>
      ))}
    </details>
  );
}
