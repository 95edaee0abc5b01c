/**
 * Observations that record a vital sign are validated against the FHIR vital signs profile.
 */
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';
import { impliedVitalSignsProfile } from './vital-signs.js';

const VS_CAT = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
const obs = (coding: { system: string; code: string }[], extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  category: VS_CAT,
  code: { coding },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2024-01-01T10:00:00Z',
  ...extra,
});
const errors = (r: { issues: { severity: string; ruleId: string; expression?: string }[] }) =>
  r.issues.filter((i) => i.severity === 'error').map((i) => `${i.ruleId} @ ${i.expression}`);

describe('impliedVitalSignsProfile', () => {
  it('recognises the profile code, a more specific LOINC code and a SNOMED CT code', () => {
    expect(impliedVitalSignsProfile(obs([{ system: 'http://loinc.org', code: '8867-4' }]))?.url).toBe('http://hl7.org/fhir/StructureDefinition/heartrate');
    expect(impliedVitalSignsProfile(obs([{ system: 'http://loinc.org', code: '8331-1' }]))?.url).toBe('http://hl7.org/fhir/StructureDefinition/bodytemp');
    expect(impliedVitalSignsProfile(obs([{ system: 'http://snomed.info/sct', code: '276885007' }]))).toMatchObject({ url: 'http://hl7.org/fhir/StructureDefinition/bodytemp', system: 'SNOMED CT' });
  });

  it('leaves other observations alone', () => {
    expect(impliedVitalSignsProfile(obs([{ system: 'http://loinc.org', code: '2339-0' }]))).toBeUndefined();
    expect(impliedVitalSignsProfile({ resourceType: 'Observation', code: { text: 'pulse' } })).toBeUndefined();
  });
});

describe('vital signs validation', () => {
  it('a complete heart rate passes, and says which profile it was checked against', async () => {
    const r = await (await plainEngine()).validate(
      JSON.stringify(obs([{ system: 'http://loinc.org', code: '8867-4' }], { valueQuantity: { value: 80, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' } })),
    );
    expect(errors(r)).toEqual([]);
    expect(r.issues.find((i) => i.ruleId === 'vital-signs-profile')).toMatchObject({ severity: 'information' });
  });

  it('a body temperature coded only in SNOMED CT lacks the LOINC code the profile requires', async () => {
    const r = await (await plainEngine()).validate(
      JSON.stringify(obs([{ system: 'http://snomed.info/sct', code: '276885007' }], { valueQuantity: { value: 37, unit: 'C', system: 'http://unitsofmeasure.org', code: 'Cel' } })),
    );
    expect(errors(r)).toEqual(['slice-cardinality-min @ Observation.code']);
    expect(r.issues.find((i) => i.ruleId === 'slice-cardinality-min')!.message).toContain('8310-5');
  });

  it('a heart rate in another unit breaks the profile', async () => {
    const r = await (await plainEngine()).validate(
      JSON.stringify(obs([{ system: 'http://loinc.org', code: '8867-4' }], { valueQuantity: { value: 80, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '{beats}/min' } })),
    );
    expect(errors(r)).toEqual(['fixed-value @ Observation.valueQuantity.code']);
  });

  it("a component's unit outside ucum-vitals-common is a warning: R4 binds it to every component value type, so it is read as extensible", async () => {
    const r = await (await plainEngine()).validate(
      JSON.stringify(
        obs([{ system: 'http://loinc.org', code: '2708-6' }], {
          valueQuantity: { value: 98, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
          component: [{ code: { coding: [{ system: 'http://loinc.org', code: '3151-8' }] }, valueQuantity: { value: 2, unit: 'L/min', system: 'http://unitsofmeasure.org', code: 'L/min' } }],
        }),
      ),
    );
    expect(errors(r)).toEqual([]);
    const w = r.issues.find((i) => i.expression === 'Observation.component[0].valueQuantity' && /ucum-vitals-common/.test(i.message));
    expect(w?.severity).toBe('warning');
  });
});
