/**
 * Every HTTP request fixture (fixtures/http/, written by npm run build:http-fixtures) is pinned:
 * valid ones raise no error in the request or its body; each broken one raises exactly the
 * rules it was written to break, located in the file.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestSetup, validateRequestFile } from '../src/bars/http/validate-request.js';
import type { Engine } from '../src/engine.js';
import type { FileResult } from '../src/report/result.js';
import { HAS_CORPUS } from './support/corpus.js';
import { barsEngine } from './support/engine.js';

const DIR = resolve(import.meta.dirname, '..', 'fixtures', 'http');
const JWKS = join(DIR, 'test-signing.jwks');
const files = (d: string): string[] => readdirSync(join(DIR, d)).sort();
const errorsOf = (r: FileResult): string[] => [...new Set(r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => i.ruleId))].sort();

let engine: Engine;
beforeAll(async () => {
  engine = await barsEngine();
});
const run = (file: string, jwks = true): Promise<FileResult[]> => validateRequestFile(engine.validate, file, { ...requestSetup({ jwks: jwks ? JWKS : undefined }), hasProfile: engine.hasProfile });

describe('valid HTTP request fixtures', () => {
  it.each(files('valid'))('%s: no error in the request nor its body', async (f) => {
    const results = await run(join(DIR, 'valid', f));
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(errorsOf(r), `${r.file}: ${JSON.stringify(r.issues.filter((i) => i.severity === 'error').slice(0, 3), null, 1)}`).toEqual([]);
    expect(results.every((r) => r.valid)).toBe(true);
  });

  it('the HAR capture gives one result per entry, and one for the booking body', async () => {
    const results = await run(join(DIR, 'valid', 'APP1-slots-then-booking.har'));
    expect(results.map((r) => [r.file.replace(/^.*\//, ''), r.http?.part, r.http?.operation ?? r.resourceType])).toEqual([
      ['APP1-slots-then-booking.har#entries[0]', 'request', 'GET /Slot'],
      ['APP1-slots-then-booking.har#entries[1]', 'request', 'POST /$process-message'],
      ['APP1-slots-then-booking.har#log.entries[1].request.postData.text', 'body', 'Bundle'],
    ]);
    expect(results[2]!.bars).toMatchObject({ application: 'APP1', payload: 'booking-request' });
  });

  it('the token request verifies against the test JWKS', async () => {
    const [r] = await run(join(DIR, 'valid', 'token-request.http'));
    expect(r!.issues.find((i) => i.ruleId === 'BARS-HTTP-17')!.message).toMatch(/verifies with --jwks/);
  });
});

describe('broken HTTP request fixtures', () => {
  // file → the error rule ids of its request result (all of them) and what its body must raise
  const expected: Record<string, { request: string[]; body?: string[] }> = {
    'accept-json.http': { request: ['BARS-HTTP-06'] },
    'body-bad-nhs-number.request.json': { request: [], body: ['BARS-CORE-13'] },
    'body-not-message.http': { request: [], body: ['BARS-HTTP-19'] },
    'content-type-json.http': { request: ['BARS-HTTP-05'] },
    'har-without-entries.har': { request: ['BARS-HTTP-01'] },
    'malformed-request-line.http': { request: ['BARS-HTTP-01'] },
    'no-authorization.http': { request: ['BARS-HTTP-13'] },
    // cardinality-min: UK Core's ODS code slice needs a value (only with UK Core loaded)
    'organisation-invalid.http': { request: ['BARS-HTTP-10', ...(HAS_CORPUS ? ['cardinality-min'] : []), 'unknown-element'] },
    'practitioner-no-role-id.http': { request: ['BARS-HTTP-11'] },
    'request-id-not-uuid.http': { request: ['BARS-HTTP-07'] },
    'slot-bad-query.http': { request: ['BARS-HTTP-04'] },
    'software-spec-example.http': { request: ['json-array-expected'] },
    'target-identifier-mismatch.http': { request: ['BARS-HTTP-09'] },
    'target-identifier-not-base64.http': { request: ['BARS-HTTP-08'] },
    'token-bad-signature.http': { request: ['BARS-HTTP-17'] },
    'token-expired.http': { request: ['BARS-HTTP-16'] },
    'token-not-form.http': { request: ['BARS-HTTP-18'] },
    'token-rs256.http': { request: ['BARS-HTTP-15', 'BARS-HTTP-17'] },
    'unknown-path.http': { request: ['BARS-HTTP-02'] },
    'wrong-method.http': { request: ['BARS-HTTP-03'] },
  };

  it('every broken HTTP fixture is pinned', () => {
    expect(files('invalid')).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s raises %j', async (f, want) => {
    const results = await run(join(DIR, 'invalid', f));
    const [request, body] = results;
    expect(request!.valid && (!body || body.valid)).toBe(false);
    expect(errorsOf(request!)).toEqual(want.request);
    for (const i of request!.issues) {
      expect(i.line, `${i.ruleId} has no line`).toBeGreaterThan(0);
      if (/^BARS-HTTP-/.test(i.ruleId)) expect(i.bars?.guidePage, `${i.ruleId} cites its guide page`).toMatch(/\.page\.md$/);
    }
    if (want.body) for (const id of want.body) expect(errorsOf(body!)).toContain(id);
    else if (body) expect(errorsOf(body), body.file).toEqual([]);
  });

  it('header issues from the engine carry the header\'s rule', async () => {
    const [r] = await run(join(DIR, 'invalid', 'software-spec-example.http'));
    expect(r!.issues.filter((i) => i.ruleId === 'json-array-expected').map((i) => i.bars?.rule)).toEqual(['BARS-HTTP-12', 'BARS-HTTP-12']);
  });

  it('without a key the bad signature is not an error, only "not verified"', async () => {
    const [r] = await run(join(DIR, 'invalid', 'token-bad-signature.http'), false);
    expect(errorsOf(r!)).toEqual([]);
    expect(r!.issues.find((i) => i.ruleId === 'BARS-HTTP-17')).toMatchObject({ severity: 'information' });
  });
});
