/**
 * npm run bench — speed and memory, measured (not asserted). Needs ../shared/corpus for
 * the real NHS definitions and messages; says so and stops when it is absent.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchBigFiles } from './big-files.js';
import { benchCli } from './cli.js';
import { benchLoad } from './load.js';
import { benchStartup } from './startup.js';
import { headlines } from './util.js';
import { benchValidate } from './validate.js';

const only = process.argv[2];
// the command line on one message needs only the repository (the embedded set and a fixture)
if (!only || only === 'cli') benchCli();
if (only === 'cli') process.exit(0);
// 50 MB files through the command, against the time and memory budgets (needs only the repository)
if (only === 'big-files') process.exit(benchBigFiles() ? 0 : 1);
if (!only && !benchBigFiles()) process.exitCode = 1;
// the library's start-up needs no corpus: R4 core and whatever of the BaRS set is cached
if (!only || only === 'startup') benchStartup();
if (only === 'startup') process.exit(0);
const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
if (!existsSync(corpus)) {
  console.log(`bench: ${corpus} not found; the benchmarks need the shared NHS corpus beside the repo.`);
  process.exit(0);
}
console.log(`bars-toolkit benchmarks on ${process.version}, ${process.platform}/${process.arch}`);
if (!only || only === 'load') benchLoad(corpus);
if (!only || only === 'validate') await benchValidate(corpus, mkdtempSync(join(tmpdir(), 'bars-bench-v-')));
if (!only || only === 'jobs') await (await import('./jobs.js')).benchJobs(corpus);
if (!only || only === 'serve') await (await import('./serve.js')).benchServe(corpus, Number(process.argv[3] ?? 2000));
if (!only || only === 'report') {
  const mod = await import('./report.js').catch(() => undefined);
  if (mod) await mod.benchReport();
}
if (headlines.length) console.log(`\nheadline:\n${headlines.join('\n')}`);
