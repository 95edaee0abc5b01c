/**
 * Every row of the TKW sentinel scenario table (rules/tkw/scenarios.json) sent to bars serve as
 * a valid request with the row's sentinel value, and its answer checked: status, returned id,
 * the shape of the answer the row describes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValidator, type Validator } from '../src/index.js';
import { barsHeaders, processMessageRequest, slotSearchPath, USE_CASE_SYSTEM, DOS_SYSTEM, type BuiltRequest } from '../src/probe/requests.js';
import { API_BASE_PATH, startServe, type RunningServer } from '../src/serve/server.js';
import { loadTkwTable, type MessageKind, type Scenario } from '../src/serve/tkw-table.js';
import { TEST_CACHE } from './support/engine.js';

let validator: Validator;
let srv: RunningServer;
let dir: string;
const table = loadTkwTable();

beforeAll(async () => {
  validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
  dir = mkdtempSync(join(tmpdir(), 'bars-serve-scenarios-'));
  srv = await startServe({ validator, database: join(dir, 'serve.db'), auth: 'none', port: 0 });
}, 120_000);

afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Which fixture message is each kind of $process-message. */
const FIXTURE: Record<MessageKind, string> = {
  'booking-new': 'APP1-booking-request',
  'booking-cancel': 'APP1-booking-cancellation',
  'referral-new': 'APP1-referral-request',
  'referral-cancel': 'APP1-referral-cancellation',
  'validation-new': 'APP4-validation-request',
  'validation-update': 'APP4-validation-request',
  'validation-cancel': 'APP1-referral-cancellation',
  response: 'APP4-validation-response',
};

function requestFor(s: Scenario): BuiltRequest {
  const t = s.trigger;
  switch (t.kind) {
    case 'metadata':
      return { method: 'GET', path: '/metadata', headers: barsHeaders({ target: t.target === '*' ? '2000099991' : t.target }) };
    case 'message-definition': {
      const value = t.context === '*' ? '2000076288' : t.context;
      const system = /^a\d+t\d+$/.test(value) ? USE_CASE_SYSTEM : DOS_SYSTEM;
      return { method: 'GET', path: `/MessageDefinition?context=${encodeURIComponent(`${system}|${value}`)}`, headers: barsHeaders() };
    }
    case 'slot':
      return { method: 'GET', path: slotSearchPath(t.healthcareService, t.status ?? ['free']), headers: barsHeaders() };
    case 'read':
      return { method: 'GET', path: `/${t.resourceType}/${t.id}`, headers: barsHeaders() };
    case 'search':
      return { method: 'GET', path: `/${t.resourceType}?${encodeURIComponent('patient:identifier')}=${encodeURIComponent('https://fhir.nhs.uk/Id/nhs-number|9658499007')}`, headers: barsHeaders() };
    case 'process-message': {
      const kind = t.message ?? 'referral-new';
      const r = processMessageRequest(FIXTURE[kind], { nhsNumber: t.nhsNumber, target: t.target });
      const h = r.message.entry[0].resource;
      if (kind === 'validation-update') h.reason.coding[0].code = 'update';
      if (kind === 'validation-cancel') {
        for (const e of r.message.entry) for (const c of e.resource.category ?? []) for (const cd of c.coding ?? []) if (cd.system === USE_CASE_SYSTEM) cd.code = 'a4t1';
      }
      r.body = JSON.stringify(r.message);
      if (kind === 'validation-update' || kind === 'validation-cancel') {
        const [u, w, e] = r.headers['use-context']!.split('|');
        r.headers['use-context'] = `${kind === 'validation-cancel' ? 'a4t1' : u}|validation|${e}|${h.reason.coding[0].code}`;
        void w;
      }
      return r;
    }
  }
}

async function send(r: BuiltRequest): Promise<{ status: number; scenario: string | null; json: Record<string, any> }> {
  const res = await fetch(`${srv.url}${API_BASE_PATH}${r.path}`, { method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, scenario: res.headers.get('x-bars-serve-scenario'), json: text ? JSON.parse(text) : {} };
}

describe('TKW scenario table', () => {
  it('has every section of the guide page and the 15 state transitions', () => {
    expect(new Set(table.scenarios.map((s) => s.section))).toEqual(new Set(['Capability', 'MessageDef', 'Booking', 'Referral', 'Validation', 'Response']));
    expect(table.scenarios.length).toBeGreaterThanOrEqual(50);
    expect(table.stateful.transitions).toHaveLength(15);
    expect(table.source.file).toMatch(/TKW\.page\.md$/);
  });

  it.each(table.scenarios.map((s) => [s.id, s] as const))('%s is answered as the table says', async (_id, s) => {
    const r = await send(requestFor(s));
    const errors = r.json.resourceType === 'OperationOutcome' ? JSON.stringify(r.json.issue?.map((i: any) => i.diagnostics)) : '';
    expect(r.status, `${s.test}: ${errors}`).toBe(s.response.status);
    expect(r.scenario).toBe(s.id);
    if (s.response.status !== 200) {
      expect(r.json.resourceType).toBe('OperationOutcome');
      expect(r.json.issue[0].diagnostics).toContain(s.id);
      return;
    }
    if (s.response.returns) {
      const found = r.json.resourceType === 'Bundle' ? r.json.entry.map((e: any) => e.resource) : [r.json];
      expect(found).toContainEqual(expect.objectContaining({ resourceType: s.response.returns.resourceType, id: s.response.returns.id }));
    }
    const t = s.trigger;
    if (t.kind === 'metadata') expect(r.json.resourceType).toBe('CapabilityStatement');
    if (t.kind === 'message-definition') {
      const types = r.json.entry.map((e: any) => e.resource.resourceType);
      expect(types).toContain('MessageDefinition');
      expect(types.includes('Invoice')).toBe(s.response.variant === 'invalid');
    }
    if (t.kind === 'slot') {
      const types: string[] = r.json.entry.map((e: any) => e.resource.resourceType);
      const slots = r.json.entry.filter((e: any) => e.resource.resourceType === 'Slot').map((e: any) => e.resource.status);
      if (s.response.variant === 'none') expect(types).toEqual([]);
      if (s.response.variant === 'mandatory') expect(new Set(types)).toEqual(new Set(['Slot', 'Schedule', 'HealthcareService']));
      if (s.response.variant === 'free') expect(slots).toEqual(['free']);
      if (s.response.variant === 'free-and-busy') expect(new Set(slots)).toEqual(new Set(['free', 'busy']));
    }
  });
});
