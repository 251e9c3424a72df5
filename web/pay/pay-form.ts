import { commissionFor, PAY_METHODS, type CommissionTerms, type PayMethod, type PayPage } from '../../core/payments/index.ts';
import { addKopecks, formatRubles, localDate, parseRubles, ZERO_KOPECKS, type AppError, type Kopecks } from '../../core/shared/index.ts';
import type { T } from './pay-http.ts';

/** What the payment form shows and, after a refused POST, what the payer typed. */
export type PayFormState = {
  readonly amount: string;
  readonly method: string;
  readonly agreed: boolean;
  readonly cover: readonly string[];
  /** A fresh key each render: a double click sends one key twice and gets one payment. */
  readonly idem: string;
  readonly via: string | null;
};

export type PayFormView = {
  readonly page: PayPage;
  readonly state: PayFormState;
  readonly errors: readonly AppError[];
  /** The link the page was opened with (for the bookmark offer and the form's action). */
  readonly token: string;
};

export const isPayMethod = (value: string): value is PayMethod => (PAY_METHODS as readonly string[]).includes(value);

/** СБП first: no card details to type, and the bank app opens by itself on a phone. */
export const DEFAULT_METHOD: PayMethod = 'sbp';

/** The button: no fee for the payer → «без комиссии»; otherwise the total and the fee, as commissionFor computes them. */
export function payButtonLabel(t: T, amountText: string, terms: CommissionTerms | undefined): string {
  if (!terms || terms.mode === 'internal' || terms.basisPoints === 0) return t('payFree');
  const amount = parseRubles(amountText);
  if (!amount.ok || amount.value < 0) return t('payPlain');
  const c = commissionFor(amount.value, terms);
  return t('payFee', { total: formatRubles(c.gross), fee: formatRubles(c.fee) });
}

/** «1,5 %» from 150 bp, by integer arithmetic so no float shows up on the page. */
export function ratePercent(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  const fraction = String(basisPoints % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole},${fraction}` : String(whole);
}

/** dd.mm.yyyy of an instant in the organisation's zone (a registry imported at 23:30 Moscow is the next day in Perm). */
export function localDay(instant: Date, timeZone: string): string {
  const [y, m, d] = localDate(instant, timeZone).split('-');
  return `${d}.${m}.${y}`;
}

/** dd.mm.yyyy hh:mm in the organisation's zone. */
export function localDayTime(instant: Date, timeZone: string): string {
  const time = new Intl.DateTimeFormat('ru-RU', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
  return `${localDay(instant, timeZone)} ${time}`;
}

type ServiceDebt = { serviceId: string; code: string; name: string; amount: Kopecks; penalty: Kopecks };

/** The debt by service, for «Что оплатить»: one row a service, principal and penalties added up, in the bill's order (by code). */
export function debtByService(page: PayPage): ServiceDebt[] {
  const rows = new Map<string, ServiceDebt>();
  for (const line of page.debt.lines) {
    const row = rows.get(line.serviceId)
      ?? { serviceId: line.serviceId, code: line.serviceCode, name: page.serviceNames[line.serviceId] ?? line.serviceCode, amount: ZERO_KOPECKS, penalty: ZERO_KOPECKS };
    row.amount = addKopecks(row.amount, line.amount);
    if (line.kind === 'penalty') row.penalty = addKopecks(row.penalty, line.amount);
    rows.set(line.serviceId, row);
  }
  // Code-unit order: the same on every server, whatever its locale.
  return [...rows.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Only services the account owes can be chosen; anything else in the form is dropped, never passed on. */
export const coverOf = (page: PayPage, chosen: readonly string[]) =>
  [...new Set(chosen)].filter((id) => page.debt.lines.some((l) => l.serviceId === id)).map((serviceId) => ({ serviceId }));

/** The field an error is shown beside; the rest go to the summary at the top. */
export const FORM_FIELDS = ['amount', 'method', 'agree'] as const;
