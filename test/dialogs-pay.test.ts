import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billCode } from '../core/accounts/index.ts';
import { sendReceipt } from '../dialogs/receipts.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { HARNESS_SECRET, makeDialogHarness, optionIds, readable, type DialogHarness } from './support/dialog-harness.ts';

let test: TestDatabase;
let h: DialogHarness;

beforeAll(async () => {
  test = await openTestDatabase();
  h = await makeDialogHarness(test.db, 'paybot');
});
afterAll(async () => {
  h?.close();
  await test?.drop();
});

async function linkByCode(user: string, index: number): Promise<void> {
  const account = h.org.accounts[index]!;
  await h.send(user, '/start');
  await h.send(user, { kind: 'choice', optionId: 'm.link' });
  await h.send(user, account.number);
  await h.send(user, { kind: 'choice', optionId: 'lp.code' });
  const done = await h.send(user, billCode(HARNESS_SECRET, h.org.orgId, account.id, new Date().toISOString().slice(0, 7)));
  expect(readable(done).join('\n')).toContain('привязан');
}

describe('paying from a chat', () => {
  it('shows the debt, gives the СБП link, and sends the receipt to the same chat once the bank confirms', async () => {
    await linkByCode('payer', 0);
    const debt = await h.send('payer', { kind: 'choice', optionId: 'm.debt' });
    expect(readable(debt).join('\n')).toMatch(/Долг на сегодня: [\d\s]+,\d\d\s₽/);
    const ask = await h.send('payer', { kind: 'choice', optionId: 'd.pay' });
    expect(optionIds(ask)[0]).toBe('p.full');
    const paid = await h.send('payer', { kind: 'choice', optionId: 'p.full' }, { eventKey: 'pay-1' });
    const links = paid.intents.filter((i) => i.type === 'link');
    expect(links).toHaveLength(2);
    expect(optionIds(paid)).toContain('m.debt');
    // A redelivery of the same press is the same answer and the same payment.
    const again = await h.send('payer', { kind: 'choice', optionId: 'p.full' }, { eventKey: 'pay-1' });
    expect(again).toEqual(paid);

    const [row] = await test.db.withTenant(h.org.orgId, (em) => em.execute<{ id: string; provider_payment_id: string; gross: string }[]>(
      `select p.id, p.provider_payment_id, p.gross from payments p join dialog_payments d on d.payment_id = p.id where p.org_id = ?`, [h.org.orgId]));
    expect(row).toBeDefined();
    await h.payments.sandbox.decide(row!.provider_payment_id, 'confirm');
    const body = JSON.stringify({ OrderId: row!.id, PaymentId: row!.provider_payment_id, Status: 'CONFIRMED', Amount: Number(row!.gross) });
    expect((await h.payments.hook('sandbox', Buffer.from(body), { 'x-sandbox-signature': h.payments.sandbox.sign(body) })).outcome).toBe('applied');
    const outbox = await test.db.withoutTenant((em) => em.execute<{ topic: string; job_id: string }[]>(`select topic, job_id from outbox where job_id = ?`, [`receipt:${row!.id}`]));
    expect(outbox).toEqual([{ topic: 'dialogs.receipt', job_id: `receipt:${row!.id}` }]);

    await sendReceipt({ db: test.db, clock: h.clock, payments: h.payments, deliver: async (m) => { h.delivered.push(m); } }, h.org.orgId, row!.id);
    const receipt = h.delivered.find((m) => m.key === `receipt:${row!.id}`);
    expect(receipt).toMatchObject({ channel: 'webchat', chatId: 'chat-payer' });
    expect(receipt!.intents[0]).toMatchObject({ type: 'text', text: { key: 'dialogs.pay.receipt' } });
  });

  it('pays another amount typed in roubles and refuses one below the minimum', async () => {
    await linkByCode('other', 1);
    await h.send('other', { kind: 'choice', optionId: 'm.pay' });
    await h.send('other', { kind: 'choice', optionId: 'p.other' });
    const low = await h.send('other', '0,50');
    expect(readable(low).join('\n')).toContain('Сумма должна быть от');
    const ok = await h.send('other', '1 500,50');
    expect(ok.intents.filter((i) => i.type === 'link')).toHaveLength(2);
  });

  it('asks the queue to try the receipt again while the chat of a fresh payment is not recorded yet', async () => {
    const created = await h.payments.create({ orgId: h.org.orgId, accountId: h.org.accounts[2]!.id, amount: 10_000 as never, method: 'sbp', source: 'bot', idempotencyKey: 'receipt-race-1' });
    if (!created.ok) throw created.error;
    const deps = { db: test.db, clock: h.clock, payments: h.payments, deliver: async () => undefined };
    await expect(sendReceipt(deps, h.org.orgId, created.value.id)).rejects.toThrow(/not recorded yet/);
    h.clock.advance(11 * 60_000);
    await expect(sendReceipt(deps, h.org.orgId, created.value.id)).resolves.toBeUndefined();
    h.clock.advance(-11 * 60_000);
  });
});
