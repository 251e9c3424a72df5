import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serve, type Running } from '../../cli/serve.ts';
import { parseConfig } from '../../core/infra/config/config.ts';
import { commissionFor } from '../../core/payments/index.ts';
import { formatRubles, kopecks, parseRubles } from '../../core/shared/index.ts';
import { CHROMIUM, haveChromium, launchChromium, shot } from '../support/chromium.ts';

/**
 * The resident's whole way in chromium, on the embedded app as `familypay serve` runs it: the demo's pay link
 * printed at start → the form → the status page → the sandbox bank → «Оплачено», then the books checked in SQL.
 */
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);

let running: Running;
let browser: Chromium;
let dataDir = '';
let payLink = '';

/** A free port known before start: PUBLIC_URL must name it, since the sandbox bank notifies PUBLIC_URL/hooks/sandbox. */
const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
});

/** Console errors include CSP violations: an inline script or style would show up here. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

describe.skipIf(!haveChromium)('paying a bill in a real browser', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fp-pay-'));
    const port = await freePort();
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => { printed.push(parts.join(' ')); });
    try {
      running = await serve(parseConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'silent' }));
    } finally {
      log.mockRestore();
    }
    payLink = /^Оплата демо-счёта 100001: (http:\/\/127\.0\.0\.1:\d+\/pay\/[\w-]{75})$/m.exec(printed.join('\n'))?.[1] ?? '';
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints a pay link for a demo account that owes, and the page fits a 375 px phone', async () => {
    expect(payLink).not.toBe('');
    const page = await browser.newPage({ locale: 'ru-RU', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const problems = watch(page);
    await page.goto(payLink);
    await page.getByRole('heading', { name: 'Приём платежей за услуги УК «Демо»' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'pay-01-phone');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pays the debt by СБП through the sandbox bank and balances the books', async () => {
    const page = await browser.newPage({ locale: 'ru-RU', viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(payLink);
    await page.getByText(/Рекомендуемая сумма к оплате на \d\d\.\d\d\.\d{4}/).waitFor();
    expect(await page.getByText('г. Пермь, ул. Ленина, д. 10, кв. 1').isVisible()).toBe(true);
    const amount = page.getByLabel('Сумма к оплате, ₽');
    const debtText = await amount.inputValue();
    const debt = parseRubles(debtText);
    if (!debt.ok || debt.value <= 0) throw new Error(`no debt prefilled: «${debtText}»`);
    const button = page.locator('#pay-button');
    expect(await button.textContent()).toBe('Оплатить без комиссии');

    // pay.js keeps the button in step with the form, by the rule the server applies (card: the payer's 1,5 %).
    await page.getByLabel(/Банковская карта/).check();
    const card = commissionFor(debt.value, { mode: 'external', basisPoints: 150 });
    await expect.poll(() => button.textContent()).toBe(`Оплатить ${formatRubles(card.gross)} (комиссия ${formatRubles(card.fee)})`);
    await amount.fill('100');
    await expect.poll(() => button.textContent()).toBe(`Оплатить ${formatRubles(kopecks(10_150))} (комиссия ${formatRubles(kopecks(150))})`);
    await page.getByLabel(/СБП/).check();
    await amount.fill(debtText);
    await expect.poll(() => button.textContent()).toBe('Оплатить без комиссии');
    await shot(page, 'pay-02-form');

    await page.getByLabel('Ознакомлен и согласен с условиями оферты').check();
    await button.click();
    await page.getByRole('heading', { name: 'Ожидаем подтверждение банка' }).waitFor();
    const qrLoaded = await page.locator('figure.qr img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
    expect(qrLoaded).toBe(true);
    await shot(page, 'pay-03-waiting');
    const statusUrl = page.url();

    // A second tab left on the status page must notice the bank's answer by itself (pay.js polls state.json).
    const watcher = await browser.newPage({ locale: 'ru-RU' });
    await watcher.goto(statusUrl);

    await page.getByRole('link', { name: 'Оплатить картой / открыть страницу банка' }).click();
    await page.getByText('Это тестовый банк: деньги не списываются и никуда не переводятся.').waitFor();
    await shot(page, 'pay-04-sandbox');
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByRole('heading', { name: 'Оплачено' }).waitFor();
    expect(page.url()).toBe(statusUrl);
    await shot(page, 'pay-05-paid');
    await watcher.getByRole('heading', { name: 'Оплачено' }).waitFor({ timeout: 10_000 });
    await watcher.close();
    expect(problems).toEqual([]);

    const paymentId = /\/pay\/p\/([0-9a-f-]{36})\?/.exec(statusUrl)![1]!;
    const orgId = (await running.app.orgs.orgIdBySlug('demo'))!;
    const books = await running.app.db.withTenant(orgId, async (em) => ({
      ledger: await em.execute<{ sum: string }[]>('select coalesce(sum(amount), 0) as sum from ledger_entries where org_id = ?', [orgId]),
      payment: await em.execute<{ status: string; amount: string }[]>('select status, amount from payments where org_id = ? and id = ?', [orgId, paymentId]),
      splits: await em.execute<{ sum: string; n: string }[]>('select coalesce(sum(amount), 0) as sum, count(*) as n from payment_splits where org_id = ? and payment_id = ?', [orgId, paymentId]),
    }));
    expect(Number(books.ledger[0]!.sum)).toBe(0);
    expect(books.payment[0]).toMatchObject({ status: 'paid' });
    expect(Number(books.payment[0]!.amount)).toBe(debt.value);
    expect(Number(books.splits[0]!.n)).toBeGreaterThan(1);
    expect(Number(books.splits[0]!.sum)).toBe(debt.value);
    await page.close();
  });
});
