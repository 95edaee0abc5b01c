/**
 * The store's group commit: writes of one event-loop turn share one transaction, nothing is
 * visible to another connection (nor on disk) before committed() resolves, and everything is after.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ServeStore, readStoredExchanges } from './store.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const exchange = (path: string): Parameters<ServeStore['addExchange']>[0] => ({
  organisation: 'RYE',
  method: 'GET',
  path,
  status: 200,
  scenario: null,
  valid: true,
  request: { headers: [] },
  response: { headers: {} },
  validation: null,
});

describe('ServeStore group commit', () => {
  it('commits the writes of one turn together, and only then resolves committed()', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bars-store-'));
    const file = join(dir, 's.db');
    const store = new ServeStore(file);
    const other = new Database(file, { readonly: true });
    const count = (): number => (other.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
    store.audit({ organisation: 'RYE', actor: null, what: 'a', outcome: '200' });
    store.addExchange(exchange('/a'));
    store.audit({ organisation: 'RYE', actor: null, what: 'b', outcome: '200' });
    const done = store.committed();
    // written, readable on the writer's own connection, but not committed yet
    expect(store.listAudit().length).toBe(2);
    expect(count()).toBe(0);
    await done;
    expect(count()).toBe(2);
    expect(readStoredExchanges(file).map((e) => e.path)).toEqual(['/a']);
    // nothing pending: resolves at once
    await store.committed();
    other.close();
    store.close();
  });

  it('keeps the state written in a pending transaction visible to the next request', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bars-store-'));
    const store = new ServeStore(join(dir, 's.db'));
    store.setState('RYE', { state: 'appointment-booked', appointmentIdentifier: 'x' });
    expect(store.getState('RYE').state).toBe('appointment-booked');
    await store.committed();
    store.close();
    // close commits what is pending: a fresh store sees it
    const again = new ServeStore(join(dir, 's.db'));
    again.setState('B', { state: 'referral-created' });
    again.close();
    const third = new ServeStore(join(dir, 's.db'));
    expect(third.getState('B').state).toBe('referral-created');
    third.close();
  });

  it('answers only after the WAL is fsync\'d, which runs off the event loop after COMMIT', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bars-store-'));
    const store = new ServeStore(join(dir, 's.db'));
    const db = (store as unknown as { db: Database.Database }).db;
    // SQLite's COMMIT does not sync (that would block the event loop); the store does
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    store.audit({ organisation: 'RYE', actor: null, what: 'a', outcome: '200' });
    store.commit();
    expect(db.inTransaction).toBe(false);
    // committed, its fsync still in flight on the thread pool: not yet acknowledged
    let acknowledged = false;
    const done = store.committed().then(() => (acknowledged = true));
    await Promise.resolve();
    expect(acknowledged).toBe(false);
    await done;
    expect(acknowledged).toBe(true);
    store.close();
  });

  it('rejects committed() when the transaction was rolled back under it: no answer is told its rows are stored', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bars-store-'));
    const store = new ServeStore(join(dir, 's.db'));
    store.audit({ organisation: 'RYE', actor: null, what: 'a', outcome: '200' });
    const done = store.committed();
    // what SQLite does by itself on a full disk or an I/O error
    (store as unknown as { db: Database.Database }).db.exec('ROLLBACK');
    await expect(done).rejects.toThrow(/did not commit: the transaction was rolled back/);
    expect(store.listAudit()).toEqual([]);
    // the next write starts a fresh transaction
    store.audit({ organisation: 'RYE', actor: null, what: 'b', outcome: '200' });
    await store.committed();
    expect(store.listAudit().map((a) => a.what)).toEqual(['b']);
    store.close();
  });

  it('checkpoints from a worker thread, not inside a COMMIT on the event loop, and the pages still reach the database file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bars-store-'));
    const file = join(dir, 's.db');
    const store = new ServeStore(file);
    const db = (store as unknown as { db: Database.Database }).db;
    // SQLite's automatic checkpoint (two fsyncs) would run inside the COMMIT that crosses 1000 pages
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // ~6 MB of exchanges, committed in turns: past the 4 MB cadence
    const body = 'x'.repeat(100_000);
    for (let i = 0; i < 60; i++) {
      store.addExchange({ ...exchange(`/e${i}`), request: { headers: [], body } });
      await store.committed();
    }
    // the pages reach the database file only through a checkpoint
    const deadline = Date.now() + 20_000;
    while (statSync(file).size < 4_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(4_000_000);
    store.close();
    expect(readStoredExchanges(file)).toHaveLength(60);
  }, 30_000);

  it('stores the request body as sent in a column of its own, and still reads databases that kept it inside the request', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bars-store-'));
    const file = join(dir, 's.db');
    // a database from before the request_body column, with one exchange
    const old = new Database(file);
    old.exec(`CREATE TABLE exchange (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, organisation TEXT, method TEXT NOT NULL, path TEXT NOT NULL,
      status INTEGER NOT NULL, scenario TEXT, valid INTEGER NOT NULL, request TEXT NOT NULL, response TEXT NOT NULL, validation TEXT NOT NULL)`);
    old.prepare('INSERT INTO exchange (at, organisation, method, path, status, scenario, valid, request, response, validation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      '2026-01-01T00:00:00Z', 'RYE', 'POST', '/old', 200, null, 1, JSON.stringify({ headers: [['A', 'b']], body: '{"old":true}' }), '{"headers":{}}', 'null',
    );
    old.close();
    const store = new ServeStore(file);
    const body = '{"resourceType":"Bundle","note":"a \\"quoted\\" value"}';
    const id = store.addExchange({ ...exchange('/new'), request: { headers: [['X', 'y']], body } });
    await store.committed();
    const raw = (store as unknown as { db: Database.Database }).db.prepare('SELECT request, request_body FROM exchange WHERE id = ?').get(id) as { request: string; request_body: string };
    expect(raw.request_body).toBe(body);
    expect(raw.request).not.toContain('Bundle');
    expect(store.getExchange(id)!.request).toEqual({ headers: [['X', 'y']], body });
    store.close();
    expect(readStoredExchanges(file).map((e) => [e.path, e.request.body])).toEqual([
      ['/old', '{"old":true}'],
      ['/new', body],
    ]);
  });

  it('keeps the WAL bounded under writes that never pause: the writer finishes what the worker\'s checkpoints leave, and the WAL rewinds', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bars-store-'));
    const file = join(dir, 's.db');
    const store = new ServeStore(file, { checkpointBytes: 500_000, walLimitBytes: 2_000_000 });
    const body = 'x'.repeat(100_000);
    // 15 MB, one commit after the other, as a server under steady load writes them
    for (let i = 0; i < 150; i++) {
      store.addExchange({ ...exchange(`/e${i}`), request: { headers: [], body } });
      await store.committed();
    }
    expect(statSync(`${file}-wal`).size).toBeLessThan(9_000_000);
    store.close();
    expect(readStoredExchanges(file)).toHaveLength(150);
  }, 60_000);
});
