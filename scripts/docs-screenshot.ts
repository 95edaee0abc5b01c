/**
 * `npm run docs:screenshot`: docs/report-screenshot.png from a real run. Runs the built CLI
 * (bin/bars.js) over the fixtures to an HTML report, opens it in headless Chromium (Debian's
 * /usr/bin/chromium, or CHROMIUM_PATH) with playwright-core, and keeps the top of the page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`docs:screenshot: ${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`);
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('docs:screenshot: dist/ is missing: run npm run build first');
  process.exit(2);
}
const html = join(mkdtempSync(join(tmpdir(), 'bars-screenshot-')), 'report.html');
// relative file names, as a user would run it; exit code 1 is expected (the fixtures include broken files)
const run = spawnSync(process.execPath, ['bin/bars.js', 'validate', 'fixtures/r4/invalid', 'fixtures/bars/invalid', 'fixtures/bars/valid/APP3-referral-request.json', '--format', 'html', '--output', html], {
  cwd: ROOT,
  encoding: 'utf8',
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (run.status !== 0 && run.status !== 1) process.exit(run.status ?? 2);
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  await page.goto(pathToFileURL(html).href);
  const out = join(ROOT, 'docs', 'report-screenshot.png');
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1280, height: 1400 } });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
