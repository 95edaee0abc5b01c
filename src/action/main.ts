/**
 * The GitHub Action: `bars validate` over the given paths, then the job summary, `::error`
 * annotations at file/line/col, outputs (counts and report paths), and the FHIR package
 * folder cached between runs. Bundled into action/dist/index.cjs (npm run build:action), so
 * users need no npm install. Inputs arrive as INPUT_* environment variables.
 */
import { escData, escProp } from './commands.js';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { main as bars } from '../cli/main.js';
import type { RunResult } from '../report/result.js';
import { renderMarkdown } from '../report/markdown.js';
import { ensureR4Core } from './r4-core.js';
import { restorePackageCache, savePackageCache } from './cache.js';

function input(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Inputs that take several values: separated by newlines, commas or spaces. */
function list(name: string): string[] {
  return input(name)
    .split(/[\n,]+|\s+(?=\S)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function setOutput(name: string, value: string | number): void {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${String(value).replace(/\r?\n/g, ' ')}\n`);
  else process.stdout.write(`::set-output name=${name}::${value}\n`);
}

export async function runAction(): Promise<number> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const paths = list('paths');
  const requests = list('requests');
  // nothing named: the whole workspace (but not when only HTTP requests were asked for)
  if (paths.length === 0 && requests.length === 0) paths.push('.');
  const formats = [...new Set(['json', ...list('formats').filter((f) => f !== 'text')])];
  const outDir = resolve(workspace, input('output-dir') || 'bars-reports');
  mkdirSync(outDir, { recursive: true });
  const failOn = input('fail-on') || 'error';

  const argv = ['validate', ...paths, '--format', formats.join(','), '--output-dir', outDir, '--fail-on', failOn];
  for (const ig of list('igs')) argv.push('--ig', ig);
  for (const p of list('profile')) argv.push('--profile', p);
  for (const md of list('message-definition')) argv.push('--message-definition', md);
  if (input('application')) argv.push('--application', input('application'));
  if (input('tx')) argv.push('--tx', input('tx'));
  for (const r of requests) argv.push('--request', r);
  if (input('jwks')) argv.push('--jwks', input('jwks'));

  const packageCache = input('package-cache') || process.env.FHIR_PACKAGE_CACHE || join(homedir(), '.fhir', 'packages');
  argv.push('--package-cache', packageCache);
  const cacheKey = `bars-fhir-packages-${list('igs').join('+') || 'default'}`;
  await restorePackageCache(packageCache, cacheKey);
  await ensureR4Core();

  process.chdir(workspace);
  const code = await bars(argv);
  const jsonFile = join(outDir, 'bars-report.json');
  if (!existsSync(jsonFile)) {
    process.stdout.write(`::error::bars validate could not run (exit ${code}); see the log above\n`);
    return code || 2;
  }
  const result = JSON.parse(readFileSync(jsonFile, 'utf8')) as RunResult;

  // annotations: errors (and warnings) at their place in the pull request
  let annotations = 0;
  for (const r of result.results) {
    const file = isAbsolute(r.file) ? relative(workspace, r.file) : r.file;
    for (const i of r.issues) {
      if (i.suppressed || i.severity === 'information') continue;
      if (annotations >= 500) break; // GitHub shows a limited number per step anyway
      const kind = i.severity === 'warning' ? 'warning' : 'error';
      const props = [`file=${escProp(file)}`, i.line ? `line=${i.line}` : '', i.column ? `col=${i.column}` : '', `title=${escProp(i.ruleId)}`].filter(Boolean).join(',');
      process.stdout.write(`::${kind} ${props}::${escData(`${i.message}${i.expression ? ` (${i.expression})` : ''}`)}\n`);
      annotations++;
    }
  }

  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) appendFileSync(summaryFile, renderMarkdown(result));

  const s = result.summary;
  setOutput('files', s.files);
  setOutput('valid', s.valid);
  setOutput('errors', s.errors);
  setOutput('warnings', s.warnings);
  setOutput('report-dir', outDir);
  const ext: Record<string, string> = { json: 'json', html: 'html', junit: 'junit.xml', sarif: 'sarif', markdown: 'md', outcome: 'outcome.json' };
  for (const f of formats) setOutput(f, join(outDir, `bars-report.${ext[f] ?? f}`));

  await savePackageCache(packageCache, cacheKey);
  return code;
}
