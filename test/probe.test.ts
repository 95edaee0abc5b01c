/**
 * bars probe and bars serve test each other: the probe against serve is all green; against a
 * deliberately broken receiver every fault is reported, with its rule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { createValidator, type Validator } from '../src/index.js';
import { runProbe, SUITES } from '../src/probe/probe.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { TEST_CACHE } from './support/engine.js';

let validator: Validator;
let srv: RunningServer;
let broken: Server;
let brokenUrl: string;
let dir: string;

/**
 * A receiver with three faults: /metadata answers 201, $process-message does not echo the
 * transaction ids, and errors are OperationOutcomes without the guide's error code.
 */
function brokenReceiver(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo = { 'X-Request-ID': String(req.headers['x-request-id'] ?? ''), 'X-Correlation-ID': String(req.headers['x-correlation-id'] ?? '') };
      const json = (status: number, body: unknown, headers: Record<string, string> = echo): void => {
        res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...headers });
        res.end(JSON.stringify(body));
      };
      const path = (req.url ?? '').split('?')[0]!;
      if (path.endsWith('/metadata')) return json(201, { resourceType: 'CapabilityStatement', status: 'active', date: '2026-01-01', kind: 'instance', fhirVersion: '4.0.1', format: ['json'] });
      if (path.endsWith('/$process-message')) {
        const body = Buffer.concat(chunks).toString('utf8');
        if (body.includes('1234567890') || body.includes('"collection"')) return json(400, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid' }] });
        return json(200, { resourceType: 'ServiceRequest', status: 'active', intent: 'plan', subject: { display: 'x' } }, {});
      }
      json(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'nothing here' }] });
    });
  });
}

beforeAll(async () => {
  validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
  dir = mkdtempSync(join(tmpdir(), 'bars-probe-'));
  srv = await startServe({ validator, database: join(dir, 'serve.db'), auth: 'none', port: 0 });
  broken = brokenReceiver();
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}${API_BASE_PATH}`;
}, 120_000);

afterAll(async () => {
  await srv?.close();
  broken?.closeAllConnections();
  await new Promise((resolve) => broken?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('bars probe', () => {
  it('finds bars serve all green', async () => {
    const { result, failed } = await runProbe({ baseUrl: `${srv.url}${API_BASE_PATH}`, suites: SUITES, validator, timeoutMs: 20_000 });
    const errors = result.results.flatMap((r) => r.issues.filter((i) => i.severity === 'error').map((i) => `${r.file}: ${i.ruleId} ${i.message}`));
    expect(errors).toEqual([]);
    expect(failed).toBe(0);
    expect(result.results.filter((r) => !r.file.endsWith('#response')).map((r) => r.file.split(':')[0])).toEqual([
      'metadata', 'message-definitions', 'slot-search', 'booking-new', 'booking-cancel', 'referral-new', 'referral-cancel',
      'validation-request', 'validation-response', 'validation-interim', 'error-invalid-payload', 'error-not-a-message',
    ]);
  }, 120_000);

  it('reports each fault of a broken receiver: wrong status, missing echo, invalid OperationOutcome', async () => {
    const { result, failed } = await runProbe({ baseUrl: brokenUrl, suites: SUITES, validator, timeoutMs: 20_000 });
    expect(failed).toBeGreaterThan(0);
    const issues = (id: string): { ruleId: string; message: string }[] => result.results.filter((r) => r.file.startsWith(`${id}:`)).flatMap((r) => r.issues.filter((i) => i.severity === 'error'));
    expect(issues('metadata')).toContainEqual(expect.objectContaining({ ruleId: 'BARS-PROBE-01', message: expect.stringMatching(/expected HTTP 200, the receiver answered 201/) }));
    expect(issues('booking-new').filter((i) => i.ruleId === 'BARS-PROBE-02').map((i) => i.message)).toEqual([expect.stringMatching(/no X-Request-ID/), expect.stringMatching(/no X-Correlation-ID/)]);
    const oo = issues('error-invalid-payload').filter((i) => i.ruleId === 'BARS-PROBE-05').map((i) => i.message);
    expect(oo).toEqual([expect.stringMatching(/no details.coding from https:\/\/fhir.nhs.uk\/CodeSystem\/http-error-codes/), expect.stringMatching(/no diagnostics/)]);
    // the unanswered MessageDefinition search: 404 where 200 was due
    expect(issues('message-definitions')).toContainEqual(expect.objectContaining({ ruleId: 'BARS-PROBE-01' }));
  }, 120_000);

  it('reports an unreachable receiver instead of crashing', async () => {
    const { result, failed } = await runProbe({ baseUrl: 'http://127.0.0.1:9/none', suites: ['metadata'], validator, timeoutMs: 5_000 });
    expect(failed).toBe(1);
    expect(result.results[0]!.issues[0]).toMatchObject({ ruleId: 'BARS-PROBE-06', severity: 'error' });
  });

  it('CLI: help lists the options, and bad arguments are usage errors', async () => {
    const out: string[] = [];
    const io = { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WriteStream;
    const orig = { o: process.stdout.write, e: process.stderr.write };
    process.stdout.write = io.write as never;
    process.stderr.write = io.write as never;
    try {
      expect(await main(['probe', '--help'])).toBe(0);
      expect(await main(['serve', '--help'])).toBe(0);
      expect(await main(['probe'])).toBe(2);
      expect(await main(['probe', 'http://127.0.0.1:9', '--suite', 'nope'])).toBe(2);
      expect(await main(['serve', '--auth', 'apim'])).toBe(2);
    } finally {
      process.stdout.write = orig.o;
      process.stderr.write = orig.e;
    }
    const text = out.join('');
    for (const opt of ['--suite', '--target', '--token', '--key', '--cert', '--format', '--output']) expect(text).toContain(opt);
    for (const opt of ['--port', '--host', '--db', '--reset-state', '--state-ttl', '--auth', '--jwks', '--tls-cert', '--tls-key', '--client-ca']) expect(text).toContain(opt);
    expect(text).toMatch(/unknown suite/);
    expect(text).toMatch(/--auth apim needs --jwks/);
  });
});
