/**
 * bars.config.json: a supplier's repository pins its IGs, versions and options once.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parseJson } from '../parse/json.js';
import { UsageError } from './inputs.js';

// ajv is loaded on first use, off the CLI's start-up path (the Action bundle turns
// this require into a bundled one: scripts/build-action.ts)
const require = createRequire(import.meta.url);

export interface ProjectConfig {
  $schema?: string;
  /** IGs to load (name#version, .tgz, folder, file), as --ig. */
  igs?: string[];
  /** Profiles every input is checked against, as --profile. */
  profiles?: string[];
  failOn?: 'error' | 'warning';
  tx?: string;
  offline?: boolean;
  packageCache?: string;
  registry?: string;
  unknownExtensions?: 'warning' | 'error' | 'ignore';
  suppress?: string;
  application?: string;
  messageDefinitions?: string[];
  format?: string;
  /** For --request: the BaRS OpenAPI spec to check paths against, as --openapi. */
  openapi?: string;
  /** For --request / --jwt: a JSON Web Key Set to verify JWT signatures, as --jwks. */
  jwks?: string;
  /** For --request / --jwt: a PEM public key or certificate, as --public-key. */
  publicKey?: string;
  /** Worker threads, as --jobs. */
  jobs?: number;
}

export const CONFIG_SCHEMA = {
  $id: 'https://bars-toolkit.dev/schema/bars.config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    igs: { type: 'array', items: { type: 'string', minLength: 1 } },
    profiles: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9+.-]*:' } },
    failOn: { enum: ['error', 'warning'] },
    tx: { type: 'string', pattern: '^https?://' },
    offline: { type: 'boolean' },
    packageCache: { type: 'string' },
    registry: { type: 'string', pattern: '^https?://' },
    unknownExtensions: { enum: ['warning', 'error', 'ignore'] },
    suppress: { type: 'string' },
    application: { type: 'string', pattern: '^APP[1-8]$' },
    messageDefinitions: { type: 'array', items: { type: 'string' } },
    format: { type: 'string' },
    openapi: { type: 'string', minLength: 1 },
    jwks: { type: 'string', minLength: 1 },
    publicKey: { type: 'string', minLength: 1 },
    jobs: { type: 'integer', minimum: 1 },
  },
} as const;

/** Read ./bars.config.json (or the given file); paths in it are relative to the file. */
export function loadConfig(explicit?: string): { config: ProjectConfig; path?: string } {
  const path = explicit ? resolve(explicit) : resolve('bars.config.json');
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`--config ${explicit}: no such file`);
    return { config: {} };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  // our own parser: every problem with its line and column, and each member's position for the schema errors
  const parsed = parseJson(text);
  const syntax = parsed.issues.filter((i) => i.severity === 'fatal' || i.severity === 'error');
  if (syntax.length) {
    throw new UsageError(`${path} is not valid JSON:\n  ${syntax.map((i) => `${path}:${i.line}:${i.column}: ${i.message}`).join('\n  ')}`);
  }
  const data = parsed.value;
  const validate = schemaValidator();
  if (!validate(data)) {
    const msgs = validate.errors!.map((e) => {
      const at = positionOf(parsed, e.instancePath, e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : undefined);
      return `${path}${at ? `:${at.line}:${at.column}` : ''}: ${describeError(e, data)}`;
    });
    throw new UsageError(`${path} is not a valid bars.config.json:\n  ${msgs.join('\n  ')}\nAllowed keys: ${Object.keys(CONFIG_SCHEMA.properties).join(', ')}.`);
  }
  return { config: data as ProjectConfig, path };
}

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  const { Ajv } = require('ajv') as typeof import('ajv');
  compiled ??= new Ajv({ allErrors: true }).compile(CONFIG_SCHEMA);
  return compiled;
}

/** `/igs/1` → `igs[1]` (how a reader names the place). */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '(top level)';
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function valueAt(data: unknown, pointer: string): unknown {
  let v = data;
  for (const seg of pointer.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  return v;
}

function describeError(e: ErrorObject, data: unknown): string {
  const where = pointerToPath(e.instancePath);
  const value = JSON.stringify(valueAt(data, e.instancePath));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const keys = Object.keys(CONFIG_SCHEMA.properties);
      const near = keys.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
      return `unknown key "${key}"${e.instancePath ? ` in ${where}` : ''}${near ? `: did you mean "${near}"?` : ''}`;
    }
    case 'enum':
      return `${where} is ${value}: use one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `${where} is ${value}: ${PATTERN_HELP[e.schemaPath.split('/').slice(-2, -1)[0] ?? ''] ?? `it must match ${String(p.pattern)}`}`;
    case 'type':
      return `${where} is ${value}: it must be ${p.type === 'array' ? 'an array' : p.type === 'integer' ? 'a whole number' : `a ${String(p.type)}`}`;
    case 'minimum':
      return `${where} is ${value}: it must be at least ${String(p.limit)}`;
    default:
      return `${where} ${e.message ?? 'is not valid'}`;
  }
}

const PATTERN_HELP: Record<string, string> = {
  tx: 'give the terminology server as an http(s) URL',
  registry: 'give the registry as an http(s) URL',
  application: 'use APP1 … APP8',
  items: 'each profile is a canonical URL (https://…)',
};

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** Line and column of the value at a JSON pointer (or of one of its keys). */
function positionOf(parsed: ReturnType<typeof parseJson>, pointer: string, key?: string): { line: number; column: number } | undefined {
  const segs = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (key !== undefined) segs.push(key);
  let parent: unknown;
  let v: unknown = parsed.value;
  let last: string | number | undefined;
  for (const seg of segs) {
    if (!v || typeof v !== 'object') return undefined;
    parent = v;
    last = Array.isArray(v) ? Number(seg) : seg;
    v = (v as Record<string, unknown>)[seg];
  }
  if (parent === undefined || last === undefined) return undefined;
  return parsed.locations.positionOf(parent as object, last);
}
