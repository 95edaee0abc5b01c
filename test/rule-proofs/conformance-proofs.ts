/**
 * Rule proofs for conformance resources validated as instances (issue 14 item 9): SearchParameter
 * (searchparameter.html), OperationDefinition in/out profiles (operationdefinition.html), ValueSet
 * filters (valueset.html#filters) and CapabilityStatement search parameters
 * (capabilitystatement.html). The SearchParameters they derive from are R4 core's; the one
 * Parameters profile is loaded by the runner with the other proof profiles.
 */
import { constraintProfile, type TestProfile } from '../support/profiles.js';
import type { Json, RuleProof } from './fhir-proofs.js';

const CORE_SP = 'http://hl7.org/fhir/SearchParameter/';
const OP_PROFILE = 'http://example.org/StructureDefinition/proof-op-in';

const searchParameter = (extra: Json = {}): Json => ({
  resourceType: 'SearchParameter',
  url: 'http://example.org/SearchParameter/proof',
  name: 'Proof',
  status: 'active',
  description: 'A search parameter for a proof',
  code: 'proof',
  base: ['Patient'],
  type: 'string',
  expression: 'Patient.name',
  ...extra,
});
const composite = (components: string[]): Json =>
  searchParameter({
    base: ['Observation'],
    type: 'composite',
    expression: 'Observation',
    component: components.map((definition, i) => ({ definition, expression: i === 0 ? 'code' : 'value.as(Quantity)' })),
  });

const el = (id: string, rest: Json): Json => ({ id, path: id.replace(/:[^.]+/g, ''), ...rest });
const slice = (name: string, min: number, max: string, value: Json[]): Json[] => [
  el(`Parameters.parameter:${name}`, { sliceName: name, min, max }),
  el(`Parameters.parameter:${name}.name`, { fixedString: name }),
  el(`Parameters.parameter:${name}.value[x]`, { type: value }),
  el(`Parameters.parameter:${name}.resource`, { max: '0' }),
  el(`Parameters.parameter:${name}.part`, { max: '0' }),
];
/** Parameters profile restating an operation's input: a (string, 1..1), b (string, 0..1), r (Reference to Patient, 0..1). */
export const CONFORMANCE_PROOF_PROFILES: TestProfile[] = [
  constraintProfile(OP_PROFILE, 'Parameters', [
    el('Parameters.parameter', { slicing: { discriminator: [{ type: 'value', path: 'name' }], rules: 'open' } }),
    ...slice('a', 1, '1', [{ code: 'string' }]),
    ...slice('b', 0, '1', [{ code: 'string' }]),
    ...slice('r', 0, '1', [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'] }]),
  ]),
];

const param = (name: string, extra: Json = {}): Json => ({ name, use: 'in', min: 0, max: '1', type: 'string', ...extra });
const PARAMS = [param('a', { min: 1 }), param('b'), param('r', { type: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'] })];
const operation = (parameter: Json[] = PARAMS, extra: Json = {}): Json => ({
  resourceType: 'OperationDefinition',
  url: 'http://example.org/OperationDefinition/proof',
  name: 'Proof',
  status: 'active',
  kind: 'operation',
  code: 'proof',
  system: true,
  type: false,
  instance: false,
  inputProfile: OP_PROFILE,
  parameter,
  ...extra,
});
const withParam = (i: number, change: Json): Json[] => PARAMS.map((p, j) => (j === i ? { ...p, ...change } : p));

/** A ValueSet filtering a contained code system that defines a code property `colour` (filterable with `=`) and the concepts a, b. */
const valueSet = (filter: Json): Json => ({
  resourceType: 'ValueSet',
  url: 'http://example.org/ValueSet/proof',
  status: 'active',
  contained: [
    {
      resourceType: 'CodeSystem',
      id: 'cs',
      status: 'active',
      content: 'complete',
      caseSensitive: true,
      hierarchyMeaning: 'is-a',
      filter: [{ code: 'colour', operator: ['='], value: 'a colour code' }],
      property: [{ code: 'colour', type: 'code' }],
      concept: [{ code: 'a', concept: [{ code: 'a1' }] }, { code: 'b' }],
    },
  ],
  compose: { include: [{ system: '#cs', filter: [filter] }] },
});
const FILTER = 'ValueSet.compose.include[0].filter[0]';

const capability = (resource: Json): Json => ({
  resourceType: 'CapabilityStatement',
  status: 'active',
  date: '2024-01-01',
  kind: 'instance',
  implementation: { description: 'proof server' },
  fhirVersion: '4.0.1',
  format: ['json'],
  rest: [{ mode: 'server', resource: [{ type: 'Patient', ...resource }] }],
});
const CS_RESOURCE = 'CapabilityStatement.rest[0].resource[0]';

export const CONFORMANCE_PROOFS: RuleProof[] = [
  {
    id: 'sp-expression-invalid',
    why: 'a search expression reads from the base resource types',
    invalid: searchParameter({ expression: 'Organization.name' }),
    at: 'SearchParameter.expression',
    valid: searchParameter(),
  },
  {
    id: 'sp-expression-type',
    why: 'a date parameter selects dates, periods or timings',
    invalid: searchParameter({ type: 'date', expression: 'Patient.name' }),
    at: 'SearchParameter.expression',
    valid: searchParameter({ type: 'date', expression: 'Patient.birthDate' }),
  },
  {
    id: 'sp-derived-not-found',
    why: 'derivedFrom names a SearchParameter that can be found',
    invalid: searchParameter({ derivedFrom: 'http://example.org/SearchParameter/no-such-parameter' }),
    at: 'SearchParameter',
    valid: searchParameter({ derivedFrom: `${CORE_SP}Patient-name` }),
  },
  {
    id: 'sp-derived-base',
    why: 'a derived parameter is defined on resource types of its parent',
    invalid: searchParameter({ base: ['Practitioner'], expression: 'Practitioner.name', derivedFrom: `${CORE_SP}Patient-name` }),
    at: 'SearchParameter',
    valid: searchParameter({ derivedFrom: `${CORE_SP}Patient-name` }),
  },
  {
    id: 'sp-derived-type',
    why: 'a derived parameter keeps the type of its parent',
    invalid: searchParameter({ type: 'token', derivedFrom: `${CORE_SP}Patient-name` }),
    at: 'SearchParameter',
    valid: searchParameter({ derivedFrom: `${CORE_SP}Patient-name` }),
  },
  {
    id: 'sp-derived-expression',
    why: 'a derived parameter selects what its parent selects',
    invalid: searchParameter({ expression: 'Patient.name.family', derivedFrom: `${CORE_SP}Patient-name` }),
    at: 'SearchParameter',
    valid: searchParameter({ derivedFrom: `${CORE_SP}Patient-name` }),
  },
  {
    id: 'sp-composite-components',
    why: 'a composite parameter combines two or more components',
    invalid: composite([`${CORE_SP}clinical-code`]),
    at: 'SearchParameter',
    valid: composite([`${CORE_SP}clinical-code`, `${CORE_SP}Observation-value-quantity`]),
  },
  {
    id: 'sp-component-not-found',
    why: 'each component names a SearchParameter definition',
    invalid: composite([`${CORE_SP}clinical-code`, 'http://example.org/SearchParameter/no-such-parameter']),
    at: 'SearchParameter.component[1].definition',
    valid: composite([`${CORE_SP}clinical-code`, `${CORE_SP}Observation-value-quantity`]),
  },
  {
    id: 'sp-target-not-reference',
    why: 'target lists resource types for reference parameters only',
    invalid: searchParameter({ target: ['Organization'] }),
    at: 'SearchParameter.target',
    valid: searchParameter({ type: 'reference', expression: 'Patient.managingOrganization', target: ['Organization'] }),
  },
  {
    id: 'opdef-profile-not-found',
    why: 'inputProfile names a profile that can be found',
    invalid: operation(PARAMS, { inputProfile: 'http://example.org/StructureDefinition/no-such-profile' }),
    at: 'OperationDefinition.inputProfile',
    valid: operation(),
  },
  {
    id: 'opdef-profile-not-parameters',
    why: 'inputProfile is a profile on Parameters',
    invalid: operation(PARAMS, { inputProfile: 'http://hl7.org/fhir/StructureDefinition/Patient' }),
    at: 'OperationDefinition.inputProfile',
    valid: operation(),
  },
  {
    id: 'opdef-profile-extra-parameter',
    why: 'every parameter the profile slices is declared by the operation',
    invalid: operation(PARAMS.slice(0, 2).concat(param('r', { use: 'out', type: 'Reference' }))),
    at: 'OperationDefinition.inputProfile',
    valid: operation(),
  },
  {
    id: 'opdef-profile-missing-parameter',
    why: 'every declared input parameter is sliced by the input profile',
    invalid: operation([...PARAMS, param('c')]),
    at: 'OperationDefinition.parameter[3]',
    valid: operation(),
  },
  {
    id: 'opdef-profile-cardinality',
    why: "a parameter's min/max are its slice's",
    invalid: operation(withParam(0, { min: 0 })),
    at: 'OperationDefinition.parameter[0]',
    valid: operation(),
  },
  {
    id: 'opdef-profile-type',
    why: "a parameter's type is the one its slice allows",
    invalid: operation(withParam(1, { type: 'integer' })),
    at: 'OperationDefinition.parameter[1]',
    valid: operation(),
  },
  {
    id: 'opdef-profile-target',
    why: "a parameter's target profiles are its slice's",
    invalid: operation(withParam(2, { targetProfile: undefined })),
    at: 'OperationDefinition.parameter[2]',
    valid: operation(),
  },
  {
    id: 'vs-filter-property-unknown',
    why: 'a filter property is one the code system defines',
    invalid: valueSet({ property: 'size', op: '=', value: 'big' }),
    at: FILTER,
    valid: valueSet({ property: 'colour', op: '=', value: 'a' }),
  },
  {
    id: 'vs-filter-op',
    why: 'a filter operator is one the code system allows for the property',
    invalid: valueSet({ property: 'colour', op: 'is-a', value: 'a' }),
    at: FILTER,
    valid: valueSet({ property: 'colour', op: '=', value: 'a' }),
  },
  {
    id: 'vs-filter-value',
    why: "a filter value is of the property's type",
    invalid: valueSet({ property: 'inactive', op: '=', value: 'yes' }),
    at: FILTER,
    valid: valueSet({ property: 'inactive', op: '=', value: 'true' }),
  },
  {
    id: 'vs-filter-code-unknown',
    why: 'a concept filter names a code of the code system',
    invalid: valueSet({ property: 'concept', op: 'is-a', value: 'z' }),
    at: FILTER,
    valid: valueSet({ property: 'concept', op: 'is-a', value: 'a' }),
  },
  {
    id: 'vs-filter-property-code-unknown',
    why: 'a code property filter names a code of the code system',
    invalid: valueSet({ property: 'colour', op: '=', value: 'purple' }),
    at: FILTER,
    valid: valueSet({ property: 'colour', op: '=', value: 'b' }),
  },
  {
    id: 'cs-searchparam-type',
    why: "a searchParam's type is its definition's",
    invalid: capability({ searchParam: [{ name: 'name', definition: `${CORE_SP}Patient-name`, type: 'token' }] }),
    at: `${CS_RESOURCE}.searchParam[0]`,
    valid: capability({ searchParam: [{ name: 'name', definition: `${CORE_SP}Patient-name`, type: 'string' }] }),
  },
  {
    id: 'cs-search-include-syntax',
    why: 'searchInclude values are _include values',
    invalid: capability({ searchInclude: ['organization'] }),
    at: `${CS_RESOURCE}.searchInclude[0]`,
    valid: capability({ searchInclude: ['Patient:organization'] }),
  },
];
