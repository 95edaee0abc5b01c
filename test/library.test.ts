/**
 * The library surface suppliers call as a pre-send check: createValidator → validate(input).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Patient } from 'fhir/r4.js';
import { createValidator, type CreateValidatorOptions, type Validator } from '../src/index.js';
import { LoadError } from '../src/load/types.js';
import { TEST_CACHE } from './support/engine.js';

let shared: Promise<Validator> | undefined;
const validator = (): Promise<Validator> => (shared ??= createValidator({ cacheDir: TEST_CACHE, offline: true }));

const patient: Patient = { resourceType: 'Patient', gender: 'female', birthDate: '1980-02-30' };

describe('createValidator', () => {
  it('validates a typed object and returns issues plus an OperationOutcome', async () => {
    const r = await (await validator()).validate(patient);
    expect(r.valid).toBe(false);
    const bad = r.issues.find((i) => i.ruleId === 'primitive-range')!;
    expect(bad.message).toMatch(/February 1980 has 29 days/);
    expect(bad.expression).toBe('Patient.birthDate');
    expect(r.outcome.resourceType).toBe('OperationOutcome');
    expect(r.outcome.issue.some((i) => i.expression?.includes('Patient.birthDate'))).toBe(true);
    // built on first use, then the same object; still part of the result when it is serialised
    expect(r.outcome).toBe(r.outcome);
    expect((JSON.parse(JSON.stringify(r)) as { outcome: unknown }).outcome).toEqual(r.outcome);
  });

  it('accepts JSON text, FHIR XML text and bytes, with line numbers from the text', async () => {
    const v = await validator();
    const json = await v.validate('{\n  "resourceType": "Patient",\n  "gender": "femme"\n}');
    expect(json.issues.find((i) => i.ruleId === 'binding-required')).toMatchObject({ line: 3 });
    const xml = await v.validate(new TextEncoder().encode('<Patient xmlns="http://hl7.org/fhir">\n  <gender value="femme"/>\n</Patient>'));
    expect(xml.issues.find((i) => i.ruleId === 'binding-required')).toMatchObject({ line: 2 });
  });

  it('checks against an extra profile on request', async () => {
    const v = await validator();
    const r = await v.validate({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }, { profile: 'http://hl7.org/fhir/StructureDefinition/vitalsigns' });
    expect(r.valid).toBe(false);
    expect(r.issues.some((i) => i.source?.startsWith('http://hl7.org/fhir/StructureDefinition/vitalsigns'))).toBe(true);
  });

  it('is safe to call concurrently: the same verdicts in parallel as one by one', async () => {
    const v = await validator();
    const inputs = [patient, { resourceType: 'Patient' }, { resourceType: 'Observation' }, '{"resourceType":"Nope"}'];
    const serial = [];
    for (const i of inputs) serial.push((await v.validate(i as never)).issues.map((x) => x.ruleId).sort());
    const parallel = (await Promise.all(inputs.concat(inputs).map((i) => v.validate(i as never)))).map((r) => r.issues.map((x) => x.ruleId).sort());
    expect(parallel).toEqual(serial.concat(serial));
  });

  it('applies the BaRS layer by default, and not with bars: false', async () => {
    const file = resolve(import.meta.dirname, '../fixtures/bars/invalid/APP3-bad-nhs-number.json');
    const withBars = await (await validator()).validate(readFileSync(file));
    expect(withBars.issues.map((i) => i.ruleId)).toContain('BARS-CORE-13');
    const plain = await (await createValidator({ cacheDir: TEST_CACHE, offline: true, bars: false })).validate(readFileSync(file));
    expect(plain.issues.map((i) => i.ruleId)).not.toContain('BARS-CORE-13');
  });

  it('never throws on garbage: it returns a located fatal issue', async () => {
    const r = await (await validator()).validate('{"resourceType": "Patient", ');
    expect(r.valid).toBe(false);
    expect(r.issues[0]!.line).toBeGreaterThan(0);
  });

  it('a package that cannot be loaded is reported in diagnostics, not thrown; strict: true throws', async () => {
    const packageCache = mkdtempSync(join(tmpdir(), 'bars-empty-cache-'));
    const options: CreateValidatorOptions = { igs: ['example.not.cached#1.0.0'], offline: true, packageCache, cacheDir: TEST_CACHE, bars: false };
    const v = await createValidator(options);
    const missing = v.diagnostics.find((d) => d.code === 'package-missing');
    expect(missing).toMatchObject({ severity: 'error', message: expect.stringContaining('example.not.cached#1.0.0') });
    // validation still runs with what could be loaded (R4 core)
    expect((await v.validate(patient)).issues.some((i) => i.ruleId === 'primitive-range')).toBe(true);
    await expect(createValidator({ ...options, strict: true })).rejects.toBeInstanceOf(LoadError);
  });
});
