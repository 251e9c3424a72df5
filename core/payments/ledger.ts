import { createHash, randomUUID } from 'node:crypto';
import type { Em } from '../infra/database/database.ts';
import type { Kopecks } from '../shared/index.ts';
import type { LedgerKind } from './ledger.entity.ts';

/** One side of a transfer: a positive amount debits the ledger account, a negative one credits it. */
export type Posting = { readonly kind: LedgerKind; readonly recipientId: string | null; readonly amount: Kopecks };

export type Transfer = {
  readonly orgId: string;
  /** payment, fee, refund, reversal, correction */
  readonly kind: string;
  readonly postings: readonly Posting[];
  readonly paymentId?: string | null;
  readonly refundId?: string | null;
  readonly accountId?: string | null;
  readonly at: Date;
};

export const ledgerCode = (kind: LedgerKind, recipientId: string | null): string => (recipientId ? `${kind}:${recipientId}` : kind);

/** Ledger accounts have ids derived from (organisation, code): posting needs no lookup and two racing first posts agree. */
export function ledgerAccountId(orgId: string, code: string): string {
  const hex = createHash('sha256').update(`${orgId}|${code}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A statement and its parameters, to run alone or to embed as a CTE of a larger statement (one round trip). */
export type SqlPart = { readonly sql: string; readonly params: readonly unknown[] };

/**
 * One balanced transfer as two inserts: the ledger accounts it touches (created on first use) and its entries.
 * Zero postings are dropped (an entry of 0 says nothing). The database refuses a statement that leaves a transfer unbalanced
 * (fp_ledger_transfer_balanced); checking here too names the bug where it happens.
 */
export function transferSql(transfer: Transfer): { readonly transferId: string; readonly parts: readonly SqlPart[] } {
  const postings = transfer.postings.filter((p) => p.amount !== 0);
  const total = postings.reduce((sum, p) => sum + BigInt(p.amount), 0n);
  if (total !== 0n) throw new Error(`unbalanced ${transfer.kind} transfer: ${total} kop`);
  const transferId = randomUUID();
  if (postings.length === 0) return { transferId, parts: [] };
  const accounts = new Map<string, Posting>();
  for (const p of postings) accounts.set(ledgerCode(p.kind, p.recipientId), p);
  const accountRows = [...accounts].map(([code, p]) => [ledgerAccountId(transfer.orgId, code), transfer.orgId, code, p.kind, p.recipientId, transfer.at]);
  const entryRows = postings.map((p) => [
    transfer.orgId, transferId, ledgerAccountId(transfer.orgId, ledgerCode(p.kind, p.recipientId)), p.amount, transfer.kind,
    transfer.paymentId ?? null, transfer.refundId ?? null, transfer.accountId ?? null, transfer.at,
  ]);
  return {
    transferId,
    parts: [
      { sql: `insert into ledger_accounts (id, org_id, code, kind, recipient_id, created_at) values ${accountRows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
        on conflict do nothing`, params: accountRows.flat() },
      { sql: `insert into ledger_entries (org_id, transfer_id, ledger_account_id, amount, kind, payment_id, refund_id, account_id, created_at)
        values ${entryRows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, params: entryRows.flat() },
    ],
  };
}

/** Runs parts as one statement: each but the last as a data-modifying CTE (PostgreSQL runs them all). */
export async function executeParts(em: Em, parts: readonly SqlPart[]): Promise<void> {
  if (parts.length === 0) return;
  const last = parts[parts.length - 1]!;
  const ctes = parts.slice(0, -1).map((part, i) => `w${i} as (${part.sql})`);
  const sql = ctes.length > 0 ? `with ${ctes.join(', ')} ${last.sql}` : last.sql;
  await em.execute(sql, [...parts.slice(0, -1).flatMap((part) => part.params), ...last.params]);
}

export async function postTransfer(em: Em, transfer: Transfer): Promise<string> {
  const { transferId, parts } = transferSql(transfer);
  await executeParts(em, parts);
  return transferId;
}

export type LedgerBalance = { readonly code: string; readonly kind: LedgerKind; readonly recipientId: string | null; readonly balance: number };

/** Balances of the organisation's ledger accounts (Σ of their entries; debit positive). */
export async function ledgerBalances(em: Em, orgId: string): Promise<LedgerBalance[]> {
  const rows = await em.execute<{ code: string; kind: LedgerKind; recipient_id: string | null; balance: string }[]>(
    `select a.code, a.kind, a.recipient_id, coalesce(sum(e.amount), 0) as balance
     from ledger_accounts a left join ledger_entries e on e.ledger_account_id = a.id and e.org_id = a.org_id
     where a.org_id = ? group by a.id, a.code, a.kind, a.recipient_id order by a.code`, [orgId]);
  return rows.map((r) => ({ code: r.code, kind: r.kind, recipientId: r.recipient_id, balance: Number(r.balance) }));
}
