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
export function assertBuilt(): void {
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

/**
 * `bars <args>` run in this process through the CLI's own main() (the sources, not dist/), with
 * its output captured: for tests about what the command says, writes and returns, where a child
 * process would only add its start-up (~0.5 s of CPU each). Tests about the process itself (the
 * exit status a shell sees, a closed pipe, a terminal, worker threads, first-run start-up) use
 * bars()/barsAsync(). Validate runs get --offline and the test cache as bars() gives them; `env`
 * and `cwd` are set for the run and restored after it. Runs are one at a time (the tests of a file
 * run in sequence), since process.stdout and process.env are the process's own.
 */
export async function barsInProcess(args: string[], opts: Omit<CliOptions, 'timeoutMs'> = {}): Promise<CliRun> {
  const extra = opts.offline === false || args[0] !== 'validate' ? [] : ['--offline', '--cache-dir', TEST_CACHE];
  const env: Record<string, string | undefined> = { NO_COLOR: '', FORCE_COLOR: '', ...opts.env };
  return inProcess([...args, ...extra], env, opts.cwd ?? ROOT);
}

let mainFn: ((argv: string[]) => Promise<number>) | undefined;
let running = false;

/** main(argv) with stdout/stderr captured (not a terminal), env overrides (undefined: unset) and cwd set, all restored after. */
export async function inProcess(argv: string[], env: Record<string, string | undefined>, cwd: string): Promise<CliRun> {
  if (running) throw new Error('barsInProcess: one in-process run at a time (await the previous one)');
  running = true;
  mainFn ??= (await import('../../src/cli/main.js')).main;
  const out: string[] = [];
  const err: string[] = [];
  const saved = { env: new Map<string, string | undefined>(), cwd: process.cwd(), out: process.stdout.write, err: process.stderr.write };
  const savedTTY = [Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'), Object.getOwnPropertyDescriptor(process.stderr, 'isTTY')] as const;
  const capture = (into: string[]) =>
    function write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
      const done = typeof encoding === 'function' ? encoding : cb;
      if (done) queueMicrotask(() => done(null));
      return true;
    };
  for (const [k, v] of Object.entries(env)) {
    saved.env.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const t0 = performance.now();
  let status: number;
  try {
    process.chdir(cwd);
    process.stdout.write = capture(out) as typeof process.stdout.write;
    process.stderr.write = capture(err) as typeof process.stderr.write;
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true, writable: true });
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true, writable: true });
    status = await mainFn(argv);
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const [s, d] of [[process.stdout, savedTTY[0]], [process.stderr, savedTTY[1]]] as const) {
      if (d) Object.defineProperty(s, 'isTTY', d);
      else delete (s as { isTTY?: boolean }).isTTY;
    }
    for (const [k, v] of saved.env) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.chdir(saved.cwd);
    running = false;
  }
  return result(status, out.join(''), err.join(''), performance.now() - t0, false);
}
