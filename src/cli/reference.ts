/**
 * The one table of the command line: commands, their options, the environment variables and the
 * bars.config.json keys. The argument parser, `--help` and docs/cli.md (`npm run docs:cli`) are
 * all rendered from it, so they cannot disagree; test/cli-reference.test.ts fails when code reads
 * an option, variable or key that is not here. A new option is one row below.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './inputs.js';

export interface OptionSpec {
  /** Long name without the dashes (`package-cache`). */
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** The value's placeholder in help (`<dir>`). */
  arg?: string;
  help: string;
  /** The bars.config.json key that gives the same setting (the option wins). */
  config?: string;
}

export interface CommandSpec {
  /** `validate`, `packages list`… */
  name: string;
  usage: string;
  summary: string;
  description?: string;
  options: OptionSpec[];
  /** Exit codes and notes printed after the options. */
  footer?: string;
}

const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', type: 'boolean', help: 'show this help and exit' };

const CACHE_OPTIONS: OptionSpec[] = [
  { name: 'package-cache', type: 'string', arg: '<dir>', help: 'FHIR package cache (default ~/.fhir/packages, or FHIR_PACKAGE_CACHE)', config: 'packageCache' },
  { name: 'registry', type: 'string', arg: '<url>', help: 'FHIR package registry (default https://packages.fhir.org, or BARS_FHIR_REGISTRY)', config: 'registry' },
  { name: 'offline', type: 'boolean', help: 'never use the network (also BARS_OFFLINE=1)', config: 'offline' },
];

const IG_OPTION: OptionSpec = {
  name: 'ig',
  type: 'string',
  multiple: true,
  arg: '<ig>',
  help: 'load an IG: name#version, a .tgz, a package or IG source folder, or a resource file (repeatable), on top of the embedded BaRS and UK Core STU3 set (see bars packages list); a package of the same name replaces the embedded one',
  config: 'igs',
};

export const COMMANDS: CommandSpec[] = [
  {
    name: 'validate',
    usage: 'bars validate <files|folders|globs...> [options]',
    summary: 'validate FHIR R4 resources (JSON or XML), BaRS messages and HTTP requests',
    description: 'Validates FHIR R4 resources (JSON or XML, or NDJSON: one resource per line, each line validated and reported as file.ndjson:<line>). Folders are searched for *.json, *.xml and *.ndjson; each file is validated once, and links that lead outside the folder given are not followed (a note says how many) unless --follow-symlinks is given.',
    options: [
      IG_OPTION,
      { name: 'profile', type: 'string', multiple: true, arg: '<url>', help: 'also check every input against this profile (repeatable)', config: 'profiles' },
      { name: 'format', type: 'string', arg: '<f[,f...]>', help: 'text (default), json, outcome, html, junit, sarif, markdown', config: 'format' },
      { name: 'output', short: 'o', type: 'string', arg: '<file>', help: 'write the (single) format to a file instead of stdout' },
      { name: 'output-dir', type: 'string', arg: '<dir>', help: 'write each format to <dir>/bars-report.<ext>' },
      { name: 'fail-on', type: 'string', arg: '<level>', help: 'error (default) or warning: what makes the exit code 1', config: 'failOn' },
      { name: 'quiet', short: 'q', type: 'boolean', help: 'text output: only errors' },
      {
        name: 'min-severity',
        type: 'string',
        arg: '<level>',
        help: 'text output: the least severity shown, error, warning (default) or information; the same rule and message repeated in a file is shown once, with its count and locations (json, html, markdown keep every issue)',
      },
      { name: 'suppress', type: 'string', arg: '<file>', help: 'accepted issues (rule id + path pattern + justification)', config: 'suppress' },
      { name: 'tx', type: 'string', arg: '<url>', help: 'FHIR terminology server for SNOMED CT, dm+d, LOINC... ($validate-code)', config: 'tx' },
      ...CACHE_OPTIONS,
      { name: 'cache-dir', type: 'string', arg: '<dir>', help: "the toolkit's own cache (default ~/.cache/bars-toolkit, or BARS_CACHE_DIR)" },
      { name: 'no-cache', type: 'boolean', help: "do not read or write the toolkit's own cache" },
      { name: 'unknown-extensions', type: 'string', arg: '<level>', help: 'error (default; example domains only inform), warning or ignore', config: 'unknownExtensions' },
      { name: 'config', type: 'string', arg: '<file>', help: 'project config (default ./bars.config.json)' },
      { name: 'application', type: 'string', arg: '<APPn>', help: 'BaRS: validate as this Application (APP1 … APP8)', config: 'application' },
      { name: 'message-definition', type: 'string', multiple: true, arg: '<file>', help: "BaRS: the receiver's MessageDefinition (repeatable)", config: 'messageDefinitions' },
      {
        name: 'request',
        type: 'string',
        multiple: true,
        arg: '<file>[#n]',
        help: 'BaRS: validate an HTTP request (raw HTTP .http, a HAR file or JSON {method, url, headers, body}) and its body; #n picks one request: HAR log.entries[n] or the n-th request of a .http file, counted from 0 as in the result names (repeatable)',
      },
      { name: 'openapi', type: 'string', arg: '<file>', help: 'the BaRS OpenAPI spec to check request paths against (default: the table derived from booking-and-referral.yaml)', config: 'openapi' },
      { name: 'jwt', type: 'string', multiple: true, arg: '<file>', help: 'check a signed JWT client assertion on its own (repeatable)' },
      { name: 'jwks', type: 'string', arg: '<file>', help: 'verify JWT signatures with this JSON Web Key Set', config: 'jwks' },
      { name: 'public-key', type: 'string', arg: '<pem>', help: 'verify JWT signatures with this public key or certificate', config: 'publicKey' },
      { name: 'now', type: 'string', arg: '<date-time>', help: 'check token lifetimes as of this time (default: when the request was sent, from a HAR entry or the Date header, else now)' },
      { name: 'no-bars', type: 'boolean', help: 'plain FHIR validation, without the BaRS layer' },
      { name: 'follow-symlinks', type: 'boolean', help: 'in folders, also follow links to files and folders outside them (by default they are skipped, with a note)' },
      {
        name: 'jobs',
        short: 'j',
        type: 'string',
        arg: '<n>',
        help: 'validate on n worker threads, each loading the definitions once (default: one per 250 inputs, up to one per CPU core, or one per core for an NDJSON file; fewer than 500 inputs are validated in this process); results stay in input order; 1 validates in this process',
        config: 'jobs',
      },
      HELP_OPTION,
    ],
    footer: 'Exit codes: 0 no errors, 1 errors (or warnings with --fail-on warning), 2 usage or loading failure.',
  },
  {
    name: 'packages list',
    usage: 'bars packages list [options]',
    summary: 'show the loaded FHIR packages and their definitions',
    description: 'Lists the packages a validation would load (the embedded BaRS and UK Core STU3 set, and the --ig ones), with counts by resource type, and says which are missing and how to provide them. It downloads only when --registry is given.',
    options: [IG_OPTION, ...CACHE_OPTIONS, { name: 'json', type: 'boolean', help: 'print JSON: {packages, cached, missing, conflicts}' }, HELP_OPTION],
    footer: 'Exit codes: 0 listed, 2 usage or loading failure.',
  },
  {
    name: 'packages add',
    usage: 'bars packages add <tgz|folder|name#version> [options]',
    summary: 'add a package to the FHIR package cache',
    description: 'Copies a package (.tgz, unpacked package folder, or IG source folder converted into a package) into the FHIR package cache once; later runs find it there. name#version downloads it from the registry.',
    options: [{ name: 'as', type: 'string', arg: '<name#version>', help: 'the package id to store an IG source folder under' }, ...CACHE_OPTIONS, HELP_OPTION],
    footer: 'Exit codes: 0 added, 2 usage or loading failure.',
  },
  {
    name: 'snapshot',
    usage: 'bars snapshot <url|file> [options]',
    summary: 'print a StructureDefinition with its snapshot',
    description: 'Prints the StructureDefinition (by canonical url, or a file) with its snapshot, generated where it is missing, for profile authors.',
    options: [IG_OPTION, ...CACHE_OPTIONS, HELP_OPTION],
    footer: 'Exit codes: 0 printed, 1 printed but the differential has errors, 2 no snapshot.',
  },
  {
    name: 'report',
    usage: 'bars report <result.json> | --serve-db <db> [--exchange <n>] [options]',
    summary: 're-render a saved JSON result (bars validate --format json), or the exchanges bars serve stored',
    options: [
      { name: 'format', type: 'string', arg: '<f>', help: 'text (default), json, outcome, html, junit, sarif, markdown' },
      { name: 'output', short: 'o', type: 'string', arg: '<file>', help: 'write to a file instead of stdout' },
      { name: 'fail-on', type: 'string', arg: '<level>', help: 'error or warning (default: the one the result was made with)' },
      {
        name: 'sources',
        type: 'string',
        arg: '<folder>',
        help: 'html: show source excerpts from the validated files under this folder (default: the current folder); files named by absolute or ".." paths in the result are never read',
      },
      { name: 'serve-db', type: 'string', arg: '<db>', help: 'the database of bars serve (its --db): re-render the exchanges it stored (opened read-only, so the server may be running)' },
      { name: 'exchange', type: 'string', arg: '<n>', help: 'with --serve-db: only exchange n (the n of /_reports/n)' },
      HELP_OPTION,
    ],
    footer: 'Exit codes: as bars validate would give for that result: 0 no errors, 1 errors (or warnings with --fail-on warning), 2 unreadable result.',
  },
  {
    name: 'serve',
    usage: 'bars serve [options]',
    summary: 'run a local BaRS receiver simulator (a stricter TKW)',
    description:
      'Serves the BaRS API under /booking-and-referral/FHIR/R4 (/metadata, /MessageDefinition, /$process-message, /Slot, /Appointment[/{id}], /ServiceRequest[/{id}]). Every request is validated in full before it is answered; failures get the BaRS error response (status + OperationOutcome with its SEND_/REC_ code). Valid requests get the TKW sentinel scenario answers (rules/tkw/scenarios.json) and the stateful 111→ED scenario (NHS number 9707606312). Reports: GET /_reports. See docs/serve-and-probe.md.',
    options: [
      { name: 'port', type: 'string', arg: '<n>', help: 'port to listen on (default 4300; 0 picks a free one)' },
      { name: 'host', type: 'string', arg: '<address>', help: 'address to bind (default 127.0.0.1)' },
      { name: 'db', type: 'string', arg: '<file>', help: 'SQLite file for state, exchanges and the audit log (default bars-serve.db)' },
      { name: 'reset-state', type: 'boolean', help: 'put every organisation back in the initial state at start' },
      { name: 'state-ttl', type: 'string', arg: '<secs>', help: 'state older than this is back to initial (TKW resets nightly: 86400)' },
      { name: 'auth', type: 'string', arg: 'apim|none', help: 'apim: POST /oauth2/token with a signed client assertion, then Bearer tokens (default when --jwks is given); none: no token (sandbox-like)' },
      { name: 'jwks', type: 'string', arg: '<file>', help: 'JWKS the client assertions are verified with (kid lookup)' },
      { name: 'token-ttl', type: 'string', arg: '<secs>', help: 'lifetime of issued access tokens (default 599)' },
      { name: 'tls-cert', type: 'string', arg: '<pem>', help: 'serve HTTPS with this certificate (with --tls-key)' },
      { name: 'tls-key', type: 'string', arg: '<pem>', help: 'the private key of --tls-cert' },
      { name: 'client-ca', type: 'string', arg: '<pem>', help: 'require a client certificate issued by this CA (TLS-MA)' },
      { name: 'ig', type: 'string', multiple: true, arg: '<ig>', help: 'FHIR packages/IG folders to validate with (repeatable; default: the embedded BaRS set)' },
      { name: 'offline', type: 'boolean', help: 'never download packages' },
      HELP_OPTION,
    ],
    footer: 'Runs until interrupted. Exit code 2 on a usage error.',
  },
  {
    name: 'probe',
    usage: 'bars probe <receiver base URL> [options]',
    summary: 'test a BaRS receiver with the receiver-side suite',
    description:
      "The base URL is the receiver's FHIR base, e.g. http://127.0.0.1:4300/booking-and-referral/FHIR/R4. Sends the requests a receiver must handle (built from the toolkit's BaRS fixture messages) and checks each answer: the status, X-Request-ID / X-Correlation-ID echoed, Content-Type, and the body validated (error answers: an OperationOutcome with the guide's error code).",
    options: [
      { name: 'suite', type: 'string', multiple: true, arg: '<list>', help: 'all (default) or a comma list of: metadata, messagedefinition, slots, booking, referral, validation, errors (repeatable)' },
      { name: 'target', type: 'string', arg: '<id>', help: 'DoS service id sent as NHSD-Target-Identifier and the message destination (default 2000072489)' },
      { name: 'ods', type: 'string', arg: '<code>', help: 'ODS code of the sending organisation (default RYE)' },
      { name: 'token', type: 'string', arg: '<bearer>', help: 'send Authorization: Bearer <token>' },
      { name: 'key', type: 'string', arg: '<pem>', help: 'sign a client assertion (RS512) with this private key and get a token from --token-url first; needs --kid and --api-key' },
      { name: 'kid', type: 'string', arg: '<kid>', help: "key id of --key in the receiver's JWKS" },
      { name: 'api-key', type: 'string', arg: '<key>', help: 'iss and sub of the client assertion' },
      { name: 'token-url', type: 'string', arg: '<url>', help: 'token endpoint (default: <origin of the base URL>/oauth2/token)' },
      { name: 'cert', type: 'string', arg: '<pem>', help: 'client certificate for TLS-MA (with --cert-key)' },
      { name: 'cert-key', type: 'string', arg: '<pem>', help: 'the private key of --cert' },
      { name: 'ca', type: 'string', arg: '<pem>', help: "CA to trust for the receiver's certificate" },
      { name: 'timeout', type: 'string', arg: '<ms>', help: 'per-request time limit (default 30000)' },
      { name: 'format', type: 'string', arg: '<f>', help: 'text (default), json, html, junit, markdown, sarif' },
      { name: 'output', short: 'o', type: 'string', arg: '<file>', help: 'write the report to a file instead of stdout' },
      { name: 'ig', type: 'string', multiple: true, arg: '<ig>', help: 'FHIR packages/IG folders to validate answers with (repeatable)' },
      { name: 'offline', type: 'boolean', help: 'never download packages' },
      HELP_OPTION,
    ],
    footer: 'Exit codes: 0 every check passed, 1 a check failed, 2 usage error.',
  },
];

/** Environment variables the toolkit reads. */
export const ENVIRONMENT: { name: string; help: string }[] = [
  { name: 'FHIR_PACKAGE_CACHE', help: 'the FHIR package cache folder (default ~/.fhir/packages); --package-cache wins' },
  { name: 'BARS_FHIR_REGISTRY', help: 'the FHIR package registry (default https://packages.fhir.org); --registry wins' },
  { name: 'BARS_OFFLINE', help: '1: never use the network, as --offline' },
  { name: 'BARS_CACHE_DIR', help: "the toolkit's own cache folder (default $XDG_CACHE_HOME/bars-toolkit or ~/.cache/bars-toolkit); --cache-dir wins" },
  { name: 'XDG_CACHE_HOME', help: "where the toolkit's own cache goes when BARS_CACHE_DIR is not set" },
  { name: 'BARS_R4_CORE_DIR', help: 'a folder with the R4 core definitions to use instead of the embedded ones (the GitHub Action sets it)' },
  { name: 'BARS_DEBUG', help: '1: print the stack trace of an internal error' },
  { name: 'NO_COLOR', help: 'no colour in the text output, even on a terminal' },
  { name: 'CI', help: 'set (as CI services do): no progress line' },
  { name: 'GITHUB_ACTIONS', help: 'set (on GitHub Actions): no progress line' },
  { name: 'TERM', help: 'dumb: no progress line' },
];

/** bars.config.json keys that no option gives. */
const CONFIG_ONLY: { key: string; help: string }[] = [{ key: '$schema', help: 'the JSON Schema of the file, for editors' }];

/** Every bars.config.json key, with the option it stands for. */
export function configKeys(): { key: string; help: string; option?: string }[] {
  const seen = new Map<string, { key: string; help: string; option?: string }>();
  for (const c of COMMANDS) for (const o of c.options) if (o.config && !seen.has(o.config)) seen.set(o.config, { key: o.config, help: o.help, option: `--${o.name}` });
  return [...CONFIG_ONLY, ...seen.values()];
}

export function command(name: string): CommandSpec {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(`no command ${name} in the CLI reference`);
  return c;
}

export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help');
  }
}

/**
 * Parse a command's arguments with its options from the table. `--help` anywhere answers with the
 * command's help; an unknown option is a usage error that points at it.
 */
export function parseCommand(name: string, argv: string[]) {
  const spec = command(name);
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const o of spec.options) options[o.name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(renderHelp(spec));
    throw new UsageError(`${(e as Error).message}\nRun "bars ${name} --help" for the options.`);
  }
  if (parsed.values.help) throw new HelpRequested(renderHelp(spec));
  return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals };
}

const wrap = (text: string, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
};

function optionLabel(o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.arg ? ` ${o.arg}` : ''}`;
}

export function renderHelp(spec: CommandSpec): string {
  const out = [`Usage: ${spec.usage}`, ''];
  out.push(...wrap(spec.description ?? `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`, 96), '', 'Options:');
  const col = 30;
  for (const o of spec.options) {
    const label = `  ${optionLabel(o)}`;
    const help = wrap(o.help + (o.config ? ` [config: ${o.config}]` : ''), 96 - col);
    out.push(`${label.padEnd(col)}${label.length >= col ? `\n${' '.repeat(col)}` : ''}${help[0]}`);
    for (const l of help.slice(1)) out.push(`${' '.repeat(col)}${l}`);
  }
  if (spec.footer) out.push('', ...wrap(spec.footer, 96));
  return out.join('\n') + '\n';
}

export function renderMainHelp(): string {
  const out = ['bars — validate FHIR R4 payloads for the NHS Booking and Referral Standard (BaRS)', '', 'Usage:'];
  for (const c of COMMANDS) out.push(`  ${c.usage.padEnd(58)} ${c.summary}`);
  out.push(`  ${'bars --version'.padEnd(58)} print the version`);
  out.push('', 'Every command answers --help with its options. Environment:');
  for (const e of ENVIRONMENT) out.push(`  ${e.name.padEnd(20)} ${e.help}`);
  out.push('', 'Project settings go in ./bars.config.json (keys: ' + configKeys().map((k) => k.key).join(', ') + ').');
  return out.join('\n') + '\n';
}

const md = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** docs/cli.md: written by `npm run docs:cli`; a test fails when it is not what this renders. */
export function renderCliMarkdown(): string {
  const out = [
    '# CLI reference',
    '',
    '<!-- Generated from src/cli/reference.ts by `npm run docs:cli`: edit the table there, not this file. -->',
    '',
    'Run the CLI as `npx bars …` inside a clone (after `npm ci`), or install it globally (`npm install -g <path or tarball>`) to type `bars …`.',
    '',
  ];
  for (const c of COMMANDS) {
    out.push(`## bars ${c.name}`, '', '```', c.usage, '```', '', c.description ?? `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`, '');
    out.push('| Option | Description | bars.config.json |', '| --- | --- | --- |');
    for (const o of c.options) out.push(`| \`${optionLabel(o)}\` | ${md(o.help)} | ${o.config ? `\`${o.config}\`` : ''} |`);
    out.push('');
    if (c.footer) out.push(c.footer, '');
  }
  out.push('## Environment variables', '', '| Variable | Effect |', '| --- | --- |');
  for (const e of ENVIRONMENT) out.push(`| \`${e.name}\` | ${md(e.help)} |`);
  out.push('', '## bars.config.json', '', 'Read from the current folder (or `--config <file>`); paths in it are relative to the file; an option on the command line wins over the key.', '');
  out.push('| Key | Same as | Description |', '| --- | --- | --- |');
  for (const k of configKeys()) out.push(`| \`${k.key}\` | ${k.option ? `\`${k.option}\`` : ''} | ${md(k.help)} |`);
  out.push('');
  return out.join('\n');
}
