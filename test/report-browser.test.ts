/**
 * The HTML report in a real headless Chromium (Debian's): the numbers a tester reads match the
 * JSON result, the severity filters work, nothing is fetched from the network, and a
 * screenshot is kept (test-artifacts/report.png; docs/report-screenshot.png for the README).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { RunResult } from '../src/report/result.js';
import { TEST_CACHE } from './support/engine.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`${CHROMIUM} not found: the HTML report browser test is skipped (apt-get install chromium)`);
const ROOT = resolve(import.meta.dirname, '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

describe.skipIf(!HAS_CHROMIUM)('HTML report in headless Chromium', () => {
  let result: RunResult;
  let htmlFile: string;
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bars-html-'));
    const cwd = process.cwd();
    process.chdir(ROOT); // relative file names, as a user would run it
    try {
      const code = await main(['validate', 'fixtures/r4/invalid', 'fixtures/bars/invalid', 'fixtures/bars/valid/APP3-referral-request.json', '--format', 'json,html', '--output-dir', dir, '--cache-dir', TEST_CACHE, '--offline']);
      expect(code).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    result = JSON.parse(readFileSync(join(dir, 'bars-report.json'), 'utf8')) as RunResult;
    htmlFile = join(dir, 'bars-report.html');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the numbers of the JSON result, filters by severity, fetches nothing, and is screenshotted', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(htmlFile).href);
    const read = async (k: string) => Number(await page.locator(`[data-summary="${k}"]`).innerText());
    expect(await read('files')).toBe(result.summary.files);
    expect(await read('valid')).toBe(result.summary.valid);
    expect(await read('errors')).toBe(result.summary.errors);
    expect(await read('warnings')).toBe(result.summary.warnings);
    expect(await page.locator('[data-verdict]').innerText()).toBe('FAIL');
    // one group row per file
    expect(await page.locator('tbody.file').count()).toBe(result.results.length);

    const visibleWarnings = () => page.locator('tr.issue.sev-warning:visible').count();
    expect(await visibleWarnings()).toBeGreaterThan(0);
    await page.locator('input[data-filter="warning"]').uncheck();
    expect(await visibleWarnings()).toBe(0);
    expect(await page.locator('tr.issue.sev-error:visible').count()).toBeGreaterThan(0);
    await page.locator('input[data-filter="warning"]').check();

    await page.evaluate('window.scrollTo(0, 0)');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: false, clip: { x: 0, y: 0, width: 1280, height: 1400 } });
    if (process.env.UPDATE_DOCS_SCREENSHOT) copyFileSync(join(ARTIFACTS, 'report.png'), join(ROOT, 'docs', 'report-screenshot.png'));
    writeFileSync(join(ARTIFACTS, 'report.html'), readFileSync(htmlFile));
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);
});
