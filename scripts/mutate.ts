/**
 * `npm run mutate [-- <stryker options>]`: Stryker mutation testing (stryker.config.mjs) run at
 * low priority — the machine is shared — then the mutation score per src/ folder from the JSON
 * report. e.g. `npm run mutate -- --mutate 'src/parse/**\/*.ts'` for one folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { printFolderScores } from './mutation-scores.js';

const REPORT = 'reports/mutation/mutation.json';
// the package exports only its API, so its bin is found beside its package.json
const stryker = join(dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');
// `--mutate <glob>` replaces the config's list, so the test files are excluded again here
const noTypecheck = process.argv.includes('--no-typecheck');
const args = process.argv.slice(2).filter((a) => a !== '--no-typecheck').map((a, i, all) => (all[i - 1] === '--mutate' || all[i - 1] === '-m' ? `${a},!src/**/*.test.ts` : a));
// Stryker's incremental file holds the last run's mutants only: a one-folder run keeps its own
// file, so running folder by folder does not throw away the other folders' results
const at = args.findIndex((a) => a === '--mutate' || a === '-m');
const glob = at >= 0 ? args[at + 1] : undefined;
if (glob !== undefined && !args.includes('--incrementalFile')) {
  args.push('--incrementalFile', `reports/incremental/${glob.split(',')[0]!.replace(/[^\w-]+/g, '_')}.json`);
}
/**
 * A src/<folder> glob is judged by that folder's own tests (stryker.vitest.config.ts): nearly every
 * test parses or validates something, and running them all for each mutant of src/parse would
 * take days on this machine.
 */
function testsFor(mutate: string | undefined): Record<string, string> {
  const folder = mutate?.match(/^src\/([\w-]+)\//)?.[1];
  return folder ? { BARS_MUTATE_TESTS: folder } : {};
}
const started = Date.now();
const run = spawnSync('nice', ['-n', '10', process.execPath, stryker, 'run', ...args], {
  stdio: 'inherit',
  // the tests find the shared NHS corpus beside the worktree; Stryker runs them from a copy
  env: { ...process.env, BARS_SHARED: process.env.BARS_SHARED ?? resolve('..', 'shared'), ...testsFor(glob), ...(noTypecheck ? { BARS_MUTATE_TYPECHECK: '0' } : {}) },
});
if (run.error) {
  console.error(`mutate: could not start Stryker under nice: ${run.error.message}`);
  process.exit(1);
}
// a report left by an earlier run is not this run's result
if (existsSync(REPORT) && statSync(REPORT).mtimeMs >= started) printFolderScores(JSON.parse(readFileSync(REPORT, 'utf8')));
process.exit(run.status ?? 1);
