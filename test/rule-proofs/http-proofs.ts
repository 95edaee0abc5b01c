/**
 * Rule proofs for the BaRS HTTP exchange rules (rules/http/http-rules.json), from the guide's
 * BaRS FHIR API and failure scenario pages: one well-formed GET /metadata request, and for each
 * rule the same request broken in that one way. See fhir-proofs.ts for the shape.
 */
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
function request(change: { line?: string; headers?: Record<string, string | null> } = {}): string {
  const headers = HEADERS.map(([k, v]) => [k, k in (change.headers ?? {}) ? change.headers![k]! : v] as const).filter(([, v]) => v !== null);
  return `${change.line ?? `GET ${BASE}/metadata HTTP/1.1`}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}

export const HTTP_PROOFS: RuleProof[] = [
  { id: 'BARS-HTTP-02', why: 'the path is an endpoint of the BaRS API', invalid: request({ line: `GET ${BASE}/Patient HTTP/1.1` }), at: 'request.url', valid: request(), request: true },
  { id: 'BARS-HTTP-03', why: 'GET /metadata: other methods answer 405', invalid: request({ line: `DELETE ${BASE}/metadata HTTP/1.1` }), at: 'request.method', valid: request(), request: true },
  { id: 'BARS-HTTP-06', why: 'Accept carries the API version', invalid: request({ headers: { Accept: 'application/fhir+json' } }), at: 'header:Accept', valid: request(), request: true },
  { id: 'BARS-HTTP-07', why: 'X-Request-ID is sent', invalid: request({ headers: { 'X-Request-ID': null } }), at: 'header:X-Request-ID', valid: request(), request: true },
  { id: 'BARS-HTTP-13', why: 'requests carry Authorization: Bearer <access token>', invalid: request({ headers: { Authorization: null } }), at: 'header:Authorization', valid: request(), request: true },
];
