import type { Database } from '../infra/database/database.ts';
import { AppError, err, ok, parseRubles, type Clock, type Result } from '../shared/index.ts';
import { createPayment, type CreatePaymentInput } from './initiate.ts';
import { applyReport, type NotifyOutcome } from './notify.ts';
import { findAccount, openPayPage, openPlate, paymentFace } from './pay-page.ts';
import { makePayLinks, type PayLinks } from './pay-links.ts';
import { loadPayment, type PaymentRecord } from './payment-record.ts';
import type { NotificationAck, PaymentProvider, PayMethod, ProviderName } from './provider.port.ts';
import { PAY_METHODS } from './provider.port.ts';
import { reconcilePending } from './reconcile.ts';
import { refundPayment, type RefundRequest } from './refund.ts';
import { makeSandboxBank, type SandboxBank } from './sandbox-bank.ts';
import { makeSandboxProvider } from './sandbox.provider.ts';
import type { CoverTarget } from './split.calc.ts';

export type PaymentsDeps = {
  readonly db: Database;
  readonly clock: Clock;
  readonly secretKey: string;
  /** Which provider new payments go to. */
  readonly provider: ProviderName;
  /** Other providers this process can hear from and ask (T-Bank when configured). */
  readonly extraProviders?: readonly PaymentProvider[];
  /** The public origin residents and banks reach us at (may be known only once the server listens). */
  readonly publicUrl: () => string;
  readonly sandboxRetryMs?: readonly number[];
};

export type PayFormInput = {
  readonly token: string;
  /** A plate's or a collector's token the resident came through. */
  readonly via?: string | null;
  readonly amount: string;
  readonly method: string;
  readonly agreed: boolean;
  readonly cover?: readonly CoverTarget[] | null;
  readonly idempotencyKey: string;
};

export type HookAnswer = NotificationAck & { readonly outcome: NotifyOutcome | 'rejected' };

export function makePaymentsService(deps: PaymentsDeps) {
  const links = makePayLinks(deps);
  const sandbox: SandboxBank = makeSandboxBank({ ...deps, retryMs: deps.sandboxRetryMs });
  const providers = new Map<ProviderName, PaymentProvider>([['sandbox', makeSandboxProvider(sandbox, (id) => `${deps.publicUrl()}/sandbox/pay/${id}`)]]);
  for (const p of deps.extraProviders ?? []) providers.set(p.name, p);
  const active = providers.get(deps.provider);
  if (!active) throw new Error(`payment provider ${deps.provider} is not configured`);
  const statusUrl = (id: string) => `${deps.publicUrl()}/pay/p/${id}?r=${links.paymentRef(id)}`;
  const initiateDeps = {
    db: deps.db, clock: deps.clock, provider: active,
    urls: (p: { id: string }) => ({ notification: `${deps.publicUrl()}/hooks/${active.name}`, success: statusUrl(p.id), fail: statusUrl(p.id) }),
  };

  return {
    links,
    sandbox,
    provider: (name: string) => providers.get(name as ProviderName),
    statusUrl,
    openPage: (token: string) => openPayPage({ db: deps.db, links }, token),
    openPlate: (token: string) => openPlate({ db: deps.db, links }, token),
    findAccount: async (plateToken: string, number: string, ip: string) => {
      const plate = await openPlate({ db: deps.db, links }, plateToken);
      return plate.ok ? findAccount({ db: deps.db, links, clock: deps.clock }, plate.value.claims, number, ip) : plate;
    },

    /** The payment page's form: every field checked, all problems at once, then the attempt. */
    async pay(input: PayFormInput): Promise<Result<PaymentRecord, AppError[]>> {
      const page = await openPayPage({ db: deps.db, links }, input.token);
      if (!page.ok) return err([page.error]);
      const problems: AppError[] = [];
      const amount = parseRubles(input.amount);
      if (!amount.ok) problems.push(new AppError('PAYMENTS.AMOUNT_INVALID', { field: 'amount', vars: { value: input.amount.slice(0, 40) } }));
      if (!(PAY_METHODS as readonly string[]).includes(input.method)) problems.push(new AppError('PAYMENTS.METHOD_INVALID', { field: 'method', vars: { value: input.method.slice(0, 20) } }));
      if (!input.agreed) problems.push(new AppError('PAYMENTS.OFFER_NOT_ACCEPTED', { field: 'agree' }));
      if (problems.length > 0 || !amount.ok) return err(problems);
      const via = input.via ? await openPlate({ db: deps.db, links }, input.via) : null;
      const viaClaims = via?.ok && via.value.org.id === page.value.org.id ? via.value.claims : null;
      const created = await createPayment(initiateDeps, {
        orgId: page.value.org.id, accountId: page.value.accountId, amount: amount.value, method: input.method as PayMethod,
        source: viaClaims ? (viaClaims.purpose === 'collector' ? 'collector' : 'plate') : 'link',
        collectorId: viaClaims?.purpose === 'collector' ? viaClaims.subjectId : null,
        cover: input.cover && input.cover.length > 0 ? input.cover : null, idempotencyKey: input.idempotencyKey,
      });
      return created.ok ? created : err([created.error]);
    },

    /** For the API and the bots: an attempt for a known account. */
    create: (input: CreatePaymentInput) => createPayment(initiateDeps, input),

    /** A status page: the payment id and its MAC from the URL. */
    async status(paymentId: string, ref: string): Promise<Result<PaymentRecord, AppError>> {
      if (!links.checkPaymentRef(paymentId, ref)) return err(new AppError('PAYMENTS.NOT_FOUND'));
      const orgId = await deps.db.read((em) => em.execute<{ org: string | null }[]>('select fp_payment_org(?) as org', [paymentId]));
      const org = orgId[0]?.org;
      const payment = org ? await deps.db.withTenant(org, (em) => loadPayment(em, org, paymentId)) : null;
      return payment ? ok(payment) : err(new AppError('PAYMENTS.NOT_FOUND'));
    },

    /** A provider's notification: verified first, applied in one transaction, answered only after commit. */
    async hook(name: string, body: Buffer, headers: Readonly<Record<string, string | undefined>>): Promise<HookAnswer> {
      const provider = providers.get(name as ProviderName);
      if (!provider) return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'unknown provider', outcome: 'rejected' };
      const parsed = provider.parseNotification(body, headers);
      if (!parsed.ok) return { status: 403, contentType: 'text/plain; charset=utf-8', body: 'rejected', outcome: 'rejected' };
      const outcome = await applyReport(deps, provider.name, parsed.value, 'notification');
      if (outcome === 'unknown') return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'unknown order', outcome };
      return { ...provider.ack, outcome };
    },

    /** The organisation and account a status page names (the payment came from a verified status URL). */
    face: (payment: PaymentRecord) => paymentFace(deps.db, payment.orgId, payment.accountId),

    reconcile: () => reconcilePending({ db: deps.db, clock: deps.clock, provider: (name) => providers.get(name) }),
    refund: (request: RefundRequest) => refundPayment({ db: deps.db, clock: deps.clock, provider: (name) => providers.get(name as ProviderName)! }, request),
    close: () => sandbox.close(),
  };
}

export type PaymentsService = ReturnType<typeof makePaymentsService>;
export type { PayLinks };
