import type { Em } from '../infra/database/database.ts';
import { executeParts, type SqlPart } from './ledger.ts';
import type { CoverTarget } from './split.calc.ts';
import type { PaymentSource, PaymentStatus } from './payments.entity.ts';
import type { PayMethod, ProviderName } from './provider.port.ts';

/** A payment row as the flow reads it (amounts in kopecks). */
export type PaymentRecord = {
  readonly id: string;
  readonly orgId: string;
  readonly accountId: string;
  readonly provider: ProviderName;
  readonly providerPaymentId: string | null;
  readonly method: PayMethod;
  readonly status: PaymentStatus;
  readonly amount: number;
  readonly fee: number;
  readonly gross: number;
  readonly net: number;
  readonly commissionMode: 'internal' | 'external';
  readonly commissionBp: number;
  readonly refunded: number;
  readonly collectorId: string | null;
  readonly source: PaymentSource;
  readonly cover: readonly CoverTarget[] | null;
  readonly paymentUrl: string | null;
  readonly sbpPayload: string | null;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly paidAt: Date | null;
  readonly registryDay: string | null;
};

/** The columns toPaymentRecord reads, for every statement that returns a payment. */
export const PAYMENT_COLUMNS = `id, org_id, account_id, provider, provider_payment_id, method, status, amount, fee, gross, net, commission_mode, commission_bp,
  refunded, collector_id, source, cover, payment_url, sbp_payload, expires_at, created_at, paid_at, to_char(registry_day, 'YYYY-MM-DD') as registry_day`;

type Row = Record<string, unknown>;
export function toPaymentRecord(r: Row): PaymentRecord {
  return {
    id: r.id as string, orgId: r.org_id as string, accountId: r.account_id as string, provider: r.provider as ProviderName,
    providerPaymentId: (r.provider_payment_id as string | null) ?? null, method: r.method as PayMethod, status: r.status as PaymentStatus,
    amount: Number(r.amount), fee: Number(r.fee), gross: Number(r.gross), net: Number(r.net),
    commissionMode: r.commission_mode as 'internal' | 'external', commissionBp: Number(r.commission_bp), refunded: Number(r.refunded),
    collectorId: (r.collector_id as string | null) ?? null, source: r.source as PaymentSource,
    cover: (typeof r.cover === 'string' ? JSON.parse(r.cover) : r.cover) as CoverTarget[] | null,
    paymentUrl: (r.payment_url as string | null) ?? null, sbpPayload: (r.sbp_payload as string | null) ?? null,
    expiresAt: new Date(r.expires_at as string), createdAt: new Date(r.created_at as string),
    paidAt: r.paid_at ? new Date(r.paid_at as string) : null, registryDay: (r.registry_day as string | null) ?? null,
  };
}

/** Reads a payment in the tenant's transaction; `lock` serialises everything that changes it (deliveries, refunds). */
export async function loadPayment(em: Em, orgId: string, paymentId: string, lock = false): Promise<PaymentRecord | null> {
  const rows = await em.execute<Row[]>(`select ${PAYMENT_COLUMNS} from payments where org_id = ? and id = ?${lock ? ' for update' : ''}`, [orgId, paymentId]);
  return rows[0] ? toPaymentRecord(rows[0]) : null;
}

export type PaymentEventInput = {
  orgId: string; paymentId: string; kind: string; operation: string; from?: string | null; to?: string | null; data: unknown; at: Date;
};

export const paymentEventSql = (event: PaymentEventInput): SqlPart => ({
  sql: `insert into payment_events (id, org_id, payment_id, kind, operation, status_from, status_to, data, created_at)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
  params: [event.orgId, event.paymentId, event.kind, event.operation.slice(0, 128), event.from ?? null, event.to ?? null, JSON.stringify(event.data ?? {}), event.at],
});

export const addPaymentEvent = (em: Em, event: PaymentEventInput): Promise<void> => executeParts(em, [paymentEventSql(event)]);

