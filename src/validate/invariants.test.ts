/**
 * Invariant evaluation through the validator: severities, the empty-result rule, and the
 * places where the published expression is narrower than what the HL7 validator accepts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainEngine, TEST_CACHE } from '../../test/support/engine.js';
import { expectNoSlowerThan } from '../../test/support/timing.js';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine } from '../engine.js';

const composition = (div: string, extraRef?: string) => ({
  resourceType: 'Composition',
  contained: [{ resourceType: 'Binary', id: 'img', contentType: 'image/png', data: 'iVBORw0KGgo=' }],
  status: 'final',
  type: { text: 'x' },
  date: '2021-02-01',
  author: [{ display: 'y' }],
  title: 'z',
  section: [{ text: { status: 'additional', div }, ...(extraRef ? { entry: [{ reference: extraRef }] } : {}) }],
});

describe('dom-3: contained resources must be referenced', () => {
  it('accepts a contained resource referenced only from the narrative (<img src="#id">)', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify(composition('<div xmlns="http://www.w3.org/1999/xhtml"><img src="#img" alt="a"/></div>')));
    expect(r.issues.filter((i) => i.ruleId === 'invariant:dom-3')).toEqual([]);
  });

  it('still fails when nothing points at the contained resource', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify(composition('<div xmlns="http://www.w3.org/1999/xhtml"><p>no image</p></div>')));
    const dom3 = r.issues.filter((i) => i.ruleId === 'invariant:dom-3');
    expect(dom3).toHaveLength(1);
    expect(dom3[0]!.severity).toBe('error');
    expect(dom3[0]!.expression).toBe('Composition');
  });

  it('accepts a contained resource referenced from a Reference', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify(composition('<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div>', '#img')));
    expect(r.issues.filter((i) => i.ruleId === 'invariant:dom-3')).toEqual([]);
  });
});

describe('invariant results', () => {
  it('an empty result is not a failure (ref-1 on a Reference with only a display)', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { display: 'someone' } }));
    expect(r.issues.filter((i) => i.ruleId.startsWith('invariant:'))).toEqual([]);
  });

  it('reports the declared severity and the constraint key (per-1: start after end)', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, period: { start: '2024-02-01', end: '2024-01-01' } }));
    const per1 = r.issues.find((i) => i.ruleId === 'invariant:per-1')!;
    expect(per1.severity).toBe('error');
    expect(per1.expression).toBe('Encounter.period');
    expect(per1.message).toMatch(/per-1/);
  });
});

describe('published R4 expressions that are wrong are evaluated as corrected', () => {
  const errorsAndProblems = (r: { issues: { severity: string; ruleId: string }[] }, key: string) =>
    r.issues.filter((i) => i.ruleId === `invariant:${key}` || ((i.ruleId === 'invariant-error' || i.ruleId === 'invariant-uncompilable') && JSON.stringify(i).includes(key)));

  it('que-7: an exists enableWhen with a boolean answer holds (R4 wrote "is Boolean")', async () => {
    const e = await plainEngine();
    const q = (answer: Record<string, unknown>) => ({
      resourceType: 'Questionnaire',
      status: 'active',
      item: [
        { linkId: 'a', type: 'string', text: 'A' },
        { linkId: 'b', type: 'string', text: 'B', enableWhen: [{ question: 'a', operator: 'exists', ...answer }] },
      ],
    });
    expect(errorsAndProblems(await e.validate(JSON.stringify(q({ answerBoolean: true }))), 'que-7')).toEqual([]);
    expect(errorsAndProblems(await e.validate(JSON.stringify(q({ answerString: 'x' }))), 'que-7')).toHaveLength(1);
  });

  it('eld-19/eld-20: element paths are checked (R4 regexes do not compile in ECMAScript as published)', async () => {
    const e = await plainEngine();
    const sd = (path: string) => ({
      resourceType: 'StructureDefinition',
      url: 'http://example.org/StructureDefinition/p',
      name: 'P',
      status: 'draft',
      kind: 'resource',
      abstract: false,
      type: 'Patient',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
      derivation: 'constraint',
      differential: { element: [{ id: path, path }] },
    });
    const good = await e.validate(JSON.stringify(sd('Patient.name')));
    expect([...errorsAndProblems(good, 'eld-19'), ...errorsAndProblems(good, 'eld-20')]).toEqual([]);
    const bad = await e.validate(JSON.stringify(sd('Patient.na me')));
    expect(bad.issues.filter((i) => i.ruleId === 'invariant:eld-19')).toHaveLength(1);
  });

  it('opd-3: a targetProfile is allowed on a resource-typed parameter, not on a string one', async () => {
    const e = await plainEngine();
    const od = (type: string) => ({
      resourceType: 'OperationDefinition',
      url: 'http://example.org/OperationDefinition/x',
      name: 'X',
      status: 'draft',
      kind: 'operation',
      code: 'x',
      system: false,
      type: false,
      instance: true,
      resource: ['Patient'],
      parameter: [{ name: 'p', use: 'in', min: 0, max: '1', type, targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'] }],
    });
    expect((await e.validate(JSON.stringify(od('Patient')))).issues.filter((i) => i.ruleId === 'invariant:opd-3')).toEqual([]);
    expect((await e.validate(JSON.stringify(od('string')))).issues.filter((i) => i.ruleId === 'invariant:opd-3')).toHaveLength(1);
  });
});

describe('an invariant whose cost explodes with the resource size', () => {
  it('stops at the evaluation budget with a located too-costly warning (the process used to die with "invalid size")', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { constraintProfile } = await import('../../test/support/profiles.js');
    const { createEngine } = await import('../engine.js');
    const { TEST_CACHE } = await import('../../test/support/engine.js');
    const dir = mkdtempSync(join(tmpdir(), 'bars-costly-'));
    const expression = 'name.select(%resource.descendants()).select(%resource.descendants()).exists()';
    const profile = constraintProfile('costly-patient', 'Patient', [
      { id: 'Patient', path: 'Patient', constraint: [{ key: 'cost-1', severity: 'error', human: 'costly', expression, source: 'http://example.org/StructureDefinition/costly-patient' }] },
    ]);
    writeFileSync(join(dir, 'StructureDefinition-costly-patient.json'), JSON.stringify(profile));
    const e = await createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
    const patientOf = (names: number) => ({
      resourceType: 'Patient',
      meta: { profile: ['http://example.org/StructureDefinition/costly-patient'] },
      name: Array.from({ length: names }, (_, i) => ({ family: `F${i}`, given: Array.from({ length: 50 }, (_, j) => `G${j}`) })),
    });
    const patient = patientOf(50);
    let r!: Awaited<ReturnType<typeof e.validate>>;
    // bounded by the budget, not by the resource: twice the names (8 × the work unchecked) cost about the same
    await expectNoSlowerThan('the costly invariant on twice the names', () => e.validate(JSON.stringify(patientOf(100))), async () => (r = await e.validate(JSON.stringify(patient))), 3, 1);
    const costly = r.issues.filter((i) => i.ruleId === 'too-costly');
    expect(costly, JSON.stringify(r.issues.slice(0, 5))).toHaveLength(1);
    expect(costly[0]).toMatchObject({ severity: 'warning', expression: 'Patient' });
    expect(costly[0]!.message).toMatch(/cost-1.*evaluation stopped after/);
    expect(costly[0]!.line).toBeGreaterThan(0);
  }, 60_000);
});

describe('constraint severity (ElementDefinition.constraint.severity: error | warning)', () => {
  it('a failed warning-level constraint is a warning and leaves the resource valid (vsd-0: a name that is not a computable identifier)', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify({ resourceType: 'ValueSet', status: 'draft', name: 'bad name' }));
    expect(r.issues.filter((i) => i.ruleId === 'invariant:vsd-0').map((i) => [i.severity, i.expression])).toEqual([['warning', 'ValueSet']]);
    expect(r.valid).toBe(true);
  });
  it('the computable name passes vsd-0', async () => {
    const e = await plainEngine();
    const r = await e.validate(JSON.stringify({ resourceType: 'ValueSet', status: 'draft', name: 'GoodName' }));
    expect(r.issues.filter((i) => i.ruleId === 'invariant:vsd-0')).toEqual([]);
  });
});

describe('a constraint whose expression fails at run time (FHIRPath: a singleton function given a collection is an error)', () => {
  const profile = constraintProfile('inv-singleton', 'Patient', [
    { id: 'Patient', path: 'Patient', constraint: [{ key: 'sgl-1', severity: 'error', human: 'the first given name starts with A', expression: "name.given.substring(0, 1) = 'A'" }] },
  ]);
  const patient = (given: string[]) => JSON.stringify({ resourceType: 'Patient', meta: { profile: [profile.url] }, name: [{ given }] });
  const engineWithProfile = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bars-inv-'));
    writeFileSync(join(dir, 'StructureDefinition-inv-singleton.json'), JSON.stringify(profile));
    return createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  };
  it('is reported at the element, naming the constraint, not passed silently nor called a failure of the rule', async () => {
    const r = await (await engineWithProfile()).validate(patient(['Ann', 'Bob']));
    const evaluation = r.issues.filter((i) => i.ruleId === 'invariant-error');
    expect(evaluation.map((i) => i.expression)).toEqual(['Patient']);
    expect(evaluation[0]!.message).toMatch(/sgl-1/);
    expect(r.issues.filter((i) => i.ruleId === 'invariant:sgl-1')).toEqual([]);
  });
  it('with one given name the expression evaluates: passes for Ann, fails (error, the declared severity) for Bob', async () => {
    const e = await engineWithProfile();
    expect((await e.validate(patient(['Ann']))).issues.filter((i) => i.ruleId.startsWith('invariant'))).toEqual([]);
    const bob = await e.validate(patient(['Bob']));
    expect(bob.issues.filter((i) => i.ruleId.startsWith('invariant')).map((i) => [i.ruleId, i.severity, i.expression])).toEqual([['invariant:sgl-1', 'error', 'Patient']]);
    expect(bob.valid).toBe(false);
  });
});
