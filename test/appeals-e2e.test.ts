import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../cli/serve.ts';
import { DEMO_ADMIN_EMAIL } from '../cli/demo-admin.ts';
import { parseConfig } from '../core/infra/config/config.ts';
import { haveChromium, launchChromium, shot } from './support/chromium.ts';

const PASSWORD = 'e2e demo password 2026';

/**
 * The whole way of a question, as `npm start` runs it (embedded database, worker in the process, the demo
 * organisation with its appeal desk): a resident asks in the web chat → the appeal is in the administrator's inbox →
 * they answer in the card → the worker delivers the answer → the resident's open chat page shows it.
 */
describe.skipIf(!haveChromium)('a question from the web chat answered in the admin inbox (browser, end to end)', () => {
  let dir: string;
  let running: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fp-appeals-e2e-'));
    running = await serve(parseConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEMO_ADMIN_PASSWORD: PASSWORD }), { quiet: true });
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the staff answer in the resident\'s chat', async () => {
    const browser = await launchChromium();
    try {
      const problems: string[] = [];
      const resident = await browser.newPage({ locale: 'ru-RU' });
      resident.on('pageerror', (e) => problems.push(`chat: ${e.message}`));
      await resident.goto(`${running.url}/chat/demo`);
      await resident.getByRole('button', { name: 'Вопрос в управляющую организацию' }).click();
      await resident.locator('#text').fill('Почему в ноябре выросла плата за отопление?');
      await resident.locator('#text').press('Enter');
      await resident.getByRole('button', { name: 'Без вложения' }).click();
      const filed = await resident.getByText(/Обращение №\d+ принято/).textContent();
      const number = /№(\d+)/.exec(filed ?? '')![1]!;

      const staff = await browser.newPage({ locale: 'ru-RU' });
      staff.on('pageerror', (e) => problems.push(`admin: ${e.message}`));
      await staff.goto(`${running.url}/admin/login`);
      await staff.getByLabel(/почта/i).fill(DEMO_ADMIN_EMAIL);
      await staff.getByLabel(/пароль/i).fill(PASSWORD);
      await staff.getByRole('button', { name: /войти/i }).click();
      await staff.goto(`${running.url}/admin/appeals`);
      // Routed by the demo's rule to the customer desk, where the administrator is on duty: it is theirs already.
      await staff.getByRole('link', { name: `№${number}`, exact: true }).click();
      await staff.getByText('Почему в ноябре выросла плата за отопление?').first().waitFor();
      await staff.getByLabel('Текст ответа').fill('Здравствуйте! С 1 октября изменился тариф на тепловую энергию.');
      await staff.getByLabel('ответ дан').check();
      await staff.getByRole('button', { name: 'Отправить ответ' }).click();
      await staff.getByText('Ответ отправлен жителю.').waitFor();
      await shot(staff, 'appeal-card-answered');

      // The worker takes it from the outbox to the web chat's queue; the page polls every few seconds.
      await resident.getByText(`Ответ на обращение №${number}:`, { exact: false }).waitFor({ timeout: 20_000 });
      await resident.getByText('С 1 октября изменился тариф на тепловую энергию.', { exact: false }).waitFor();
      await shot(resident, 'appeal-answer-in-chat');
      // The card records the delivery.
      await staff.reload();
      await staff.getByText(/доставлено \(webchat\)/).first().waitFor({ timeout: 10_000 });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
