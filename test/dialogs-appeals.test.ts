import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billCode } from '../core/accounts/index.ts';
import { fileAppeal, markDelivered, replyToAppeal } from '../core/appeals/index.ts';
import { deliverAppealNotice } from '../dialogs/appeal-notices.ts';
import { MAX_FILE_BYTES } from '../core/documents/index.ts';
import { translate } from '../core/shared/index.ts';
import type { OutboundMessage } from '../dialogs/channel.port.ts';
import { emergencyFlow } from '../dialogs/flows/emergency.flow.ts';
import { ALL_FLOWS } from '../dialogs/flows/index.ts';
import { questionFlow } from '../dialogs/flows/question.flow.ts';
import type { DialogChannel, DialogReply, InboundInput } from '../dialogs/types.ts';
import { HARNESS_SECRET, makeDialogHarness, optionIds, readable, type DialogHarness } from './support/dialog-harness.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

let test: TestDatabase;
let a: DialogHarness;
let b: DialogHarness;

const FLOWS = [...ALL_FLOWS.filter((f) => f.name !== 'emergency' && f.name !== 'question'), emergencyFlow, questionFlow];
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), Buffer.from('JFIF\0 leak photo')]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const file = (name: string, mime: string, data: Buffer, caption?: string): InboundInput => ({ kind: 'file', file: { name, mime, data }, ...(caption ? { caption } : {}) });

beforeAll(async () => {
  test = await openTestDatabase();
  a = await makeDialogHarness(test.db, 'appeals-a', { flows: FLOWS });
  b = await makeDialogHarness(test.db, 'appeals-b', { flows: FLOWS });
  await test.db.withTenant(a.org.orgId, (em) => em.execute(`update organizations set dispatcher_phone = '+73422000000' where id = ?`, [a.org.orgId]));
});
afterAll(async () => {
  a?.close();
  b?.close();
  await test?.drop();
});

const text = (reply: DialogReply) => readable(reply).join('\n');
const rows = <T>(h: DialogHarness, sql: string, params: unknown[] = []) => test.db.withTenant(h.org.orgId, (em) => em.execute<T[]>(sql, params));

/** A resident with a linked account on a channel (proof: the bill code). */
async function linked(h: DialogHarness, user: string, index: number, channel: DialogChannel = 'webchat') {
  const account = h.org.accounts[index]!;
  await h.send(user, '/start', { channel });
  await h.send(user, { kind: 'choice', optionId: 'm.link' }, { channel });
  await h.send(user, account.number, { channel });
  await h.send(user, { kind: 'choice', optionId: 'lp.code' }, { channel });
  const done = await h.send(user, billCode(HARNESS_SECRET, h.org.orgId, account.id, new Date().toISOString().slice(0, 7)), { channel });
  expect(optionIds(done)).toContain('m.emergency');
  return account;
}

describe('emergency flow', () => {
  it('gives the 104 advice before anything else, takes the account address and a photo, and files an urgent appeal', async () => {
    const account = await linked(a, 'e1', 0, 'telegram');
    const categories = await a.send('e1', { kind: 'choice', optionId: 'm.emergency' }, { channel: 'telegram' });
    expect(optionIds(categories)).toEqual(['e.leak', 'e.electricity', 'e.sewer', 'e.heating', 'e.lift', 'e.gas', 'e.other', 'e.menu']);

    const gas = await a.send('e1', { kind: 'choice', optionId: 'e.gas' }, { channel: 'telegram' });
    const lines = readable(gas);
    expect(lines[0]).toContain('Покиньте помещение, не включайте свет и электроприборы, не пользуйтесь открытым огнём, позвоните 104 с улицы');
    expect(lines[1]).toContain('Где это случилось');
    expect(optionIds(gas)).toEqual(['ea.account', 'ea.other', 'ea.menu']);
    expect(lines.join('\n')).toContain(account.number);

    await a.send('e1', { kind: 'choice', optionId: 'ea.account' }, { channel: 'telegram' });
    const photo = await a.send('e1', 'Сильно пахнет газом на лестнице, третий этаж', { channel: 'telegram' });
    expect(optionIds(photo)).toEqual(['ep.none']);
    const filed = await a.send('e1', file('leak.jpg', 'image/jpeg', JPEG), { channel: 'telegram' });
    expect(text(filed)).toMatch(/Аварийная заявка №\d+ принята/);
    expect(text(filed)).toContain('+73422000000');
    expect(optionIds(filed)).toContain('m.debt');

    const [appeal] = await rows<Record<string, unknown>>(a, `select * from appeals where org_id = ? and identity_id = ?`, [a.org.orgId, filed.identityId]);
    expect(appeal).toMatchObject({ type: 'emergency', urgent: true, category: 'gas', status: 'new', channel: 'telegram', account_id: account.id, identity_id: filed.identityId });
    expect(String(appeal!.address)).toContain('Ленина');
    expect(String(appeal!.address)).not.toContain(account.number);
    const messages = await rows<{ author: string; text: string; attachments: string[] }>(a, 'select author, text, attachments from appeal_messages where appeal_id = ?', [appeal!.id]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ author: 'resident', text: 'Сильно пахнет газом на лестнице, третий этаж' });
    const [stored] = await rows<{ kind: string; mime: string; size: number }>(a, 'select kind, mime, size from document_files where id = ?', [messages[0]!.attachments[0]]);
    expect(stored).toEqual({ kind: 'attachment', mime: 'image/jpeg', size: JPEG.length });
  });

  it('on a call takes a typed address and the spoken description, skips the photo, and names 112 without a dispatcher', async () => {
    const voice = { channel: 'voice' as const };
    await b.send('+79120000001', '/start', voice);
    await b.send('+79120000001', { kind: 'dtmf', digits: '2' }, voice);
    const category = await b.send('+79120000001', { kind: 'dtmf', digits: '1' }, voice);
    expect(text(category)).toContain('Напишите адрес');
    const describe = await b.send('+79120000001', { kind: 'speech', text: 'улица Ленина дом 10 квартира 5' }, voice);
    expect(text(describe)).toContain('Опишите, что произошло');
    const filed = await b.send('+79120000001', { kind: 'speech', text: 'с потолка течёт вода' }, voice);
    expect(text(filed)).toContain('Аварийная заявка №1 принята');
    expect(text(filed)).toContain('звоните 112');
    const [appeal] = await rows<Record<string, unknown>>(b, 'select * from appeals where identity_id = ?', [filed.identityId]);
    expect(appeal).toMatchObject({ number: 1, category: 'leak', urgent: true, account_id: null, address: 'улица Ленина дом 10 квартира 5', text: 'с потолка течёт вода', channel: 'voice' });
  });
});

describe('question flow', () => {
  it('files a question with an optional attachment and answers with its number', async () => {
    const account = await linked(a, 'q1', 1);
    await a.send('q1', { kind: 'choice', optionId: 'm.question' });
    const short = await a.send('q1', 'ок');
    expect(text(short)).toContain('Слишком коротко');
    const attach = await a.send('q1', 'Почему выросла плата за отопление?');
    expect(optionIds(attach)).toEqual(['qa.none']);
    const filed = await a.send('q1', { kind: 'choice', optionId: 'qa.none' });
    const number = Number(/Обращение №(\d+) принято, ответ придёт в этот чат/.exec(text(filed))?.[1]);
    expect(number).toBeGreaterThan(0);

    await a.send('q1', { kind: 'choice', optionId: 'm.question' });
    await a.send('q1', 'Прикладываю акт о заливе');
    const second = await a.send('q1', file('act.pdf', 'application/pdf', PDF));
    expect(text(second)).toContain(`Обращение №${number + 1} принято`);

    const appeals = await rows<Record<string, unknown>>(a, 'select * from appeals where identity_id = ? order by number', [filed.identityId]);
    expect(appeals.map((r) => [r.number, r.type, r.urgent, r.category, r.account_id, r.text])).toEqual([
      [number, 'question', false, null, account.id, 'Почему выросла плата за отопление?'],
      [number + 1, 'question', false, null, account.id, 'Прикладываю акт о заливе'],
    ]);
    const [msg] = await rows<{ attachments: string[] }>(a, 'select attachments from appeal_messages where appeal_id = ?', [appeals[1]!.id]);
    const [pdf] = await rows<{ mime: string }>(a, 'select mime from document_files where id = ?', [msg!.attachments[0]]);
    expect(pdf!.mime).toBe('application/pdf');
  });

  it('lists «Мои обращения»: the latest five with their status', async () => {
    const [{ person_id: personId, id: identityId }] = await rows<{ person_id: string; id: string }>(a, `select person_id, id from identities where external_id = 'q1'`) as [{ person_id: string; id: string }];
    const more = [];
    for (let i = 0; i < 4; i += 1) {
      more.push(await test.db.withTenant(a.org.orgId, (em) => fileAppeal(em, { orgId: a.org.orgId, type: 'question', personId, identityId, text: `Вопрос ${i}`, now: new Date(Date.now() + (i + 1) * 1000) })));
    }
    await a.send('q1', { kind: 'choice', optionId: 'm.question' });
    const list = readable(await a.send('q1', { kind: 'choice', optionId: 'q.mine' }));
    const shown = [...list[0]!.matchAll(/№(\d+) от/g)].map((m) => Number(m[1]));
    expect(shown).toEqual(more.map((x) => x.number).reverse().concat(more[0]!.number - 1));
    expect(list[0]).toContain('«Вопрос 3» — принято');
  });

  it('refuses an oversized or a wrong-type file with a clear message and stores nothing', async () => {
    await linked(a, 'q2', 2);
    await a.send('q2', { kind: 'choice', optionId: 'm.question' });
    await a.send('q2', 'Вопрос с файлом, который не подойдёт');
    const count = async () => Number((await rows<{ n: string }>(a, 'select (select count(*) from document_files) + (select count(*) from appeals) as n'))[0]!.n);
    const before = await count();

    const exe = await a.send('q2', file('photo.jpg', 'image/jpeg', Buffer.from('MZ\x90\x00\x03\x00\x00\x00fake', 'latin1')));
    expect(text(exe)).toContain('Такой файл не подходит');
    const huge = Buffer.alloc(MAX_FILE_BYTES + 1);
    JPEG.copy(huge);
    const big = await a.send('q2', file('big.jpg', 'image/jpeg', huge));
    expect(text(big)).toContain('Файл больше 10 МБ');
    expect(optionIds(big)).toEqual(['qa.none']);
    expect(await count()).toBe(before);

    const emergency = await linked(a, 'q3', 2).then(() => a.send('q3', { kind: 'choice', optionId: 'm.emergency' }));
    expect(optionIds(emergency)).toContain('e.leak');
    await a.send('q3', { kind: 'choice', optionId: 'e.leak' });
    await a.send('q3', { kind: 'choice', optionId: 'ea.account' });
    const svg = await a.send('q3', file('a.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'Течёт из стояка на кухне'));
    expect(text(svg)).toContain('Такой файл не подходит');
    expect(await count()).toBe(before);
  });
});

describe('appeal numbers and answers', () => {
  it('numbers appeals per organisation, without gaps, even when filed at once', async () => {
    const file = (h: DialogHarness, i: number) => test.db.withTenant(h.org.orgId, (em) => fileAppeal(em, { orgId: h.org.orgId, type: 'question', text: `q${i}`, now: new Date() }));
    const [maxA] = await rows<{ n: number }>(a, 'select max(number) as n from appeals');
    const [maxB] = await rows<{ n: number }>(b, 'select max(number) as n from appeals');
    const got = await Promise.all([0, 1, 2, 3, 4].flatMap((i) => [file(a, i), file(b, i)]));
    const numbersA = got.filter((_, i) => i % 2 === 0).map((x) => x.number).sort((x, y) => x - y);
    const numbersB = got.filter((_, i) => i % 2 === 1).map((x) => x.number).sort((x, y) => x - y);
    expect(numbersA).toEqual([1, 2, 3, 4, 5].map((n) => n + Number(maxA!.n)));
    expect(numbersB).toEqual([1, 2, 3, 4, 5].map((n) => n + Number(maxB!.n)));
    expect(Number(maxB!.n)).toBeLessThan(Number(maxA!.n));
  });

  /** A staff member of organisation h (appeals name their assignee, a real user). */
  async function staffOf(h: DialogHarness): Promise<string> {
    const id = randomUUID();
    await test.db.withoutTenant((em) => em.execute(`insert into users (id, email, full_name, password_hash, active, platform_operator, created_at) values (?, ?, 'Диспетчер', 'x', true, false, now())`, [id, `${id}@staff.test`]));
    await test.db.withTenant(h.org.orgId, (em) => em.execute(`insert into memberships (id, org_id, user_id, role, active, created_at) values (?, ?, ?, 'operator', true, now())`, [randomUUID(), h.org.orgId, id]));
    return id;
  }
  /** What the worker's appeals.deliver handler would send for a reply (no fallback expected here). */
  async function noticeOf(h: DialogHarness, appealId: string, messageId: string): Promise<OutboundMessage | null> {
    const sent: OutboundMessage[] = [];
    const fallbacks: string[] = [];
    await deliverAppealNotice({ db: test.db, clock: { now: () => new Date() }, deliver: async (m) => void sent.push(m), fileUrl: () => 'http://files', fallback: async (_o, id) => void fallbacks.push(id) },
      { orgId: h.org.orgId, appealId, kind: 'answer', messageId });
    // No chat: the answer must have gone to the e-mail/SMS fallback instead of vanishing.
    if (!sent[0] && fallbacks[0] !== messageId) throw new Error('the answer was neither sent nor handed to the fallback');
    return sent[0] ?? null;
  }

  it('sends a staff answer to the chat the resident wrote from and marks the appeal answered', async () => {
    const [appeal] = await rows<{ id: string; number: number }>(a, `select a.id, a.number from appeals a join identities i on i.id = a.identity_id where i.external_id = 'e1'`);
    const staffUserId = await staffOf(a);
    const answered = await test.db.withTenant(a.org.orgId, (em) =>
      replyToAppeal(em, { orgId: a.org.orgId, userId: staffUserId, now: new Date() }, appeal!.id, { text: 'Аварийная бригада выехала.', then: 'answered' }));
    if (!answered.ok) throw new Error(answered.error);
    const [queued] = await rows<{ topic: string }>(a, `select topic from outbox where job_id = ?`, [`appeal-answer:${answered.value.messageId}`]);
    expect(queued!.topic).toBe('appeals.deliver');
    const message = await noticeOf(a, appeal!.id, answered.value.messageId);
    expect(message).toMatchObject({ channel: 'telegram', orgId: a.org.orgId, connectionId: null, chatId: 'chat-e1', locale: 'ru', expect: { kind: 'none' }, appealMessageId: answered.value.messageId });
    const first = message!.intents[0]!;
    expect(first.type === 'text' && translate(message!.locale, first.text.key, first.text.vars)).toBe(`Ответ на обращение №${appeal!.number}:\nАварийная бригада выехала.`);

    const [after] = await rows<{ status: string; responded_at: Date | null }>(a, 'select status, responded_at from appeals where id = ?', [appeal!.id]);
    expect(after!.status).toBe('answered');
    expect(after!.responded_at).not.toBeNull();
    const msgs = await rows<{ author: string; staff_user_id: string }>(a, 'select author, staff_user_id from appeal_messages where appeal_id = ? order by id', [appeal!.id]);
    expect(msgs.map((m) => m.author)).toEqual(['resident', 'staff']);
    expect(msgs[1]!.staff_user_id).toBe(staffUserId);

    const mark = (via: string) => test.db.withTenant(a.org.orgId, (em) => markDelivered(em, a.org.orgId, answered.value.messageId, via, new Date()));
    expect(await mark('telegram')).toBe(true);
    expect(await mark('webchat')).toBe(false);
    const [delivered] = await rows<{ delivered_via: string }>(a, 'select delivered_via from appeal_messages where id = ?', [answered.value.messageId]);
    expect(delivered!.delivered_via).toBe('telegram');
  });

  it('has no chat to answer a caller without a messenger, and cannot reach another organisation\'s appeal', async () => {
    const [voice] = await rows<{ id: string }>(b, `select id from appeals where channel = 'voice'`);
    const staffB = await staffOf(b);
    const actor = (h: DialogHarness, userId: string) => ({ orgId: h.org.orgId, userId, now: new Date() });
    const answered = await test.db.withTenant(b.org.orgId, (em) => replyToAppeal(em, actor(b, staffB), voice!.id, { text: 'Перезвоним.', then: 'answered' }));
    if (!answered.ok) throw new Error(answered.error);
    expect(await noticeOf(b, voice!.id, answered.value.messageId)).toBeNull();
    const foreign = await test.db.withTenant(a.org.orgId, async (em) => replyToAppeal(em, actor(a, await staffOf(a)), voice!.id, { text: 'x', then: 'answered' }));
    expect(foreign).toEqual({ ok: false, error: 'APPEALS.NOT_FOUND' });
    const empty = await test.db.withTenant(b.org.orgId, (em) => replyToAppeal(em, actor(b, staffB), voice!.id, { text: '  ', then: 'answered' }));
    expect(empty).toEqual({ ok: false, error: 'APPEALS.TEXT_REQUIRED' });
  });
});
