/**
 * vitest globalSetup: the CLI tests run bin/bars.js, which runs dist/. Build it once, before any
 * test file starts, when it is missing or older than the sources — never in the middle of a run
 * while other files are spawning the CLI from it. Also says once that the shared corpus is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CORPUS_SKIP_REASON, HAS_CORPUS } from './corpus.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

function newestSource(dir: string): number {
  let t = 0;
  for (const n of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, n.name);
    if (n.isDirectory()) t = Math.max(t, newestSource(p));
    else if (n.name.endsWith('.ts') && !n.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

export function distIsCurrent(): boolean {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  return existsSync(main) && statSync(main).mtimeMs >= newestSource(join(ROOT, 'src'));
}

export default function setup(): void {
  if (!HAS_CORPUS) console.warn(CORPUS_SKIP_REASON);
  if (distIsCurrent()) return;
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const b = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`building dist/ for the CLI tests failed (tsc -p tsconfig.build.json):\n${b.stdout}${b.stderr}`);
}
