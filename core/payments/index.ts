// The payments module: pay links, payment attempts through a provider (the sandbox bank or T-Bank with СБП),
// verified notifications, commission, the split and the double-entry ledger. The only way in from outside.

// The service
export { makePaymentsService } from './payments.service.ts';
export type { PaymentsService, PaymentsDeps, PayFormInput, HookAnswer } from './payments.service.ts';

// Providers
export { PROVIDER_NAMES, PAY_METHODS, PROVIDER_STATUSES } from './provider.port.ts';
export { makeTbankProvider } from './tbank.provider.ts';
export { tbankToken } from './tbank-token.calc.ts';
export type { PaymentProvider, ProviderName, PayMethod, ProviderStatus, ProviderNotification, ProviderExchange } from './provider.port.ts';
export type { SandboxBank, SandboxPaymentView } from './sandbox-bank.ts';

// Records and reads
export { PAYMENTS_ENTITIES, PAYMENT_STATUSES, PAYMENT_SOURCES } from './payments.entity.ts';
export type { PaymentStatus, PaymentSource } from './payments.entity.ts';
export { LEDGER_ENTITIES, LEDGER_KINDS } from './ledger.entity.ts';
export type { LedgerKind } from './ledger.entity.ts';
export type { PaymentRecord } from './payment-record.ts';
export { ledgerBalances } from './ledger.ts';
export type { LedgerBalance } from './ledger.ts';
export { accountDebt } from './debt.ts';
export { RECEIPT_TOPIC } from './notify.ts';
export { loadPayment } from './payment-record.ts';
export type { AccountDebt } from './debt.ts';
export type { PayPage, OrgFace, FoundAccount } from './pay-page.ts';
export { MIN_PAYMENT, MAX_PAYMENT, IDEMPOTENCY_KEY } from './initiate.ts';
export type { CreatePaymentInput } from './initiate.ts';

// Money rules
export { commissionFor, FEE_ROUNDING } from './commission.calc.ts';
export type { Commission, CommissionTerms } from './commission.calc.ts';
export { splitPayment, splitRefund, SPLIT_RULES, SPLIT_TIE_RULE } from './split.calc.ts';
export type { SplitPart, SplitRule, DebtLine, CoverTarget } from './split.calc.ts';

// Links
export { LINK_PURPOSES } from './pay-link.calc.ts';
export type { LinkPurpose, LinkClaims } from './pay-link.calc.ts';
export { LINK_LIFETIME_DAYS } from './pay-links.ts';
export { isStartToken } from './start-token.calc.ts';
export type { StartRejection } from './start-token.calc.ts';
export type { PayLinks } from './pay-links.ts';

// Staff reads (the admin's payment pages)
export { listPayments, dayTotals, orgTimeZone, PAYMENTS_COUNT_CAP } from './payments-admin.repo.ts';
export type { PaymentListFilter, PaymentListRow, MoneyTotals, MethodTotals, RangeTotals, DayTotals } from './payments-admin.repo.ts';
export { paymentCard, withoutSecretsDeep } from './payments-admin-card.repo.ts';
export type { PaymentCard, CardSplit, CardRefund, CardEvent, CardLedgerEntry } from './payments-admin-card.repo.ts';

// Collectors, payment terms and where links come from (the admin's links pages, `familypay links`)
export { listCollectors, findCollector, addCollector, setCollectorActive } from './collectors.ts';
export type { CollectorRecord, CollectorInput, ChangedBy } from './collectors.ts';
export { paymentSettings, validatePaymentSettings, savePaymentSettings, shareField, SHARE_REASONS, MAX_SHARE } from './payment-settings.ts';
export type { PaymentSettings, PaymentSettingsInput, PaymentSettingsValues, ShareLine, ShareReason } from './payment-settings.ts';
export { accountLinkRows, accountLink, plateLink, collectorLink, countOpenAccounts, LINKS_PAGE_SIZE } from './links-source.ts';
export { linksCsv, linksZip } from './links-export.ts';
export type { LinkRow } from './links-export.ts';

// Hourly attempt limits (typed account numbers here; the bots' linking proofs too)
export { overLimit, recordHit, RATE_WINDOW_MS } from './rate-limit.ts';
export type { Limit } from './rate-limit.ts';
