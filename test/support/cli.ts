/**
 * Running the real `bars` command (bin/bars.js → dist/) as a child process, as a supplier's CI
 * does, with its exit code, output, wall time and peak memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_CACHE } from './engine.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'bars.js');

/** A preload that prints the process's peak resident memory when it exits (portable: no /usr/bin/time needed). */
let preload: string | undefined;
function maxRssPreload(): string {
  if (!preload) {
    preload = join(mkdtempSync(join(tmpdir(), 'bars-cli-')), 'maxrss.cjs');
    writeFileSync(preload, "process.on('exit', () => { require('fs').writeSync(2, '\\n@@maxrss ' + process.resourceUsage().maxRSS + '\\n'); });\n");
  }
  return preload;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Wall time in milliseconds. */
  ms: number;
  /** Peak resident set size in MB. */
  maxRssMB: number;
  /** stdout parsed as JSON, when it is JSON. */
  json?: any;
  /** The child was killed for running past the timeout. */
  timedOut: boolean;
}

export interface CliOptions {
  cwd?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Add --offline and the test cache folder (default true): no network, fast loading. */
  offline?: boolean;
}

function command(args: string[], opts: CliOptions): string[] {
  assertBuilt();
  const extra = opts.offline === false || args[0] !== 'validate' ? [] : ['--offline', '--cache-dir', TEST_CACHE];
  return ['--require', maxRssPreload(), BIN, ...args, ...extra];
}

function spawnOptions(opts: CliOptions) {
  return { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...opts.env } };
}

function result(status: number | null, stdoutText: string, stderrText: string, ms: number, timedOut: boolean): CliRun {
  const m = /\n@@maxrss (\d+)\n/.exec(stderrText);
  let json: unknown;
  try {
    json = JSON.parse(stdoutText);
  } catch {
    json = undefined;
  }
  return { status, stdout: stdoutText, stderr: stderrText.replace(/\n@@maxrss \d+\n/, ''), ms, maxRssMB: m ? Number(m[1]) / 1024 : NaN, json, timedOut };
}

/** `bars <args>`; validate runs get --offline and the shared test cache unless told otherwise. */
export function bars(args: string[], opts: CliOptions = {}): CliRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, command(args, opts), { ...spawnOptions(opts), encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, maxBuffer: 256 * 1024 * 1024 });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM';
  return result(r.status, r.stdout ?? '', r.stderr ?? '', performance.now() - t0, timedOut);
}

/** The same without blocking this process (needed when the test itself serves HTTP to the CLI). */
export function barsAsync(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, command(args, opts), spawnOptions(opts));
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun(result(code, out, err, performance.now() - t0, timedOut));
    });
  });
}

let checked = false;

/** The CLI runs dist/: refuse to test a build older than the sources, with the fix in the message. */
function assertBuilt(): void {
  if (checked) return;
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error('dist/ is missing: run "npm run build" before the CLI tests (npm ci does it)');
  const built = statSync(main).mtimeMs;
  const newest = newestSource(join(ROOT, 'src'));
  if (newest.mtime > built + 1000) {
    throw new Error(`dist/ is older than ${newest.file}: run "npm run build" before the CLI tests (they run bin/bars.js, which runs dist/)`);
  }
  checked = true;
}

function newestSource(dir: string, best = { file: '', mtime: 0 }): { file: string; mtime: number } {
  for (const n of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, n.name);
    if (n.isDirectory()) newestSource(p, best);
    else if (n.name.endsWith('.ts') && !n.name.endsWith('.test.ts')) {
      const t = statSync(p).mtimeMs;
      if (t > best.mtime) {
        best.mtime = t;
        best.file = p;
      }
    }
  }
  return best;
}
