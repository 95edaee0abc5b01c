/**
 * Reference forms and targets, outside Bundles and inside them.
 */
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';

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
