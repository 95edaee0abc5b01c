import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // dist/ is built once before the run (the CLI tests spawn bin/bars.js, which runs it)
    globalSetup: ['test/support/global-build.ts'],
  },
});
