/**
 * minValue[x]/maxValue[x] (R4 ElementDefinition): dates compared by the time they stand for, at
 * their precision (FHIRPath date/time comparison); Quantity limits after UCUM unit conversion.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';
import { compareLimit, compareTemporal, relativeTemporalLimit } from './limits.js';

describe('compareTemporal', () => {
  it('orders values of the same precision', () => {
    expect(compareTemporal('2020-01-01', '2020-01-02')).toBe(-1);
    expect(compareTemporal('2020-01-02', '2020-01-02')).toBe(0);
    expect(compareTemporal('2021', '2020')).toBe(1);
  });
  it('a coarser value inside the finer one\'s span is neither less nor greater', () => {
    expect(compareTemporal('2020', '2020-06-01')).toBeUndefined();
    expect(compareTemporal('2020-06-01', '2020-06-01T10:00:00Z')).toBeUndefined();
  });
  it('a coarser value wholly before or after is decided', () => {
    expect(compareTemporal('2019', '2020-01-01')).toBe(-1);
    expect(compareTemporal('2020-01-02', '2020-01-01T23:59:59Z')).toBe(1);
  });
  it('dateTimes with offsets compare at the instant they name', () => {
    expect(compareTemporal('2020-01-01T01:00:00+02:00', '2020-01-01T00:00:00Z')).toBe(-1);
    expect(compareTemporal('2020-01-01T02:00:00+02:00', '2020-01-01T00:00:00Z')).toBe(0);
  });
  it('numbers by value, times by text', () => {
    expect(compareLimit(2, 10)).toBe(-1);
    expect(compareLimit('09:00:00', '10:00:00')).toBe(-1);
  });
});

const SD = 'http://example.org/StructureDefinition/';
const profiles = [
  constraintProfile('lim-birth', 'Patient', [{ id: 'Patient.birthDate', path: 'Patient.birthDate', minValueDate: '2000-01-01' }]),
  // ElementDefinition.minValue[x]/maxValue[x]: on a date, a Duration is relative to the current clock
  constraintProfile('lim-age', 'Patient', [
    { id: 'Patient.birthDate', path: 'Patient.birthDate', minValueQuantity: { value: 150, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' }, maxValueQuantity: { value: 1, system: 'http://unitsofmeasure.org', code: 'd' } },
  ]),
  constraintProfile('lim-dose', 'Observation', [
    { id: 'Observation.value[x]', path: 'Observation.value[x]', type: [{ code: 'Quantity' }], maxValueQuantity: { value: 1, system: 'http://unitsofmeasure.org', code: 'g' } },
  ]),
];
let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-limits-'));
    for (const p of profiles) writeFileSync(join(dir, `StructureDefinition-${p.url.split('/').pop()}.json`), JSON.stringify(p));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}
async function errors(resource: Record<string, unknown>, profile: string) {
  const r = await (await getEngine()).validate(JSON.stringify({ ...resource, meta: { profile: [SD + profile] } }));
  return r.issues.filter((i) => i.severity === 'error').map((i) => ({ ruleId: i.ruleId, expression: i.expression }));
}

describe('minValueDate on a date', () => {
  it('a date on or after the minimum, or a year that contains it, is valid', async () => {
    for (const birthDate of ['2000-01-01', '2005-05-05', '2000']) expect(await errors({ resourceType: 'Patient', birthDate }, 'lim-birth'), birthDate).toEqual([]);
  });
  it('a date or year wholly before the minimum is an error', async () => {
    for (const birthDate of ['1999-12-31', '1999']) {
      expect(await errors({ resourceType: 'Patient', birthDate }, 'lim-birth'), birthDate).toEqual([{ ruleId: 'min-value', expression: 'Patient.birthDate' }]);
    }
  });
});

describe('maxValueQuantity with UCUM conversion', () => {
  const obs = (value: number, code: string) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'dose' },
    valueQuantity: { value, unit: code, system: 'http://unitsofmeasure.org', code },
  });
  it('500 mg is within a maximum of 1 g', async () => {
    expect(await errors(obs(500, 'mg'), 'lim-dose')).toEqual([]);
  });
  it('1500 mg exceeds a maximum of 1 g', async () => {
    expect(await errors(obs(1500, 'mg'), 'lim-dose')).toEqual([{ ruleId: 'max-value', expression: 'Observation.valueQuantity' }]);
  });
});

describe('a Duration limit on a date is relative to now (ElementDefinition.minValue[x], maxValue[x])', () => {
  const now = new Date('2026-12-03T12:00:00Z');
  it('minValue: the duration is subtracted from the current clock, maxValue: added to it', () => {
    const q = (value: number, code: string) => ({ value, system: 'http://unitsofmeasure.org', code });
    expect(relativeTemporalLimit(q(100, 'a'), -1, now)).toBe('1926-12-03T12:00:00.000Z');
    expect(relativeTemporalLimit(q(6, 'mo'), 1, now)).toBe('2027-06-03T12:00:00.000Z');
    expect(relativeTemporalLimit(q(2, 'wk'), -1, now)).toBe('2026-11-19T12:00:00.000Z');
    expect(relativeTemporalLimit(q(36, 'h'), 1, now)).toBe('2026-12-05T00:00:00.000Z');
  });
  it('only a Duration in UCUM time units is such a limit', () => {
    expect(relativeTemporalLimit('2000-01-01', -1, now)).toBeUndefined();
    expect(relativeTemporalLimit({ value: 1, system: 'http://unitsofmeasure.org', code: 'mg' }, -1, now)).toBeUndefined();
    expect(relativeTemporalLimit({ value: 1, system: 'http://example.org/units', code: 'a' }, -1, now)).toBeUndefined();
    expect(relativeTemporalLimit({ value: 1, unit: 'a' }, -1, now)).toBe('2025-12-03T12:00:00.000Z');
  });
  it('a birth date within the last 150 years and not in the future is valid', async () => {
    const lastYear = String(new Date().getUTCFullYear() - 1);
    for (const birthDate of ['1990-05-05', lastYear]) expect(await errors({ resourceType: 'Patient', birthDate }, 'lim-age'), birthDate).toEqual([]);
  });
  it('a birth date more than 150 years ago, or a year from now, is an error', async () => {
    expect(await errors({ resourceType: 'Patient', birthDate: '1850-01-01' }, 'lim-age')).toEqual([{ ruleId: 'min-value', expression: 'Patient.birthDate' }]);
    const nextYear = `${new Date().getUTCFullYear() + 1}-12-31`;
    expect(await errors({ resourceType: 'Patient', birthDate: nextYear }, 'lim-age')).toEqual([{ ruleId: 'max-value', expression: 'Patient.birthDate' }]);
  });
});
