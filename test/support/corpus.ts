/**
 * Where the shared NHS corpus lives, and a clear skip when it is not there
 * (a fresh clone of the project does not have ../shared).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// BARS_SHARED: where ../shared is when the tests run from a copy of the worktree (Stryker's sandbox)
export const SHARED = process.env.BARS_SHARED ? resolve(process.env.BARS_SHARED) : resolve(here, '..', '..', '..', 'shared');
/** ../shared/corpus beside the repo; BARS_TEST_CORPUS points elsewhere (a worktree one level deeper). */
export const CORPUS = process.env.BARS_TEST_CORPUS ? resolve(process.env.BARS_TEST_CORPUS) : resolve(SHARED, 'corpus');
export const HAS_CORPUS = existsSync(CORPUS);

export function corpusPath(...parts: string[]): string {
  return resolve(CORPUS, ...parts);
}

/**
 * Said once per run, by the global setup (test/support/global-build.ts); the files that need the
 * corpus skip with describe.skipIf / it.skipIf(!HAS_CORPUS) and say nothing themselves.
 */
export const CORPUS_SKIP_REASON = `../shared/corpus not found at ${CORPUS}: the corpus tests are skipped (they need the shared NHS artefacts beside the repo, or BARS_TEST_CORPUS=<folder>)`;
