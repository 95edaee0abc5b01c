/**
 * GET /_reports of bars serve in a real headless Chromium (Debian's): the list shows the
 * exchanges, a row links to the exchange page, which links to its validation report.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValidator } from '../src/index.js';
import { barsHeaders, processMessageRequest } from '../src/probe/requests.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { TEST_CACHE } from './support/engine.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`${CHROMIUM} not found: the bars serve reports browser test is skipped (apt-get install chromium)`);

describe.skipIf(!HAS_CHROMIUM)('bars serve /_reports in headless Chromium', () => {
  let srv: RunningServer;
  let dir: string;
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    const validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
    dir = mkdtempSync(join(tmpdir(), 'bars-serve-browser-'));
    srv = await startServe({ validator, database: join(dir, 'serve.db'), auth: 'none', port: 0 });
    const ok = processMessageRequest('APP1-referral-request', { nhsNumber: '9658499058' });
    await (await fetch(`${srv.url}${API_BASE_PATH}${ok.path}`, { method: 'POST', headers: ok.headers, body: ok.body, signal: AbortSignal.timeout(30_000) })).text();
    await (await fetch(`${srv.url}${API_BASE_PATH}/metadata`, { headers: { ...barsHeaders(), 'X-Request-ID': 'nope' }, signal: AbortSignal.timeout(30_000) })).text();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the exchanges and leads to each one and its validation report', async () => {
    const page = await browser.newPage();
    await page.goto(`${srv.url}/_reports`, { timeout: 30_000 });
    const rows = page.locator('#exchanges tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/GET \/booking-and-referral\/FHIR\/R4\/metadata\s+400/);
    expect(await rows.nth(1).innerText()).toMatch(/referral-1/);
    expect(await page.locator('#audit tbody tr').count()).toBe(2);
    await rows.nth(0).locator('a').first().click();
    await page.waitForURL(/\/_reports\/\d+$/, { timeout: 30_000 });
    expect(await page.locator('h1').innerText()).toMatch(/metadata → 400/);
    expect(await page.content()).toContain('BARS-HTTP-07');
    await page.getByText('Validation report').click();
    await page.waitForURL(/\/validation$/, { timeout: 30_000 });
    expect(await page.title()).toMatch(/BaRS validation report/);
    await page.close();
  }, 120_000);
});
