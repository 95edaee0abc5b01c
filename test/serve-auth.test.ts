/**
 * bars serve authenticating as API-M: POST /oauth2/token with a signed client assertion
 * (RS512, kid in the JWKS, iss = sub, aud, fresh jti, exp ≤ 5 min) → bearer token; API calls
 * without a live token → 401 SEND_UNAUTHORIZED.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as B from '../scripts/fixtures/http-builder.js';
import { createValidator, type Validator } from '../src/index.js';
import { barsHeaders } from '../src/probe/requests.js';
import { fetchToken, runProbe } from '../src/probe/probe.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { TEST_CACHE } from './support/engine.js';

let validator: Validator;
let srv: RunningServer;
let dir: string;
let key: Awaited<ReturnType<typeof B.testKeyPair>>;
let clock = Date.now();

beforeAll(async () => {
  validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
  key = await B.testKeyPair('serve-test-kid');
  dir = mkdtempSync(join(tmpdir(), 'bars-serve-auth-'));
  srv = await startServe({ validator, database: join(dir, 'serve.db'), auth: 'apim', jwks: { keys: [key.publicJwk] }, tokenTtlSeconds: 60, port: 0, now: () => new Date(clock) });
}, 120_000);

afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function token(o: B.AssertionOptions = {}, signWith = key.privateKey): Promise<{ status: number; json: Record<string, any> }> {
  const assertion = await B.clientAssertion(signWith, { kid: 'serve-test-kid', aud: `${srv.url}/oauth2/token`, jti: randomUUID(), now: new Date(clock), ...o });
  const r = await fetch(`${srv.url}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: B.tokenRequestBody(assertion), signal: AbortSignal.timeout(20_000) });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
}

const metadata = (authorization?: string): Promise<Response> =>
  fetch(`${srv.url}${API_BASE_PATH}/metadata`, { headers: barsHeaders({ authorization }), signal: AbortSignal.timeout(20_000) });

describe('API-M style auth', () => {
  it('issues a short-lived bearer token for a good assertion, and API calls succeed with it', async () => {
    const t = await token();
    expect(t.status, JSON.stringify(t.json)).toBe(200);
    expect(t.json).toMatchObject({ token_type: 'Bearer', expires_in: '60' });
    expect((await metadata(`Bearer ${t.json.access_token}`)).status).toBe(200);
  });

  it('answers API calls without a valid token 401 SEND_UNAUTHORIZED with an OperationOutcome', async () => {
    for (const auth of [undefined, 'Bearer not-issued-here', 'Basic abc']) {
      const r = await metadata(auth);
      expect(r.status, String(auth)).toBe(401);
      const oo = (await r.json()) as Record<string, any>;
      expect(oo.resourceType).toBe('OperationOutcome');
      expect(oo.issue[0].details.coding[0].code).toBe('SEND_UNAUTHORIZED');
      expect(oo.issue[0].code).toBe('login');
    }
  });

  it('expires tokens', async () => {
    const t = await token();
    clock += 61_000;
    const r = await metadata(`Bearer ${t.json.access_token}`);
    expect(r.status).toBe(401);
    expect(((await r.json()) as Record<string, any>).issue[0].code).toBe('expired');
  });

  it('refuses a replayed jti', async () => {
    const jti = randomUUID();
    expect((await token({ jti })).status).toBe(200);
    const again = await token({ jti });
    expect(again.status).toBe(400);
    expect(again.json.error_description).toMatch(/used before/);
  });

  it('refuses bad assertions: unknown kid, wrong key, RS256, iss ≠ sub, wrong aud, exp > 5 min, no jti', async () => {
    const other = await generateKeyPair('RS512', { extractable: true });
    const rs256 = await generateKeyPair('RS256', { extractable: true });
    const cases: [string, () => Promise<{ status: number; json: Record<string, any> }>, RegExp][] = [
      ['unknown kid', () => token({ kid: 'someone-else' }), /No key .* matches kid/],
      ['wrong key', () => token({}, other.privateKey), /does not verify/],
      ['RS256', () => token({ alg: 'RS256' }, rs256.privateKey), /RS512/],
      ['iss ≠ sub', () => token({ sub: 'another-key' }), /iss .* and sub .* differ/],
      ['wrong aud', () => token({ aud: 'https://int.api.service.nhs.uk/oauth2/token' }), /aud/],
      ['exp too far', () => token({ expIn: 600 }), /at most 5 minutes/],
      ['no jti', () => token({ jti: null }), /jti/],
    ];
    for (const [name, send, message] of cases) {
      const r = await send();
      expect(r.status, name).toBeGreaterThanOrEqual(400);
      expect(r.status, name).toBeLessThan(500);
      expect(r.json.error_description, name).toMatch(message);
    }
  });

  it('bars probe gets a token with its signed assertion and is let in', async () => {
    const assertion = await B.clientAssertion(key.privateKey, { kid: 'serve-test-kid', aud: `${srv.url}/oauth2/token`, jti: randomUUID(), now: new Date(clock) });
    const bearer = await fetchToken(`${srv.url}/oauth2/token`, assertion);
    const { failed } = await runProbe({ baseUrl: `${srv.url}${API_BASE_PATH}`, suites: ['metadata', 'booking'], validator, token: bearer, timeoutMs: 20_000 });
    expect(failed).toBe(0);
    const refused = await runProbe({ baseUrl: `${srv.url}${API_BASE_PATH}`, suites: ['metadata'], validator, timeoutMs: 20_000 });
    expect(refused.result.results[0]!.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/expected HTTP 200, the receiver answered 401/));
  });

  it('with --auth none there is no token endpoint and no token is needed', async () => {
    const s = await startServe({ validator, database: join(dir, 'none.db'), auth: 'none', port: 0 });
    try {
      expect((await fetch(`${s.url}${API_BASE_PATH}/metadata`, { headers: barsHeaders(), signal: AbortSignal.timeout(20_000) })).status).toBe(200);
      expect((await fetch(`${s.url}/oauth2/token`, { method: 'POST', signal: AbortSignal.timeout(20_000) })).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
