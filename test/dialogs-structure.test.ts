import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupDebtLines, loadDocumentFile } from '../core/documents/index.ts';
import { formatRubles, type Kopecks } from '../core/shared/index.ts';
import { ALL_FLOWS } from '../dialogs/flows/index.ts';
import { readingsFlow } from '../dialogs/flows/readings.flow.ts';
import { STRUCTURE_TEXT_LIMIT, structureFlow, structureText } from '../dialogs/flows/structure.flow.ts';
import type { DialogReply } from '../dialogs/types.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { makeDialogHarness, optionIds, readable, type DialogHarness } from './support/dialog-harness.ts';

let test: TestDatabase;
let h: DialogHarness;

const flows = [...ALL_FLOWS.filter((f) => f.name !== 'readings' && f.name !== 'structure'), readingsFlow, structureFlow];

beforeAll(async () => {
  test = await openTestDatabase();
  h = await makeDialogHarness(test.db, 'structure', { accounts: 4, flows });
  h.clock.set(new Date('2026-11-26T09:00:00Z'));
});
afterAll(async () => {
  h?.close();
  await test?.drop();
});

function tenant<T = unknown>(sql: string, params: unknown[]): Promise<T> {
  return test.db.withTenant(h.org.orgId, (em) => em.execute(sql, params)) as Promise<T>;
}

async function resident(user: string, account: number): Promise<void> {
  const token = await h.payments.links.sign({ orgId: h.org.orgId, purpose: 'account', subjectId: h.org.accounts[account]!.id });
  expect(optionIds(await h.send(user, `/start ${token}`))).toContain('m.structure');
}

const text = (reply: DialogReply) => readable(reply).join('\n');
const rub = (kop: number) => formatRubles(kop as Kopecks);

describe('debt structure dialog', () => {
  it('groups the debt by service, then period oldest first, names penalties, and sends the PDF', async () => {
    await resident('s1', 0);
    const reply = await h.send('s1', { kind: 'choice', optionId: 'm.structure' });
    // Account 0 of the fixture: SOD carries 200,00 from September and a 12,34 penalty; VOD 230,00 from September.
    expect(readable(reply)[0]).toBe([
      'Структура долга по счёту 500000 на 26.11.2026:',
      `Услуга GVS — ${rub(259_458)}:`, `  • октябрь 2026: ${rub(259_458)}`,
      `Услуга HVS — ${rub(154_729)}:`, `  • октябрь 2026: ${rub(154_729)}`,
      `Услуга SOD — ${rub(71_234)}:`, `  • сентябрь 2026: ${rub(20_000)}`, `  • октябрь 2026: ${rub(50_000)} + пени ${rub(1_234)}`,
      `Услуга VOD — ${rub(87_187)}:`, `  • сентябрь 2026: ${rub(23_000)}`, `  • октябрь 2026: ${rub(64_187)}`,
      `Итого: ${rub(572_608)}, в том числе пени ${rub(1_234)}.`,
    ].join('\n'));
    expect(optionIds(reply)).toEqual(['s.pay', 's.menu']);

    const doc = reply.intents.find((i) => i.type === 'document');
    if (doc?.type !== 'document') throw new Error('no document');
    expect(doc.name).toBe('Структура долга 500000.pdf');
    expect(doc.url).toBe(`http://127.0.0.1:9/files/${h.org.orgId}/${doc.fileId}`);
    const file = await test.db.withTenant(h.org.orgId, (em) => loadDocumentFile(em, h.org.orgId, doc.fileId));
    expect(file?.mime).toBe('application/pdf');
    expect(file!.data.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdfText = execFileSync('pdftotext', ['-layout', '-', '-'], { input: file!.data }).toString('utf8');
    for (const part of ['Структура задолженности', 'ООО «Управляющая компания structure»', 'Лицевой счёт: 500000', 'кв. 1', 'Задолженность на 26.11.2026', 'Итого', 'Пени', 'Услуга SOD', 'сентябрь 2026']) {
      expect(pdfText).toContain(part);
    }
    expect(pdfText.replace(/\s+/g, ' ')).toContain(`Всего с пенями: ${rub(572_608)}`.replace(/\s+/g, ' '));
    const [stored] = await tenant<{ kind: string }[]>('select kind from document_files where org_id = ? and id = ?', [h.org.orgId, doc.fileId]);
    expect(stored?.kind).toBe('statement');
  });

  it('files a request to staff when the account has no charges, once while it is open', async () => {
    const account = h.org.accounts[1]!;
    await tenant('delete from charges where org_id = ? and account_id = ?', [h.org.orgId, account.id]);
    await resident('s2', 1);
    const filed = await h.send('s2', { kind: 'choice', optionId: 'm.structure' });
    const [appeal] = await tenant<{ id: string; number: number; type: string; status: string; account_id: string; channel: string; address: string; text: string }[]>(
      `select id, number, type, status, account_id, channel, address, text from appeals where org_id = ? and account_id = ?`, [h.org.orgId, account.id]);
    expect(appeal).toMatchObject({ type: 'debt_structure', status: 'new', account_id: account.id, channel: 'webchat', address: 'г. Пермь, ул. Ленина, д. 10, кв. 2' });
    expect(appeal!.text).toContain(account.number);
    expect(text(filed)).toContain(`нет начислений`);
    expect(text(filed)).toContain(`Запрос о структуре задолженности № ${appeal!.number} по счёту ${account.number} передан в управляющую организацию. Ответ придёт в этот чат.`);
    expect(filed.intents.some((i) => i.type === 'document')).toBe(false);
    const messages = await tenant<{ author: string }[]>('select author from appeal_messages where org_id = ? and appeal_id = ?', [h.org.orgId, appeal!.id]);
    expect(messages).toEqual([{ author: 'resident' }]);

    const again = await h.send('s2', { kind: 'choice', optionId: 'm.structure' });
    expect(text(again)).toContain(`№ ${appeal!.number} по счёту ${account.number} уже в работе`);
    const count = await tenant<{ n: string }[]>(`select count(*) as n from appeals where org_id = ? and type = 'debt_structure'`, [h.org.orgId]);
    expect(Number(count[0]!.n)).toBe(1);
  });

  it('says there is no debt when nothing is owed, and still lets the resident ask staff', async () => {
    const account = h.org.accounts[2]!;
    await tenant('update charges set to_pay = 0, penalty = 0 where org_id = ? and account_id = ?', [h.org.orgId, account.id]);
    await resident('s3', 2);
    const none = await h.send('s3', { kind: 'choice', optionId: 'm.structure' });
    expect(text(none)).toContain(`По счёту ${account.number} долга нет`);
    expect(optionIds(none)).toEqual(['s.request', 's.menu']);
    const asked = await h.send('s3', { kind: 'choice', optionId: 's.request' });
    expect(text(asked)).toMatch(/Запрос о структуре задолженности № \d+ по счёту/);
    expect(optionIds(asked)).toContain('m.structure');
  });
});

describe('structure text', () => {
  const names = new Map([['SOD', 'Содержание'], ['HVS', 'Холодная вода']]);

  it('summarises by service when the month-by-month text would not fit a message', () => {
    const lines = Array.from({ length: 120 }, (_, i) => {
      const period = `${2016 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
      return [
        { serviceCode: 'SOD', period, kind: 'principal' as const, amount: 10_000 + i },
        { serviceCode: 'HVS', period, kind: i % 2 ? 'penalty' as const : 'principal' as const, amount: 500 },
      ];
    }).flat();
    const structure = groupDebtLines(lines, names);
    const { text: body, summarised } = structureText(structure, 'ru');
    expect(summarised).toBe(true);
    expect(body.length).toBeLessThanOrEqual(STRUCTURE_TEXT_LIMIT);
    expect(body.split('\n')).toEqual([
      `• Содержание: ${rub(structure.groups[0]!.principal)}, пени ${rub(0)} (январь 2016 — декабрь 2025)`,
      `• Холодная вода: ${rub(30_000)}, пени ${rub(30_000)} (январь 2016 — декабрь 2025)`,
    ]);
  });

  it('shows a period with only a penalty as a penalty', () => {
    const s = groupDebtLines([{ serviceCode: 'SOD', period: '2026-03', kind: 'penalty', amount: 999 }], names);
    expect(structureText(s, 'ru')).toEqual({ text: `Содержание — ${rub(999)}:\n  • март 2026: пени ${rub(999)}`, summarised: false });
  });
});
