// @ts-check
/**
 * Shared set-up for the browser tests: Debian's Chromium driven by playwright-core (Playwright's
 * own browser downloads are not available here), the base URL of a running stack, screenshots.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
/** The access-token lifetime the stack under test was started with (seconds), when short. */
export const ACCESS_TTL = Number(process.env.E2E_ACCESS_TTL ?? 0);
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser profile (its own storage, like another person's computer).
 * @param {import('playwright-core').Browser} browser
 * @param {{ viewport?: { width: number, height: number }, colorScheme?: 'light' | 'dark' }} [options]
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/** A page that fails the test on any uncaught error or console error it logs. */
/** @param {import('playwright-core').BrowserContext} context */
export async function newPage(context) {
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // 401/409 answers the app handles itself are logged by the browser as failed resources.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return Object.assign(page, { problems });
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { width, height } = page.viewportSize() ?? DESKTOP;
  await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}x${height}.png`) });
}

/**
 * A run-unique surname (letters only, so initials and names look like a person's), which lets
 * the tests also run against a long-lived dev database.
 */
export const RUN = Array.from({ length: 6 }, (_, i) =>
  String.fromCharCode((i === 0 ? 65 : 97) + Math.floor(Math.random() * 26)),
).join('');

/** @param {string} name */
export function person(name) {
  return {
    name: `${name} ${RUN}`,
    email: `${name.toLowerCase()}.${RUN.toLowerCase()}@example.com`,
    password: `${name.toLowerCase()}-secret-${RUN}`,
  };
}
