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
});
