/**
 * `bars validate <files|folders|globs…>`
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { defaultCacheDir } from '../load/cache/store.js';
import { dirname, join, relative, resolve } from 'node:path';
import { createEngine, type Engine, type EngineOptions } from '../engine.js';
import { LoadError } from '../load/types.js';
import { toOperationOutcome } from '../report/outcome.js';
import { summarise, toResultIssue, type FileResult, type RunResult } from '../report/result.js';
import { renderText } from '../report/text.js';
import { neutraliseRunnerCommands, oneLine, safeBlock } from '../model/text.js';
import { loadConfig } from './config.js';
import { expandInputs, UsageError } from './inputs.js';
import { writeReport } from './write-report.js';
import { applySuppressions, loadSuppressions } from './suppress.js';
import { renderers, type OutputFormat } from '../report/formats.js';
import { toolVersion } from './version.js';
import { command, HelpRequested, parseCommand, renderHelp } from './reference.js';
import { Progress } from './progress.js';
import { exitCodeOf } from './report.js';
import { missingPackageNote, shortenMissingPackageAdvice } from './missing-packages.js';
import { uncheckedInIssues } from '../report/checks.js';

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
}

export function parseValidateArgs(argv: string[]): ValidateArgs {
  const parsed = parseCommand('validate', argv);
  const v = parsed.values as {
    ig?: string[]; profile?: string[]; format?: string; output?: string; 'output-dir'?: string; 'fail-on'?: string; quiet?: boolean; 'min-severity'?: string; suppress?: string; tx?: string;
    offline?: boolean; 'package-cache'?: string; registry?: string; 'cache-dir'?: string; 'no-cache'?: boolean; 'unknown-extensions'?: string; config?: string;
    application?: string; 'message-definition'?: string[]; request?: string[]; openapi?: string; jwt?: string[]; jwks?: string; 'public-key'?: string; now?: string; 'no-bars'?: boolean; 'follow-symlinks'?: boolean;
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
  };
  return createEngine(args.bars ? await withBarsLayer(options, args) : options);
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

const REQUEST_LINE = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+/m;

/**
 * An HTTP request (a .http file, a HAR capture) given as an input, not with --request, fails as
 * "not a FHIR resource": say what to run instead.
 */
function hintHttpRequest(file: string, bytes: Buffer, issues: import('../model/issue.js').ValidationIssue[]): void {
  const fatal = issues.find((i) => i.severity === 'fatal');
  if (!fatal) return;
  const head = bytes.subarray(0, 4096).toString('utf8');
  const looksHttp = /\.(http|rest|har)$/i.test(file) || (fatal.ruleId === 'input-format' && REQUEST_LINE.test(head.replace(/^(?:\s*(?:#|\/\/).*\n)*/, '')));
  if (looksHttp) fatal.message += `. This looks like an HTTP request: validate it with "bars validate --request ${file}"`;
}

export interface RunOutput {
  result: RunResult;
  exitCode: number;
}

/** Run a validation and build the JSON result (without printing). */
export async function runValidate(args: ValidateArgs, makeEngine: EngineFactory = defaultEngine, startedAt?: number): Promise<RunOutput> {
  // the run's time counts from when the command started (loading the code and building the cache included)
  const t0 = startedAt ?? performance.now();
  const { files, linksOutside } = await expandInputs(args.inputs, { followSymlinks: args.followSymlinks });
  const http = args.requests.length || args.jwts.length ? await requestOptions(args) : undefined;
  if (files.length === 0 && !http) throw new UsageError(`No *.json or *.xml files found in ${args.inputs.join(', ')}`);
  const suppressions = args.suppress ? loadSuppressions(args.suppress, args.suppressFrom) : [];
  const engine = await makeEngine(args);
  const progress = new Progress(files.length);
  const results: FileResult[] = [];
  for (const file of files) {
    const t1 = performance.now();
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      results.push({
        file,
        resourceType: null,
        profiles: [],
        valid: false,
        issues: [{ severity: 'fatal', code: 'exception', message: `Cannot read the file: ${(e as Error).message}`, expression: null, line: null, column: null, ruleId: 'file-unreadable', source: null }],
      });
      continue;
    }
    const r = await engine.validate(bytes, { name: file, profile: args.profiles });
    hintHttpRequest(file, bytes, r.issues);
    const fr: FileResult = {
      file,
      resourceType: r.resourceType ?? null,
      profiles: r.profiles,
      valid: r.valid,
      issues: r.issues.map(toResultIssue),
      durationMs: Math.round((performance.now() - t1) * 100) / 100,
    };
    const barsInfo = (r.instance as { bars?: FileResult['bars'] } | undefined)?.bars;
    if (barsInfo) fr.bars = barsInfo;
    results.push(fr);
    progress.tick(file);
  }
  progress.done();
  if (http) {
    for (const r of args.requests) results.push(...(await http.mod.validateRequestFile(engine, r, { ...http.setup, profiles: args.profiles })));
    for (const j of args.jwts) results.push(await http.mod.validateJwtFile(j, { keys: http.setup.keys, now: http.setup.now }));
  }
  if (suppressions.length) applySuppressions(results, suppressions, args.suppress!);
  const rulesets = (engine.options.plugins ?? []).flatMap((p) => p.rulesets ?? []);
  for (const r of results) {
    const unchecked = uncheckedInIssues(r.issues);
    if (unchecked.length) r.unchecked = unchecked;
  }
  const missing = engine.loaded.missingDefaults;
  const result: RunResult = {
    tool: { name: 'bars-toolkit', version: toolVersion() },
    results,
    summary: summarise(results, performance.now() - t0),
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
  if (linksOutside.length) {
    const shown = linksOutside.slice(0, 5).join(', ');
    result.run!.diagnostics!.push({
      severity: 'warning',
      code: 'links-not-followed',
      message: `${linksOutside.length} link${linksOutside.length === 1 ? '' : 's'} leading outside the folder${linksOutside.length === 1 ? ' was' : 's were'} not followed (${shown}${linksOutside.length > 5 ? ', …' : ''}); give --follow-symlinks to validate what they point at`,
    });
  }
  shortenMissingPackageAdvice(missing, results);
  return { result, exitCode: exitCodeOf(result, args.failOn) };
}

/** The whole command: run, render, write; returns the exit code. */
export async function validateCommand(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean }, startedAt?: number): Promise<number> {
  const args = parseValidateArgs(argv);
  const cacheDir = args.cacheDir === false ? undefined : resolve(args.cacheDir ?? defaultCacheDir());
  const firstRun = cacheDir !== undefined && !existsSync(cacheDir);
  let out: RunOutput;
  try {
    out = await runValidate(args, defaultEngine, startedAt);
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
    const text =
      f === 'text' || !render
        ? renderText(result, { color: io.isTTY && !args.output && !args.outputDir && !process.env.NO_COLOR, quiet: args.quiet, minSeverity: args.minSeverity, fold: true })
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
