/**
 * The stateful 111→ED scenario (the guide's state-transition table): all 15 event × state
 * answers, state per NHSD-End-User-Organisation, kept in SQLite across a restart,
 * --reset-state and --state-ttl.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValidator, type Validator } from '../src/index.js';
import { processMessageRequest, type BuiltRequest, type SenderIdentity } from '../src/probe/requests.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { loadTkwTable, type StatefulEvent, type StatefulState } from '../src/serve/tkw-table.js';
import { TEST_CACHE } from './support/engine.js';

let validator: Validator;
let srv: RunningServer;
let dir: string;
const table = loadTkwTable();
const NHS = table.stateful.nhsNumber;

beforeAll(async () => {
  validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
  dir = mkdtempSync(join(tmpdir(), 'bars-serve-state-'));
  srv = await startServe({ validator, database: join(dir, 'serve.db'), auth: 'none', port: 0 });
}, 120_000);

afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

let orgs = 0;
const newOrg = (): SenderIdentity => ({ ods: `X${String(++orgs).padStart(2, '0')}`, organisationName: `Stateful test organisation ${orgs}` });

function eventRequest(event: StatefulEvent, sender: SenderIdentity): BuiltRequest {
  const o = { sender };
  switch (event) {
    case 'make-booking':
      return processMessageRequest('APP1-booking-request', { nhsNumber: NHS }, o);
    case 'cancel-booking':
      return processMessageRequest('APP1-booking-cancellation', { nhsNumber: NHS }, o);
    case 'linked-referral':
      // the fixtures' referral carries the booking's ServiceRequest identifier
      return processMessageRequest('APP1-referral-request', { nhsNumber: NHS }, o);
    case 'mislinked-referral':
      return processMessageRequest('APP1-referral-request', { nhsNumber: NHS, serviceRequestIdentifier: randomUUID() }, o);
    case 'cancel-referral':
      return processMessageRequest('APP1-referral-cancellation', { nhsNumber: NHS }, o);
  }
}

async function send(server: RunningServer, r: BuiltRequest): Promise<{ status: number; scenario: string | null; json: Record<string, any> }> {
  const res = await fetch(`${server.url}${API_BASE_PATH}${r.path}`, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, scenario: res.headers.get('x-bars-serve-scenario'), json: text ? JSON.parse(text) : {} };
}

/** The events that take a new organisation to a state. */
const PATH_TO: Record<StatefulState, StatefulEvent[]> = {
  initial: [],
  'appointment-booked': ['make-booking'],
  'referral-created': ['make-booking', 'linked-referral'],
};

/** The state each successful event leads to (the guide gives the answers; the states follow from what the events do). */
const AFTER: Record<StatefulEvent, StatefulState | 'same'> = {
  'make-booking': 'appointment-booked',
  'cancel-booking': 'initial',
  'linked-referral': 'referral-created',
  'mislinked-referral': 'same',
  'cancel-referral': 'appointment-booked',
};

describe('stateful 111→ED scenario', () => {
  it('covers the 5 events × 3 states of the guide', () => {
    expect(table.stateful.transitions.map((t) => `${t.event}@${t.state}`).sort()).toHaveLength(15);
  });

  it.each(table.stateful.transitions.map((t) => [`${t.event} in ${t.state}`, t] as const))('%s', async (_n, t) => {
    const sender = newOrg();
    for (const e of PATH_TO[t.state]) expect((await send(srv, eventRequest(e, sender))).status, `setting up ${t.state} with ${e}`).toBe(200);
    expect(srv.store.getState(sender.ods).state).toBe(t.state);
    const r = await send(srv, eventRequest(t.event, sender));
    expect(r.status, JSON.stringify(r.json)).toBe(t.status);
    // with no booking there is nothing for a referral to be linked to or mis-linked from: both answer alike
    if (t.state === 'initial' && /linked-referral/.test(t.event)) expect(r.scenario).toMatch(/^stateful:initial:(mis)?linked-referral$/);
    else expect(r.scenario).toBe(`stateful:${t.state}:${t.event}`);
    if (t.status === 200) {
      const next = AFTER[t.event];
      expect(srv.store.getState(sender.ods).state).toBe(next === 'same' ? t.state : next);
    } else {
      expect(r.json.resourceType).toBe('OperationOutcome');
      expect(r.json.issue[0].diagnostics).toContain(t.diagnostics);
      expect(r.json.issue[0].details.coding[0].code).toBe(t.status === 409 ? 'REC_CONFLICT' : 'REC_BAD_REQUEST');
      // a refused event leaves the state as it was
      expect(srv.store.getState(sender.ods).state).toBe(t.state);
    }
  });

  it('keeps state per organisation', async () => {
    const a = newOrg();
    const b = newOrg();
    expect((await send(srv, eventRequest('make-booking', a))).status).toBe(200);
    expect((await send(srv, eventRequest('make-booking', b))).status).toBe(200);
    expect((await send(srv, eventRequest('make-booking', a))).status).toBe(409);
  });

  it('keeps state across a restart; --reset-state and --state-ttl put it back to initial', async () => {
    const db = join(dir, 'restart.db');
    const sender = newOrg();
    let s = await startServe({ validator, database: db, auth: 'none', port: 0 });
    try {
      expect((await send(s, eventRequest('make-booking', sender))).status).toBe(200);
    } finally {
      await s.close();
    }
    s = await startServe({ validator, database: db, auth: 'none', port: 0 });
    try {
      expect((await send(s, eventRequest('make-booking', sender))).status).toBe(409);
    } finally {
      await s.close();
    }
    // a clock a day on, with a one-hour TTL: the booking has lapsed
    s = await startServe({ validator, database: db, auth: 'none', port: 0, stateTtlSeconds: 3600, now: () => new Date(Date.now() + 86_400_000) });
    try {
      expect(s.store.getState(sender.ods, new Date(Date.now() + 86_400_000)).state).toBe('initial');
    } finally {
      await s.close();
    }
    s = await startServe({ validator, database: db, auth: 'none', port: 0, resetState: true });
    try {
      expect(s.store.getState(sender.ods).state).toBe('initial');
      expect((await send(s, eventRequest('make-booking', sender))).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
