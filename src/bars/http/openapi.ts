/**
 * The BaRS API as the OpenAPI specification describes it, reduced to what a request check needs:
 * paths, methods, header/query/path parameters (required or not, formats, enumerations), request
 * bodies and response media types.
 *
 * The spec itself is not shipped (it is NHS England's document): `npm run rules:bars-api` derives
 * rules/http/bars-api.json from it, with its provenance, and that table is what the checks use.
 * `--openapi <file>` derives the same table from another copy of the spec at run time.
 */
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rec, type Json } from '../../model/json.js';
import { rulesDir } from '../rules/necessity.js';

// yaml is loaded on first use, off the CLI's start-up path (the Action bundle turns
// this require into a bundled one: scripts/build-action.ts)
const require = createRequire(import.meta.url);

export interface ApiParam {
  name: string;
  in: 'header' | 'query' | 'path';
  required: boolean;
  /** The component it came from (`#/components/parameters/RequestId_HParam`). */
  ref?: string;
  type?: string;
  format?: string;
  /** Allowed values (of each item, for array parameters). */
  enum?: string[];
  /** Name of an external schema (`TargetIdentifier`), when the parameter's schema is one. */
  schema?: string;
}

export interface ApiOperation {
  method: string;
  operationId?: string;
  summary?: string;
  /** JSON pointer of the operation in the spec (`#/paths/~1$process-message/post`). */
  pointer: string;
  parameters: ApiParam[];
  requestBody?: { required: boolean; contentTypes: string[]; schema?: string };
  /** Media types of the success (2xx) responses: what Accept may ask for. */
  responseContentTypes: string[];
}

export interface ApiPath {
  path: string;
  operations: ApiOperation[];
}

export interface ApiTable {
  $comment?: string;
  source: { file: string; title?: string; version?: string; sha256: string; repository?: string; commit?: string };
  servers: string[];
  /** Security schemes every operation needs (`bearer`). */
  security: string[];
  paths: ApiPath[];
}

export class OpenApiError extends Error {}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** `#/components/parameters/X` → the object; external references stay references. */
function resolveRef(spec: Json, v: unknown): { value: Json | undefined; ref?: string } {
  const o = rec(v);
  const ref = typeof o?.$ref === 'string' ? o.$ref : undefined;
  if (!ref) return { value: o };
  if (!ref.startsWith('#/')) return { value: undefined, ref };
  let cur: unknown = spec;
  for (const part of ref.slice(2).split('/')) cur = rec(cur)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return { value: rec(cur), ref };
}

/** Name of an external schema file reference (`schemas/TargetIdentifier.yaml` → `TargetIdentifier`). */
function schemaName(spec: Json, v: unknown): string | undefined {
  const { value, ref } = resolveRef(spec, v);
  if (ref && !ref.startsWith('#/')) return ref.replace(/^.*\//, '').replace(/\.ya?ml$|\.json$/, '');
  if (value && typeof value.$ref === 'string') return schemaName(spec, value);
  return ref?.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined;
}

function readParam(spec: Json, v: unknown): ApiParam | undefined {
  const { value: p, ref } = resolveRef(spec, v);
  if (!p || typeof p.name !== 'string' || (p.in !== 'header' && p.in !== 'query' && p.in !== 'path')) return undefined;
  const out: ApiParam = { name: p.name, in: p.in, required: p.required === true || p.in === 'path' };
  if (ref) out.ref = ref;
  const schema = resolveRef(spec, p.schema).value;
  const ext = schemaName(spec, p.schema);
  if (ext) out.schema = ext;
  if (schema) {
    if (typeof schema.type === 'string') out.type = schema.type;
    if (typeof schema.format === 'string') out.format = schema.format;
    const items = resolveRef(spec, schema.items).value;
    const en = Array.isArray(schema.enum) ? schema.enum : Array.isArray(items?.enum) ? items.enum : undefined;
    if (en) out.enum = en.map(String);
  }
  return out;
}

/** Derive the request-check table from the text of the BaRS OpenAPI specification (YAML or JSON). */
export function deriveApiTable(specText: string, file: string, provenance: { repository?: string; commit?: string } = {}): ApiTable {
  let spec: Json | undefined;
  try {
    spec = rec((require('yaml') as typeof import('yaml')).parse(specText, { maxAliasCount: 1000 }));
  } catch (e) {
    throw new OpenApiError(`${file} is not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!spec || !rec(spec.paths) || (typeof spec.openapi !== 'string' && typeof spec.swagger !== 'string')) {
    throw new OpenApiError(`${file} is not an OpenAPI specification (no "openapi" version and "paths")`);
  }
  const info = rec(spec.info);
  const paths: ApiPath[] = [];
  for (const [path, item0] of Object.entries(rec(spec.paths)!)) {
    const item = resolveRef(spec, item0).value;
    if (!item) continue;
    const shared = (Array.isArray(item.parameters) ? item.parameters : []).map((p) => readParam(spec!, p)).filter((p): p is ApiParam => !!p);
    const operations: ApiOperation[] = [];
    for (const m of METHODS) {
      const op = rec(item[m]);
      if (!op) continue;
      // operation parameters override path-level ones with the same name and location
      const own = (Array.isArray(op.parameters) ? op.parameters : []).map((p) => readParam(spec!, p)).filter((p): p is ApiParam => !!p);
      const params = [...shared.filter((s) => !own.some((o) => o.name.toLowerCase() === s.name.toLowerCase() && o.in === s.in)), ...own];
      const out: ApiOperation = {
        method: m.toUpperCase(),
        pointer: `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${m}`,
        parameters: params,
        responseContentTypes: [],
      };
      if (typeof op.operationId === 'string') out.operationId = op.operationId;
      if (typeof op.summary === 'string') out.summary = op.summary;
      const rb = resolveRef(spec, op.requestBody).value;
      if (rb) {
        const content = rec(rb.content) ?? {};
        const types = Object.keys(content);
        const body: ApiOperation['requestBody'] = { required: rb.required === true, contentTypes: types };
        const sn = types.map((t) => schemaName(spec!, rec(content[t])?.schema)).find(Boolean);
        if (sn) body.schema = sn;
        out.requestBody = body;
      }
      const types = new Set<string>();
      for (const [status, r] of Object.entries(rec(op.responses) ?? {})) {
        if (!/^2/.test(status)) continue;
        for (const t of Object.keys(rec(resolveRef(spec, r).value?.content) ?? {})) types.add(t);
      }
      out.responseContentTypes = [...types];
      operations.push(out);
    }
    paths.push({ path, operations });
  }
  const schemes = rec(rec(spec.components)?.securitySchemes) ?? {};
  const security: string[] = [];
  for (const req of Array.isArray(spec.security) ? spec.security : []) {
    for (const name of Object.keys(rec(req) ?? {})) {
      const s = rec(schemes[name]);
      security.push(s?.type === 'http' && typeof s.scheme === 'string' ? s.scheme.toLowerCase() : name);
    }
  }
  return {
    source: {
      file,
      ...(typeof info?.title === 'string' ? { title: info.title } : {}),
      ...(typeof info?.version === 'string' ? { version: info.version } : {}),
      sha256: createHash('sha256').update(specText).digest('hex'),
      ...provenance,
    },
    servers: (Array.isArray(spec.servers) ? spec.servers : []).map((s) => rec(s)?.url).filter((u): u is string => typeof u === 'string'),
    security,
    paths,
  };
}

export const DERIVED_TABLE_FILE = 'http/bars-api.json';
let shipped: ApiTable | undefined;

/** The table the toolkit ships (rules/http/bars-api.json), or one derived from the spec file given. */
export function loadApiTable(specFile?: string): ApiTable {
  if (specFile) {
    let text: string;
    try {
      text = readFileSync(specFile, 'utf8');
    } catch (e) {
      throw new OpenApiError(`Cannot read the OpenAPI specification ${specFile}: ${(e as Error).message}`);
    }
    return deriveApiTable(text, specFile);
  }
  shipped ??= JSON.parse(readFileSync(join(rulesDir(), DERIVED_TABLE_FILE), 'utf8')) as ApiTable;
  return shipped;
}

export interface PathMatch {
  path: ApiPath;
  /** Values of the template's `{name}` segments. */
  params: Record<string, string>;
  /** The part of the request path before the matched template (the receiver's base path). */
  base: string;
}

/** `/a/{id}` → ['a', '{id}'] */
const segmentsOf = (p: string): string[] => p.split('/').filter((s) => s !== '');

function matchTail(template: string[], segs: string[]): Record<string, string> | undefined {
  if (segs.length < template.length) return undefined;
  const tail = segs.slice(segs.length - template.length);
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const m = /^\{(.+)\}$/.exec(t);
    if (m) params[m[1]!] = tail[i]!;
    else if (t !== tail[i]) return undefined;
  }
  return params;
}

/**
 * Which API path a request path is. Requests to the NHS API (a `servers` base) must match a
 * path exactly after the base; requests captured at a receiver have the receiver's own base
 * (`https://receiver.nhs.uk/fhir/$process-message`), so the template must match the tail.
 * Templates with more literal segments win (`/Appointment/{id}` over nothing).
 */
export function matchPath(table: ApiTable, decodedSegments: string[], exactAfterBase?: number): PathMatch | undefined {
  let best: { m: PathMatch; score: number } | undefined;
  for (const p of table.paths) {
    const t = segmentsOf(p.path);
    if (exactAfterBase !== undefined && decodedSegments.length - exactAfterBase !== t.length) continue;
    const params = matchTail(t, decodedSegments);
    if (!params) continue;
    const score = t.length * 2 - Object.keys(params).length;
    if (!best || score > best.score) best = { m: { path: p, params, base: '/' + decodedSegments.slice(0, decodedSegments.length - t.length).join('/') }, score };
  }
  return best?.m;
}

/** Paths whose spelling differs only in case (`/messagedefinition`): for "did you mean". */
export function caseInsensitiveMatch(table: ApiTable, decodedSegments: string[]): ApiPath | undefined {
  const lower = decodedSegments.map((s) => s.toLowerCase());
  return table.paths.find((p) => {
    const t = segmentsOf(p.path).map((s) => (/^\{.+\}$/.test(s) ? s : s.toLowerCase()));
    return matchTail(t, lower) !== undefined;
  });
}

/** "GET /metadata, POST /$process-message, …" */
export function describePaths(table: ApiTable): string {
  return table.paths.map((p) => `${p.operations.map((o) => o.method).join('/')} ${p.path}`).join(', ');
}
