/**
 * `bars report --serve-db`: the exchanges bars serve stored, re-rendered in the report formats,
 * all of them or one (--exchange), read from the database of a running server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../src/cli/report.js';
import { createValidator } from '../src/index.js';
import { barsHeaders, processMessageRequest } from '../src/probe/requests.js';
import type { RunResult } from '../src/report/result.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { TEST_CACHE } from './support/engine.js';

let srv: RunningServer;
let dir: string;
let db: string;
const ids: number[] = [];

async function report(args: string[]): Promise<string> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  await reportCommand(args, { stdout, stderr: new PassThrough(), isTTY: false });
  return out;
}

beforeAll(async () => {
  const validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
  dir = mkdtempSync(join(tmpdir(), 'bars-serve-report-cli-'));
  db = join(dir, 'serve.db');
  srv = await startServe({ validator, database: db, auth: 'none', port: 0 });
  const ok = processMessageRequest('APP1-booking-request', { nhsNumber: '9658499007' });
  const sent = [
    await fetch(`${srv.url}${API_BASE_PATH}${ok.path}`, { method: 'POST', headers: ok.headers, body: ok.body, signal: AbortSignal.timeout(30_000) }),
    await fetch(`${srv.url}${API_BASE_PATH}/metadata`, { headers: { ...barsHeaders(), 'X-Request-ID': 'not-a-uuid' }, signal: AbortSignal.timeout(30_000) }),
    await fetch(`${srv.url}/not-bars`, { signal: AbortSignal.timeout(30_000) }),
  ];
  for (const r of sent) ids.push(Number(r.headers.get('x-bars-serve-report')!.split('/').pop()));
  expect(sent.map((r) => r.status)).toEqual([200, 400, 404]);
}, 120_000);

afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('bars report --serve-db', () => {
  it('renders every stored exchange as one result, oldest first, while the server runs', async () => {
    const r = JSON.parse(await report(['--serve-db', db, '--format', 'json'])) as RunResult;
    const [ok, bad, none] = ids;
    expect(r.results.map((x) => x.file)).toEqual([`exchange ${ok}: POST ${API_BASE_PATH}/$process-message`, `exchange ${ok}: POST ${API_BASE_PATH}/$process-message#body`, `exchange ${bad}: GET ${API_BASE_PATH}/metadata`]);
    expect(r.results[1]).toMatchObject({ resourceType: 'Bundle', valid: true, http: { part: 'body', request: r.results[0]!.file } });
    expect(r.results[2]!.valid).toBe(false);
    expect(r.results[2]!.issues.map((i) => i.ruleId)).toContain('BARS-HTTP-07');
    expect(r.summary.files).toBe(3);
    // the 404 was answered before any validation: named in a note, not shown as a pass
    expect(r.run?.notes?.join(' ')).toContain(`${none} (GET /not-bars → 404)`);
  });

  it('renders one exchange with --exchange, in HTML and text', async () => {
    const html = await report(['--serve-db', db, '--exchange', String(ids[1]), '--format', 'html']);
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('BARS-HTTP-07');
    expect(html).not.toContain('$process-message');
    const text = await report(['--serve-db', db, '--exchange', String(ids[0])]);
    expect(text).toContain(`exchange ${ids[0]}: POST`);
    expect(text).not.toContain('BARS-HTTP-07');
  });

  it('says what is wrong with the database or the exchange number', async () => {
    await expect(report(['--serve-db', join(dir, 'missing.db')])).rejects.toThrow(/--serve-db cannot open .*missing\.db/);
    const other = join(dir, 'other.db');
    new Database(other).exec('CREATE TABLE t (x)');
    await expect(report(['--serve-db', other])).rejects.toThrow(/is not a bars serve database/);
    const text = join(dir, 'text.db');
    writeFileSync(text, 'not sqlite at all, just text that is long enough to be a header');
    await expect(report(['--serve-db', text])).rejects.toThrow(/cannot be read as a bars serve database/);
    await expect(report(['--serve-db', db, '--exchange', '999999'])).rejects.toThrow(/has no exchange 999999/);
    await expect(report(['--serve-db', db, '--exchange', 'x'])).rejects.toThrow(/give an exchange number/);
    await expect(report(['--exchange', '1'])).rejects.toThrow(/--exchange needs --serve-db/);
    await expect(report(['result.json', '--serve-db', db])).rejects.toThrow(/not both/);
  });
});
