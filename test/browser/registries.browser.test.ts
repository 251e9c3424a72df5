import { readFileSync } from 'node:fs';
import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startAdmin, type AdminHarness } from '../support/admin-harness.ts';
import { orgInput } from '../fixtures/orgs.ts';
import { haveChromium, launchChromium, shot } from '../support/chromium.ts';

/**
 * Registries in (issue 4) in Debian's chromium: upload a cp1251 registry, read the preview, check it without
 * loading, load it, read the report, create an API key. Screenshots go to test/artifacts/ for a person to look at.
 */
const FIXTURE = readFileSync(new URL('../fixtures/registries/accruals.cp1251.txt', import.meta.url));
const PASSWORD = 'correct horse battery';

let test: TestDatabase;
let admin: AdminHarness;
let browser: Chromium;


describe.skipIf(!haveChromium)('registries in a real browser', () => {
  beforeAll(async () => {
    test = await openTestDatabase();
    admin = await startAdmin(test.db);
    const org = await admin.orgs.createOrganization(orgInput('reg-browser', { shortName: 'УК «Реестр»' }));
    if (!org.ok) throw new Error('org');
    await admin.orgs.addStaffUser(org.value.id, { email: 'buh@registries.test', fullName: 'Бухгалтер', password: PASSWORD }, 'admin');
    await admin.orgs.addRecipient(org.value.id, { ...orgInput('reg-browser'), name: 'МУП «Водоканал»' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    await test?.drop();
  });

  it('uploads, previews, checks, imports and reports', async () => {
    const page = await browser.newPage({ locale: 'ru-RU', viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${admin.url}/admin/login`);
    await page.getByLabel('Электронная почта').fill('buh@registries.test');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Лицевые счета' }).waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Реестры' }).click();
    await page.getByRole('heading', { name: 'Реестры начислений', level: 1 }).waitFor();
    await shot(page, '20-registries-empty');
    await page.getByLabel('Файл реестра').setInputFiles({ name: 'Начисления за март.txt', mimeType: 'text/plain', buffer: FIXTURE });
    await page.getByRole('button', { name: 'Отправить и проверить' }).click();

    await page.getByRole('heading', { name: 'Проверка реестра', level: 1 }).waitFor();
    expect(await page.getByLabel('Кодировка').locator('option:checked').textContent()).toContain('Windows-1251');
    expect(await page.getByRole('cell', { name: 'Щёголев Фёдор Артёмович' }).first().isVisible()).toBe(true);
    expect(await page.getByLabel(/Поле для столбца 1 «ЛС»/).inputValue()).toBe('account');
    await shot(page, '21-registry-preview');

    await page.getByRole('button', { name: 'Проверить (без загрузки)' }).click();
    await page.getByRole('heading', { name: 'Проверка реестра без загрузки' }).waitFor();
    expect(await page.getByText('Это проверка: ничего не записано.').isVisible()).toBe(true);
    await shot(page, '22-registry-dry-run');

    await page.getByRole('link', { name: '← Вернуться к проверке' }).click();
    await page.getByRole('heading', { name: 'Проверка реестра', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Загрузить', exact: true }).click();
    await page.getByRole('heading', { name: 'Отчёт о загрузке реестра' }).waitFor();
    expect(await page.getByText('Реестр загружен.').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Присвоенные номера лицевых счетов' }).isVisible()).toBe(true);
    await shot(page, '23-registry-report');

    await page.getByRole('link', { name: '← К реестрам' }).click();
    await page.getByRole('heading', { name: 'История загрузок' }).waitFor();
    expect(await page.getByRole('cell', { name: /Начисления за март\.txt/ }).isVisible()).toBe(true);
    await shot(page, '24-registries-history');

    await page.getByRole('navigation').getByRole('link', { name: 'Ключи API' }).click();
    await page.getByLabel('Название ключа').fill('1С: Квартплата');
    await page.getByRole('button', { name: 'Создать ключ' }).click();
    const key = await page.locator('#new-key').textContent();
    expect(key).toMatch(/^fpk_[a-z0-9]{8}_[\w-]{43}$/);
    await shot(page, '25-api-key-created');
    expect(problems).toEqual([]);
  });

  it('fits a phone screen on the preview', async () => {
    const page = await browser.newPage({ locale: 'ru-RU', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(`${admin.url}/admin/login`);
    await page.getByLabel('Электронная почта').fill('buh@registries.test');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Лицевые счета' }).waitFor();
    await page.goto(`${admin.url}/admin/registries`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '26-registries-phone');
  });
});
