/**
 * `bars validate <files|folders|globs…>`
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine, type Engine } from '../engine.js';
import { LoadError } from '../load/types.js';
import { toOperationOutcome } from '../report/outcome.js';
import { summarise, toResultIssue, type FileResult, type RunResult } from '../report/result.js';
import { renderText } from '../report/text.js';
import { neutraliseRunnerCommands, oneLine, safeBlock } from '../model/text.js';
import { loadConfig } from './config.js';
import { expandInputs, UsageError } from './inputs.js';
import { writeReport } from './write-report.js';
import { applySuppressions, loadSuppressions } from './suppress.js';
import { renderers, type OutputFormat } from './formats.js';
import { toolVersion } from './version.js';
import { Progress } from './progress.js';
import { missingPackageNote } from './missing-packages.js';

export const VALIDATE_HELP = `Usage: bars validate <files|folders|globs...> [options]

Validates FHIR R4 resources (JSON or XML). Folders are searched for *.json and *.xml; each
file is validated once, and links that lead outside the folder given are not followed (a note
says how many) unless --follow-symlinks is given.

Options:
  --ig <ig>                 load an IG: name#version, a .tgz, a package or IG source folder, or a
                            resource file (repeatable). Without --ig the pinned BaRS package set
                            is used when it is in the FHIR package cache.
  --profile <url>           also check every input against this profile (repeatable)
  --format <f[,f...]>       text (default), json, outcome${', html, junit, sarif, markdown'}
  --output <file>           write the (single) format to a file instead of stdout
  --output-dir <dir>        write each format to <dir>/bars-report.<ext>
  --fail-on <level>         error (default) or warning: what makes the exit code 1
  --quiet                   text output: only errors
  --suppress <file>         accepted issues (rule id + path pattern + justification)
  --tx <url>                FHIR terminology server for SNOMED CT, dm+d, LOINC... ($validate-code)
  --offline                 never use the network
  --package-cache <dir>     FHIR package cache (default ~/.fhir/packages)
  --registry <url>          FHIR package registry (default https://packages.fhir.org)
  --cache-dir <dir>         the toolkit's own cache (default ~/.cache/bars-toolkit); --no-cache to disable
  --unknown-extensions <l>  warning (default), error or ignore
  --config <file>           project config (default ./bars.config.json)
  --application <APPn>      BaRS: validate as this Application
  --message-definition <f>  BaRS: the receiver's MessageDefinition (repeatable)
  --request <file>[#n]      BaRS: validate an HTTP request (raw HTTP, a HAR file or JSON {method, url,
                            headers, body}) and its body; #n picks one HAR entry (repeatable)
  --openapi <file>          the BaRS OpenAPI spec to check paths against (default: the table the
                            toolkit derives from booking-and-referral.yaml)
  --jwt <file>              check a signed JWT client assertion on its own (repeatable)
  --jwks <file>             verify JWT signatures with this JSON Web Key Set
  --public-key <pem>        verify JWT signatures with this public key or certificate
  --now <date-time>         check token lifetimes as of this time (default: when the request was
                            sent, from a HAR entry or the Date header, else now)
  --no-bars                 plain FHIR validation, without the BaRS layer
  --follow-symlinks         in folders, also follow links to files and folders outside them

Exit codes: 0 no errors, 1 errors (or warnings with --fail-on warning), 2 usage or loading failure.
`;

export interface ValidateArgs {
  inputs: string[];
  igs: string[];
  profiles: string[];
  formats: OutputFormat[];
  output?: string;
  outputDir?: string;
  failOn: 'error' | 'warning';
  quiet: boolean;
  suppress?: string;
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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ig: { type: 'string', multiple: true },
        profile: { type: 'string', multiple: true },
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        'output-dir': { type: 'string' },
        'fail-on': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        suppress: { type: 'string' },
        tx: { type: 'string' },
        offline: { type: 'boolean' },
        'package-cache': { type: 'string' },
        registry: { type: 'string' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean' },
        'unknown-extensions': { type: 'string' },
        config: { type: 'string' },
        application: { type: 'string' },
        'message-definition': { type: 'string', multiple: true },
        request: { type: 'string', multiple: true },
        openapi: { type: 'string' },
        jwt: { type: 'string', multiple: true },
        jwks: { type: 'string' },
        'public-key': { type: 'string' },
        now: { type: 'string' },
        'no-bars': { type: 'boolean' },
        'follow-symlinks': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nRun "bars validate --help" for the options.`);
  }
  const v = parsed.values;
  if (v.help) throw new HelpRequested(VALIDATE_HELP);
  const { config, path: configPath } = loadConfig(v.config);
  const base = configPath ? dirname(configPath) : process.cwd();
  const rel = (p: string): string => configIg(base, p);
  const formats = (v.format ?? config.format ?? 'text').split(',').map((f) => f.trim()) as OutputFormat[];
  for (const f of formats) {
    if (!(f in renderers) && f !== 'text') throw new UsageError(`--format ${f}: unknown format (use ${['text', ...Object.keys(renderers)].join(', ')})`);
  }
  const failOn = (v['fail-on'] ?? config.failOn ?? 'error') as string;
  if (failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on ${failOn}: use error or warning`);
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
    suppress: v.suppress ?? (config.suppress ? resolve(base, config.suppress) : undefined),
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

export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help');
  }
}

/** Plugins (the BaRS layer) are attached by the caller. */
export type EngineFactory = (args: ValidateArgs) => Promise<Engine>;

export async function defaultEngine(args: ValidateArgs): Promise<Engine> {
  const plugins = args.bars ? await barsPlugins(args) : [];
  return createEngine({
    igs: args.igs,
    packageCache: args.packageCache,
    registry: args.registry,
    offline: args.offline,
    cacheDir: args.cacheDir,
    tx: args.tx,
    unknownExtensions: args.unknownExtensions,
    plugins,
  });
}

async function barsPlugins(args: ValidateArgs): Promise<import('../validate/run.js').ValidationPlugin[]> {
  try {
    const mod = (await import('../bars/plugin.js')) as { barsPlugins?: (a: ValidateArgs) => Promise<import('../validate/run.js').ValidationPlugin[]> };
    return mod.barsPlugins ? mod.barsPlugins(args) : [];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return [];
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

export interface RunOutput {
  result: RunResult;
  exitCode: number;
}

/** Run a validation and build the JSON result (without printing). */
export async function runValidate(args: ValidateArgs, makeEngine: EngineFactory = defaultEngine): Promise<RunOutput> {
  const t0 = performance.now();
  const { files, linksOutside } = await expandInputs(args.inputs, { followSymlinks: args.followSymlinks });
  const http = args.requests.length || args.jwts.length ? await requestOptions(args) : undefined;
  if (files.length === 0 && !http) throw new UsageError(`No *.json or *.xml files found in ${args.inputs.join(', ')}`);
  const suppressions = args.suppress ? loadSuppressions(args.suppress) : [];
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
  const result: RunResult = {
    tool: { name: 'bars-toolkit', version: toolVersion() },
    results,
    summary: summarise(results, performance.now() - t0),
    run: {
      startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
      packages: engine.loaded.defs.sourceInfos().map((s) => ({ name: s.name, version: s.version, kind: s.kind, location: s.location })),
      options: { igs: args.igs, profiles: args.profiles, failOn: args.failOn, tx: args.tx ?? null, application: args.application ?? null, ...(args.requests.length ? { requests: args.requests } : {}) },
      diagnostics: engine.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, hint: d.hint, file: d.file })),
    },
  };
  const note = missingPackageNote(engine.loaded.missingDefaults, results, engine.loaded.locator.cacheDir, engine.loaded.locator.registry, engine.loaded.locator.offline);
  if (note) result.run!.notes = [note];
  if (linksOutside.length) {
    const shown = linksOutside.slice(0, 5).join(', ');
    result.run!.diagnostics!.push({
      severity: 'warning',
      code: 'links-not-followed',
      message: `${linksOutside.length} link${linksOutside.length === 1 ? '' : 's'} leading outside the folder${linksOutside.length === 1 ? ' was' : 's were'} not followed (${shown}${linksOutside.length > 5 ? ', …' : ''}); give --follow-symlinks to validate what they point at`,
    });
  }
  const failing = results.some((r) =>
    r.issues.some((i) => !i.suppressed && (i.severity === 'error' || i.severity === 'fatal' || (args.failOn === 'warning' && i.severity === 'warning'))),
  );
  return { result, exitCode: failing ? 1 : 0 };
}

/** The whole command: run, render, write; returns the exit code. */
export async function validateCommand(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean }): Promise<number> {
  const args = parseValidateArgs(argv);
  let out: RunOutput;
  try {
    out = await runValidate(args);
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
  // the missing BaRS package set is explained once, after the run, by the note below
  const important = diags.filter((d) => d.severity !== 'information' && !(d.code === 'default-package-missing' && result.run?.notes?.length));
  if (important.length && !args.quiet) {
    for (const d of important.slice(0, 10)) io.stderr.write(`bars: ${d.severity}: ${oneLine(d.message)}${d.file ? ` (${oneLine(d.file)})` : ''}\n`);
    if (important.length > 10) io.stderr.write(`bars: … and ${important.length - 10} more loading messages\n`);
  }
  for (const n of result.run?.notes ?? []) io.stderr.write(neutraliseRunnerCommands(`bars: ${safeBlock(n)}\n`));

  for (const f of args.formats) {
    const render = renderers[f];
    const text =
      f === 'text' || !render
        ? renderText(result, { color: io.isTTY && !args.output && !args.outputDir && !process.env.NO_COLOR, quiet: args.quiet })
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
