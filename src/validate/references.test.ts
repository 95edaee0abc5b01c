/**
 * Reference forms and targets, outside Bundles and inside them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine } from '../engine.js';
import { plainEngine, TEST_CACHE } from '../../test/support/engine.js';

const provenance = (reference: string) => ({
  resourceType: 'Provenance',
  target: [{ reference: 'Patient/p1' }],
  recorded: '2024-01-01T10:00:00Z',
  agent: [{ who: { display: 'x' }, onBehalfOf: { reference } }],
});

describe('reference format', () => {
  it('rejects a relative reference that is not Type/id, without guessing a type from its tail', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify(provenance('Organization/https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization')));
    const errs = r.issues.filter((i) => i.severity === 'error');
    expect(errs.map((i) => i.ruleId)).toEqual(['reference-format']);
    expect(errs[0]!.expression).toBe('Provenance.agent[0].onBehalfOf');
    expect(errs[0]!.message).toMatch(/must be Type\/id/);
  });

  it.each(['Organization/o1', 'Organization/o1/_history/2', 'https://example.org/fhir/Organization/o1', 'urn:uuid:2b4a3f8e-8d0c-4b5e-9a1e-3c6f1d2e7a90'])('accepts %s', async (ref) => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify(provenance(ref)));
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('still checks the target type of a well-formed relative reference', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify(provenance('Observation/o1')));
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => i.ruleId)).toEqual(['reference-target-type']);
  });
});

describe('references inside a Bundle', () => {
  const obs = (id: string) => ({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' } });
  const doc = (sectionRef: string, entries: { fullUrl: string; resource: Record<string, unknown> }[]) => ({
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0' },
    type: 'document',
    timestamp: '2024-01-01T10:00:00Z',
    entry: [
      {
        fullUrl: 'http://example.org/fhir/Composition/c1',
        resource: {
          resourceType: 'Composition',
          id: 'c1',
          status: 'final',
          type: { text: 'x' },
          date: '2024-01-01',
          author: [{ display: 'y' }],
          title: 'z',
          section: [{ title: 's', entry: [{ reference: sectionRef }] }],
        },
      },
      ...entries,
    ],
  });

  it('reports on the Reference element (not its .reference), as the HL7 validator does', async () => {
    const e = await plainEngine();
    const b = doc('Observation/o1', [
      { fullUrl: 'http://example.org/fhir/Observation/o1', resource: obs('o1') },
      { fullUrl: 'http://example.org/fhir/Observation/o1', resource: obs('o1') },
    ]);
    const r = await e.validate(JSON.stringify(b));
    const amb = r.issues.filter((i) => i.ruleId === 'reference-ambiguous' && i.severity === 'error');
    expect(amb.map((i) => i.expression)).toEqual(['Bundle.entry[0].resource.section[0].entry[0]']);
  });

  it('a document SHALL carry what its Composition refers to: an unresolved section entry is an error (documents.html#content)', async () => {
    const e = await plainEngine();
    // version 3 of o1 is not in the document, though versions 1 and 2 are
    const versioned = (v: string) => ({ ...obs('o1'), meta: { versionId: v } });
    const b = doc('Observation/o1/_history/3', [
      { fullUrl: 'http://example.org/fhir/Observation/o1', resource: versioned('1') },
      { fullUrl: 'http://example.org/fhir/Observation/o1', resource: versioned('2') },
    ]);
    const r = await e.validate(JSON.stringify(b));
    const unresolved = r.issues.filter((i) => i.ruleId === 'reference-unresolved');
    expect(unresolved.map((i) => [i.severity, i.expression])).toEqual([['error', 'Bundle.entry[0].resource.section[0].entry[0]']]);
    // the version that is there resolves
    const ok = await e.validate(JSON.stringify(doc('Observation/o1/_history/2', [{ fullUrl: 'http://example.org/fhir/Observation/o1', resource: versioned('2') }])));
    expect(ok.issues.filter((i) => i.ruleId === 'reference-unresolved')).toEqual([]);
  });

  it('a reference from another entry of a document, not the Composition, that resolves to nothing stays a warning', async () => {
    const e = await plainEngine();
    const b = doc('Observation/o1', [{ fullUrl: 'http://example.org/fhir/Observation/o1', resource: { ...obs('o1'), subject: { reference: 'Patient/absent' } } }]);
    const r = await e.validate(JSON.stringify(b));
    expect(r.issues.filter((i) => i.ruleId === 'reference-unresolved').map((i) => [i.severity, i.expression])).toEqual([['warning', 'Bundle.entry[1].resource.subject']]);
  });

  it('an ambiguous reference is not also said to resolve to nothing', async () => {
    const e = await plainEngine();
    const b = doc('Observation/o1', [
      { fullUrl: 'urn:uuid:2b90dd2b-2dab-4c75-9bb9-a355e07401e8', resource: obs('o1') },
      { fullUrl: 'urn:uuid:f5452d76-3d4e-4cd0-9fc0-1ac3623e5cbf', resource: obs('o1') },
    ]);
    const r = await e.validate(JSON.stringify(b));
    const at = r.issues.filter((i) => i.expression === 'Bundle.entry[0].resource.section[0].entry[0]');
    expect(at.some((i) => i.ruleId === 'reference-ambiguous')).toBe(true);
    expect(r.issues.filter((i) => /does not resolve to any entry/.test(i.message))).toEqual([]);
  });
});

describe('aggregation: where a profile allows the target to be held', () => {
  const profile = constraintProfile('prov-bundled', 'Provenance', [
    { id: 'Provenance.target', path: 'Provenance.target', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'], aggregation: ['bundled'] }] },
    { id: 'Provenance.location', path: 'Provenance.location', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Location'], aggregation: ['referenced'] }] },
  ]);
  let engine: ReturnType<typeof createEngine> | undefined;
  const getEngine = () => {
    if (!engine) {
      const dir = mkdtempSync(join(tmpdir(), 'bars-aggregation-'));
      writeFileSync(join(dir, 'StructureDefinition-prov-bundled.json'), JSON.stringify(profile));
      engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
    }
    return engine;
  };
  const prov = (target: string, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Provenance',
    meta: { profile: [profile.url] },
    target: [{ reference: target }],
    recorded: '2024-01-01T10:00:00Z',
    agent: [{ who: { display: 'x' } }],
    ...extra,
  });
  const inBundle = (p: Record<string, unknown>) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'http://example.org/fhir/Provenance/pv1', resource: { id: 'pv1', ...p } },
      { fullUrl: 'http://example.org/fhir/Patient/p1', resource: { resourceType: 'Patient', id: 'p1' } },
      { fullUrl: 'http://example.org/fhir/Location/l1', resource: { resourceType: 'Location', id: 'l1' } },
    ],
  });
  const agg = (r: { issues: { ruleId: string; expression?: string }[] }) => r.issues.filter((i) => i.ruleId === 'reference-aggregation').map((i) => i.expression);

  it("a 'bundled' target found in the Bundle is fine", async () => {
    expect(agg(await (await getEngine()).validate(JSON.stringify(inBundle(prov('Patient/p1')))))).toEqual([]);
  });

  it("a 'bundled' target that is not in the Bundle is an error, on the Reference", async () => {
    expect(agg(await (await getEngine()).validate(JSON.stringify(inBundle(prov('Patient/p2')))))).toEqual(['Bundle.entry[0].resource.target[0]']);
  });

  it("a contained target where only 'referenced' is allowed is an error", async () => {
    const p = prov('Patient/p1', { contained: [{ resourceType: 'Location', id: 'loc' }], location: { reference: '#loc' } });
    expect(agg(await (await getEngine()).validate(JSON.stringify(inBundle(p))))).toEqual(['Bundle.entry[0].resource.location']);
  });
});
