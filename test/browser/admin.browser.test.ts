import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startAdmin, type AdminHarness } from '../support/admin-harness.ts';
import { orgInput } from '../fixtures/orgs.ts';
import { CHROMIUM, haveChromium, launchChromium, shot } from '../support/chromium.ts';

/**
 * The admin app in Debian's chromium (STACK.md flags): sign in, find an account, change a setting, sign out.
 * Each page is saved as a screenshot under test/artifacts/ for a person to look at.
 */
const PASSWORD = 'correct horse battery';
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);

let test: TestDatabase;
let admin: AdminHarness;
let browser: Chromium;


describe.skipIf(!haveChromium)('admin app in a real browser', () => {
  beforeAll(async () => {
    test = await openTestDatabase();
    admin = await startAdmin(test.db);
    const org = await admin.orgs.createOrganization(orgInput('browser', { shortName: 'УК «Браузер»' }));
    if (!org.ok) throw new Error('org');
    const orgId = org.value.id;
    await admin.orgs.addStaffUser(orgId, { email: 'admin@browser.test', fullName: 'Анна Админ', password: PASSWORD }, 'admin');
    await admin.orgs.addRecipient(orgId, { ...orgInput('browser'), name: 'МУП «Водоканал»' });
    const building = await admin.accounts.addBuilding(orgId, { address: 'г. Пермь, ул. Ленина, д. 10' });
    if (!building.ok) throw new Error('building');
    for (const [flat, payer] of [['1', 'Смирнова Анна Петровна'], ['2', 'Иванов Пётр Сергеевич'], ['3', 'Кузнецова Мария']] as const) {
      const premise = await admin.accounts.addPremise(orgId, { buildingId: building.value.id, number: flat, area: '54,3' });
      if (premise.ok) await admin.accounts.openAccount(orgId, { premiseId: premise.value.id, payerName: payer, residentsCount: 2 });
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    await test?.drop();
  });

  it('signs in, finds an account, changes a setting and signs out', async () => {
    const page = await browser.newPage({ locale: 'ru-RU', viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    // The wrong-password step answers 401 on purpose; any other console error is a defect of the page.
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('status of 401')) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${admin.url}/admin`);
    await expect(page.getByRole('heading', { name: 'Вход для сотрудников' }).isVisible()).resolves.toBe(true);
    await shot(page, '01-login');
    await page.getByLabel('Электронная почта').fill('admin@browser.test');
    await page.getByLabel('Пароль').fill('wrong password!!');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByText('Неверная почта или пароль.').first().waitFor();
    await shot(page, '02-login-error');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();

    await page.getByRole('heading', { name: 'Лицевые счета' }).waitFor();
    await shot(page, '03-accounts');
    await page.getByRole('searchbox').fill('кузнецова');
    await page.getByRole('button', { name: 'Найти' }).click();
    await page.getByText('Показаны 1–1 из 1').waitFor();
    await page.getByRole('link', { name: /^\d{9}$/ }).click();
    await page.getByRole('heading', { name: /Лицевой счёт № \d{9}/ }).waitFor();
    expect(await page.getByText('Кузнецова Мария').isVisible()).toBe(true);
    expect(await page.getByText('54,30 м²').isVisible()).toBe(true);
    await shot(page, '04-account-card');

    await page.getByRole('link', { name: 'Организация' }).click();
    await page.getByRole('heading', { name: 'Организация', level: 1 }).waitFor();
    await shot(page, '05-settings');
    const commission = page.locator('form#commission');
    await commission.getByLabel('Ставка, %').first().fill('0,75');
    await commission.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Сохранено.').waitFor();
    await shot(page, '06-settings-saved');

    for (const [link, heading, name] of [['Получатели', 'Получатели', '07-recipients'], ['Услуги', 'Услуги', '08-services'],
      ['Сотрудники', 'Сотрудники', '09-staff'], ['Журнал действий', 'Журнал действий', '10-audit']] as const) {
      await page.getByRole('navigation').getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await shot(page, name);
    }
    expect(await page.getByText('Изменена комиссия').first().isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.getByRole('heading', { name: 'Вход для сотрудников' }).waitFor();
    await page.goto(`${admin.url}/admin/accounts`);
    await page.getByRole('heading', { name: 'Вход для сотрудников' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('works on a phone screen', async () => {
    const page = await browser.newPage({ locale: 'ru-RU', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(`${admin.url}/admin/login`);
    await page.getByLabel('Электронная почта').fill('admin@browser.test');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Лицевые счета' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '11-accounts-phone');
  });
});
