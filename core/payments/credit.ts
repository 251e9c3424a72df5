import type { Em } from '../infra/database/database.ts';
import { allocate, kopecks, localDate, type Kopecks } from '../shared/index.ts';
import { accountDebt, fallbackRecipient } from './debt.ts';
import { postTransfer, type Posting } from './ledger.ts';
import type { PaymentRecord } from './payment-record.ts';
import { splitPayment, SPLIT_RULES, type SplitPart, type SplitRule } from './split.calc.ts';

type OrgTerms = { readonly rule: SplitRule; readonly shares: Record<string, number> | null; readonly timeZone: string };

async function orgTerms(em: Em, orgId: string): Promise<OrgTerms> {
  const [row] = await em.execute<{ split_rule: string; split_shares: Record<string, number> | string | null; time_zone: string }[]>(
    'select split_rule, split_shares, time_zone from organizations where id = ?', [orgId]);
  if (!row) throw new Error(`organisation ${orgId} is not visible in its own transaction`);
  const rule = (SPLIT_RULES as readonly string[]).includes(row.split_rule) ? (row.split_rule as SplitRule) : 'oldestFirst';
  const shares = typeof row.split_shares === 'string' ? (JSON.parse(row.split_shares) as Record<string, number>) : row.split_shares;
  return { rule, shares, timeZone: row.time_zone };
}

/** One account's payments are split one at a time: two at once would both pay the same oldest month. */
const lockAccount = (em: Em, accountId: string) => em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`pay-account:${accountId}`]);

/**
 * Money taken: split the credited amount over the account's debt by the organisation's rule, record the proof of
 * split, and post one balanced transfer — the acquirer owes us the gross; each recipient is owed its parts less
 * its share of an internal fee (payable for debt, advance for an overpayment); the fee is our income.
 */
export async function creditPayment(em: Em, payment: PaymentRecord, at: Date): Promise<readonly SplitPart[]> {
  await lockAccount(em, payment.accountId);
  const terms = await orgTerms(em, payment.orgId);
  const debt = await accountDebt(em, payment.orgId, payment.accountId);
  const fallback = await fallbackRecipient(em, payment.orgId);
  if (!fallback && debt.lines.length === 0) throw new Error(`organisation ${payment.orgId} has no recipient to credit`);
  const parts = splitPayment({
    amount: kopecks(payment.amount), lines: debt.lines, rule: terms.rule, shares: terms.shares ?? undefined,
    cover: payment.cover ?? undefined, advanceBasis: debt.advanceBasis, fallbackRecipientId: fallback ?? debt.lines[0]!.recipientId,
  });
  // An internal fee is borne by the parts in proportion to their size (largest remainder; Σ = fee).
  const feeShares = payment.commissionMode === 'internal' && payment.fee > 0 ? allocate(kopecks(payment.fee), parts.map((p) => p.amount)) : parts.map(() => kopecks(0));
  await insertSplits(em, payment, parts, feeShares, null, at);
  await postTransfer(em, {
    orgId: payment.orgId, kind: 'payment', paymentId: payment.id, accountId: payment.accountId, at,
    postings: [
      { kind: 'clearing', recipientId: null, amount: kopecks(payment.gross) },
      ...parts.map((part, i): Posting => ({
        kind: part.kind === 'advance' ? 'advance' : 'payable', recipientId: part.recipientId, amount: kopecks(-(part.amount - feeShares[i]!)),
      })),
      { kind: 'fee_income', recipientId: null, amount: kopecks(-payment.fee) },
    ],
  });
  await em.execute(`update payments set status = 'paid', paid_at = ?, registry_day = ?, updated_at = ? where org_id = ? and id = ?`,
    [at, localDate(at, terms.timeZone), at, payment.orgId, payment.id]);
  return parts;
}

export async function insertSplits(
  em: Em, payment: PaymentRecord, parts: readonly SplitPart[], feeShares: readonly Kopecks[], refundId: string | null, at: Date,
): Promise<void> {
  if (parts.length === 0) return;
  const [{ next }] = await em.execute<{ next: number }[]>('select coalesce(max(seq), 0) + 1 as next from payment_splits where org_id = ? and payment_id = ?', [payment.orgId, payment.id]) as [{ next: number }];
  const rows = parts.map((part, i) => [
    payment.orgId, payment.id, refundId, Number(next) + i, payment.accountId, part.serviceId, part.serviceCode, part.recipientId,
    part.period ? `${part.period}-01` : null, part.kind, part.amount, feeShares[i] ?? 0, part.debtBefore, part.reason, at,
  ]);
  await em.execute(
    `insert into payment_splits (id, org_id, payment_id, refund_id, seq, account_id, service_id, service_code, recipient_id, period, kind, amount, fee_share, debt_before, reason, created_at)
     values ${rows.map(() => '(gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
}
