import { defineConfig } from 'vitest/config';

// Vitest as Stryker runs it: the unit tests under src/, without the ones that spawn the built CLI
// or run servers (they exercise dist/, which Stryker never mutates) and without the dist/ build.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['src/cli/**', 'src/serve/**', 'src/probe/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
