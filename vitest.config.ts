import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // forks, not threads: tests chdir, and the CLI tests spawn bin/bars.js and wait for it
    pool: 'forks',
    // vitest's default is one worker per core minus one: a single worker on a 2-core machine, which
    // leaves a core idle while the other runs the suite's 1 600 tests one file after the other
    maxWorkers: 2,
    // a worker keeps its modules between test files: the toolkit's sources are imported and the
    // shared test engines (test/support/engine.ts) are built once per worker, not once per file.
    // Tests restore what they change (process.env, cwd); module state is not reset between files.
    isolate: false,
    // dist/ is built once before the run (the CLI tests spawn bin/bars.js, which runs it)
    globalSetup: ['test/support/global-build.ts'],
  },
});
