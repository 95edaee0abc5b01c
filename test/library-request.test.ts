/**
 * validateRequest from the package entry: a supplier pre-checks a request built in code
 * (headers as an object, the body as a parsed Bundle), as the README shows.
 */
import { describe, expect, it } from 'vitest';
import * as B from '../scripts/fixtures/http-builder.js';
import { createValidator, validateRequest, type Validator } from '../src/index.js';
import { TEST_CACHE } from './support/engine.js';

let shared: Promise<Validator> | undefined;
const validator = (): Promise<Validator> => (shared ??= createValidator({ cacheDir: TEST_CACHE, offline: true }));
const bundle = B.barsMessage('APP3-referral-request');
const request = (headers: Record<string, string> = {}) => ({
  method: 'POST',
  url: `${B.API_BASE}/$process-message`,
  headers: { ...Object.fromEntries(B.barsHeaders({ contentType: 'application/fhir+json', target: B.targetOf(bundle), useContext: B.useContextOf(bundle, 'referral') })), ...headers },
  body: bundle,
});

describe('validateRequest (library)', () => {
  it('passes a correct request built in code, with the body validated by the validator', async () => {
    const r = await validateRequest(await validator(), request());
    expect(r.valid, JSON.stringify(r.requests[0]!.issues.filter((i) => i.severity === 'error'))).toBe(true);
    expect(r.requests[0]).toMatchObject({ form: 'object', operation: 'POST /$process-message', body: { result: { resourceType: 'Bundle' } } });
  });

  it('reports a broken header with its rule, expression and guide page', async () => {
    const r = await validateRequest(await validator(), request({ 'X-Correlation-ID': 'abc' }));
    expect(r.valid).toBe(false);
    expect(r.requests[0]!.issues.find((i) => i.ruleId === 'BARS-HTTP-07')).toMatchObject({ expression: 'header:X-Correlation-ID', bars: { guidePage: 'Core/1-5-0/End-to-end-workflow/transactional-Integrity.page.md' } });
  });

  it('verifies a token request against a JWKS given as an object, as of the time given', async () => {
    const key = await B.testKeyPair();
    const raw = B.rawHttp({ method: 'POST', url: B.TOKEN_URL, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: B.tokenRequestBody(await B.clientAssertion(key.privateKey)) });
    const r = await validateRequest(await validator(), raw, { jwks: { keys: [key.publicJwk] }, now: new Date(B.SENT_AT) });
    expect(r.valid).toBe(true);
    expect(r.requests[0]!.issues.map((i) => i.message)).toEqual([expect.stringMatching(/signature verifies with the JWKS given/)]);
  });

  it('needs a validator from createValidator', async () => {
    await expect(validateRequest({ validate: async () => ({}) } as never, request())).rejects.toThrow(/createValidator/);
  });
});
