import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FLOWS } from '../dialogs/flows/index.ts';
import { readingsFlow } from '../dialogs/flows/readings.flow.ts';
import { structureFlow } from '../dialogs/flows/structure.flow.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { makeDialogHarness, optionIds, readable, type DialogHarness } from './support/dialog-harness.ts';

let test: TestDatabase;
let h: DialogHarness;

const flows = [...ALL_FLOWS.filter((f) => f.name !== 'readings' && f.name !== 'structure'), readingsFlow, structureFlow];

beforeAll(async () => {
  test = await openTestDatabase();
  h = await makeDialogHarness(test.db, 'readings', { accounts: 6, flows });
  await tenant(`update services set unit = 'м³', name = 'Холодная вода' where org_id = ? and code = 'HVS'`, [h.org.orgId]);
  await tenant(`update services set unit = 'м³', name = 'Горячая вода' where org_id = ? and code = 'GVS'`, [h.org.orgId]);
  await tenant('update organizations set reading_day_from = 15, reading_day_to = 25 where id = ?', [h.org.orgId]);
});
afterAll(async () => {
  h?.close();
  await test?.drop();
});

function tenant<T = unknown>(sql: string, params: unknown[]): Promise<T> {
  return test.db.withTenant(h.org.orgId, (em) => em.execute(sql, params)) as Promise<T>;
}

/** A meter on an account with registry readings of the given months (value per 'YYYY-MM'). */
async function meter(account: number, code: string, number: string, readings: Record<string, string> = {}): Promise<string> {
  const [row] = await tenant<{ id: string }[]>(`insert into meters (id, org_id, account_id, service_id, number, created_at)
    select gen_random_uuid(), ?, ?, s.id, ?, now() from services s where s.org_id = ? and s.code = ? returning id`,
  [h.org.orgId, h.org.accounts[account]!.id, number, h.org.orgId, code]);
  for (const [period, value] of Object.entries(readings)) {
    await tenant(`insert into meter_readings (id, org_id, meter_id, period, value, source, created_at) values (gen_random_uuid(), ?, ?, ?, ?, 'registry', now())`,
      [h.org.orgId, row!.id, `${period}-01`, value]);
  }
  return row!.id;
}

const monthly = (from: number, step: number) =>
  Object.fromEntries(['04', '05', '06', '07', '08', '09', '10'].map((m, i) => [`2026-${m}`, String(from + step * i)]));

/** A resident linked to the account by a signed deep link, standing at the menu. */
async function resident(user: string, account: number): Promise<void> {
  const token = await h.payments.links.sign({ orgId: h.org.orgId, purpose: 'account', subjectId: h.org.accounts[account]!.id });
  const reply = await h.send(user, `/start ${token}`);
  expect(optionIds(reply)).toContain('m.readings');
}

const text = (reply: Awaited<ReturnType<DialogHarness['send']>>) => readable(reply).join('\n');
const residentRows = (meterId: string) => tenant<{ period: string; value: string; previous_value: string | null; read_at: string }[]>(
  `select to_char(period, 'YYYY-MM') as period, value::text, previous_value::text, to_char(read_at, 'YYYY-MM-DD') as read_at
   from meter_readings where org_id = ? and meter_id = ? and source = 'resident' order by period`, [h.org.orgId, meterId]);

describe('meter readings dialog', () => {
  it('walks the meters one by one, shows the last value, saves as the resident\'s and sums up', async () => {
    h.clock.set(new Date('2026-11-20T09:00:00Z'));
    const cold = await meter(0, 'HVS', '111', monthly(100, 10));
    const hot = await meter(0, 'GVS', '222');
    await resident('r1', 0);
    const first = await h.send('r1', { kind: 'choice', optionId: 'm.readings' });
    expect(text(first)).toContain('Принимаю показания за ноябрь 2026. Счётчиков: 2.');
    expect(text(first)).toContain('Счётчик 1 из 2: Горячая вода, № 222.\nПредыдущих показаний нет');
    expect(optionIds(first)).toEqual(['r.skip', 'r.stop']);
    expect(first.expect).toEqual({ kind: 'number', maxDigits: 16 });

    const second = await h.send('r1', { kind: 'dtmf', digits: '12*25' });
    expect(text(second)).toContain('Принято: 12,25 м³.');
    expect(text(second)).toContain('Счётчик 2 из 2: Холодная вода, № 111.\nПоследнее показание: 160 м³ (октябрь 2026).');

    const done = await h.send('r1', '170,5');
    expect(text(done)).toContain('Показания за ноябрь 2026 сохранены:\n• Горячая вода, № 222: 12,25 м³\n• Холодная вода, № 111: 170,5 м³');
    expect(optionIds(done)).toContain('m.readings');
    expect(await residentRows(hot)).toEqual([{ period: '2026-11', value: '12.2500', previous_value: null, read_at: '2026-11-20' }]);
    expect(await residentRows(cold)).toEqual([{ period: '2026-11', value: '170.5000', previous_value: '160.0000', read_at: '2026-11-20' }]);
  });

  it('refuses a value below the last one and says the last value', async () => {
    h.clock.set(new Date('2026-11-20T09:00:00Z'));
    const cold = await meter(1, 'HVS', '333', monthly(100, 10));
    await resident('r2', 1);
    await h.send('r2', { kind: 'choice', optionId: 'm.readings' });
    const refused = await h.send('r2', '159.99');
    expect(text(refused)).toContain('не может быть меньше предыдущего: 160 м³');
    expect(text(refused)).toContain('Счётчик 1 из 1');
    expect(await residentRows(cold)).toEqual([]);
    const unreadable = await h.send('r2', 'сто');
    expect(text(unreadable)).toContain('Не получилось прочитать показание');
  });

  it('asks to confirm more than three times the usual month: «again» asks anew, «yes» saves', async () => {
    h.clock.set(new Date('2026-11-20T09:00:00Z'));
    const cold = await meter(2, 'HVS', '444', monthly(100, 10));
    await resident('r3', 2);
    await h.send('r3', { kind: 'choice', optionId: 'm.readings' });
    const unusual = await h.send('r3', '190,01');
    expect(text(unusual)).toContain('расход 30,01 м³');
    expect(text(unusual)).toContain('в среднем 10 м³ в месяц');
    expect(optionIds(unusual)).toEqual(['r.yes', 'r.again']);
    const again = await h.send('r3', { kind: 'choice', optionId: 'r.again' });
    expect(text(again)).toContain('Счётчик 1 из 1');
    expect(await residentRows(cold)).toEqual([]);
    await h.send('r3', '250');
    const saved = await h.send('r3', { kind: 'choice', optionId: 'r.yes' });
    expect(text(saved)).toContain('Принято: 250 м³.');
    expect((await residentRows(cold)).map((r) => r.value)).toEqual(['250.0000']);
  });

  it('replaces a second reading of the same period and keeps the earlier period as the previous value', async () => {
    h.clock.set(new Date('2026-11-21T09:00:00Z'));
    const cold = (await tenant<{ id: string }[]>(`select id from meters where org_id = ? and number = '111'`, [h.org.orgId]))[0]!.id;
    await h.send('r1', '/menu');
    const asked = await h.send('r1', { kind: 'choice', optionId: 'm.readings' });
    expect(text(asked)).toContain('За ноябрь 2026 вы уже передали 12,25 м³. Новое значение заменит его.');
    const skipped = await h.send('r1', { kind: 'choice', optionId: 'r.skip' });
    expect(text(skipped)).toContain('За ноябрь 2026 вы уже передали 170,5 м³');
    expect(text(skipped)).toContain('Последнее показание: 160 м³ (октябрь 2026)');
    const corrected = await h.send('r1', '165');
    expect(text(corrected)).toContain('• Холодная вода, № 111: 165 м³');
    expect(await residentRows(cold)).toEqual([{ period: '2026-11', value: '165.0000', previous_value: '160.0000', read_at: '2026-11-21' }]);
  });

  it('outside the reading days takes the value for next month and says so', async () => {
    // 23:30 in Moscow on the 25th is still inside; past midnight local time it is the 26th.
    h.clock.set(new Date('2026-11-25T21:30:00Z'));
    const cold = await meter(3, 'HVS', '555', monthly(100, 10));
    await resident('r4', 3);
    const intro = await h.send('r4', { kind: 'choice', optionId: 'm.readings' });
    expect(text(intro)).toContain('Показания принимаются с 15 по 25 число месяца. Переданные сейчас будут учтены за декабрь 2026.');
    const done = await h.send('r4', '175');
    expect(text(done)).toContain('Показания за декабрь 2026 сохранены');
    expect(await residentRows(cold)).toEqual([{ period: '2026-12', value: '175.0000', previous_value: '160.0000', read_at: '2026-11-26' }]);
  });

  it('stopping early sums up only what was given', async () => {
    h.clock.set(new Date('2026-11-20T09:00:00Z'));
    await meter(4, 'HVS', '666');
    await meter(4, 'GVS', '777');
    await resident('r5', 4);
    await h.send('r5', { kind: 'choice', optionId: 'm.readings' });
    const stopped = await h.send('r5', { kind: 'choice', optionId: 'r.stop' });
    expect(text(stopped)).toContain('Показания не переданы.');
    expect(optionIds(stopped)).toContain('m.readings');
  });

  it('an account without meters says so and offers a question to staff or the menu', async () => {
    h.clock.set(new Date('2026-11-20T09:00:00Z'));
    await resident('r6', 5);
    const none = await h.send('r6', { kind: 'choice', optionId: 'm.readings' });
    expect(text(none)).toContain(`По счёту ${h.org.accounts[5]!.number} нет зарегистрированных счётчиков`);
    expect(optionIds(none)).toEqual(['r.question', 'r.menu']);
    await h.send('r6', { kind: 'choice', optionId: 'r.question' });
    const [state] = await tenant<{ flow: string }[]>(`select s.flow from dialog_states s join identities i on i.id = s.identity_id
      where s.org_id = ? and i.external_id = 'r6'`, [h.org.orgId]);
    expect(state?.flow).toBe('question');
  });
});
