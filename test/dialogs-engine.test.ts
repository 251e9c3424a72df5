import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billCode } from '../core/accounts/index.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { HARNESS_SECRET, makeDialogHarness, optionIds, readable, type DialogHarness } from './support/dialog-harness.ts';

let test: TestDatabase;
let h: DialogHarness;

beforeAll(async () => {
  test = await openTestDatabase();
  h = await makeDialogHarness(test.db, 'engine');
});
afterAll(async () => {
  h?.close();
  await test?.drop();
});

const month = () => new Date().toISOString().slice(0, 7);

describe('dialog engine', () => {
  it('greets a new resident with the menu and maps «1» to the first option', async () => {
    const first = await h.send('u1', '/start');
    expect(optionIds(first)).toEqual(['m.link', 'm.emergency', 'm.question', 'm.settings', 'm.help']);
    const asked = await h.send('u1', '1');
    expect(readable(asked).join('\n')).toContain('номер лицевого счёта');
  });

  it('links only with proof: a number alone is not enough, the bill code is', async () => {
    const account = h.org.accounts[0]!;
    await h.send('u2', '/start');
    await h.send('u2', { kind: 'choice', optionId: 'm.link' });
    const proof = await h.send('u2', account.number);
    expect(optionIds(proof)).toEqual(['lp.code', 'lp.amount', 'lp.cancel']);
    await h.send('u2', { kind: 'choice', optionId: 'lp.code' });
    const wrong = await h.send('u2', '000000' === billCode(HARNESS_SECRET, h.org.orgId, account.id, month()) ? '111111' : '000000');
    expect(readable(wrong).join('\n')).toContain('Не удалось подтвердить');
    await h.send('u2', { kind: 'choice', optionId: 'lp.code' });
    const right = await h.send('u2', billCode(HARNESS_SECRET, h.org.orgId, account.id, month()));
    expect(readable(right).join('\n')).toContain(`лицевой счёт ${account.number} привязан`);
    expect(optionIds(right)).toContain('m.debt');
  });

  it('an unknown number fails exactly like a wrong proof', async () => {
    await h.send('u3', '/start');
    await h.send('u3', { kind: 'choice', optionId: 'm.link' });
    await h.send('u3', '999999999');
    await h.send('u3', { kind: 'choice', optionId: 'lp.code' });
    const reply = await h.send('u3', '123456');
    expect(readable(reply).join('\n')).toContain('Не удалось подтвердить');
  });

  it('answers a redelivered event with the first reply and applies it once', async () => {
    await h.send('u4', '/start');
    const a = await h.send('u4', '1', { eventKey: 'same' });
    const b = await h.send('u4', '1', { eventKey: 'same' });
    expect(b).toEqual(a);
    const next = await h.send('u4', '12');
    expect(readable(next).join('\n')).toContain('Подтвердите');
  });

  it('restarts politely when the state was written by another flow version', async () => {
    await h.send('u5', '/start');
    await h.send('u5', '1');
    await test.db.withTenant(h.org.orgId, (em) => em.execute(`update dialog_states set version = 99 where org_id = ? and step = 'number'`, [h.org.orgId]));
    const reply = await h.send('u5', '12345');
    expect(readable(reply)[0]).toContain('начнём сначала');
    expect(optionIds(reply)).toContain('m.link');
  });

  it('restarts at the menu after a long silence', async () => {
    await h.send('u6', '/start');
    await h.send('u6', '1');
    h.clock.advance(31 * 60_000);
    const reply = await h.send('u6', '12345');
    h.clock.advance(-31 * 60_000);
    expect(readable(reply)[0]).toContain('Давно не виделись');
  });

  it('handles one resident\'s events one at a time, in order', async () => {
    await h.send('u7', '/start');
    const replies = await Promise.all(['1', '/menu', '1', '/menu', '1'].map((t, i) => h.send('u7', t, { eventKey: `o${i}` })));
    const steps = replies.map((r) => (optionIds(r).includes('m.link') ? 'menu' : 'ask'));
    expect(steps).toEqual(['ask', 'menu', 'ask', 'menu', 'ask']);
  });

  it('links a caller at once when the organisation recorded their number for the account, and hands over to the operator', async () => {
    const account = h.org.accounts[2]!;
    await test.db.withTenant(h.org.orgId, async (em) => {
      const [person] = await em.execute<{ id: string }[]>(`insert into persons (id, org_id, full_name, locale, created_at) values (gen_random_uuid(), ?, null, 'ru', now()) returning id`, [h.org.orgId]);
      await em.execute(`insert into contacts (id, org_id, person_id, kind, value, consent_service, consent_marketing, created_at) values (gen_random_uuid(), ?, ?, 'phone', '+79120000077', false, false, now())`, [h.org.orgId, person!.id]);
      await em.execute(`insert into account_links (id, org_id, account_id, person_id, relation, proof, created_at) values (gen_random_uuid(), ?, ?, ?, 'payer', 'import', now())`, [h.org.orgId, account.id, person!.id]);
      await em.execute(`update organizations set operator_phone = '+73422000100' where id = ?`, [h.org.orgId]);
    });
    const call = await h.send('79120000077', { kind: 'command', command: 'start' }, { channel: 'voice', phone: '+79120000077' });
    expect(readable(call)[0]).toContain('по номеру телефона');
    expect(optionIds(call)).toContain('m.debt');
    expect(optionIds(call)).toContain('m.operator');
    const [proof] = await test.db.withTenant(h.org.orgId, (em) => em.execute<{ proof: string }[]>(
      `select l.proof from account_links l join identities i on i.person_id = l.person_id where i.external_id = '79120000077' and l.account_id = ?`, [account.id]));
    expect(proof?.proof).toBe('phone_match');
    const operator = await h.send('79120000077', { kind: 'choice', optionId: 'm.operator' }, { channel: 'voice' });
    expect(operator.intents[0]).toMatchObject({ type: 'transfer', to: '+73422000100' });
    // An unknown caller gets no account.
    const stranger = await h.send('79990000000', { kind: 'command', command: 'start' }, { channel: 'voice', phone: '+79990000000' });
    expect(optionIds(stranger)).toContain('m.link');
  });

  it('stops guessing: after five wrong proofs for one account in an hour even the right code is refused', async () => {
    const account = h.org.accounts[1]!;
    const right = billCode(HARNESS_SECRET, h.org.orgId, account.id, month());
    const wrong = right === '000000' ? '111111' : '000000';
    await h.send('guesser', '/start');
    await h.send('guesser', { kind: 'choice', optionId: 'm.link' });
    await h.send('guesser', account.number);
    for (let i = 0; i < 5; i += 1) {
      await h.send('guesser', { kind: 'choice', optionId: 'lp.code' });
      expect(readable(await h.send('guesser', wrong)).join('\n')).toContain('Не удалось подтвердить');
    }
    await h.send('guesser', { kind: 'choice', optionId: 'lp.code' });
    expect(readable(await h.send('guesser', right)).join('\n')).toContain('Слишком много попыток');
    const [links] = await test.db.withTenant(h.org.orgId, (em) => em.execute<{ n: string }[]>(
      `select count(*) as n from account_links where org_id = ? and account_id = ? and proof = 'bill_code'`, [h.org.orgId, account.id]));
    expect(Number(links!.n)).toBe(0);
  });

  it('follows a menu button of an earlier message even when another question is on screen', async () => {
    await h.send('stale', '/start');
    const asked = await h.send('stale', { kind: 'choice', optionId: 'm.link' });
    expect(optionIds(asked)).toEqual([]);
    const help = await h.send('stale', { kind: 'choice', optionId: 'm.help' });
    expect(readable(help)[0]).toContain('Я умею');
    expect(optionIds(help)).toContain('m.link');
  });
});
