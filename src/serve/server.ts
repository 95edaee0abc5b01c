/**
 * `bars serve`: a local BaRS receiver simulator, a stricter TKW. Every request is validated in
 * full (the BARS-HTTP rules, the token, the body with the BaRS layer) before it is answered; a
 * request that fails gets the guide's error response (status + OperationOutcome with its
 * SEND_/REC_ code); a valid one gets the TKW sentinel scenario its values pick, or the stateful
 * 111→ED answer. Each exchange and an audit entry are written to SQLite before the answer goes.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { JSONWebKeySet } from 'jose';
import { validateRequest, type Validator } from '../index.js';
import type { CheckedRequest, RequestValidation } from '../bars/http/validate-request.js';
import { decodeBase64Json } from '../bars/http/headers.js';
import { loadApiTable, type ApiTable } from '../bars/http/openapi.js';
import { arr, rec, str } from '../bars/message.js';
import type { ValidationIssue } from '../model/issue.js';
import { barsError, type BarsError, type ErrorIssue } from './outcome.js';
import { capabilityStatement, messageDefinitionBundle, returnedResource, searchset, slotBundle } from './resources.js';
import {
  findMessageDefinitionScenario,
  findMetadataScenario,
  findProcessMessageScenario,
  findReadScenario,
  findSearchScenario,
  findSlotScenario,
  identifierOf,
  messageFacts,
  statefulEvent,
} from './scenarios.js';
import { ServeStore } from './store.js';
import { loadTkwTable, type Scenario, type StatefulEvent, type StatefulState, type TkwTable } from './tkw-table.js';
import { TokenIssuer } from './auth.js';
import { compactValidation, renderExchangePage, renderReportList, renderValidationReport } from './reports-page.js';

export const API_BASE_PATH = '/booking-and-referral/FHIR/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** Larger bodies are refused before they are read: BaRS messages are tens of kilobytes. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ServeOptions {
  validator: Validator;
  /** SQLite file for state, exchanges and audit. */
  database: string;
  /** 'none': no token needed (sandbox-like). 'apim': POST /oauth2/token with a signed assertion, then Bearer. */
  auth: 'none' | 'apim';
  /** The JWKS client assertions are verified with (auth 'apim'). */
  jwks?: JSONWebKeySet;
  /** Back every organisation to the initial state at start. */
  resetState?: boolean;
  /** State older than this is back to initial (TKW resets nightly). */
  stateTtlSeconds?: number;
  /** Lifetime of issued access tokens (default 599 s, as API-M). */
  tokenTtlSeconds?: number;
  tls?: { cert: string; key: string; clientCa?: string };
  api?: ApiTable;
  table?: TkwTable;
  /** Clock (tests). */
  now?: () => Date;
}

export interface RunningServer {
  server: Server;
  store: ServeStore;
  url: string;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body?: Record<string, unknown> | string;
  contentType?: string;
  scenario?: string;
}

/** Next state after a successful stateful event. The guide's table gives the answers; the states they lead to follow from what each event does. */
const NEXT_STATE: Record<StatefulEvent, StatefulState | undefined> = {
  'make-booking': 'appointment-booked',
  'cancel-booking': 'initial',
  'linked-referral': 'referral-created',
  'mislinked-referral': undefined,
  'cancel-referral': 'appointment-booked',
};

const isError = (i: { severity: string }): boolean => i.severity === 'error' || i.severity === 'fatal';

export class BarsServe {
  readonly store: ServeStore;
  private readonly api: ApiTable;
  private readonly table: TkwTable;
  private readonly issuer?: TokenIssuer;
  private readonly now: () => Date;

  constructor(private readonly options: ServeOptions) {
    this.store = new ServeStore(options.database, { stateTtlSeconds: options.stateTtlSeconds });
    if (options.resetState) this.store.resetState();
    this.api = options.api ?? loadApiTable();
    this.table = options.table ?? loadTkwTable();
    this.now = options.now ?? (() => new Date());
    if (options.auth === 'apim') {
      if (!options.jwks) throw new Error('auth "apim" needs a JWKS to verify client assertions with (--jwks)');
      this.issuer = new TokenIssuer(options.jwks, this.store, options.tokenTtlSeconds ?? 599, this.now);
    }
  }

  /** Never throws: whatever goes wrong becomes a 500 OperationOutcome. */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const echo: Record<string, string> = {};
    for (const name of ['X-Request-ID', 'X-Correlation-ID']) {
      const v = req.headers[name.toLowerCase()];
      if (typeof v === 'string') echo[name] = v;
    }
    let answer: Answer;
    let record: Parameters<ServeStore['addExchange']>[0] | undefined;
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    let body: string | undefined;
    try {
      body = await readBody(req);
      const r = await this.answer(req, headers, body);
      answer = r.answer;
      record = r.record;
    } catch (e) {
      answer =
        e instanceof BodyTooLarge
          ? toAnswer(barsError(413, [{ code: 'REC_BAD_REQUEST', issue: 'too-long', diagnostics: `bars serve was unable to process the request: the body is over ${MAX_BODY_BYTES} bytes` }]))
          : toAnswer(barsError(500, `bars serve encountered an unexpected error: ${(e as Error)?.message ?? String(e)}`));
    }
    const text = answer.body === undefined ? undefined : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const out: Record<string, string> = { ...echo };
    if (text !== undefined) out['Content-Type'] = answer.contentType ?? FHIR_JSON;
    // which TKW row (or stateful transition) answered: senders see why they got what they got
    if (answer.scenario) out['X-Bars-Serve-Scenario'] = answer.scenario;
    try {
      if (record) {
        record.status = answer.status;
        record.scenario = answer.scenario ?? null;
        record.response = { headers: out, ...(text !== undefined ? { body: text } : {}) };
        const id = this.store.addExchange(record);
        out['X-Bars-Serve-Report'] = `/_reports/${id}`;
      }
      // group commit: the answer goes only once its exchange and audit rows are on disk
      await this.store.committed();
    } catch (e) {
      // a report that cannot be stored must not become a silent pass: the client is told
      answer = toAnswer(barsError(500, `bars serve could not store the exchange: ${(e as Error).message}`));
    }
    res.writeHead(answer.status, out);
    res.end(text);
  };

  private async answer(req: IncomingMessage, headers: [string, string][], body: string | undefined): Promise<{ answer: Answer; record?: Parameters<ServeStore['addExchange']>[0] }> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://bars-serve.invalid');
    const path = url.pathname;

    if (path === '/_reports' || path.startsWith('/_reports/')) return { answer: this.reports(path) };

    const organisation = organisationOf(headers);
    const record: Parameters<ServeStore['addExchange']>[0] = {
      organisation,
      method,
      path: `${path}${url.search}`,
      status: 0,
      scenario: null,
      valid: false,
      request: { headers, ...(body ? { body } : {}) },
      response: { headers: {} },
      validation: null,
    };
    const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    const absolute = `${scheme}://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
    const actor = asidOf(headers) ?? clientCertOf(req);

    if (path === '/oauth2/token') {
      if (!this.issuer) {
        this.store.audit({ organisation, actor, what: 'token request', outcome: '404 auth none' });
        return { answer: toAnswer(barsError(404, 'bars serve runs with --auth none: there is no token endpoint, and API calls need no token')), record };
      }
      const v = await validateRequest(this.options.validator, { method, url: absolute, headers: headers.map(([name, value]) => ({ name, value })), body: body ?? null }, { now: this.now, jwks: this.options.jwks, name: 'token request' });
      record.validation = compactValidation(v);
      const r = await this.issuer.tokenRequest(v, body ?? '');
      record.valid = r.status === 200;
      this.store.audit({ organisation, actor: r.kid ?? actor, what: 'token request', outcome: `${r.status}${r.error ? ` ${r.error}` : ''}` });
      return { answer: { status: r.status, body: r.body, contentType: 'application/json' }, record };
    }

    if (!path.startsWith(`${API_BASE_PATH}/`)) {
      record.validation = null;
      this.store.audit({ organisation, actor, what: `${method} ${path}`, outcome: '404 not a BaRS endpoint' });
      return { answer: toAnswer(barsError(404, [{ code: 'PROXY_NOT_FOUND', diagnostics: `The resource was not found within BaRS: ${path} is not under ${API_BASE_PATH}` }])), record };
    }

    // authentication first, as API-M does: an unauthenticated request is not looked at further
    if (this.issuer) {
      const auth = this.issuer.check(headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1]);
      if (!auth.ok) {
        this.store.audit({ organisation, actor, what: `${method} ${path}`, outcome: `401 ${auth.issue}` });
        return { answer: toAnswer(barsError(401, [{ code: 'SEND_UNAUTHORIZED', issue: auth.issue, diagnostics: auth.diagnostics }])), record };
      }
    }

    const v = await validateRequest(this.options.validator, { method, url: absolute, headers: headers.map(([name, value]) => ({ name, value })), body: body ?? null }, { now: this.now, name: `${method} ${path}` });
    record.validation = compactValidation(v);
    const checked = v.requests[0];
    const failure = rejection(v, checked);
    if (failure) {
      this.store.audit({ organisation, actor, what: `${method} ${path}`, outcome: `${failure.status} ${codeOf(failure)}` });
      return { answer: toAnswer(failure), record };
    }
    record.valid = true;
    if (!acceptsJson(headerValue(headers, 'Accept'))) {
      const refused = barsError(406, [{ code: 'REC_NOT_ACCEPTABLE', issue: 'processing', diagnostics: 'bars serve answers application/fhir+json only: send Accept: application/fhir+json (the request itself was valid)' }]);
      this.store.audit({ organisation, actor, what: `${method} ${path}`, outcome: '406 REC_NOT_ACCEPTABLE' });
      return { answer: toAnswer(refused), record };
    }
    const answer = this.scenarioAnswer(checked!, url, headers, organisation, absolute);
    this.store.audit({ organisation, actor, what: `${method} ${path}`, outcome: `${answer.status}${answer.scenario ? ` ${answer.scenario}` : ''}` });
    return { answer, record };
  }

  private scenarioAnswer(checked: CheckedRequest, url: URL, headers: [string, string][], organisation: string | null, absolute: string): Answer {
    const now = this.now();
    const op = checked.operation ?? '';
    const base = absolute.slice(0, absolute.indexOf(API_BASE_PATH) + API_BASE_PATH.length);
    const target = targetOf(headers);
    const fromScenario = (s: Scenario | undefined, ok: () => Record<string, unknown>): Answer => {
      if (s && s.response.status !== 200) return { ...toAnswer(barsError(s.response.status, scenarioDiagnostics(s))), scenario: s.id };
      return { status: 200, body: ok(), ...(s ? { scenario: s.id } : {}) };
    };
    switch (op) {
      case 'GET /metadata': {
        const s = findMetadataScenario(this.table, target);
        return fromScenario(s, () => capabilityStatement(this.api, s?.response.variant ?? 'receiver', s?.response.applications ?? [], now));
      }
      case 'GET /MessageDefinition': {
        const s = findMessageDefinitionScenario(this.table, url.searchParams.getAll('context'));
        return fromScenario(s, () => messageDefinitionBundle(s?.response.applications ?? [], s?.response.variant === 'invalid', base, absolute, now));
      }
      case 'GET /Slot': {
        const hs = url.searchParams.get('Schedule.actor:HealthcareService') ?? undefined;
        const statuses = url.searchParams.getAll('status').flatMap((s) => s.split(',').map((x) => x.trim()));
        const s = findSlotScenario(this.table, hs, statuses);
        const variant = s?.response.variant ?? (statuses.includes('busy') ? 'free-and-busy' : 'free');
        return fromScenario(s, () => slotBundle(variant, hs ? hs.slice(hs.lastIndexOf('|') + 1) : 'unknown', base, absolute, now));
      }
      case 'GET /Appointment':
      case 'GET /ServiceRequest': {
        const type = op.slice(5) as 'Appointment' | 'ServiceRequest';
        const s = findSearchScenario(this.table, type);
        return fromScenario(s, () => searchset(s?.response.returns ? [returnedResource(type, s.response.returns.id, now)] : [], base, absolute, now));
      }
      case 'GET /Appointment/{id}':
      case 'GET /ServiceRequest/{id}': {
        const type = op.slice(5, op.indexOf('/', 5)) as 'Appointment' | 'ServiceRequest';
        const id = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
        const s = findReadScenario(this.table, type, id);
        if (!s) return toAnswer(barsError(404, [{ code: 'REC_NOT_FOUND', diagnostics: `bars serve encountered no ${type} with id ${id}: it answers reads for the ids of the TKW scenarios` }]));
        return fromScenario(s, () => returnedResource(type, id, now));
      }
      case 'POST /$process-message':
        return this.processMessage(checked, organisation, target, now);
      default:
        return toAnswer(barsError(501, `The Request was not recognised by the Receiver - bars serve: ${op || 'this request'} is not simulated`));
    }
  }

  private processMessage(checked: CheckedRequest, organisation: string | null, target: string | undefined, now: Date): Answer {
    const bundle = checked.body?.result.instance?.resource as Record<string, unknown> | undefined;
    if (!bundle) return toAnswer(barsError(400, [{ code: 'REC_BAD_REQUEST', issue: 'invalid', diagnostics: 'bars serve was unable to process the request: the body could not be read as a Bundle' }]));
    const facts = messageFacts(bundle);
    const focusType = facts.kind?.startsWith('booking') ? 'Appointment' : 'ServiceRequest';

    if (facts.nhsNumber === this.table.stateful.nhsNumber) {
      const key = organisation ?? '(no organisation)';
      const current = this.store.getState(key, now);
      const event = statefulEvent(facts, current.serviceRequestIdentifier);
      if (event) {
        const t = this.table.stateful.transitions.find((x) => x.event === event && x.state === current.state);
        if (!t) return toAnswer(barsError(500, `bars serve has no transition for ${event} in state ${current.state}`));
        const scenario = `stateful:${current.state}:${event}`;
        if (t.status !== 200) {
          const code = t.status === 409 ? 'REC_CONFLICT' : 'REC_BAD_REQUEST';
          const issue = t.status === 409 ? (/already exists/i.test(t.diagnostics ?? '') ? 'duplicate' : 'conflict') : 'value';
          return { ...toAnswer(barsError(t.status, [{ code, issue, diagnostics: `${organisationLabel(organisation)}: ${t.diagnostics ?? 'refused'}` }])), scenario };
        }
        const next = NEXT_STATE[event] ?? current.state;
        const booking = event === 'make-booking';
        this.store.setState(
          key,
          {
            state: next,
            appointmentIdentifier: booking ? identifierOf(facts.msg, 'Appointment') : next === 'initial' ? undefined : current.appointmentIdentifier,
            serviceRequestIdentifier: booking ? identifierOf(facts.msg, 'ServiceRequest') : next === 'initial' ? undefined : current.serviceRequestIdentifier,
          },
          now,
        );
        return { status: 200, body: returnedResource(focusType, randomUUID(), now), scenario };
      }
    }

    const s = findProcessMessageScenario(this.table, facts, target);
    if (s && s.response.status !== 200) return { ...toAnswer(barsError(s.response.status, scenarioDiagnostics(s))), scenario: s.id };
    const returns = s?.response.returns;
    return { status: 200, body: returnedResource(returns?.resourceType ?? focusType, returns?.id ?? randomUUID(), now), ...(s ? { scenario: s.id } : {}) };
  }

  private reports(path: string): Answer {
    const html = 'text/html; charset=utf-8';
    if (path === '/_reports' || path === '/_reports/') return { status: 200, body: renderReportList(this.store.listExchanges(), this.store.listAudit(200)), contentType: html };
    const m = /^\/_reports\/(\d+)(\/validation)?$/.exec(path);
    const e = m ? this.store.getExchange(Number(m[1])) : undefined;
    if (!e) return { status: 404, body: '<!DOCTYPE html><title>Not found</title><p>No such report. <a href="/_reports">All reports</a></p>', contentType: html };
    return { status: 200, body: m![2] ? renderValidationReport(e) : renderExchangePage(e), contentType: html };
  }

  close(): void {
    this.store.close();
  }
}

/** The BaRS error response for a request that failed validation, or undefined when it passed. */
export function rejection(v: RequestValidation, checked: CheckedRequest | undefined): BarsError | undefined {
  if (!checked) {
    const issues = v.issues.filter(isError);
    return barsError(400, (issues.length ? issues : [{ message: 'the request could not be read' } as ValidationIssue]).map((i) => ({ code: 'SEND_BAD_REQUEST', issue: 'structure', diagnostics: `The API was unable to process the request: ${i.message}` })));
  }
  // Authorization is checked by the token layer (or not at all with --auth none)
  const http = checked.issues.filter((i) => isError(i) && i.ruleId !== 'BARS-HTTP-13');
  const bodyIssues = (checked.body?.result.issues ?? []).filter(isError);
  if (!http.length && !bodyIssues.length) return undefined;
  const has = (rule: string): boolean => http.some((i) => i.ruleId === rule);
  const where = (i: ValidationIssue): string => (i.expression ? ` (at ${i.expression}${i.line !== undefined ? `, line ${i.line}` : ''})` : '');
  if (has('BARS-HTTP-02')) return barsError(404, http.filter((i) => i.ruleId === 'BARS-HTTP-02').map((i) => ({ code: 'PROXY_NOT_FOUND', diagnostics: `The resource was not found within BaRS: ${i.message}` })));
  if (has('BARS-HTTP-03')) return barsError(405, http.filter((i) => i.ruleId === 'BARS-HTTP-03').map((i) => ({ code: 'SEND_METHOD_NOT_ALLOWED', diagnostics: i.message })));
  if (has('BARS-HTTP-06')) return barsError(406, http.filter((i) => i.ruleId === 'BARS-HTTP-06').map((i) => ({ code: 'SEND_NOT_ACCEPTABLE', issue: 'processing', diagnostics: i.message })));
  const issues: ErrorIssue[] = [
    ...http.map((i) =>
      i.ruleId === 'BARS-HTTP-08' && i.code === 'structure'
        ? { code: 'PROXY_BAD_REQUEST', issue: 'structure' as const, diagnostics: `BaRS was unable to process the request: ${i.message}`, expression: i.expression }
        : { code: 'SEND_BAD_REQUEST', issue: i.code === 'required' ? ('required' as const) : ('value' as const), diagnostics: `The API was unable to process the request: ${i.message}${where(i)}`, expression: i.expression },
    ),
    ...bodyIssues.map((i) => ({ code: 'REC_BAD_REQUEST', issue: 'invalid' as const, diagnostics: `bars serve was unable to process the request: ${i.message}${where(i)}`, expression: i.expression })),
  ];
  // a sender fixes the first problems first; an answer of thousands of issues helps nobody
  const MAX = 100;
  const more = issues.length - MAX;
  const shown = issues.slice(0, MAX);
  if (more > 0) shown.push({ code: shown[0]!.code, diagnostics: `…and ${more} more problems: see the report at /_reports` });
  return barsError(400, shown);
}

function toAnswer(e: BarsError): Answer {
  return { status: e.status, body: e.body };
}

function codeOf(e: BarsError): string {
  const issue = (e.body.issue as Record<string, unknown>[] | undefined)?.[0];
  return str(rec(arr(rec(issue?.details)?.coding)[0])?.code) ?? '';
}

function scenarioDiagnostics(s: Scenario): string {
  return `bars serve answered as TKW does for the scenario "${s.test}" (${s.id}${s.sentinel ? `, sentinel ${s.sentinel}` : ''})`;
}

/** No Accept, or one that takes FHIR JSON (or anything). */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0]!.trim().toLowerCase();
    const q = /;\s*q=([\d.]+)/.exec(part)?.[1];
    return (q === undefined || Number(q) > 0) && ['application/fhir+json', 'application/json', 'application/*', '*/*'].includes(type);
  });
}

function headerValue(headers: [string, string][], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** The ODS code in NHSD-End-User-Organisation: state and reports are kept per organisation, as TKW does. */
export function organisationOf(headers: [string, string][]): string | null {
  const raw = headerValue(headers, 'NHSD-End-User-Organisation');
  if (!raw) return null;
  const d = decodeBase64Json(raw);
  const org = rec(d.value as unknown);
  const ods = arr(org?.identifier).map(rec).find((i) => i?.system === 'https://fhir.nhs.uk/Id/ods-organization-code');
  return str(ods?.value) ?? null;
}

function organisationLabel(org: string | null): string {
  return org ? `bars serve (for ${org})` : 'bars serve';
}

function targetOf(headers: [string, string][]): string | undefined {
  const raw = headerValue(headers, 'NHSD-Target-Identifier');
  if (!raw) return undefined;
  return str(rec(decodeBase64Json(raw).value as unknown)?.value);
}

function asidOf(headers: [string, string][]): string | null {
  return headerValue(headers, 'NHSD-ASID') ?? headerValue(headers, 'NHSD-Requesting-ASID') ?? null;
}

function clientCertOf(req: IncomingMessage): string | null {
  const sock = req.socket as TLSSocket;
  if (!sock.encrypted || typeof sock.getPeerCertificate !== 'function') return null;
  const cert = sock.getPeerCertificate();
  return cert?.subject?.CN ? `cert:${String(cert.subject.CN)}` : null;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Start a server; port 0 picks a free one. */
export async function startServe(options: ServeOptions & { port?: number; host?: string }): Promise<RunningServer> {
  const serve = new BarsServe(options);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void serve.handle(req, res).catch((e) => {
      // handle() answers every failure itself; this is the last line if writing the answer failed
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': FHIR_JSON });
        res.end(JSON.stringify(barsError(500, `bars serve encountered an unexpected error: ${(e as Error)?.message}`).body));
      } else res.destroy();
    });
  };
  const server: Server = options.tls
    ? (createHttpsServer(
        {
          cert: readFileSync(options.tls.cert),
          key: readFileSync(options.tls.key),
          ...(options.tls.clientCa ? { ca: readFileSync(options.tls.clientCa), requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      ) as unknown as Server)
    : createHttpServer(handler);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    store: serve.store,
    url: `${options.tls ? 'https' : 'http'}://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => {
          serve.close();
          resolve();
        });
      }),
  };
}
