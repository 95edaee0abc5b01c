/**
 * bars serve's reports and audit log: every exchange stored with its request, response and
 * validation; GET /_reports lists them; the audit log is append-only and loses no acknowledged
 * entry when the server is killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValidator, type Validator } from '../src/index.js';
import { barsHeaders, processMessageRequest } from '../src/probe/requests.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { ServeStore } from '../src/serve/store.js';
import { TEST_CACHE } from './support/engine.js';

let validator: Validator;
let srv: RunningServer;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
  dir = mkdtempSync(join(tmpdir(), 'bars-serve-reports-'));
  srv = await startServe({ validator, database: join(dir, 'serve.db'), auth: 'none', port: 0 });
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reports and audit', () => {
  it('stores each exchange with request, response and validation, and lists them at /_reports', async () => {
    const ok = processMessageRequest('APP1-booking-request', { nhsNumber: '9658499007' });
    const r1 = await fetch(`${srv.url}${API_BASE_PATH}${ok.path}`, { method: 'POST', headers: ok.headers, body: ok.body, signal: AbortSignal.timeout(30_000) });
    expect(r1.status).toBe(200);
    const r2 = await fetch(`${srv.url}${API_BASE_PATH}/metadata`, { headers: { ...barsHeaders(), 'X-Request-ID': 'nope' }, signal: AbortSignal.timeout(30_000) });
    expect(r2.status).toBe(400);
    const id1 = Number(r1.headers.get('x-bars-serve-report')!.split('/').pop());
    const id2 = Number(r2.headers.get('x-bars-serve-report')!.split('/').pop());
    const e1 = srv.store.getExchange(id1)!;
    expect(e1).toMatchObject({ method: 'POST', status: 200, valid: true, scenario: 'booking-6', organisation: 'RYE' });
    expect(e1.request.body).toBe(ok.body);
    expect(JSON.parse(e1.response.body!)).toMatchObject({ resourceType: 'Appointment', id: 'ce1c4ced-2a84-4198-9982-9caf894d0bb7' });
    const e2 = srv.store.getExchange(id2)!;
    expect(e2).toMatchObject({ status: 400, valid: false });
    expect(JSON.stringify(e2.validation)).toContain('BARS-HTTP-07');

    const list = await (await fetch(`${srv.url}/_reports`, { signal: AbortSignal.timeout(10_000) })).text();
    expect(list).toContain(`data-exchange="${id1}"`);
    expect(list).toContain(`data-exchange="${id2}"`);
    expect(list).toContain('booking-6');
    const page = await fetch(`${srv.url}/_reports/${id2}`, { signal: AbortSignal.timeout(10_000) });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('BARS-HTTP-07');
    const report = await (await fetch(`${srv.url}/_reports/${id2}/validation`, { signal: AbortSignal.timeout(10_000) })).text();
    expect(report).toMatch(/BaRS validation report/);
    expect(report).toContain('BARS-HTTP-07');
    expect((await fetch(`${srv.url}/_reports/999999`, { signal: AbortSignal.timeout(10_000) })).status).toBe(404);
  });

  it('keeps an append-only audit log of who did what, when, with what outcome', () => {
    const audit = srv.store.listAudit();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit.find((a) => a.what === 'POST /booking-and-referral/FHIR/R4/$process-message')).toMatchObject({ organisation: 'RYE', outcome: '200 booking-6' });
    expect(audit.find((a) => /^400 SEND_BAD_REQUEST/.test(a.outcome))).toBeDefined();
    const db = new ServeStore(join(dir, 'serve.db'));
    try {
      expect(() => (db as unknown as { db: { exec(s: string): void } }).db.exec('UPDATE audit SET outcome = 1')).toThrow(/append-only/);
      expect(() => (db as unknown as { db: { exec(s: string): void } }).db.exec('DELETE FROM audit')).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('writes with WAL, fsync\'d by the store before the answer rather than inside COMMIT (synchronous=NORMAL)', () => {
    // the fsync itself, and answers waiting for it, are tested in src/serve/store.test.ts
    const store = new ServeStore(join(dir, 'pragma.db'));
    try {
      const db = (store as unknown as { db: { pragma(s: string, o: { simple: true }): unknown } }).db;
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      store.close();
    }
  });

  it('loses no acknowledged exchange or audit entry when the server is killed with SIGKILL', async () => {
    const db = join(dir, 'killed.db');
    child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'serve-child.ts'), db], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not start within 90 s')), 90_000);
      createInterface({ input: child!.stdout! }).once('line', (l) => {
        clearTimeout(timer);
        resolve((JSON.parse(l) as { url: string }).url);
      });
      child!.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
    });
    const acknowledged: number[] = [];
    const N = 24;
    const deadline = Date.now() + 60_000;
    for (let i = 0; i < N && Date.now() < deadline; i++) {
      const bad = i % 3 === 0;
      const r = await fetch(`${url}${API_BASE_PATH}/metadata`, { headers: { ...barsHeaders(), ...(bad ? { 'X-Request-ID': `bad-${i}` } : {}) }, signal: AbortSignal.timeout(20_000) });
      expect(r.status).toBe(bad ? 400 : 200);
      acknowledged.push(Number(r.headers.get('x-bars-serve-report')!.split('/').pop()));
    }
    expect(acknowledged).toHaveLength(N);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const store = new ServeStore(db);
    try {
      for (const id of acknowledged) expect(store.getExchange(id), `exchange ${id}`).toBeDefined();
      expect(store.listAudit().filter((a) => a.what.endsWith('/metadata'))).toHaveLength(N);
    } finally {
      store.close();
    }
  }, 180_000);
});
