import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { requireServices } from './services.ts';

/** Debian's chromium, driven by playwright-core (STACK.md); CI installs it, and there a missing one fails the run. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && requireServices) throw new Error(`REQUIRE_SERVICES=1 but ${CHROMIUM} is missing: browser tests cannot be skipped in CI`);

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

/** Headless, without the sandbox and background services a container has no use for. */
export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** A full-page screenshot under test/artifacts/, for a person to look at. */
export const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
