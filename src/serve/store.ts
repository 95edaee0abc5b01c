/**
 * What `bars serve` keeps: the stateful scenario's state per organisation, every exchange
 * (request, response, validation result) and an append-only audit log, in one SQLite file.
 * WAL with synchronous=FULL: a write is on disk before the answer it belongs to is sent, so an
 * acknowledged exchange survives a restart and a kill -9.
 */
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
}

export class ServeStore {
  private readonly db: Database.Database;
  private readonly ttl?: number;

  constructor(file: string, options: StoreOptions = {}) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.ttl = options.stateTtlSeconds;
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
        validation TEXT NOT NULL
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
  }

  /** Every organisation back to the initial state (--reset-state). Exchanges and audit stay. */
  resetState(): number {
    return this.db.prepare('DELETE FROM state').run().changes;
  }

  getState(organisation: string, now = new Date()): StoredState {
    const row = this.db.prepare('SELECT state, appointment_identifier, service_request_identifier, updated_at FROM state WHERE organisation = ?').get(organisation) as
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
    this.db
      .prepare(
        `INSERT INTO state (organisation, state, appointment_identifier, service_request_identifier, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(organisation) DO UPDATE SET state = excluded.state, appointment_identifier = excluded.appointment_identifier,
           service_request_identifier = excluded.service_request_identifier, updated_at = excluded.updated_at`,
      )
      .run(organisation, s.state, s.appointmentIdentifier ?? null, s.serviceRequestIdentifier ?? null, now.toISOString());
  }

  addExchange(e: Omit<ExchangeRecord, 'id' | 'at'> & { at?: string }): number {
    const r = this.db
      .prepare('INSERT INTO exchange (at, organisation, method, path, status, scenario, valid, request, response, validation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.at ?? new Date().toISOString(), e.organisation, e.method, e.path, e.status, e.scenario, e.valid ? 1 : 0, JSON.stringify(e.request), JSON.stringify(e.response), JSON.stringify(e.validation ?? null));
    return Number(r.lastInsertRowid);
  }

  /** Newest first. */
  listExchanges(limit = 200): Omit<ExchangeRecord, 'request' | 'response' | 'validation'>[] {
    const rows = this.db.prepare('SELECT id, at, organisation, method, path, status, scenario, valid FROM exchange ORDER BY id DESC LIMIT ?').all(limit) as (Omit<ExchangeRecord, 'request' | 'response' | 'validation' | 'valid'> & { valid: number })[];
    return rows.map((r) => ({ ...r, valid: r.valid === 1 }));
  }

  getExchange(id: number): ExchangeRecord | undefined {
    const r = this.db.prepare('SELECT * FROM exchange WHERE id = ?').get(id) as (Record<string, unknown> & { valid: number; request: string; response: string; validation: string }) | undefined;
    if (!r) return undefined;
    return { ...(r as unknown as ExchangeRecord), valid: r.valid === 1, request: JSON.parse(r.request), response: JSON.parse(r.response), validation: JSON.parse(r.validation) };
  }

  audit(e: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): number {
    const r = this.db.prepare('INSERT INTO audit (at, organisation, actor, what, outcome) VALUES (?, ?, ?, ?, ?)').run(e.at ?? new Date().toISOString(), e.organisation, e.actor, e.what, e.outcome);
    return Number(r.lastInsertRowid);
  }

  listAudit(limit = 1000): AuditEntry[] {
    return this.db.prepare('SELECT * FROM audit ORDER BY id ASC LIMIT ?').all(limit) as AuditEntry[];
  }

  /** Record a client assertion's jti; false when it was seen before and has not yet expired (a replay). */
  useJti(jti: string, expiresEpochSeconds: number, now = new Date()): boolean {
    const nowS = Math.floor(now.getTime() / 1000);
    this.db.prepare('DELETE FROM used_jti WHERE expires < ?').run(nowS);
    const r = this.db.prepare('INSERT OR IGNORE INTO used_jti (jti, expires) VALUES (?, ?)').run(jti, expiresEpochSeconds);
    return r.changes === 1;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
