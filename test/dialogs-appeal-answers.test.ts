import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAppeal, replyToAppeal, type DeliverPayload } from '../core/appeals/index.ts';
import { translate } from '../core/shared/index.ts';
import { deliverAppealNotice } from '../dialogs/appeal-notices.ts';
import type { OutboundMessage } from '../dialogs/channel.port.ts';
import type { DialogChannel } from '../dialogs/types.ts';
import { makeDialogHarness, optionIds, readable, type DialogHarness } from './support/dialog-harness.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

let test: TestDatabase;
let h: DialogHarness;
let staffId: string;

const rows = <T>(sql: string, params: unknown[] = []) => test.db.withTenant(h.org.orgId, (em) => em.execute<T[]>(sql, params));
const actor = () => ({ orgId: h.org.orgId, userId: staffId, now: new Date() });

/** What the worker sends for an appeals.deliver job. */
async function notice(p: Omit<DeliverPayload, 'orgId'>): Promise<OutboundMessage> {
  const sent: OutboundMessage[] = [];
  await deliverAppealNotice({ db: test.db, clock: { now: () => new Date() }, deliver: async (m) => void sent.push(m), fileUrl: () => 'http://f', fallback: async () => undefined },
    { orgId: h.org.orgId, ...p });
  expect(sent).toHaveLength(1);
  return sent[0]!;
}
const lines = (m: OutboundMessage) => m.intents.flatMap((i) => (i.type === 'text' || i.type === 'choice' ? [translate(m.locale, i.text.key, i.text.vars ?? {})] : []));

/** A resident files a question on a channel; returns the appeal id. */
async function ask(user: string, channel: DialogChannel, question: string): Promise<{ id: string; number: number }> {
  await h.send(user, '/start', { channel });
  await h.send(user, { kind: 'choice', optionId: 'm.question' }, { channel });
  await h.send(user, question, { channel });
  await h.send(user, { kind: 'choice', optionId: 'qa.none' }, { channel });
  const [appeal] = await rows<{ id: string; number: number }>(
    `select a.id, a.number from appeals a join identities i on i.id = a.identity_id where i.external_id = ? order by a.created_at desc limit 1`, [user]);
  return { id: appeal!.id, number: Number(appeal!.number) };
}

beforeAll(async () => {
  test = await openTestDatabase();
  h = await makeDialogHarness(test.db, 'appeal-answers');
  staffId = randomUUID();
  await test.db.withoutTenant((em) => em.execute(`insert into users (id, email, full_name, password_hash, active, platform_operator, created_at) values (?, ?, 'Оператор', 'x', true, false, now())`, [staffId, `${staffId}@t.test`]));
  await rows(`insert into memberships (id, org_id, user_id, role, active, created_at) values (?, ?, ?, 'operator', true, now())`, [randomUUID(), h.org.orgId, staffId]);
});
afterAll(async () => {
  h?.close();
  await test?.drop();
});

describe('staff answers in the resident\'s chat', () => {
  it('asks the resident a question back, takes their next message into the same appeal, and resumes its clock', async () => {
    const appeal = await ask('w1', 'webchat', 'Почему выросла плата за отопление?');
    const replied = await test.db.withTenant(h.org.orgId, (em) => replyToAppeal(em, actor(), appeal.id, { text: 'Уточните, за какой месяц?', then: 'waiting' }));
    expect(replied.ok).toBe(true);
    const message = await notice({ appealId: appeal.id, kind: 'answer', messageId: replied.ok ? replied.value.messageId : '' });
    expect(message).toMatchObject({ channel: 'webchat', chatId: 'chat-w1' });
    expect(lines(message)).toEqual([`Ответ на обращение №${appeal.number}:\nУточните, за какой месяц?`, `Чтобы ответить по обращению №${appeal.number}, просто напишите сообщение сюда.`]);
    const answer = await h.send('w1', 'За октябрь');
    expect(readable(answer)[0]).toBe(`Передали ваш ответ по обращению №${appeal.number}.`);
    expect(optionIds(answer)).toContain('m.question');
    const [a] = await rows<{ status: string; clock_since: Date | null; last_author: string }>('select status, clock_since, last_author from appeals where id = ?', [appeal.id]);
    expect(a!.status).toBe('assigned');
    expect(a!.clock_since).not.toBeNull();
    expect(a!.last_author).toBe('resident');
    const texts = await rows<{ author: string; text: string }>('select author, text from appeal_messages where appeal_id = ? order by id', [appeal.id]);
    expect(texts.map((t) => `${t.author}: ${t.text}`)).toEqual(['resident: Почему выросла плата за отопление?', 'staff: Уточните, за какой месяц?', 'resident: За октябрь']);
    // The next message is an ordinary one again.
    expect(readable(await h.send('w1', 'привет')).join('\n')).not.toContain('Передали');
  });

  it('asks for a rating after closing: a button under any later message counts, once; on WhatsApp the digit does', async () => {
    const appeal = await ask('t1', 'telegram', 'Когда будет перерасчёт за воду?');
    expect((await test.db.withTenant(h.org.orgId, (em) => closeAppeal(em, actor(), appeal.id))).ok).toBe(true);
    const rate = await notice({ appealId: appeal.id, kind: 'rate', messageId: `${appeal.id}:1` });
    expect(rate.expect).toEqual({ kind: 'choice' });
    const buttons = rate.intents.flatMap((i) => (i.type === 'choice' ? i.options.map((o) => o.id) : []));
    expect(buttons).toEqual([1, 2, 3, 4, 5].map((n) => `rt.${n}.${appeal.id}`));
    expect(Buffer.byteLength(buttons[0]!)).toBeLessThanOrEqual(64);
    // The resident wanders off to the menu first, then presses «5» under the old message.
    await h.send('t1', { kind: 'choice', optionId: 'm.debt' }, { channel: 'telegram' });
    expect(readable(await h.send('t1', { kind: 'choice', optionId: buttons[4]! }, { channel: 'telegram' }))[0]).toBe('Спасибо за оценку!');
    expect(readable(await h.send('t1', { kind: 'choice', optionId: buttons[0]! }, { channel: 'telegram' }))[0]).toContain('уже оценено');
    const [rated] = await rows<{ rating: number }>('select rating from appeals where id = ?', [appeal.id]);
    expect(rated!.rating).toBe(5);

    const other = await ask('79001234567', 'whatsapp', 'Не пришла квитанция за октябрь');
    await test.db.withTenant(h.org.orgId, (em) => closeAppeal(em, actor(), other.id));
    await notice({ appealId: other.id, kind: 'rate', messageId: `${other.id}:1` });
    expect(readable(await h.send('79001234567', '4', { channel: 'whatsapp' }))[0]).toBe('Спасибо за оценку!');
    const [digit] = await rows<{ rating: number }>('select rating from appeals where id = ?', [other.id]);
    expect(digit!.rating).toBe(4);
    // Somebody else's button does nothing to the appeal.
    expect(readable(await h.send('w1', { kind: 'choice', optionId: `rt.1.${other.id}` }))[0]).toContain('уже оценено');
  });
});
