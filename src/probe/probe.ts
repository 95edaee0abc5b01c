/**
 * `bars probe`: the receiver-side suite (what TKW's portal fires at a supplier's endpoint).
 * Sends the BaRS requests a receiver must handle, built from the fixture messages, and checks
 * every answer: the status the guide expects, X-Request-ID / X-Correlation-ID echoed, the
 * Content-Type, and the body validated (error answers: an OperationOutcome with an
 * http-error-codes code that fits the status).
 */
import { randomUUID } from 'node:crypto';
import type { Validator } from '../index.js';
import type { IssueType, Severity, ValidationIssue } from '../model/issue.js';
import { summarise, toResultIssue, type FileResult, type RunResult } from '../report/result.js';
import { barsHeaders, processMessageRequest, slotSearchPath, DOS_SYSTEM, type BuiltRequest, type SenderIdentity } from './requests.js';
import { BARS_RULES } from '../model/bars-rules.generated.js';
import type { BarsRuleId } from '../model/rules.js';

export const HTTP_ERROR_CODES = 'https://fhir.nhs.uk/CodeSystem/http-error-codes';

/** The probe's checks, each with the guide page it comes from. */
/** The probe's rules as rules/probe/probe-rules.json states them, from the rule catalog. */
export const PROBE_RULES = Object.fromEntries(Object.entries(BARS_RULES).filter(([id]) => id.startsWith('BARS-PROBE-'))) as { [K in ProbeRule]: (typeof BARS_RULES)[K] };
type ProbeRule = Extract<BarsRuleId, `BARS-PROBE-${string}`>;

/** Status each http-error-codes code goes with (the guide's failure scenario tables). */
const CODE_STATUS: Record<string, number> = {
  SEND_BAD_REQUEST: 400, REC_BAD_REQUEST: 400, PROXY_BAD_REQUEST: 400,
  SEND_UNAUTHORIZED: 401, REC_UNAUTHORIZED: 401,
  SEND_FORBIDDEN: 403, REC_FORBIDDEN: 403,
  PROXY_NOT_FOUND: 404, REC_NOT_FOUND: 404,
  SEND_METHOD_NOT_ALLOWED: 405,
  SEND_NOT_ACCEPTABLE: 406, REC_NOT_ACCEPTABLE: 406,
  REC_TIMEOUT: 408,
  REC_CONFLICT: 409,
  REC_UNPROCESSABLE_ENTITY: 422,
  SEND_TOO_MANY_REQUESTS: 429,
  REC_SERVER_ERROR: 500, PROXY_SERVER_ERROR: 500,
  SEND_NOT_IMPLEMENTED: 501, REC_NOT_IMPLEMENTED: 501, PROXY_NOT_IMPLEMENTED: 501,
  REC_SERVICE_UNAVAILABLE: 503,
};

export const SUITES = ['metadata', 'messagedefinition', 'slots', 'booking', 'referral', 'validation', 'errors'] as const;
export type Suite = (typeof SUITES)[number];

export interface ProbeCase {
  id: string;
  suite: Suite;
  title: string;
  request: BuiltRequest;
  expect: { status: number; resourceType?: string; bundleOf?: string };
}

/** The requests of the suites asked for, fresh ids each time. */
export function probeCases(suites: readonly Suite[], target: string, sender?: SenderIdentity): ProbeCase[] {
  const o = { sender };
  const pm = (fixture: string, changes = {}): BuiltRequest => {
    const r = processMessageRequest(fixture, { target, ...changes }, o);
    return r;
  };
  const all: ProbeCase[] = [
    { id: 'metadata', suite: 'metadata', title: 'GET /metadata returns the CapabilityStatement', request: { method: 'GET', path: '/metadata', headers: barsHeaders({ target, sender }) }, expect: { status: 200, resourceType: 'CapabilityStatement' } },
    {
      id: 'message-definitions',
      suite: 'messagedefinition',
      title: 'GET /MessageDefinition?context=… returns the receiver’s MessageDefinitions',
      request: { method: 'GET', path: `/MessageDefinition?context=${encodeURIComponent(`${DOS_SYSTEM}|${target}`)}`, headers: barsHeaders({ target, sender }) },
      expect: { status: 200, resourceType: 'Bundle', bundleOf: 'MessageDefinition' },
    },
    { id: 'slot-search', suite: 'slots', title: 'GET /Slot?… returns a searchset of Slots', request: { method: 'GET', path: slotSearchPath(target, ['free']), headers: barsHeaders({ target, sender }) }, expect: { status: 200, resourceType: 'Bundle' } },
    { id: 'booking-new', suite: 'booking', title: 'New booking ($process-message)', request: pm('APP1-booking-request'), expect: { status: 200 } },
    { id: 'booking-cancel', suite: 'booking', title: 'Cancel booking ($process-message)', request: pm('APP1-booking-cancellation'), expect: { status: 200 } },
    { id: 'referral-new', suite: 'referral', title: 'New referral ($process-message)', request: pm('APP1-referral-request'), expect: { status: 200 } },
    { id: 'referral-cancel', suite: 'referral', title: 'Cancel referral ($process-message)', request: pm('APP1-referral-cancellation'), expect: { status: 200 } },
    { id: 'validation-request', suite: 'validation', title: 'Validation request ($process-message)', request: pm('APP4-validation-request'), expect: { status: 200 } },
    { id: 'validation-response', suite: 'validation', title: 'Full validation response ($process-message)', request: pm('APP4-validation-response'), expect: { status: 200 } },
    { id: 'validation-interim', suite: 'validation', title: 'Interim validation response ($process-message)', request: pm('APP4-interim-validation-response'), expect: { status: 200 } },
    {
      id: 'error-invalid-payload',
      suite: 'errors',
      title: 'A referral whose Patient has an invalid NHS number is refused 400 with an OperationOutcome',
      request: pm('APP1-referral-request', { nhsNumber: '1234567890' }),
      expect: { status: 400, resourceType: 'OperationOutcome' },
    },
    {
      id: 'error-not-a-message',
      suite: 'errors',
      title: 'A $process-message body that is not a message Bundle is refused 400',
      request: { ...pm('APP1-referral-request'), body: JSON.stringify({ resourceType: 'Bundle', type: 'collection' }) },
      expect: { status: 400, resourceType: 'OperationOutcome' },
    },
  ];
  return all.filter((c) => suites.includes(c.suite));
}

export interface ProbeOptions {
  /** The receiver's base URL (its FHIR base, e.g. https://receiver.example/booking-and-referral/FHIR/R4). */
  baseUrl: string;
  suites: readonly Suite[];
  validator: Validator;
  /** NHSD-Target-Identifier / MessageHeader.destination value (a DoS service id). */
  target?: string;
  sender?: SenderIdentity;
  /** Authorization: Bearer <token>. */
  token?: string;
  timeoutMs?: number;
  /** For tests and TLS: the fetch to use. */
  fetchImpl?: typeof fetch;
}

export interface ProbeOutcome {
  result: RunResult;
  failed: number;
}

class CaseIssues {
  readonly issues: ValidationIssue[] = [];
  add(rule: ProbeRule, severity: Severity, code: IssueType, message: string, expression?: string): void {
    this.issues.push({ severity, code, message, ruleId: rule, source: 'BaRS', bars: { rule, guidePage: PROBE_RULES[rule].guidePage }, ...(expression ? { expression } : {}) });
  }
}

export async function runProbe(o: ProbeOptions): Promise<ProbeOutcome> {
  const started = new Date();
  const t0 = performance.now();
  const base = o.baseUrl.replace(/\/+$/, '');
  const doFetch = o.fetchImpl ?? fetch;
  const results: FileResult[] = [];
  for (const c of probeCases(o.suites, o.target ?? '2000072489', o.sender)) {
    const out = new CaseIssues();
    const headers = { ...c.request.headers, ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}) };
    const url = `${base}${c.request.path}`;
    let res: Response | undefined;
    let text = '';
    try {
      res = await doFetch(url, { method: c.request.method, headers, body: c.request.body, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000), redirect: 'manual' });
      text = await res.text();
    } catch (e) {
      out.add('BARS-PROBE-06', 'error', 'timeout', `${c.request.method} ${url} failed: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause?: Error }).cause!.message})` : ''}`);
    }
    let bodyResult: FileResult | undefined;
    if (res) bodyResult = await checkAnswer(c, headers, res, text, out, o.validator);
    const name = `${c.id}: ${c.request.method} ${c.request.path.split('?')[0]}`;
    results.push({ file: name, resourceType: null, profiles: [], valid: !out.issues.some(isError), issues: out.issues.map(toResultIssue), http: { part: 'request', method: c.request.method, url, operation: c.title } });
    if (bodyResult) results.push({ ...bodyResult, file: `${name}#response` });
  }
  const summary = summarise(results, Math.round(performance.now() - t0));
  const failed = new Set(results.filter((r) => !r.valid).map((r) => r.file.replace(/#response$/, ''))).size;
  return {
    result: { tool: { name: 'bars-toolkit probe', version: '' }, results, summary, run: { startedAt: started.toISOString(), packages: [], options: { baseUrl: o.baseUrl, suites: [...o.suites] } } },
    failed,
  };
}

const isError = (i: { severity: string }): boolean => i.severity === 'error' || i.severity === 'fatal';

async function checkAnswer(c: ProbeCase, sent: Record<string, string>, res: Response, text: string, out: CaseIssues, validator: Validator): Promise<FileResult | undefined> {
  if (res.status !== c.expect.status) {
    out.add('BARS-PROBE-01', 'error', 'processing', `${c.title}: expected HTTP ${c.expect.status}, the receiver answered ${res.status}`, 'response.status');
  }
  for (const h of ['X-Request-ID', 'X-Correlation-ID']) {
    const got = res.headers.get(h);
    if (got === null) out.add('BARS-PROBE-02', 'error', 'required', `The response has no ${h} header: a receiver echoes the ${h} it was sent (${sent[h]})`, `response.header:${h}`);
    else if (got !== sent[h]) out.add('BARS-PROBE-02', 'error', 'value', `The response's ${h} is "${got}" but the request sent "${sent[h]}": echo it unchanged`, `response.header:${h}`);
  }
  if (!text) {
    out.add('BARS-PROBE-04', 'error', 'required', `The response has no body: ${c.expect.status >= 400 ? 'an error answer carries an OperationOutcome' : `expected ${c.expect.resourceType ?? 'a FHIR resource'}`}`, 'response.body');
    return undefined;
  }
  const ct = res.headers.get('content-type') ?? '';
  if (!/^application\/fhir\+json\s*(;|$)/i.test(ct)) out.add('BARS-PROBE-03', 'error', 'value', `Content-Type is "${ct || '(none)'}": the request asked for application/fhir+json`, 'response.header:Content-Type');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    out.add('BARS-PROBE-04', 'error', 'structure', `The response body is not JSON: ${(e as Error).message}`, 'response.body');
    return undefined;
  }
  const rt = typeof json.resourceType === 'string' ? json.resourceType : undefined;
  const wanted = c.expect.status >= 400 ? 'OperationOutcome' : c.expect.resourceType;
  if (wanted && rt !== wanted) out.add('BARS-PROBE-04', 'error', 'invalid', `Expected ${wanted} in the response body, got ${rt ?? 'no resourceType'}`, 'response.body.resourceType');
  if (c.expect.bundleOf && rt === 'Bundle') {
    const entries = (json.entry as { resource?: { resourceType?: string } }[] | undefined) ?? [];
    const other = entries.filter((e) => e.resource?.resourceType !== c.expect.bundleOf).map((e) => e.resource?.resourceType ?? '?');
    if (entries.length === 0) out.add('BARS-PROBE-04', 'error', 'required', `The Bundle has no ${c.expect.bundleOf}`, 'response.body.entry');
    if (other.length) out.add('BARS-PROBE-04', 'error', 'invalid', `The Bundle should hold only ${c.expect.bundleOf} resources; it also has ${[...new Set(other)].join(', ')}`, 'response.body.entry');
  }
  if (rt === 'OperationOutcome' && (res.status >= 400 || c.expect.status >= 400)) checkErrorOutcome(json, res.status, out);
  const v = await validator.validate(json, { name: 'response' });
  return { file: 'response', resourceType: v.resourceType ?? null, profiles: v.profiles, valid: v.valid, issues: v.issues.map(toResultIssue) };
}

function checkErrorOutcome(oo: Record<string, unknown>, status: number, out: CaseIssues): void {
  const issues = (oo.issue as Record<string, any>[] | undefined) ?? [];
  if (issues.length === 0) {
    out.add('BARS-PROBE-05', 'error', 'required', 'The OperationOutcome has no issue', 'response.body.issue');
    return;
  }
  issues.forEach((i, n) => {
    const at = `response.body.issue[${n}]`;
    const coding = ((i.details?.coding as Record<string, unknown>[] | undefined) ?? []).find((c) => c.system === HTTP_ERROR_CODES);
    if (!coding) {
      out.add('BARS-PROBE-05', 'error', 'required', `issue[${n}] has no details.coding from ${HTTP_ERROR_CODES}: the guide's error answers carry the code (e.g. REC_BAD_REQUEST)`, `${at}.details`);
    } else {
      const code = String(coding.code ?? '');
      const expected = CODE_STATUS[code];
      if (expected === undefined) out.add('BARS-PROBE-05', 'error', 'code-invalid', `issue[${n}] code "${code}" is not one of the guide's error codes (${Object.keys(CODE_STATUS).slice(0, 6).join(', ')}, …)`, `${at}.details.coding`);
      else if (expected !== status) out.add('BARS-PROBE-05', 'error', 'value', `issue[${n}] code ${code} goes with HTTP ${expected}, but the status is ${status}`, `${at}.details.coding`);
      else if (!code.startsWith('REC_')) out.add('BARS-PROBE-05', 'warning', 'value', `issue[${n}] code ${code}: a receiver's own errors use the REC_ codes (the guide's Receiver responsibilities)`, `${at}.details.coding`);
    }
    if (typeof i.diagnostics !== 'string' || i.diagnostics.trim() === '') out.add('BARS-PROBE-05', 'error', 'required', `issue[${n}] has no diagnostics: the guide asks for clear and concise diagnostics on every error`, `${at}.diagnostics`);
  });
}

/** Ask the receiver's token endpoint for a bearer token with a signed client assertion. */
export async function fetchToken(tokenUrl: string, assertion: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  const r = await fetchImpl(tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString(),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await r.json().catch(() => ({}))) as { access_token?: string; error_description?: string };
  if (r.status !== 200 || !body.access_token) throw new Error(`the token endpoint ${tokenUrl} answered ${r.status}${body.error_description ? `: ${body.error_description}` : ''}`);
  return body.access_token;
}

export const newJti = (): string => randomUUID();
