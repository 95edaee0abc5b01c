/**
 * `bars validate --request <file>` and `validateRequest()`: a BaRS HTTP request checked the way
 * the BaRS API and a receiver would take it: path and method against the API specification,
 * query parameters, the headers for what they carry, the token (or the token request and its
 * signed JWT), then the body, validated by the engine with the BaRS layer, and whether it is
 * the resource the endpoint takes.
 */
import { readFileSync } from 'node:fs';
import type { ValidationResult } from '../../engine.js';
import type { ValidationIssue } from '../../model/issue.js';
import type { LineColumn } from '../../parse/locations.js';
import { sniffFormat } from '../../parse/text.js';
import { toResultIssue, type FileResult } from '../../report/result.js';
import { analyseMessage, arr, rec, str } from '../message.js';
import { NHS_NUMBER_SYSTEM, nhsNumberProblem } from '../nhs-number.js';
import {
  checkAccept,
  checkAuthorization,
  checkContentType,
  checkOtherRequiredHeaders,
  checkResourceHeader,
  type HasProfile,
  type ValidateResource,
  checkTargetIdentifier,
  checkTransactionIds,
  checkUseContext,
  Headers,
  RESOURCE_HEADERS,
  type HeaderContext,
  type TargetIdentifier,
} from './headers.js';
import { checkClientAssertion, looksLikeJwt, loadKeys, UUID, type JwtKeys } from './jwt.js';
import { caseInsensitiveMatch, describePaths, loadApiTable, matchPath, type ApiOperation, type ApiTable } from './openapi.js';
import { parseRequestInput, type HttpRequest, type RequestForm, type RequestObject } from './parse-request.js';
import { HttpIssues } from './rules.js';

export interface RequestCheckOptions {
  /** How the input is named in results (a file path). */
  name?: string;
  /** Only this request of a HAR file (0-based entry) or of a multi-request `.http` file. */
  entry?: number;
  /** The API table (default: the one derived from the BaRS OpenAPI spec, rules/http/bars-api.json). */
  api?: ApiTable;
  /** Keys to verify JWT signatures with. */
  keys?: JwtKeys;
  /**
   * The clock for token lifetimes. Default: when the request was sent (a HAR entry's
   * startedDateTime, or its Date header), else now.
   */
  now?: Date | (() => Date);
  /** Extra profiles for the body (like --profile). */
  profiles?: string[];
  /** Is a profile loaded (`engine.hasProfile`)? Header resources are then checked against UK Core only when it is. */
  hasProfile?: HasProfile;
}

export interface CheckedRequest {
  /** `req.http`, `capture.har#entries[2]`. */
  name: string;
  form: RequestForm;
  method: string;
  url: string;
  /** `POST /$process-message`, `token request`, or undefined when the path is not a BaRS endpoint. */
  operation?: string;
  /** No error in the HTTP checks nor in the body. */
  valid: boolean;
  /** Request line, headers, token: located in the input. */
  issues: ValidationIssue[];
  /** The body as the engine validated it; its lines and columns are within the body. */
  body?: {
    name: string;
    /** Where the body starts in the input, when it is there verbatim (raw HTTP, an inline JSON body). */
    start?: LineColumn;
    result: ValidationResult;
  };
}

export interface RequestValidation {
  valid: boolean;
  requests: CheckedRequest[];
  /** Problems that stopped the input being read (it is not HTTP, HAR or a request object). */
  issues: ValidationIssue[];
}

const isError = (i: { severity: string }): boolean => i.severity === 'error' || i.severity === 'fatal';

/**
 * Check one input holding one or more HTTP requests; `validate` validates the body and the
 * header resources (`engine.validate`). Never throws on bad input.
 */
export async function validateRequest(validate: ValidateResource, input: string | Uint8Array | RequestObject | Record<string, unknown>, options: RequestCheckOptions = {}): Promise<RequestValidation> {
  const name = options.name ?? 'request';
  const parsed = parseRequestInput(input, name, { entry: options.entry });
  const api = options.api ?? loadApiTable();
  const requests: CheckedRequest[] = [];
  for (const req of parsed.requests) requests.push(await checkRequest(validate, req, api, options));
  return { valid: parsed.issues.every((i) => !isError(i)) && requests.every((r) => r.valid), requests, issues: parsed.issues };
}

function clockOf(req: HttpRequest, headers: Headers, options: RequestCheckOptions): { now: Date; clock: string } {
  if (options.now) return { now: typeof options.now === 'function' ? options.now() : options.now, clock: 'the time given' };
  if (req.sentAt) return { now: req.sentAt.time, clock: req.sentAt.from };
  const date = headers.get('Date');
  const t = date ? new Date(date.value) : undefined;
  if (t && !Number.isNaN(t.getTime())) return { now: t, clock: "the request's Date header" };
  return { now: new Date(), clock: 'now' };
}

interface UrlParts {
  absolute: boolean;
  host?: string;
  origin?: string;
  pathname: string;
  segments: string[];
  query: URLSearchParams;
  rawQuery: string;
}

function urlParts(req: HttpRequest, headers: Headers, out: HttpIssues): UrlParts | undefined {
  const where = { expression: 'request.url', pos: req.pos.url };
  const raw = req.url;
  if (!raw) return undefined;
  let u: URL;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  try {
    if (absolute) u = new URL(raw);
    else if (raw.startsWith('/')) u = new URL(raw, `https://${headers.get('Host')?.value || 'host.invalid'}`);
    else {
      out.add('BARS-HTTP-02', 'error', 'invalid', `The request target "${raw}" is neither an absolute URL nor a path starting with "/" (e.g. https://int.api.service.nhs.uk/booking-and-referral/FHIR/R4/$process-message)`, where);
      return undefined;
    }
  } catch {
    out.add('BARS-HTTP-02', 'error', 'invalid', `The URL "${raw}" cannot be parsed`, where);
    return undefined;
  }
  const segments: string[] = [];
  for (const s of u.pathname.split('/').filter(Boolean)) {
    try {
      segments.push(decodeURIComponent(s));
    } catch {
      out.add('BARS-HTTP-02', 'error', 'invalid', `The path segment "${s}" has a malformed %-escape`, where);
      return undefined;
    }
  }
  const q = raw.indexOf('?');
  const rawQuery = q >= 0 ? raw.slice(q + 1).replace(/#.*$/, '') : '';
  return { absolute: absolute || !!headers.get('Host'), host: absolute || headers.get('Host') ? u.host : undefined, origin: absolute || headers.get('Host') ? u.origin : undefined, pathname: u.pathname, segments, query: u.searchParams, rawQuery };
}

async function checkRequest(validate: ValidateResource, req: HttpRequest, api: ApiTable, options: RequestCheckOptions): Promise<CheckedRequest> {
  const out = new HttpIssues();
  out.issues.push(...req.issues);
  const headers = new Headers(req.headers);
  const checked: CheckedRequest = { name: req.name, form: req.form, method: req.method, url: req.url, valid: true, issues: out.issues };
  const url = urlParts(req, headers, out);
  const clock = clockOf(req, headers, options);

  // the OAuth token request: a form with the signed JWT, not a BaRS request
  if (url && /\/oauth2\/token$/.test(url.pathname)) {
    checked.operation = 'token request';
    await checkTokenRequest(req, headers, url, out, { ...clock, keys: options.keys });
    checked.valid = !out.issues.some(isError);
    return checked;
  }

  const op = url ? matchOperation(req, url, api, out) : undefined;
  if (op) checked.operation = `${op.op.method} ${op.path}`;
  const ctx: HeaderContext = { req, headers, out, op: op?.op, path: op?.path };

  if (op && url) checkParameters(op.op, op.path, op.params, url, req, out);
  checkTransactionIds(ctx);
  const target = checkTargetIdentifier(ctx);
  for (const h of RESOURCE_HEADERS) await checkResourceHeader(ctx, h, validate, options.hasProfile);
  const auth = checkAuthorization(ctx);
  if (auth.token && looksLikeJwt(auth.token)) {
    out.add('BARS-HTTP-13', 'warning', 'security', 'The bearer token is a JWT that reads like a signed client assertion: the BaRS API takes the access token the OAuth token endpoint returned for your assertion, not the assertion itself. Its claims were checked as an assertion', {
      expression: 'header:Authorization',
      pos: auth.field?.pos,
    });
    await checkClientAssertion(auth.token, out, { ...clock, keys: options.keys, expression: 'header:Authorization/jwt', pos: auth.field?.pos, what: 'The bearer JWT' });
  }
  checkAccept(ctx);
  checkOtherRequiredHeaders(ctx, ['X-Request-Id', 'X-Correlation-Id', 'NHSD-Target-Identifier', 'Accept', 'use-context', ...RESOURCE_HEADERS.map((h) => h.name)]);

  // the body
  const body = req.body;
  const rb = op?.op.requestBody;
  if (!body) {
    if (rb?.required) {
      out.add('BARS-HTTP-19', 'error', 'required', `${op!.op.method} ${op!.path} needs a body (${rb.schema === 'MessageBundle' ? 'a FHIR Bundle of type message' : rb.schema ?? 'a FHIR resource'}): the request has none`, { expression: 'body', pos: req.pos.request, spec: `${op!.op.pointer}/requestBody` });
    }
    if (op?.path === '/$process-message') checkUseContext(ctx);
  } else if (op && !rb) {
    out.add('BARS-HTTP-19', 'warning', 'invalid', `${op.op.method} ${op.path} takes no body, but the request has one (${body.text.length} characters); it was not validated. Servers may refuse a ${op.op.method} with a body`, { expression: 'body', pos: body.start ?? req.pos.request });
  } else {
    const format = sniffFormat(body.text);
    checkContentType(ctx, format);
    const result = await validate(body.text, { name: body.label, profile: options.profiles ?? [] });
    checked.body = { name: body.label, result, ...(body.start ? { start: body.start } : {}) };
    const resource = result.instance?.resource;
    if (op && rb?.schema === 'MessageBundle' && resource) checkMessageBundle(resource, result, `${op.op.pointer}/requestBody`, op.path);
    if (op?.path === '/$process-message') {
      const msg = resource?.resourceType === 'Bundle' ? analyseMessage(resource) : undefined;
      if (target && msg) checkTargetAgainstDestination(target, msg.header?.resource, out);
      checkUseContext(ctx, msg ? { useCases: msg.useCases.map((u) => u.code), event: msg.eventCode, reason: msg.reasonCode } : undefined);
    }
  }
  checked.valid = !out.issues.some(isError) && (!checked.body || checked.body.result.valid);
  return checked;
}

function matchOperation(req: HttpRequest, url: UrlParts, api: ApiTable, out: HttpIssues): { op: ApiOperation; path: string; params: Record<string, string> } | undefined {
  const where = { expression: 'request.url', pos: req.pos.url, spec: '#/paths' };
  // a request to the NHS API itself must be under its base path
  let exact: number | undefined;
  if (url.host) {
    const server = api.servers.map((s) => new URL(s)).find((s) => s.host === url.host);
    if (server) {
      const base = server.pathname.split('/').filter(Boolean);
      if (base.some((b, i) => url.segments[i] !== b)) {
        out.add('BARS-HTTP-02', 'error', 'not-found', `${url.pathname} is not under the BaRS API base ${server.pathname} on ${server.host}: the API answers 404 PROXY_NOT_FOUND. Endpoints are ${server.origin}${server.pathname}/{${api.paths.map((p) => p.path.slice(1)).join(' | ')}}`, where);
        return undefined;
      }
      exact = base.length;
    }
  }
  const m = matchPath(api, url.segments, exact);
  if (!m) {
    const near = caseInsensitiveMatch(api, url.segments);
    out.add(
      'BARS-HTTP-02',
      'error',
      'not-found',
      `${url.pathname} is not a BaRS API endpoint${near ? ` (did you mean ${near.path}? paths are case-sensitive)` : ''}. The API has ${describePaths(api)}; it answers 404 PROXY_NOT_FOUND`,
      where,
    );
    return undefined;
  }
  const method = req.method;
  const op = m.path.operations.find((o) => o.method === method);
  if (!op) {
    const upper = m.path.operations.find((o) => o.method === method.toUpperCase());
    if (upper) {
      out.add('BARS-HTTP-03', 'error', 'not-supported', `The method "${method}" must be written in capitals ("${upper.method}"): HTTP methods are case-sensitive`, { expression: 'request.method', pos: req.pos.method, spec: upper.pointer });
      return { op: upper, path: m.path.path, params: m.params };
    }
    const allowed = m.path.operations.map((o) => o.method);
    out.add('BARS-HTTP-03', 'error', 'not-supported', `${method} is not allowed on ${m.path.path}: use ${allowed.join(' or ')}. The API answers 405 SEND_METHOD_NOT_ALLOWED`, { expression: 'request.method', pos: req.pos.method, spec: `#/paths/${m.path.path.replace(/\//g, '~1')}` });
    return undefined;
  }
  return { op, path: m.path.path, params: m.params };
}

const DATETIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function checkParameters(op: ApiOperation, path: string, pathParams: Record<string, string>, url: UrlParts, req: HttpRequest, out: HttpIssues): void {
  const where = (name: string, spec?: string): { expression: string; pos?: LineColumn; spec?: string } => ({ expression: `request.url.query.${name}`, pos: req.pos.url, spec });
  for (const p of op.parameters) {
    if (p.in === 'path') {
      const v = pathParams[p.name];
      if (v !== undefined && p.format === 'uuid' && !UUID.test(v)) {
        out.add('BARS-HTTP-04', 'warning', 'value', `The ${p.name} in the path ("${v}") is not a UUID, which the API specification declares it to be`, { expression: `request.url.path.${p.name}`, pos: req.pos.url, spec: p.ref });
      }
      continue;
    }
    if (p.in !== 'query') continue;
    const values = url.query.getAll(p.name);
    if (values.length === 0) {
      if (p.required) out.add('BARS-HTTP-04', 'error', 'required', `The query parameter ${p.name} is required on ${op.method} ${path}: the API answers 400 SEND_BAD_REQUEST without it`, where(p.name, p.ref));
      continue;
    }
    for (const v of values) {
      if (p.enum) {
        const bad = v.split(',').map((s) => s.trim()).filter((s) => !p.enum!.includes(s));
        if (bad.length) out.add('BARS-HTTP-04', 'error', 'code-invalid', `${p.name}=${v}: ${bad.map((b) => `"${b}"`).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not allowed; the API specification allows ${p.enum.join(', ')}`, where(p.name, p.ref));
      }
      if (p.format === 'datetime' || p.format === 'date-time') {
        const value = v.replace(/^(eq|ne|gt|lt|ge|le|sa|eb|ap)(?=\d)/, '');
        if (!DATETIME_WITH_ZONE.test(value)) {
          const plus = / \d{2}:\d{2}$/.test(value) && new RegExp(`${p.name}=[^&]*\\+`).test(url.rawQuery);
          out.add(
            'BARS-HTTP-04',
            'error',
            'value',
            plus
              ? `${p.name}=${v}: the "+" of the time zone was sent unencoded, and in a query string "+" means a space. Send it as %2B (e.g. ${p.name}=ge2022-03-01T12:00:00%2B00:00)`
              : `${p.name}=${v} is not a date-time with a time zone (e.g. ge2022-03-01T12:00:00+00:00, "+" sent as %2B): BaRS date-times carry an offset`,
            where(p.name, p.ref),
          );
        }
      }
      const nhs = v.startsWith(`${NHS_NUMBER_SYSTEM}|`) ? nhsNumberProblem(v.slice(NHS_NUMBER_SYSTEM.length + 1)) : undefined;
      if (nhs) out.add('BARS-HTTP-04', 'error', 'value', `${p.name}: ${nhs}`, where(p.name, p.ref));
    }
  }
}

/** $process-message takes a Bundle of type message (the spec's MessageBundle; the guide's $process-message page). */
function checkMessageBundle(resource: Record<string, unknown>, result: ValidationResult, spec: string, path: string): void {
  const loc = result.instance?.locations;
  const pos = (key: string): LineColumn | undefined => loc?.positionOf(resource, key) ?? { line: 1, column: 1 };
  const add = (message: string, key: string, expression: string): void => {
    const p = pos(key);
    result.issues.push({ severity: 'error', code: 'invalid', message, expression, ruleId: 'BARS-HTTP-19', source: 'BaRS', bars: { rule: 'BARS-HTTP-19', guidePage: 'Core/1-5-0/BaRS-FHIR-Usage/process-message.page.md', spec }, ...(p ? { line: p.line, column: p.column } : {}) });
    result.valid = false;
  };
  const type = String(resource.resourceType ?? '');
  if (type !== 'Bundle') add(`${path} takes a FHIR Bundle of type message; this body is a ${type || 'resource without resourceType'}`, 'resourceType', type || 'Resource');
  else if (resource.type !== 'message') add(`${path} takes a Bundle of type message; this Bundle is of type ${JSON.stringify(resource.type ?? null)}`, 'type', 'Bundle.type');
}

function checkTargetAgainstDestination(target: TargetIdentifier, header: Record<string, unknown> | undefined, out: HttpIssues): void {
  if (!header) return;
  const endpoints = arr(header.destination).map((d) => str(rec(d)?.endpoint)).filter((e): e is string => !!e);
  if (endpoints.length === 0) return;
  const sent = `${target.system}|${target.value}`;
  if (!endpoints.includes(sent)) {
    out.add('BARS-HTTP-09', 'error', 'conflict', `NHSD-Target-Identifier routes to ${sent} but the message is addressed to ${endpoints.join(', ')} (MessageHeader.destination.endpoint): the header and the payload must name the same receiver`, {
      expression: 'header:NHSD-Target-Identifier',
      pos: target.field.pos,
    });
  }
}

const FORM = 'application/x-www-form-urlencoded';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function checkTokenRequest(req: HttpRequest, headers: Headers, url: UrlParts, out: HttpIssues, o: { now: Date; clock: string; keys?: JwtKeys }): Promise<void> {
  const rule = 'BARS-HTTP-18';
  if (req.method !== 'POST') out.add(rule, 'error', 'not-supported', `The token endpoint takes POST, not ${req.method}`, { expression: 'request.method', pos: req.pos.method });
  const ct = headers.get('Content-Type');
  if (!ct || !ct.value.toLowerCase().startsWith(FORM)) {
    out.add(rule, 'error', ct ? 'not-supported' : 'required', `${ct ? `Content-Type "${ct.value}"` : 'Content-Type is missing'}: a token request is a form, Content-Type: ${FORM}`, { expression: 'header:Content-Type', pos: ct?.pos ?? req.pos.request });
  }
  const body = req.body;
  if (!body) {
    out.add(rule, 'error', 'required', `The token request has no body: send grant_type=client_credentials&client_assertion_type=${encodeURIComponent(JWT_BEARER)}&client_assertion=<signed JWT>`, { expression: 'body', pos: req.pos.request });
    return;
  }
  const form = new URLSearchParams(body.text.trim());
  const at = (field: string): { expression: string; pos?: LineColumn } => ({ expression: `body:${field}`, pos: body.start ?? req.pos.request });
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') out.add(rule, 'error', grant ? 'value' : 'required', `grant_type is ${grant === null ? 'missing' : `"${grant}"`}: BaRS senders use the client credentials flow, grant_type=client_credentials`, at('grant_type'));
  const cat = form.get('client_assertion_type');
  if (cat !== JWT_BEARER) out.add(rule, 'error', cat ? 'value' : 'required', `client_assertion_type is ${cat === null ? 'missing' : `"${cat}"`}: it must be ${JWT_BEARER}`, at('client_assertion_type'));
  const jwt = form.get('client_assertion');
  if (!jwt) {
    out.add(rule, 'error', 'required', 'client_assertion is missing: it carries your signed JWT', at('client_assertion'));
    return;
  }
  await checkClientAssertion(jwt.trim(), out, { ...o, audience: url.origin ? `${url.origin}${url.pathname}` : undefined, expression: 'body:client_assertion/jwt', pos: body.start ?? req.pos.request, what: 'The client assertion' });
}

/** `--jwt <file>`: a client assertion on its own. */
export async function validateJwtFile(file: string, options: { keys?: JwtKeys; now?: Date }): Promise<FileResult> {
  const out = new HttpIssues();
  let token: string | undefined;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (e) {
    out.add('BARS-HTTP-15', 'fatal', 'exception', `Cannot read the JWT file: ${(e as Error).message}`, {});
  }
  if (token !== undefined) {
    await checkClientAssertion(token, out, { now: options.now ?? new Date(), clock: options.now ? 'the time given' : 'now', keys: options.keys, expression: 'jwt', pos: { line: 1, column: 1 }, what: 'The client assertion' });
  }
  return { file, resourceType: null, what: 'JWT client assertion', profiles: [], valid: !out.issues.some(isError), issues: out.issues.map(toResultIssue) };
}

/** The options of `bars validate` this needs. */
export interface RequestFileArgs {
  openapi?: string;
  jwks?: string;
  publicKey?: string;
  now?: string;
  profiles?: string[];
}

/** Read the request options once (keys, spec, clock); errors here are usage errors. */
export function requestSetup(args: RequestFileArgs): { api: ApiTable; keys?: JwtKeys; now?: Date } {
  const api = loadApiTable(args.openapi);
  const keys = loadKeys({ jwks: args.jwks, publicKey: args.publicKey });
  let now: Date | undefined;
  if (args.now) {
    now = new Date(args.now);
    if (Number.isNaN(now.getTime())) throw new RangeError(`--now ${args.now} is not a date-time (e.g. 2026-10-05T09:15:00Z)`);
  }
  return { api, keys, now };
}

/**
 * `--request <file>[#n]`: one result for the HTTP layer of each request (located in the file) and
 * one for its body (`<file>#body`, located within the body). Unreadable input: one result with
 * the fatal issue.
 */
export async function validateRequestFile(
  validate: ValidateResource,
  spec: string,
  setup: { api: ApiTable; keys?: JwtKeys; now?: Date; profiles?: string[]; hasProfile?: HasProfile },
): Promise<FileResult[]> {
  const { file, entry } = splitEntry(spec);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return [{ file, resourceType: null, profiles: [], valid: false, issues: [{ severity: 'fatal', code: 'exception', message: `Cannot read the request file: ${(e as Error).message}`, expression: null, line: null, column: null, ruleId: 'file-unreadable', source: null }] }];
  }
  const t0 = performance.now();
  const v = await validateRequest(validate, bytes, { name: file, entry, api: setup.api, keys: setup.keys, now: setup.now, profiles: setup.profiles, hasProfile: setup.hasProfile });
  return requestValidationResults(v, spec, Math.round((performance.now() - t0) * 100) / 100);
}

/**
 * A request validation as file results: one for the HTTP layer of each request and one for its
 * body (`bars validate --request`, and the exchanges `bars serve` stores).
 */
export function requestValidationResults(v: RequestValidation, name: string, durationMs?: number): FileResult[] {
  const results: FileResult[] = [];
  if (v.issues.length) results.push({ file: name, resourceType: null, profiles: [], valid: !v.issues.some(isError), issues: v.issues.map(toResultIssue) });
  for (const r of v.requests) {
    const http: FileResult = {
      file: r.name,
      resourceType: null,
      profiles: [],
      valid: !r.issues.some(isError),
      issues: r.issues.map(toResultIssue),
      ...(durationMs !== undefined ? { durationMs } : {}),
    };
    http.http = { part: 'request', form: r.form, method: r.method, url: r.url, operation: r.operation ?? null, ...(r.body ? { body: r.body.name } : {}) };
    results.push(http);
    if (r.body) {
      const b = r.body.result;
      const fr: FileResult = { file: r.body.name, resourceType: b.resourceType ?? null, profiles: b.profiles, valid: b.valid, issues: b.issues.map(toResultIssue) };
      const barsInfo = (b.instance as { bars?: FileResult['bars'] } | undefined)?.bars;
      if (barsInfo) fr.bars = barsInfo;
      fr.http = { part: 'body', request: r.name, ...(r.body.start ? { start: r.body.start } : {}) };
      results.push(fr);
    }
  }
  return results;
}

/** `capture.har#2` → entry 2, unless a file of that very name exists. */
export function splitEntry(spec: string): { file: string; entry?: number } {
  const m = /^(.*)#(?:entries\[|requests\[)?(\d+)\]?$/.exec(spec);
  if (!m) return { file: spec };
  try {
    readFileSync(spec, { flag: 'r' });
    return { file: spec };
  } catch {
    return { file: m[1]!, entry: Number(m[2]) };
  }
}
