import { defineConfig } from 'vitest/config';

// Vitest as Stryker runs it (in worker threads): the unit tests of the mutated folders and of the
// compiler and model they build on. Not the CLI, server and report tests: they exercise dist/
// (never mutated) or need a process of their own (process.chdir). No dist/ build.
export default defineConfig({
  test: {
    include: ['src/{validate,bars,snapshot,parse,terminology,compile,model}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
