/**
 * bars serve over real HTTP on 127.0.0.1 (ephemeral port): every request validated before it is
 * answered, the guide's error responses for failures, never a crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as B from '../scripts/fixtures/http-builder.js';
import { createValidator, type Validator } from '../src/index.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { TEST_CACHE } from './support/engine.js';

let validator: Validator;
let srv: RunningServer;
let dir: string;

beforeAll(async () => {
  validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
  dir = mkdtempSync(join(tmpdir(), 'bars-serve-'));
  srv = await startServe({ validator, database: join(dir, 'serve.db'), auth: 'none', port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

const headers = (o: B.HeaderOptions = {}): Record<string, string> => Object.fromEntries(B.barsHeaders(o));

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Headers; json: Record<string, any> }> {
  const r = await fetch(`${srv.url}${API_BASE_PATH}${path}`, { method, headers: init.headers, body: init.body, signal: AbortSignal.timeout(30_000) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: text ? JSON.parse(text) : {} };
}

function codeOf(oo: Record<string, any>): string | undefined {
  return oo.issue?.[0]?.details?.coding?.[0]?.code;
}

describe('bars serve', () => {
  it('answers GET /metadata with a CapabilityStatement, echoing the transaction ids', async () => {
    const r = await call('GET', '/metadata', { headers: headers({ requestId: 'b8f1e2d3-4c5b-4a69-8f7e-1d2c3b4a5f6e' }) });
    expect(r.status).toBe(200);
    expect(r.json.resourceType).toBe('CapabilityStatement');
    expect(r.headers.get('x-request-id')).toBe('b8f1e2d3-4c5b-4a69-8f7e-1d2c3b4a5f6e');
    expect(r.headers.get('x-correlation-id')).toBe('0f2d1c3b-7a6e-4f5d-8c9b-2e1a0d3c4b5a');
    expect(r.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const v = await validator.validate(r.json);
    expect(v.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('takes a valid $process-message referral and answers 200 with the ServiceRequest', async () => {
    const m = B.barsMessage('APP3-referral-request');
    const r = await call('POST', '/$process-message', {
      headers: headers({ contentType: 'application/fhir+json', target: B.targetOf(m), useContext: B.useContextOf(m, 'referral') }),
      body: JSON.stringify(m),
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.resourceType).toBe('ServiceRequest');
  });

  it('refuses an invalid header with 400 SEND_BAD_REQUEST and an OperationOutcome that is itself valid', async () => {
    const r = await call('GET', '/metadata', { headers: headers({ correlationId: 'not-a-uuid' }) });
    expect(r.status).toBe(400);
    expect(codeOf(r.json)).toBe('SEND_BAD_REQUEST');
    expect(r.json.issue[0].diagnostics).toMatch(/X-Correlation-ID/);
    const v = await validator.validate(r.json);
    expect(v.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('refuses an invalid payload with 400 REC_BAD_REQUEST naming where the problem is', async () => {
    const m = B.barsMessage('APP3-referral-request');
    const patient = m.entry.find((e: any) => e.resource.resourceType === 'Patient').resource;
    patient.identifier[0].value = '1234567890';
    const r = await call('POST', '/$process-message', {
      headers: headers({ contentType: 'application/fhir+json', target: B.targetOf(m), useContext: B.useContextOf(m, 'referral') }),
      body: JSON.stringify(m),
    });
    expect(r.status).toBe(400);
    expect(r.json.issue.map((i: any) => i.details.coding[0].code)).toContain('REC_BAD_REQUEST');
    const issue = r.json.issue.find((i: any) => /NHS number/.test(i.diagnostics));
    expect(issue.expression).toEqual(['Bundle.entry[1].resource.identifier[0].value']);
    // the guide: diagnostics never carry patient identifiable information
    expect(JSON.stringify(r.json)).not.toMatch(/1234567890/);
  });

  it('answers a wrong method 405, an unknown path 404, a non-BaRS path 404', async () => {
    expect((await call('POST', '/metadata', { headers: headers({ contentType: 'application/fhir+json' }), body: '{}' })).status).toBe(405);
    const unknown = await call('GET', '/Patient', { headers: headers() });
    expect(unknown.status).toBe(404);
    expect(codeOf(unknown.json)).toBe('PROXY_NOT_FOUND');
    const r = await fetch(`${srv.url}/elsewhere`, { signal: AbortSignal.timeout(10_000) });
    expect(r.status).toBe(404);
  });

  it('answers a valid request asking for XML 406 REC_NOT_ACCEPTABLE: it answers JSON only', async () => {
    const r = await call('GET', '/metadata', { headers: headers({ accept: 'application/fhir+xml; version=1.0.0' }) });
    expect(r.status).toBe(406);
    expect(codeOf(r.json)).toBe('REC_NOT_ACCEPTABLE');
  });

  it('survives hostile requests: malformed escapes, deep nesting, a body over the limit', async () => {
    expect((await call('GET', '/ServiceRequest/%E0%A4%A', { headers: headers() })).status).toBe(404);
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const d = await call('POST', '/$process-message', { headers: headers({ contentType: 'application/fhir+json', useContext: 'a1t1|referral|servicerequest-request|new' }), body: deep });
    expect(d.status).toBeGreaterThanOrEqual(400);
    expect(d.json.resourceType).toBe('OperationOutcome');
    const big = await fetch(`${srv.url}${API_BASE_PATH}/$process-message`, { method: 'POST', headers: headers({ contentType: 'application/fhir+json' }), body: 'x'.repeat(11 * 1024 * 1024), signal: AbortSignal.timeout(30_000) }).catch((e: Error) => e);
    if (!(big instanceof Error)) expect(big.status).toBe(413);
    expect((await call('GET', '/metadata', { headers: headers() })).status).toBe(200);
  });

  it('answers garbage with a 400 OperationOutcome, never a crash', async () => {
    for (const body of ['{', '<Bundle', '\u0000\u0001', '[]', 'null']) {
      const r = await call('POST', '/$process-message', { headers: headers({ contentType: 'application/fhir+json', useContext: 'a1t1|referral|servicerequest-request|new' }), body });
      expect(r.status, body).toBe(400);
      expect(r.json.resourceType).toBe('OperationOutcome');
    }
    // still alive
    expect((await call('GET', '/metadata', { headers: headers() })).status).toBe(200);
  });

  it('answers 500 with an OperationOutcome when something inside fails', async () => {
    const broken = { validate: async () => { throw new Error('boom'); }, diagnostics: [] } as unknown as Validator;
    const s = await startServe({ validator: broken, database: join(dir, 'broken.db'), auth: 'none', port: 0 });
    try {
      const r = await fetch(`${s.url}${API_BASE_PATH}/metadata`, { headers: headers(), signal: AbortSignal.timeout(10_000) });
      expect(r.status).toBe(500);
      const oo = (await r.json()) as Record<string, any>;
      expect(codeOf(oo)).toBe('REC_SERVER_ERROR');
      expect(oo.issue[0].diagnostics).toMatch(/createValidator|boom/);
    } finally {
      await s.close();
    }
  });
});
