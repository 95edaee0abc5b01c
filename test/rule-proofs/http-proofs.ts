/**
 * Rule proofs for the BaRS HTTP exchange rules (rules/http/http-rules.json), from the guide's
 * BaRS FHIR API and failure scenario pages: one well-formed GET /metadata request, and for each
 * rule the same request broken in that one way. See fhir-proofs.ts for the shape.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { RuleProof } from './fhir-proofs.js';

const BASE = '/booking-and-referral/FHIR/R4';
const HEADERS: [string, string][] = [
  ['Host', 'int.api.service.nhs.uk'],
  ['Accept', 'application/fhir+json; version=1.0.0'],
  ['X-Request-ID', '60E0B220-8136-4CA5-AE46-1D97EF59D068'],
  ['X-Correlation-ID', '11C46F5F-CDEF-4865-94B2-0EE0EDCC26DA'],
  // base64 of {"value":"2000072489","system":"https://fhir.nhs.uk/Id/dos-service-id"}
  ['NHSD-Target-Identifier', 'eyJ2YWx1ZSI6IjIwMDAwNzI0ODkiLCJzeXN0ZW0iOiJodHRwczovL2ZoaXIubmhzLnVrL0lkL2Rvcy1zZXJ2aWNlLWlkIn0='],
  ['Authorization', 'Bearer a1b2c3d4e5f6'],
];

/** The request with `change` applied to its request line and headers (a header set to null is left out). */
export function request(change: { line?: string; headers?: Record<string, string | null> } = {}): string {
  const headers = HEADERS.map(([k, v]) => [k, k in (change.headers ?? {}) ? change.headers![k]! : v] as const).filter(([, v]) => v !== null);
  return `${change.line ?? `GET ${BASE}/metadata HTTP/1.1`}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}

// ---------------------------------------------------------------- $process-message and the token request

const DOS = 'https://fhir.nhs.uk/Id/dos-service-id';
const target = (value: string): string => Buffer.from(JSON.stringify({ value, system: DOS })).toString('base64');
/** A message Bundle addressed to DoS service `to` (MessageHeader.destination.endpoint is system|value, the guide's Message Headers page). */
const messageBody = (to: string): string =>
  JSON.stringify({
    resourceType: 'Bundle',
    type: 'message',
    timestamp: '2026-10-05T09:15:00+00:00',
    identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:6f0a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' },
    entry: [{ fullUrl: 'urn:uuid:1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', resource: { resourceType: 'MessageHeader', id: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', eventCoding: { system: 'https://fhir.nhs.uk/CodeSystem/message-events-bars', code: 'servicerequest-request' }, destination: [{ endpoint: `${DOS}|${to}` }], source: { endpoint: `${DOS}|2000011111` }, reason: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/message-reason-bars', code: 'new' }] } } }],
  });
const PROCESS: [string, string][] = [
  ['Host', 'int.api.service.nhs.uk'],
  ['Content-Type', 'application/fhir+json'],
  ['Accept', 'application/fhir+json; version=1.0.0'],
  ['X-Request-ID', '60E0B220-8136-4CA5-AE46-1D97EF59D068'],
  ['X-Correlation-ID', '11C46F5F-CDEF-4865-94B2-0EE0EDCC26DA'],
  ['NHSD-Target-Identifier', target('2000072489')],
  ['use-context', 'a1t1|referral|servicerequest-request|new'],
  ['Authorization', 'Bearer a1b2c3d4e5f6'],
];
/** POST $process-message with `body` (null: none) and `change` applied to its headers. */
function processMessage(body: string | null = messageBody('2000072489'), change: Record<string, string | null> = {}): string {
  const headers = PROCESS.map(([k, v]) => [k, k in change ? change[k]! : v] as const).filter(([, v]) => v !== null);
  return `POST ${BASE}/$process-message HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body ?? ''}`;
}

/** The token endpoint (Authenticate with BaRS): a form carrying a signed JWT, checked as of the request's Date header. */
const TOKEN_URL = 'https://int.api.service.nhs.uk/oauth2/token';
const SENT = Date.parse('2026-10-05T09:15:00Z') / 1000;
const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const { privateKey: SIGNING_KEY, publicKey: REGISTERED_KEY } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const { privateKey: OTHER_KEY } = generateKeyPairSync('rsa', { modulusLength: 2048 });
export { OTHER_KEY, REGISTERED_KEY };
/** The guide's client assertion: RS512, typ JWT, kid; iss = sub = the API key, aud the token URL, a jti UUID, exp ≤ 5 min ahead. */
export function assertion(change: { header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: KeyObject } = {}): string {
  const header = { alg: 'RS512', typ: 'JWT', kid: 'test-1', ...change.header };
  const claims = { iss: 'api-key-123', sub: 'api-key-123', aud: TOKEN_URL, jti: '0b9b5c0e-6a4f-4f5e-9a0e-3c1d2b4a5e6f', exp: SENT + 240, ...change.claims };
  const signed = `${b64url(header)}.${b64url(claims)}`;
  return `${signed}.${sign('sha512', Buffer.from(signed), change.key ?? SIGNING_KEY).toString('base64url')}`;
}
export function tokenRequest(jwt = assertion(), form: Record<string, string> = {}, contentType = 'application/x-www-form-urlencoded'): string {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt, ...form }).toString();
  return `POST /oauth2/token HTTP/1.1\r\nHost: int.api.service.nhs.uk\r\nDate: ${new Date(SENT * 1000).toUTCString()}\r\nContent-Type: ${contentType}\r\n\r\n${body}`;
}


export const HTTP_PROOFS: RuleProof[] = [
  { id: 'BARS-HTTP-02', why: 'the path is an endpoint of the BaRS API', invalid: request({ line: `GET ${BASE}/Patient HTTP/1.1` }), at: 'request.url', valid: request(), request: true },
  { id: 'BARS-HTTP-03', why: 'GET /metadata: other methods answer 405', invalid: request({ line: `DELETE ${BASE}/metadata HTTP/1.1` }), at: 'request.method', valid: request(), request: true },
  { id: 'BARS-HTTP-06', why: 'Accept carries the API version', invalid: request({ headers: { Accept: 'application/fhir+json' } }), at: 'header:Accept', valid: request(), request: true },
  { id: 'BARS-HTTP-07', why: 'X-Request-ID is sent', invalid: request({ headers: { 'X-Request-ID': null } }), at: 'header:X-Request-ID', valid: request(), request: true },
  { id: 'BARS-HTTP-13', why: 'requests carry Authorization: Bearer <access token>', invalid: request({ headers: { Authorization: null } }), at: 'header:Authorization', valid: request(), request: true },
  { id: 'BARS-HTTP-01', why: 'a request is header lines "Name: value", then an empty line', invalid: request().replace('Accept: ', 'Accept '), at: 'header', valid: request(), request: true },
  { id: 'BARS-HTTP-04', why: 'GET /MessageDefinition takes the required query parameter context', invalid: request({ line: `GET ${BASE}/MessageDefinition HTTP/1.1` }), at: 'request.url.query.context', valid: request({ line: `GET ${BASE}/MessageDefinition?context=${encodeURIComponent(`${DOS}|2000072489`)} HTTP/1.1` }), request: true },
  { id: 'BARS-HTTP-05', why: 'the body is sent as application/fhir+json (application/json is not the FHIR media type)', invalid: processMessage(undefined, { 'Content-Type': 'application/json' }), at: 'header:Content-Type', valid: processMessage(), request: true },
  { id: 'BARS-HTTP-08', why: 'NHSD-Target-Identifier is base64 of a JSON identifier', invalid: request({ headers: { 'NHSD-Target-Identifier': 'dos-service-id|2000072489' } }), at: 'header:NHSD-Target-Identifier', valid: request(), request: true },
  { id: 'BARS-HTTP-09', why: 'NHSD-Target-Identifier routes to the MessageHeader.destination.endpoint of the message', invalid: processMessage(messageBody('2000099999')), at: 'header:NHSD-Target-Identifier', valid: processMessage(), request: true },
  { id: 'BARS-HTTP-14', why: "use-context names the body's event", invalid: processMessage(undefined, { 'use-context': 'a1t1|referral|booking-request|new' }), at: 'header:use-context', valid: processMessage(), request: true },
  { id: 'BARS-HTTP-15', why: 'the client assertion is signed RS512', invalid: tokenRequest(assertion({ header: { alg: 'RS256' } })), at: 'body:client_assertion/jwt.header.alg', valid: tokenRequest(), request: true },
  { id: 'BARS-HTTP-16', why: 'the client assertion expires at most 5 minutes after it is sent', invalid: tokenRequest(assertion({ claims: { exp: SENT + 600 } })), at: 'body:client_assertion/jwt.claims.exp', valid: tokenRequest(), request: true },
  { id: 'BARS-HTTP-18', why: 'a token request uses the client credentials grant', invalid: tokenRequest(undefined, { grant_type: 'authorization_code' }), at: 'body:grant_type', valid: tokenRequest(), request: true },
  { id: 'BARS-HTTP-19', why: '$process-message takes a body (a message Bundle)', invalid: processMessage(null), at: 'body', valid: processMessage(), request: true },
];
