/**
 * `bars validate <files|folders|globs…>`
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defaultCacheDir } from '../load/cache/store.js';
import { dirname, join, relative, resolve } from 'node:path';
import { createEngine, type Engine, type EngineOptions } from '../engine.js';
import { barsDefaultSet } from '../bars/default-set.js';
import { LoadError } from '../load/types.js';
import { toOperationOutcome } from '../report/outcome.js';
import { summarise, type FileResult, type RunResult } from '../report/result.js';
import { renderText, renderTextFile, renderTextFooter } from '../report/text.js';
import { neutraliseRunnerCommands, oneLine, safeBlock } from '../model/text.js';
import { loadConfig } from './config.js';
import { expandInputs, UsageError } from './inputs.js';
import { writeReport } from './write-report.js';
import { applySuppressions, loadSuppressions, type Suppression } from './suppress.js';
import { renderers, type OutputFormat } from '../report/formats.js';
import { toolVersion } from './version.js';
import { command, HelpRequested, parseCommand, renderHelp } from './reference.js';
import { Progress } from './progress.js';
import { exitCodeOf } from './report.js';
import { missingPackageNote, shortenMissingPackageAdvice } from './missing-packages.js';
import { NOT_CHECKED_RULES, uncheckedInIssues } from '../report/checks.js';
import type { LoadedDefinitions } from '../assemble.js';
import { Pool, validateInProcess, workerScript } from './pool.js';
import { isNdjson, readInputs } from './validate-input.js';

export const VALIDATE_HELP = renderHelp(command('validate'));

export interface ValidateArgs {
  inputs: string[];
  igs: string[];
  profiles: string[];
  formats: OutputFormat[];
  output?: string;
  outputDir?: string;
  failOn: 'error' | 'warning';
  quiet: boolean;
  /** Text output: the least severity shown. */
  minSeverity: 'error' | 'warning' | 'information';
  suppress?: string;
  /** Where the suppressions file was named: `--suppress`, or `"suppress" in <config>`. */
  suppressFrom?: string;
  tx?: string;
  offline: boolean;
  packageCache?: string;
  registry?: string;
  cacheDir?: string | false;
  unknownExtensions?: 'warning' | 'error' | 'ignore';
  application?: string;
  messageDefinitions: string[];
  /** --request files (`file` or `file#n` for one HAR entry). */
  requests: string[];
  openapi?: string;
  jwts: string[];
  jwks?: string;
  publicKey?: string;
  now?: string;
  bars: boolean;
  /** Folder walks follow links that lead outside the folder given. */
  followSymlinks?: boolean;
  /** Worker threads validating the inputs (1: in this process); undefined: the CPU cores, for runs of enough inputs. */
  jobs?: number;
}

export function parseValidateArgs(argv: string[]): ValidateArgs {
  const parsed = parseCommand('validate', argv);
  const v = parsed.values as {
    ig?: string[]; profile?: string[]; format?: string; output?: string; 'output-dir'?: string; 'fail-on'?: string; quiet?: boolean; 'min-severity'?: string; suppress?: string; tx?: string;
    offline?: boolean; 'package-cache'?: string; registry?: string; 'cache-dir'?: string; 'no-cache'?: boolean; 'unknown-extensions'?: string; config?: string;
    application?: string; 'message-definition'?: string[]; request?: string[]; openapi?: string; jwt?: string[]; jwks?: string; 'public-key'?: string; now?: string; 'no-bars'?: boolean; 'follow-symlinks'?: boolean; jobs?: string;
  };
  const { config, path: configPath } = loadConfig(v.config);
  const base = configPath ? dirname(configPath) : process.cwd();
  const rel = (p: string): string => configIg(base, p);
  const formats = (v.format ?? config.format ?? 'text').split(',').map((f) => f.trim()) as OutputFormat[];
  for (const f of formats) {
    if (!(f in renderers) && f !== 'text') throw new UsageError(`--format ${f}: unknown format (use ${['text', ...Object.keys(renderers)].join(', ')})`);
  }
  const failOn = (v['fail-on'] ?? config.failOn ?? 'error') as string;
  if (failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on ${failOn}: use error or warning`);
  const minSeverity = v['min-severity'] ?? 'warning';
  if (minSeverity !== 'error' && minSeverity !== 'warning' && minSeverity !== 'information') throw new UsageError(`--min-severity ${minSeverity}: use error, warning or information`);
  const ue = (v['unknown-extensions'] ?? config.unknownExtensions) as string | undefined;
  if (ue && !['warning', 'error', 'ignore'].includes(ue)) throw new UsageError(`--unknown-extensions ${ue}: use warning, error or ignore`);
  if (formats.length > 1 && v.output) throw new UsageError('--output takes one format; with several formats use --output-dir');
  // several reports one after the other on stdout would be unreadable by any of their consumers
  if (formats.length > 1 && !v['output-dir']) {
    throw new UsageError(`--format ${formats.join(',')}: several formats need --output-dir <dir> (each is written to <dir>/bars-report.<ext>); give one format to write to stdout`);
  }
  if (v.output && v['output-dir']) throw new UsageError('--output and --output-dir together: use --output for one format, --output-dir for several');
  const jobs = v.jobs === undefined ? config.jobs : Number(v.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs ${v.jobs}: give a whole number of worker threads, 1 or more (1 validates in this process)`);
  const app = v.application ?? config.application;
  if (app && !/^APP[1-8]$/i.test(app)) throw new UsageError(`--application ${app}: use APP1 … APP8`);
  const args: ValidateArgs = {
    inputs: parsed.positionals,
    igs: v.ig ?? (config.igs ?? []).map(rel),
    profiles: [...(v.profile ?? []), ...(config.profiles ?? [])],
    formats,
    output: v.output,
    outputDir: v['output-dir'],
    failOn,
    quiet: v.quiet === true,
    minSeverity,
    suppress: v.suppress ?? (config.suppress ? resolve(base, config.suppress) : undefined),
    suppressFrom: v.suppress || !config.suppress ? '--suppress' : `"suppress" in ${configPath}`,
    tx: v.tx ?? config.tx,
    offline: v.offline ?? config.offline ?? false,
    packageCache: v['package-cache'] ?? (config.packageCache ? resolve(base, config.packageCache) : undefined),
    registry: v.registry ?? config.registry,
    cacheDir: v['no-cache'] ? false : v['cache-dir'],
    unknownExtensions: ue as ValidateArgs['unknownExtensions'],
    application: app?.toUpperCase(),
    messageDefinitions: v['message-definition'] ?? (config.messageDefinitions ?? []).map((p) => resolve(base, p)),
    requests: v.request ?? [],
    openapi: v.openapi ?? (config.openapi ? resolve(base, config.openapi) : undefined),
    jwts: v.jwt ?? [],
    jwks: v.jwks ?? (config.jwks ? resolve(base, config.jwks) : undefined),
    publicKey: v['public-key'] ?? (config.publicKey ? resolve(base, config.publicKey) : undefined),
    now: v.now,
    bars: v['no-bars'] !== true,
    followSymlinks: v['follow-symlinks'] === true,
    jobs,
  };
  if (args.inputs.length === 0 && args.requests.length === 0 && args.jwts.length === 0) {
    throw new UsageError('No input: give files, folders or globs to validate (e.g. bars validate fixtures/), or --request <file>');
  }
  return args;
}

/** An `igs` entry of bars.config.json: a package id stays as it is, a path is relative to the config file. */
export function configIg(base: string, p: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return p;
  const asPath = resolve(base, p);
  // name#version, or a bare package name (latest), unless a file of that name sits beside the config
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*([#@][A-Za-z0-9._+-]+)?$/.test(p) && (p.includes('#') || p.includes('@') || !existsSync(asPath))) return p;
  return asPath;
}

export { HelpRequested };

/** Plugins (the BaRS layer) are attached by the caller. */
export type EngineFactory = (args: ValidateArgs) => Promise<Engine>;

export async function defaultEngine(args: ValidateArgs): Promise<Engine> {
  const options: EngineOptions = {
    igs: args.igs,
    packageCache: args.packageCache,
    registry: args.registry,
    offline: args.offline,
    cacheDir: args.cacheDir,
    tx: args.tx,
    unknownExtensions: args.unknownExtensions,
    // what bars validate loads besides --ig: the BaRS/UK Core set
    ...barsDefaultSet(),
  };
  const engine = await createEngine(args.bars ? await withBarsLayer(options, args) : options);
  if (args.bars && args.messageDefinitions.length) await checkReceiverDefinitions(args.messageDefinitions, engine);
  return engine;
}

/**
 * The receiver's --message-definition files are read before any input is validated: a file that
 * is not a MessageDefinition is the user's slip (exit 2, naming the file), not a failure of every
 * message in the run.
 */
async function checkReceiverDefinitions(files: string[], engine: Engine): Promise<void> {
  const { readMessageDefinitionFiles } = await import('../bars/message-definitions.js');
  try {
    readMessageDefinitionFiles(files, engine.loaded.compiler);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The BaRS layer wired as the library wires it (bars/plugin.ts), when the build has it. */
async function withBarsLayer(options: EngineOptions, args: ValidateArgs): Promise<EngineOptions> {
  try {
    const mod = (await import('../bars/plugin.js')) as Partial<typeof import('../bars/plugin.js')>;
    return mod.withBarsLayer ? mod.withBarsLayer(options, args) : options;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return options;
    throw e;
  }
}

/** The HTTP checks are loaded only when asked for (jose, the API table); bad options are usage errors. */
async function requestOptions(args: ValidateArgs) {
  const mod = await import('../bars/http/validate-request.js');
  try {
    return { mod, setup: mod.requestSetup({ openapi: args.openapi, jwks: args.jwks, publicKey: args.publicKey, now: args.now }) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * --jobs not given: one worker per this many inputs, up to the CPU cores, and none (in-process)
 * when that makes fewer than two. Each worker pays its own start-up before it helps: loading the
 * code and reading the definitions its inputs need, then compiling and optimising the checks,
 * measured at about 1.3 s of CPU per worker against 3 to 8 ms per BaRS message once warm; a
 * second worker wins back its start-up only over some hundreds of messages.
 */
export const AUTO_JOBS_INPUTS_PER_WORKER = 250;

/** Worker threads for a run: --jobs (or the config's jobs), else as many as the inputs repay, up to the CPU cores; never more than inputs. */
export function workersFor(jobs: number | undefined, inputs: number, cores = availableParallelism()): number {
  if (jobs === undefined) {
    const workers = Math.min(cores, Math.floor(inputs / AUTO_JOBS_INPUTS_PER_WORKER));
    return workers >= 2 ? workers : 1;
  }
  return Math.min(jobs, inputs);
}

/** Does the toolkit's cache hold built sources (a run before this one filled it)? */
function cacheBuilt(cacheDir: string | false | undefined): boolean {
  if (cacheDir === false) return false;
  try {
    return readdirSync(join(resolve(cacheDir ?? defaultCacheDir()), 'sources')).length > 0;
  } catch {
    return false;
  }
}

/** What a file's result gets once validated: its suppressions, the canonicals it could not check. */
function finishFile(r: FileResult, suppressions: Suppression[], suppressFile: string | undefined, missing: LoadedDefinitions['missingDefaults']): void {
  if (suppressions.length) applySuppressions([r], suppressions, suppressFile!);
  const unchecked = uncheckedInIssues(r.issues);
  if (unchecked.length) r.unchecked = unchecked;
  // streamed: the note it points at comes at the end of the run
  if (missing.length) shortenMissingPackageAdvice(missing, [r]);
}

export interface RunOutput {
  result: RunResult;
  exitCode: number;
}

/**
 * Run a validation and build the JSON result (without printing). With `onFile`, each file's
 * result goes there as soon as it is final (suppressions applied), in input order, and the run
 * keeps only what the end of the report needs of it (validity, what was not checked): a long run
 * printing text holds no file's issues after they are printed. The summary counts every issue.
 */
/** How one run is carried out, beyond its arguments. */
export interface RunHooks {
  /** When the command started (loading the code and building the cache count in the run's time). */
  startedAt?: number;
  /** Called once per input as its result is known, in input order. */
  onFile?: (r: FileResult) => void;
  /** The worker thread script (default: the compiled one beside pool.js; none means in-process). */
  workerScript?: () => string | undefined;
}

export async function runValidate(args: ValidateArgs, makeEngine: EngineFactory = defaultEngine, hooks: RunHooks = {}): Promise<RunOutput> {
  const { startedAt, onFile } = hooks;
  // the run's time counts from when the command started (loading the code and building the cache included)
  const t0 = startedAt ?? performance.now();
  const { files, linksOutside } = await expandInputs(args.inputs, { followSymlinks: args.followSymlinks });
  const http = args.requests.length || args.jwts.length ? await requestOptions(args) : undefined;
  if (files.length === 0 && !http) throw new UsageError(`No *.json or *.xml files found in ${args.inputs.join(', ')} (nor *.ndjson)`);
  const suppressions = args.suppress ? loadSuppressions(args.suppress, args.suppressFrom) : [];
  const ndjson = files.some(isNdjson);
  // workers are started before the main thread assembles its engine, so loading their code
  // overlaps it; they rebuild what the factory builds, so only with the default one
  const jobs = makeEngine === defaultEngine ? workersFor(args.jobs, ndjson ? Infinity : files.length) : 1;
  const script = jobs > 1 ? (hooks.workerScript ?? workerScript)() : undefined;
  // with the toolkit's cache already built, the workers read their definitions from it at once,
  // while this thread assembles its own; on a first run they wait for this thread to build it
  const pool = script ? new Pool(script, jobs, args, { loadAtOnce: cacheBuilt(args.cacheDir) }) : undefined;
  // the lines of an NDJSON file are counted as they are read: no total to show until then
  const progress = new Progress(ndjson ? undefined : files.length);
  const results: FileResult[] = [];
  // with onFile: the counts of the files already handed on, which results[] no longer holds
  const tally = summarise([], 0);
  let missing: LoadedDefinitions['missingDefaults'] = [];
  const onResult = (r: FileResult): void => {
    if (!onFile) {
      results.push(r);
      progress.tick(r.file);
      return;
    }
    finishFile(r, suppressions, args.suppress, missing);
    progress.clear();
    onFile(r);
    const s = summarise([r], 0);
    for (const k of ['files', 'valid', 'errors', 'warnings', 'information', 'suppressed', 'fatal'] as const) tally[k] = (tally[k] ?? 0) + (s[k] ?? 0);
    results.push({ file: r.file, resourceType: r.resourceType, profiles: [], valid: r.valid, issues: r.issues.filter((i) => NOT_CHECKED_RULES.has(i.ruleId)), ...(r.unchecked ? { unchecked: r.unchecked } : {}) });
    progress.tick(r.file);
  };
  let engine: Engine;
  try {
    engine = await makeEngine(args);
    missing = engine.loaded.missingDefaults;
    if (pool) {
      pool.load(engine);
      await pool.run(readInputs(files), { onResult });
    } else await validateInProcess(engine, readInputs(files), args.profiles, onResult);
  } finally {
    await pool?.close();
  }
  progress.done();
  if (http) {
    for (const r of args.requests) for (const x of await http.mod.validateRequestFile(engine.validate, r, { ...http.setup, profiles: args.profiles, hasProfile: engine.hasProfile })) onResult(x);
    for (const j of args.jwts) onResult(await http.mod.validateJwtFile(j, { keys: http.setup.keys, now: http.setup.now }));
  }
  if (!onFile) for (const r of results) finishFile(r, suppressions, args.suppress, []);
  const rulesets = (engine.options.plugins ?? []).flatMap((p) => p.rulesets ?? []);
  const result: RunResult = {
    tool: { name: 'bars-toolkit', version: toolVersion() },
    results,
    summary: onFile ? { ...tally, durationMs: Math.round(performance.now() - t0) } : summarise(results, performance.now() - t0),
    run: {
      startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
      packages: engine.loaded.defs.sourceInfos().map((s) => ({ name: s.name, version: s.version, kind: s.kind, location: s.location, ...(s.provenance ? { provenance: s.provenance } : {}) })),
      ...(rulesets.length ? { rules: rulesets } : {}),
      options: { igs: args.igs, profiles: args.profiles, failOn: args.failOn, tx: args.tx ?? null, application: args.application ?? null, ...(args.requests.length ? { requests: args.requests } : {}) },
      diagnostics: engine.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, hint: d.hint, file: d.file })),
    },
  };
  if (missing.length) result.run!.unavailable = missing.map((m) => ({ name: m.name, version: m.version, ...(m.why ? { why: m.why } : {}) }));
  const note = missingPackageNote(missing, results, engine.loaded.locator.cacheDir, engine.loaded.locator.registry, engine.loaded.locator.offline);
  if (note) result.run!.notes = [note];
  if (pool?.unavailable) {
    result.run!.diagnostics!.push({
      severity: 'warning',
      code: 'workers-unavailable',
      message: `--jobs ${jobs}: the worker threads could not be used (${pool.unavailable}), so the inputs were validated in one thread; the results are complete`,
    });
  }
  if (linksOutside.length) {
    const shown = linksOutside.slice(0, 5).join(', ');
    result.run!.diagnostics!.push({
      severity: 'warning',
      code: 'links-not-followed',
      message: `${linksOutside.length} link${linksOutside.length === 1 ? '' : 's'} leading outside the folder${linksOutside.length === 1 ? ' was' : 's were'} not followed (${shown}${linksOutside.length > 5 ? ', …' : ''}); give --follow-symlinks to validate what they point at`,
    });
  }
  if (!onFile) shortenMissingPackageAdvice(missing, results);
  const failing = tally.errors > 0 || (args.failOn === 'warning' && tally.warnings > 0);
  return { result, exitCode: onFile ? (failing ? 1 : 0) : exitCodeOf(result, args.failOn) };
}

/** The whole command: run, render, write; returns the exit code. */
export async function validateCommand(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean }, startedAt?: number): Promise<number> {
  const args = parseValidateArgs(argv);
  const cacheDir = args.cacheDir === false ? undefined : resolve(args.cacheDir ?? defaultCacheDir());
  const firstRun = cacheDir !== undefined && !existsSync(cacheDir);
  const textOptions = { color: io.isTTY && !args.output && !args.outputDir && !process.env.NO_COLOR, quiet: args.quiet, minSeverity: args.minSeverity, fold: true };
  // text on stdout is printed file by file as the run goes (the other formats are one document)
  const streamText = args.formats.length === 1 && args.formats[0] === 'text' && !args.output && !args.outputDir;
  let hidden = 0;
  const printFile = (r: FileResult): void => {
    const f = renderTextFile(r, textOptions);
    hidden += f.hidden;
    if (f.lines.length) io.stdout.write(neutraliseRunnerCommands(f.lines.join('\n') + '\n'));
  };
  let out: RunOutput;
  try {
    out = await runValidate(args, defaultEngine, { startedAt, onFile: streamText ? printFile : undefined });
  } catch (e) {
    if (e instanceof LoadError) {
      io.stderr.write(neutraliseRunnerCommands(`bars: cannot load definitions: ${safeBlock(e.message)}\n${e.hint ? safeBlock(e.hint) + '\n' : ''}`));
      return 2;
    }
    throw e;
  }
  const { result } = out;
  // loading problems go to stderr (never into the machine-readable stdout)
  const diags = result.run?.diagnostics ?? [];
  // a missing default package is explained once, after the run, by the note below
  const important = diags.filter(
    (d) => (d.severity !== 'information' || d.code === 'embedded-package-replaced') && !(d.code === 'default-package-missing' && result.run?.notes?.length),
  );
  if (important.length && !args.quiet) {
    for (const d of important.slice(0, 10)) io.stderr.write(`bars: ${d.severity === 'information' ? 'note' : d.severity}: ${oneLine(d.message)}${d.file ? ` (${oneLine(d.file)})` : ''}\n`);
    if (important.length > 10) io.stderr.write(`bars: … and ${important.length - 10} more loading messages\n`);
  }
  for (const n of result.run?.notes ?? []) io.stderr.write(neutraliseRunnerCommands(`bars: ${safeBlock(n)}\n`));
  if (firstRun && cacheDir && existsSync(cacheDir) && !args.quiet) {
    io.stderr.write(
      `bars: first run: built the toolkit's cache in ${cacheDir} (${Math.round(folderBytes(cacheDir) / 1048576)} MB, part of the ${(result.summary.durationMs / 1000).toFixed(1)} s); later runs load it in a fraction of that time. --cache-dir or BARS_CACHE_DIR puts it elsewhere, --no-cache goes without.\n`,
    );
  }

  for (const f of args.formats) {
    const render = renderers[f];
    const text = streamText
      ? neutraliseRunnerCommands(renderTextFooter(result, hidden, textOptions).join('\n') + '\n')
      : f === 'text' || !render
        ? renderText(result, textOptions)
        : await render(result);
    if (args.outputDir) {
      const file = join(args.outputDir, `bars-report.${EXTENSIONS[f]}`);
      writeReport(file, text, '--output-dir');
      io.stderr.write(`bars: wrote ${oneLine(relative(process.cwd(), file))}\n`);
    } else if (args.output) {
      writeReport(args.output, text, '--output');
    } else {
      io.stdout.write(text);
    }
  }
  return out.exitCode;
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : e.isFile() ? statSync(p).size : 0;
  }
  return n;
}

export const EXTENSIONS: Record<OutputFormat, string> = {
  text: 'txt',
  json: 'json',
  outcome: 'outcome.json',
  html: 'html',
  junit: 'junit.xml',
  sarif: 'sarif',
  markdown: 'md',
};

export { toOperationOutcome };
