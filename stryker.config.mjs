// Mutation testing (issue 19): `npm run mutate` (scripts/mutate.ts runs this under `nice`).
// One folder: `npm run mutate -- --mutate 'src/parse/**/*.ts'` (test files are excluded below).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // only the unit tests beside the code: the CLI tests in test/ spawn dist/, which is never mutated
  vitest: { configFile: 'stryker.vitest.config.ts', related: true },
  // drops mutants that do not compile; BARS_MUTATE_TYPECHECK=0 (npm run mutate -- --no-typecheck)
  // skips it when CPU is scarce: such mutants then run and mostly fail their tests
  checkers: process.env.BARS_MUTATE_TYPECHECK === '0' ? [] : ['typescript'],
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'src/{validate,bars,snapshot,parse,terminology}/**/*.ts',
    '!src/**/*.test.ts',
  ],
  // Stryker works in a copy of the project (never in place: in-place mode rewrites every file of
  // the worktree while it runs); scripts/mutate.ts tells the copy where ../shared is (BARS_SHARED)
  ignorePatterns: ['dist', 'action/dist', 'bench', 'docs', 'reports', '*.log'],
  disableTypeChecks: 'src/**/*.ts',
  coverageAnalysis: 'perTest',
  // the machine is shared: one test process, and the script runs Stryker under nice -n 10
  concurrency: 1,
  timeoutMS: 20000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'html', 'json', 'progress'],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: true,
};
