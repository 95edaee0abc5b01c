/**
 * What `bars serve` keeps: the stateful scenario's state per organisation, every exchange
 * (request, response, validation result) and an append-only audit log, in one SQLite file.
 * A write is on disk (fsync'd) before the answer it belongs to is sent, so an acknowledged
 * exchange survives a restart, a kill -9 and a power cut.
 *
 * The fsync is not done inside SQLite's COMMIT (synchronous=FULL), which would block the event
 * loop, and so all validation, for the whole fsync: the database runs in WAL mode with
 * synchronous=NORMAL (COMMIT writes the WAL without syncing it) and the store then fsyncs the
 * WAL file itself on libuv's thread pool; the answers wait for that fsync, the next requests are
 * validated meanwhile. A database not in WAL mode (e.g. in memory) keeps synchronous=FULL.
 *
 * Group commit: a commit with its fsync costs milliseconds, so writes are not committed one by
 * one. The first write opens a transaction; the writes of every request handled in the same
 * event-loop turn join it; one COMMIT (one fsync) closes it on the next turn (setImmediate), and
 * only then are those requests answered (`committed()`). Durability is unchanged: no answer goes
 * before its rows are on disk. Reads on this connection see the pending writes, so the state of
 * the stateful scenario is always the latest.
 *
 * Checkpoints (copying the WAL back into the database file, two fsyncs) are off the event loop
 * too: SQLite's automatic checkpoint runs inside the COMMIT that crosses 1000 WAL pages, which
 * for exchanges of ~30 kB is every ~100 requests, and held every request in flight for the
 * fsyncs (the bench's p99). A worker thread with its own connection checkpoints instead, at the
 * same cadence; SQLite's locking makes that safe beside the writer. The writer rewinds the WAL
 * only once a checkpoint has copied all of it, which under steady load the worker never quite does
 * (requests commit while it copies): when the WAL has grown past a limit, the writer copies the
 * few frames the worker's last checkpoint left, itself, between two transactions, and the WAL
 * rewinds. That one stays on the event loop, but is rare and small. If the worker cannot run,
 * SQLite checkpoints as before.
 */
import { closeSync, fsync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { StatefulState } from './tkw-table.js';

export interface StoredState {
  state: StatefulState;
  /** Identifier values that tie the booking to later requests. */
  appointmentIdentifier?: string;
  serviceRequestIdentifier?: string;
  updatedAt: string;
}

export interface ExchangeRecord {
  id: number;
  at: string;
  organisation: string | null;
  method: string;
  path: string;
  status: number;
  scenario: string | null;
  valid: boolean;
  request: { headers: [string, string][]; body?: string };
  response: { headers: Record<string, string>; body?: string };
  validation: unknown;
}

export interface AuditEntry {
  id: number;
  at: string;
  organisation: string | null;
  /** ASID, or the key id (kid) / client id a token was issued to. */
  actor: string | null;
  what: string;
  outcome: string;
}

export interface StoreOptions {
  /** State older than this many seconds is back to initial (TKW resets nightly). */
  stateTtlSeconds?: number;
  /** Tuning (tests): ask the worker for a checkpoint after this many bytes written (default 4 MB, SQLite's 1000 pages). */
  checkpointBytes?: number;
  /** Tuning (tests): past this many bytes written since the WAL last rewound, the writer finishes a checkpoint itself (default 16 MB). */
  walLimitBytes?: number;
}

type Statement = Database.Statement<unknown[]>;

/** SQLite's own checkpoint cadence: 1000 pages of 4 kB. */
const CHECKPOINT_BYTES = 1000 * 4096;

/** The checkpoint worker: its own connection; checkpoints when asked, closes when told. */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ ok: true, ...r });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String((e && e.message) || e) });
  }
});
`;

/** Checkpoints a WAL database from a worker thread, one at a time. */
class Checkpointer {
  private readonly worker: Worker;
  private busy = false;
  private failed = false;

  constructor(file: string, onDone: () => void, onFailure: () => void) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(CHECKPOINTER, { eval: true, workerData: { sqlite, file } });
    // it must not keep a process alive that has nothing else to do
    this.worker.unref();
    // a checkpoint that failed (busy, I/O) is simply tried again at the next cadence; SQLite's
    // own checkpoint takes over only if the worker itself is gone
    this.worker.on('message', () => {
      this.busy = false;
      onDone();
    });
    this.worker.on('error', () => {
      this.failed = true;
      onFailure();
    });
  }

  /** Ask for a checkpoint; false when one is still running (the next request covers these pages). */
  request(): boolean {
    if (this.busy || this.failed) return false;
    this.busy = true;
    this.worker.postMessage('checkpoint');
    return true;
  }

  close(): void {
    if (!this.failed) this.worker.postMessage('close');
  }
}

export class ServeStore {
  private readonly db: Database.Database;
  private readonly ttl?: number;
  /** Statements compiled once: SQLite parses and plans each on prepare. */
  private readonly sql: Record<'getState' | 'setState' | 'addExchange' | 'audit' | 'expireJti' | 'useJti' | 'begin' | 'commit' | 'rollback', Statement>;
  /** Waiters for the commit of the open transaction; undefined when none is open. */
  private pending?: { resolve: () => void; reject: (e: Error) => void }[];
  /** The WAL file, fsync'd after each COMMIT (WAL mode only), and its descriptor once opened. */
  private readonly walFile?: string;
  private walFd?: number;
  /** fsyncs in flight: the descriptor is closed only after the last one is done. */
  private syncing = 0;
  /** The waiters of the latest fsync while it is in flight (it covers every earlier commit too). */
  private flushing?: { resolve: () => void; reject: (e: Error) => void }[];
  private closing = false;
  private checkpointer?: Checkpointer;
  /** Bytes written since the last checkpoint was asked for (roughly: the rows' text). */
  private unchecked = 0;
  /** Bytes written since the WAL last rewound (roughly). */
  private sinceRewind = 0;
  /** The worker's checkpoint is done and the WAL is past its limit: the next commit finishes the checkpoint. */
  private finishCheckpoint = false;
  private readonly checkpointBytes: number;
  private readonly walLimitBytes: number;

  constructor(file: string, options: StoreOptions = {}) {
    this.db = new Database(file);
    const wal = this.db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
    this.db.pragma(wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
    if (wal) this.walFile = `${file}-wal`;
    this.db.pragma('busy_timeout = 5000');
    this.ttl = options.stateTtlSeconds;
    this.checkpointBytes = options.checkpointBytes ?? CHECKPOINT_BYTES;
    this.walLimitBytes = options.walLimitBytes ?? 16 * 1024 * 1024;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS state (
        organisation TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        appointment_identifier TEXT,
        service_request_identifier TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS exchange (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        organisation TEXT,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        status INTEGER NOT NULL,
        scenario TEXT,
        valid INTEGER NOT NULL,
        request TEXT NOT NULL,
        response TEXT NOT NULL,
        validation TEXT NOT NULL,
        request_body TEXT
      );
      CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        organisation TEXT,
        actor TEXT,
        what TEXT NOT NULL,
        outcome TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS used_jti (
        jti TEXT PRIMARY KEY,
        expires INTEGER NOT NULL
      );
      -- the audit log is append-only: the database itself refuses changes and deletions
      CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
    // the request body has a column of its own (as sent, not escaped into the request's JSON: that
    // cost ~0.2 ms a request); databases made before it get the column, their rows keep the body in `request`
    if (!(this.db.prepare('PRAGMA table_info(exchange)').all() as { name: string }[]).some((c) => c.name === 'request_body')) {
      this.db.exec('ALTER TABLE exchange ADD COLUMN request_body TEXT');
    }
    const p = (q: string): Statement => this.db.prepare(q);
    this.sql = {
      getState: p('SELECT state, appointment_identifier, service_request_identifier, updated_at FROM state WHERE organisation = ?'),
      setState: p(
        `INSERT INTO state (organisation, state, appointment_identifier, service_request_identifier, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(organisation) DO UPDATE SET state = excluded.state, appointment_identifier = excluded.appointment_identifier,
           service_request_identifier = excluded.service_request_identifier, updated_at = excluded.updated_at`,
      ),
      addExchange: p('INSERT INTO exchange (at, organisation, method, path, status, scenario, valid, request, request_body, response, validation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      audit: p('INSERT INTO audit (at, organisation, actor, what, outcome) VALUES (?, ?, ?, ?, ?)'),
      expireJti: p('DELETE FROM used_jti WHERE expires < ?'),
      useJti: p('INSERT OR IGNORE INTO used_jti (jti, expires) VALUES (?, ?)'),
      begin: p('BEGIN IMMEDIATE'),
      commit: p('COMMIT'),
      rollback: p('ROLLBACK'),
    };
    if (wal) this.startCheckpointer(file);
  }

  private startCheckpointer(file: string): void {
    const automatic = (): void => {
      this.checkpointer = undefined;
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    };
    try {
      this.checkpointer = new Checkpointer(file, () => (this.finishCheckpoint = this.sinceRewind >= this.walLimitBytes), automatic);
      this.db.pragma('wal_autocheckpoint = 0');
      // a WAL that grew past the limit is cut back to it when it rewinds
      this.db.pragma(`journal_size_limit = ${this.walLimitBytes}`);
    } catch {
      automatic();
    }
  }

  /** Run a write inside the open group transaction (opening one, and scheduling its commit, if none is). */
  private write<T>(f: () => T, bytes = 256): T {
    this.unchecked += bytes;
    this.sinceRewind += bytes;
    if (!this.pending) {
      this.sql.begin.run();
      this.pending = [];
      setImmediate(() => this.commit());
    }
    return f();
  }

  /** Commit the open transaction now (one fsync) and release the answers waiting for it. */
  commit(): void {
    const waiters = this.pending;
    if (!waiters) return;
    this.pending = undefined;
    try {
      // SQLite rolls a transaction back by itself on some errors (disk full, I/O): then there is
      // nothing to commit, and the answers waiting for it must not be told their rows are stored
      if (!this.db.inTransaction) throw new Error('the transaction was rolled back');
      this.sql.commit.run();
      if (this.walFile) this.walFd ??= openSync(this.walFile, 'r');
    } catch (e) {
      if (this.db.inTransaction) this.sql.rollback.run();
      const err = new Error(`the database did not commit: ${(e as Error).message}`);
      for (const w of waiters) w.reject(err);
      return;
    }
    // also when the worker has not answered for a long while (still starting, or stuck): the WAL stays bounded
    if (this.finishCheckpoint || (this.checkpointer && this.sinceRewind >= 4 * this.walLimitBytes)) this.finishWalCheckpoint();
    if (this.unchecked >= this.checkpointBytes && this.checkpointer?.request()) this.unchecked = 0;
    if (this.walFd === undefined) {
      for (const w of waiters) w.resolve();
      return;
    }
    // the committed frames are in the WAL (in the OS's cache: a kill -9 cannot lose them); the
    // answers go once they are on the disk too
    this.syncing++;
    this.flushing = waiters;
    fsync(this.walFd, (e) => {
      this.syncing--;
      if (this.flushing === waiters) this.flushing = undefined;
      if (this.closing && this.syncing === 0) this.closeWal();
      if (e) {
        const err = new Error(`the database did not reach the disk: ${e.message}`);
        for (const w of waiters) w.reject(err);
      } else for (const w of waiters) w.resolve();
    });
  }

  /** Copy what the worker's checkpoint left (frames committed while it ran), so the next write rewinds the WAL. */
  private finishWalCheckpoint(): void {
    this.finishCheckpoint = false;
    try {
      const r = this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (r[0] && r[0].busy === 0 && r[0].log === r[0].checkpointed) this.sinceRewind = 0;
    } catch {
      // busy or an I/O error: the WAL rewinds after a later checkpoint
    }
  }

  private closeWal(): void {
    if (this.walFd === undefined) return;
    closeSync(this.walFd);
    this.walFd = undefined;
  }

  /**
   * Resolves once every write made so far is committed (on disk); rejects when that commit
   * failed. Answer a request only after this: its exchange and audit rows are then durable.
   */
  committed(): Promise<void> {
    const waiters = this.pending ?? this.flushing;
    if (!waiters) return Promise.resolve();
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  /** Every organisation back to the initial state (--reset-state). Exchanges and audit stay. */
  resetState(): number {
    return this.write(() => this.db.prepare('DELETE FROM state').run().changes);
  }

  getState(organisation: string, now = new Date()): StoredState {
    const row = this.sql.getState.get(organisation) as
      | { state: StatefulState; appointment_identifier: string | null; service_request_identifier: string | null; updated_at: string }
      | undefined;
    if (!row) return { state: 'initial', updatedAt: now.toISOString() };
    if (this.ttl !== undefined && now.getTime() - Date.parse(row.updated_at) > this.ttl * 1000) return { state: 'initial', updatedAt: now.toISOString() };
    return {
      state: row.state,
      ...(row.appointment_identifier ? { appointmentIdentifier: row.appointment_identifier } : {}),
      ...(row.service_request_identifier ? { serviceRequestIdentifier: row.service_request_identifier } : {}),
      updatedAt: row.updated_at,
    };
  }

  setState(organisation: string, s: Omit<StoredState, 'updatedAt'>, now = new Date()): void {
    this.write(() => this.sql.setState.run(organisation, s.state, s.appointmentIdentifier ?? null, s.serviceRequestIdentifier ?? null, now.toISOString()));
  }

  addExchange(e: Omit<ExchangeRecord, 'id' | 'at'> & { at?: string }): number {
    const request = JSON.stringify({ headers: e.request.headers });
    const body = e.request.body ?? null;
    const response = JSON.stringify(e.response);
    const validation = JSON.stringify(e.validation ?? null);
    const r = this.write(
      () => this.sql.addExchange.run(e.at ?? new Date().toISOString(), e.organisation, e.method, e.path, e.status, e.scenario, e.valid ? 1 : 0, request, body, response, validation),
      request.length + (body?.length ?? 0) + response.length + validation.length + 256,
    );
    return Number(r.lastInsertRowid);
  }

  /** Newest first. */
  listExchanges(limit = 200): Omit<ExchangeRecord, 'request' | 'response' | 'validation'>[] {
    const rows = this.db.prepare('SELECT id, at, organisation, method, path, status, scenario, valid FROM exchange ORDER BY id DESC LIMIT ?').all(limit) as (Omit<ExchangeRecord, 'request' | 'response' | 'validation' | 'valid'> & { valid: number })[];
    return rows.map((r) => ({ ...r, valid: r.valid === 1 }));
  }

  getExchange(id: number): ExchangeRecord | undefined {
    const r = this.db.prepare('SELECT * FROM exchange WHERE id = ?').get(id) as ExchangeRow | undefined;
    return r && exchangeOf(r);
  }

  audit(e: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): number {
    const r = this.write(() => this.sql.audit.run(e.at ?? new Date().toISOString(), e.organisation, e.actor, e.what, e.outcome));
    return Number(r.lastInsertRowid);
  }

  listAudit(limit = 1000): AuditEntry[] {
    return this.db.prepare('SELECT * FROM audit ORDER BY id ASC LIMIT ?').all(limit) as AuditEntry[];
  }

  /** Record a client assertion's jti; false when it was seen before and has not yet expired (a replay). */
  useJti(jti: string, expiresEpochSeconds: number, now = new Date()): boolean {
    const nowS = Math.floor(now.getTime() / 1000);
    return this.write(() => {
      this.sql.expireJti.run(nowS);
      return this.sql.useJti.run(jti, expiresEpochSeconds).changes === 1;
    });
  }

  close(): void {
    if (this.db.open) {
      this.commit();
      this.checkpointer?.close();
      this.checkpointer = undefined;
      this.db.close();
      // an fsync still in flight needs the descriptor: the last one closes it
      this.closing = true;
      if (this.syncing === 0) this.closeWal();
    }
  }
}

type ExchangeRow = Record<string, unknown> & { valid: number; request: string; request_body?: string | null; response: string; validation: string };

function exchangeOf(row: ExchangeRow): ExchangeRecord {
  const { request_body: body, ...r } = row;
  const request = JSON.parse(r.request) as ExchangeRecord['request'];
  if (typeof body === 'string') request.body = body;
  return { ...(r as unknown as ExchangeRecord), valid: r.valid === 1, request, response: JSON.parse(r.response), validation: JSON.parse(r.validation) };
}

/**
 * The exchanges stored in a `bars serve` database, oldest first (one, with `id`), for `bars
 * report --serve-db`. Opens an existing file only and writes nothing, so it can read the
 * database of a running server. Throws an Error saying what is wrong for a file that is not one.
 */
export function readStoredExchanges(file: string, id?: number): ExchangeRecord[] {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (e) {
    throw new Error(`cannot open ${file}: ${(e as Error).message}`);
  }
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'exchange'").get();
    if (!table) throw new Error(`${file} is not a bars serve database (it has no exchange table)`);
    const rows = (id === undefined ? db.prepare('SELECT * FROM exchange ORDER BY id ASC').all() : db.prepare('SELECT * FROM exchange WHERE id = ?').all(id)) as ExchangeRow[];
    return rows.map(exchangeOf);
  } catch (e) {
    if (/not a bars serve database/.test((e as Error).message)) throw e;
    throw new Error(`${file} cannot be read as a bars serve database: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}
