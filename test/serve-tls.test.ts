/**
 * TLS-MA: bars serve over HTTPS requiring a client certificate under --client-ca, and bars
 * probe presenting one. The CA and certificates are made at test time with openssl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValidator, type Validator } from '../src/index.js';
import { runProbe } from '../src/probe/probe.js';
import { barsHeaders } from '../src/probe/requests.js';
import { tlsFetch } from '../src/probe/tls-fetch.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { TEST_CACHE } from './support/engine.js';

const HAS_OPENSSL = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!HAS_OPENSSL) console.warn('openssl not found: the TLS-MA tests of bars serve are skipped (they make a throwaway CA with it)');

let validator: Validator;
let srv: RunningServer;
let dir: string;
const f = (n: string): string => join(dir, n);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore', timeout: 30_000 });
}

/** A CA, a certificate signed by it (CN, optional subjectAltName), key and cert in PEM. */
function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`), '-days', '1', '-subj', `/CN=${name}`);
}
function makeCert(name: string, ca: string, cn: string, san?: string): void {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${cn}`);
  const ext = f(`${name}.ext`);
  writeFileSync(ext, san ? `subjectAltName=${san}\n` : 'basicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${ca}.pem`), '-CAkey', f(`${ca}.key`), '-CAcreateserial', '-out', f(`${name}.pem`), '-days', '1', '-extfile', ext);
}

describe.skipIf(!HAS_OPENSSL)('bars serve with TLS-MA', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bars-serve-tls-'));
    makeCa('ca');
    makeCa('other-ca');
    makeCert('server', 'ca', '127.0.0.1', 'IP:127.0.0.1');
    makeCert('client', 'ca', 'bars-probe-client');
    makeCert('stranger', 'other-ca', 'stranger');
    validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
    srv = await startServe({ validator, database: f('serve.db'), auth: 'none', port: 0, tls: { cert: f('server.pem'), key: f('server.key'), clientCa: f('ca.pem') } });
  }, 120_000);

  afterAll(async () => {
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers a client with a certificate from the CA, and records it in the audit log', async () => {
    expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const get = tlsFetch({ cert: f('client.pem'), key: f('client.key'), ca: f('ca.pem') });
    const r = await get(`${srv.url}${API_BASE_PATH}/metadata`, { headers: barsHeaders(), signal: AbortSignal.timeout(20_000) });
    expect(r.status).toBe(200);
    expect(srv.store.listAudit().at(-1)).toMatchObject({ actor: 'cert:bars-probe-client', outcome: expect.stringMatching(/^200/) });
  });

  it('refuses a client without a certificate, or with one from another CA', async () => {
    const none = tlsFetch({ ca: f('ca.pem') });
    await expect(none(`${srv.url}${API_BASE_PATH}/metadata`, { headers: barsHeaders(), signal: AbortSignal.timeout(20_000) })).rejects.toThrow();
    const stranger = tlsFetch({ cert: f('stranger.pem'), key: f('stranger.key'), ca: f('ca.pem') });
    await expect(stranger(`${srv.url}${API_BASE_PATH}/metadata`, { headers: barsHeaders(), signal: AbortSignal.timeout(20_000) })).rejects.toThrow();
  });

  it('bars probe presents its client certificate and finds the receiver green', async () => {
    const { failed, result } = await runProbe({ baseUrl: `${srv.url}${API_BASE_PATH}`, suites: ['metadata', 'referral'], validator, fetchImpl: tlsFetch({ cert: f('client.pem'), key: f('client.key'), ca: f('ca.pem') }), timeoutMs: 20_000 });
    expect(result.results.flatMap((r) => r.issues.filter((i) => i.severity === 'error').map((i) => i.message))).toEqual([]);
    expect(failed).toBe(0);
  });
});
