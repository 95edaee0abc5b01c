import { defineConfig } from 'vitest/config';

// Vitest as Stryker runs it (in worker threads, no dist/ build). A folder's mutants are judged by
// the unit tests beside them: scripts/mutate.ts passes the folder(s) of a --mutate glob in
// BARS_MUTATE_TESTS. Without it, the tests of the five mutated folders and of compile and model.
// Never the CLI, server and report tests: they run dist/ (not mutated) or need their own process.
const folders = process.env.BARS_MUTATE_TESTS ?? 'validate,bars,snapshot,parse,terminology,compile,model';
export default defineConfig({
  test: {
    include: folders.includes(',') ? [`src/{${folders}}/**/*.test.ts`] : [`src/${folders}/**/*.test.ts`],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
