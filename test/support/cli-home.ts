/**
 * Running the built command line with a HOME of its own (`node bin/bars.js …`, i.e. dist/) in tests, with the package
 * cache, the toolkit cache and HOME pointed at test folders: never the user's ~/.fhir.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inProcess } from './cli.js';
import { TEST_CACHE } from './engine.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'bars.js');
export const HAS_BUILD = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
export const BUILD_SKIP_REASON = `dist/ not built: CLI tests skipped (run "npm run build" first; npm ci does it)`;

if (!HAS_BUILD) console.warn(BUILD_SKIP_REASON);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

type HomeOptions = { env?: Record<string, string | undefined>; cwd?: string; home: string };

/** The environment of a run: HOME, the caches and the package cache in the test's folders. */
function homeEnv(opts: HomeOptions): Record<string, string | undefined> {
  return {
    HOME: opts.home,
    BARS_CACHE_DIR: TEST_CACHE,
    FHIR_PACKAGE_CACHE: join(opts.home, '.fhir', 'packages'),
    NO_PROXY: '127.0.0.1,localhost',
    NO_COLOR: '1',
    BARS_DEBUG: undefined,
    ...opts.env,
  };
}

/** Run `bars <args>` and collect its output (async, so a test's local registry keeps serving). */
export function bars(args: string[], opts: HomeOptions): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...homeEnv(opts) };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: env as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

/**
 * The same through the CLI's main() in this process (the sources, not dist/), with the same
 * environment: for tests about what a command says and does to the files, not about the process
 * (see barsInProcess in cli.ts). Async too, so a test's local registry keeps serving.
 */
export async function barsInProcess(args: string[], opts: HomeOptions): Promise<CliRun> {
  const r = await inProcess(args, homeEnv(opts), opts.cwd ?? ROOT);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Output that shows an unhandled exception rather than a message. */
export function looksLikeStackTrace(text: string): boolean {
  return /^\s+at .+\(.*:\d+:\d+\)$/m.test(text) || /internal error/.test(text);
}
