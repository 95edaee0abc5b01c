/**
 * When the BaRS layer applies: only to messages that say they are BaRS (or when forced), so a
 * plain FHIR message is not drowned in BaRS Core errors.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsEngine } from '../../test/support/engine.js';
import { createEngine } from '../engine.js';
import { barsPlugins, dedupe } from './plugin.js';
import { barsDefaultSet } from './default-set.js';
import type { ValidationIssue } from '../model/issue.js';
import { TEST_CACHE } from '../../test/support/engine.js';
import { expectLinearTime } from '../../test/support/timing.js';

const plainMessage = {
  resourceType: 'Bundle',
  id: 'm1',
  type: 'message',
  timestamp: '2024-01-01T10:00:00Z',
  entry: [
    {
      fullUrl: 'urn:uuid:0d0b4c4e-2a6f-4f6a-9a63-7a3b9d1e5f01',
      resource: { resourceType: 'MessageHeader', id: 'h', eventCoding: { system: 'http://example.org/events', code: 'notify' }, source: { endpoint: 'http://example.org/a' } },
    },
  ],
};

describe('BaRS layer gate', () => {
  it('validates a non-BaRS FHIR message as plain FHIR, with one information note', async () => {
    const e = await barsEngine();
    const r = await e.validate(JSON.stringify(plainMessage));
    expect(r.issues.filter((i) => /^BARS-/.test(i.ruleId))).toEqual([]);
    expect(r.issues.map((i) => i.ruleId)).toContain('bars-not-bars-message');
  });

  it('applies the BaRS Core rules when --application forces them', async () => {
    const e = await createEngine({ cacheDir: TEST_CACHE, offline: true, plugins: await barsPlugins({ messageDefinitions: [], application: 'APP3' }), ...barsDefaultSet() });
    const r = await e.validate(JSON.stringify(plainMessage));
    expect(r.issues.map((i) => i.ruleId)).toContain('BARS-CORE-06');
    expect(r.issues.map((i) => i.ruleId)).not.toContain('bars-not-bars-message');
  });

  it('recognises a BaRS message by its event code alone', async () => {
    const e = await barsEngine();
    const msg = structuredClone(plainMessage);
    msg.entry[0]!.resource.eventCoding = { system: 'https://fhir.nhs.uk/CodeSystem/message-events-bars', code: 'servicerequest-request' };
    const r = await e.validate(JSON.stringify(msg));
    expect(r.issues.map((i) => i.ruleId)).not.toContain('bars-not-bars-message');
    expect(r.issues.some((i) => /^BARS-CORE-/.test(i.ruleId))).toBe(true);
  });

  it('every bundled BaRS fixture carries a BaRS marker', async () => {
    const e = await barsEngine();
    const f = resolve(import.meta.dirname, '../../fixtures/bars/valid/APP1-booking-request.json');
    const r = await e.validate(readFileSync(f));
    expect(r.issues.map((i) => i.ruleId)).not.toContain('bars-not-bars-message');
  });
});

describe('BaRS error responses', () => {
  const oo = (system?: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: system ? { coding: [{ system, code: 'BAD_THING' }] } : { text: 'date wrong' } }] });
  it('checks an OperationOutcome that uses NHS England error codes', async () => {
    const e = await barsEngine();
    const r = await e.validate(JSON.stringify(oo('https://fhir.nhs.uk/CodeSystem/http-error-codes')));
    expect(r.issues.filter((i) => i.ruleId === 'BARS-CORE-14').map((i) => i.expression)).toContain('OperationOutcome.issue[0].details.coding[0].code');
  });
  it('leaves a plain FHIR OperationOutcome alone (UK Core examples are not BaRS error responses)', async () => {
    const e = await barsEngine();
    const r = await e.validate(JSON.stringify(oo()));
    expect(r.issues.filter((i) => i.ruleId === 'BARS-CORE-14')).toEqual([]);
  });
});

describe('values the FHIR walk collects for the BaRS layer (Identifiers, Codings)', () => {
  it('checks NHS numbers in a resource on its own, in its contained resources and in identifier-typed extensions', async () => {
    const e = await barsEngine();
    const bad = '9449306622'; // wrong check digit
    const patient = {
      resourceType: 'Patient',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: bad }],
      contained: [{ resourceType: 'RelatedPerson', id: 'rp', patient: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: bad } } }],
      extension: [{ url: 'http://example.org/ext', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: bad } }],
    };
    const r = await e.validate(JSON.stringify(patient));
    expect(r.issues.filter((i) => i.ruleId === 'BARS-CORE-13').map((i) => i.expression).sort()).toEqual([
      'Patient.contained[0].patient.identifier.value',
      'Patient.extension[0].valueIdentifier.value',
      'Patient.identifier[0].value',
    ]);
  });
});

describe('dedupe of BaRS issues', () => {
  const issue = (ruleId: string, expression: string, message: string, source = 'BaRS'): ValidationIssue => ({ severity: 'warning', code: 'required', ruleId, expression, message, source });
  it('drops an issue saying again what an earlier one said (same rule, location and message), and nothing else', () => {
    const m = 'Patient.telecom SHOULD be populated';
    const added = [
      issue('bars-necessity-should', 'Bundle.entry[1].resource', m),
      issue('bars-necessity-should', 'Bundle.entry[1].resource', m), // a second table row saying the same
      issue('bars-necessity-should', 'Bundle.entry[2].resource', m), // another resource
      issue('bars-necessity-must', 'Bundle.entry[1].resource', m), // another rule
      issue('bars-necessity-should', 'Bundle.entry[1].resource', 'Patient.address SHOULD be populated'),
      issue('BARS-CORE-13', 'Bundle.entry[3].resource.identifier[0].value', 'bad check digit'),
    ];
    const existing = [issue('BARS-CORE-13', 'Bundle.entry[3].resource.identifier[0].value', 'bad check digit'), issue('bars-necessity-must', 'Bundle.entry[1].resource', m, 'http://x/sd|1')];
    expect(dedupe(existing, added)).toEqual([added[0], added[2], added[3], added[4]]);
  });

  it('is linear: 60 000 issues sharing one message at distinct places (a fuzzed payload took 15 s)', async () => {
    const added = Array.from({ length: 60_000 }, (_, n) => issue('bars-necessity-should-not', `Bundle.entry[0].resource.extension[${n}]`, 'SHOULD NOT be populated'));
    expect(dedupe([], [...added, added[5]!])).toHaveLength(60_000);
    // 4 × the issues, at most ~4 × the time (quadratic would be 16 ×; the margin is for the collector)
    await expectLinearTime('dedupe', (n) => dedupe([], added.slice(0, n)), 15_000, 13);
  });
});
