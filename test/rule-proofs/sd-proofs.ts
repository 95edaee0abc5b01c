/**
 * Proofs of the StructureDefinition internal rules (structuredefinition.html, elementdefinition.html,
 * profiling.html, extensibility.html): a profile built here with one fault, validated as an
 * instance, raises the rule at its place; the same profile with the fault corrected does not.
 */
import type { RuleProof } from './fhir-proofs.js';

type Json = Record<string, unknown>;

const SD = 'http://example.org/StructureDefinition/';
const CORE = 'http://hl7.org/fhir/StructureDefinition/';
const el = (path: string, rest: Json = {}): Json => ({ id: path, path, ...rest });
const slice = (path: string, name: string, rest: Json = {}): Json => ({ id: `${path}:${name}`, path, sliceName: name, ...rest });

function profileOn(type: string, diff: Json[], extra: Json = {}): Json {
  return {
    resourceType: 'StructureDefinition', url: `${SD}sd-proof-${type.toLowerCase()}`, name: `SdProof${type}`, status: 'draft', fhirVersion: '4.0.1',
    kind: 'resource', abstract: false, type, baseDefinition: CORE + type, derivation: 'constraint',
    differential: { element: [el(type), ...diff] }, ...extra,
  };
}

function extensionDef(id: string, extra: Json = {}, fixedUrl = SD + id, base = `${CORE}Extension`): Json {
  return {
    resourceType: 'StructureDefinition', url: SD + id, name: id.replace(/[^A-Za-z]/g, ''), status: 'draft', fhirVersion: '4.0.1',
    kind: 'complex-type', abstract: false, context: [{ type: 'element', expression: 'Patient' }], type: 'Extension', baseDefinition: base, derivation: 'constraint',
    differential: { element: [el('Extension'), el('Extension.extension', { max: '0' }), el('Extension.url', { fixedUri: fixedUrl }), el('Extension.value[x]', { type: [{ code: 'string' }] })] },
    ...extra,
  };
}

/** Definitions the proofs need loaded: an extension that others derive from. */
export const SD_PROOF_PROFILES: Json[] = [extensionDef('sd-proof-base-ext')];

const slicing = (path: string): Json => ({ slicing: { discriminator: [{ type: 'value', path }], rules: 'open' } });
const ref = (target: string): Json => profileOn('Observation', [el('Observation.subject', { type: [{ code: 'Reference', targetProfile: [target] }] })]);
const typed = (code: string, target: string, path: string): Json => profileOn('Patient', [el(path, { type: [{ code, targetProfile: [target] }] })]);
const logical = (root: string): Json => ({
  resourceType: 'StructureDefinition', url: `${SD}SdProofModel`, name: 'SdProofModel', status: 'draft', kind: 'logical', abstract: false,
  type: 'http://example.org/types/SdProofModel', baseDefinition: `${CORE}Element`, derivation: 'specialization',
  differential: { element: [el(root)] },
});
const { derivation: _derivation, ...noDerivation } = profileOn('Patient', [el('Patient.gender')]);
const rootSliced = profileOn('Patient', []);
(rootSliced.differential as { element: Json[] }).element[0] = el('Patient', slicing('id'));

const withSnapshot = (value: Json): Json => ({
  ...profileOn('Patient', []),
  snapshot: { element: [el('Patient', { min: 0, max: '*' }), el('Patient.gender', { min: 0, max: '1', type: [{ code: 'code' }], ...value })] },
});

export const SD_PROOFS: RuleProof[] = [
  { id: 'sd-diff-unmatched', why: 'a differential element must match an element of the base (profiling.html#snapshot)', invalid: profileOn('Patient', [el('Patient.nonsense', { min: 1 })]), at: 'StructureDefinition.differential.element[1]', valid: profileOn('Patient', [el('Patient.gender', { min: 1 })]) },
  { id: 'sd-diff-order', why: 'a differential lists its elements in snapshot order', invalid: profileOn('Patient', [el('Patient.birthDate', { min: 1 }), el('Patient.identifier', { min: 1 })]), at: 'StructureDefinition.differential.element[1]', valid: profileOn('Patient', [el('Patient.identifier', { min: 1 }), el('Patient.birthDate', { min: 1 })]) },
  { id: 'sd-choice-name', why: 'a choice element is renamed only after one of its types (formats.html#choice)', invalid: profileOn('Observation', [el('Observation.valueBla', { min: 1 })]), at: 'StructureDefinition', valid: profileOn('Observation', [el('Observation.valueQuantity', { min: 1 })]) },
  { id: 'sd-type-not-in-base', why: 'a constraint chooses among the types of its base', invalid: profileOn('Patient', [el('Patient.birthDate', { type: [{ code: 'string' }] })]), at: 'StructureDefinition', valid: profileOn('Patient', [el('Patient.birthDate', { type: [{ code: 'date' }] })]) },
  { id: 'sd-target-not-in-base', why: 'a reference target of a constraint is, or derives from, a target its base allows', invalid: ref(`${CORE}Practitioner`), at: 'StructureDefinition.differential.element[1].type[0].targetProfile[0]', valid: ref(`${CORE}Patient`) },
  { id: 'sd-fixed-changed', why: 'a value fixed by the base cannot be fixed to another value', invalid: extensionDef('sd-proof-derived', {}, `${SD}sd-proof-derived`, `${SD}sd-proof-base-ext`), at: 'StructureDefinition.differential.element[2].fixedUri', valid: extensionDef('sd-proof-derived', {}, `${SD}sd-proof-base-ext`, `${SD}sd-proof-base-ext`) },
  { id: 'sd-slice-not-repeating', why: 'only a repeating element or a choice is sliced (profiling.html#slicing)', invalid: profileOn('Patient', [el('Patient.maritalStatus', slicing('coding.code')), slice('Patient.maritalStatus', 'a')]), at: 'StructureDefinition', valid: profileOn('Patient', [el('Patient.maritalStatus', { ...slicing('coding.code'), max: '1' }), slice('Patient.maritalStatus', 'a')]) },
  { id: 'sd-base-unknown', why: 'the baseDefinition must be known to check the differential', invalid: { ...profileOn('Patient', [el('Patient.gender')]), baseDefinition: `${SD}sd-proof-not-loaded` }, at: 'StructureDefinition.baseDefinition', valid: profileOn('Patient', [el('Patient.gender')]) },
  { id: 'sd-derivation-missing', why: 'a StructureDefinition with a baseDefinition says its derivation', invalid: noDerivation, at: 'StructureDefinition', valid: profileOn('Patient', [el('Patient.gender')]) },
  { id: 'sd-kind-mismatch', why: 'a constraint has the kind of its base', invalid: profileOn('Patient', [], { kind: 'complex-type' }), at: 'StructureDefinition', valid: profileOn('Patient', []) },
  { id: 'sd-type-mismatch', why: 'a specialization defines another type than its base', invalid: profileOn('Patient', [], { derivation: 'specialization' }), at: 'StructureDefinition', valid: profileOn('Patient', []) },
  { id: 'sd-path-type', why: "a logical model's element paths start with its type's name", invalid: logical('Other'), at: 'StructureDefinition.differential.element[0]', valid: logical('SdProofModel') },
  { id: 'sd-slicing-root', why: 'no slicing at the root of a differential', invalid: rootSliced, at: 'StructureDefinition.differential.element[0]', valid: profileOn('Patient', []) },
  { id: 'sd-discriminator-path', why: "a discriminator path names an element of the sliced element's type (profiling.html#discriminator)", invalid: profileOn('Patient', [el('Patient.extension', slicing('type'))]), at: 'StructureDefinition.differential.element[1].slicing.discriminator[0]', valid: profileOn('Patient', [el('Patient.extension', slicing('url'))]) },
  { id: 'sd-type-profile-unknown', why: 'a type profile that is not loaded cannot be checked', invalid: profileOn('Patient', [el('Patient.identifier', { type: [{ code: 'Identifier', profile: [`${SD}sd-proof-not-loaded`] }] })]), at: 'StructureDefinition.differential.element[1].type[0].profile[0]', valid: profileOn('Patient', [el('Patient.identifier', { type: [{ code: 'Identifier' }] })]) },
  { id: 'sd-type-profile-wrong', why: 'a type profile is a profile of that type', invalid: profileOn('Patient', [el('Patient.identifier', { type: [{ code: 'Identifier', profile: [`${CORE}SimpleQuantity`] }] })]), at: 'StructureDefinition.differential.element[1].type[0].profile[0]', valid: profileOn('Observation', [el('Observation.valueQuantity', { type: [{ code: 'Quantity', profile: [`${CORE}SimpleQuantity`] }] })]) },
  { id: 'sd-target-profile-type', why: 'a Reference targets a resource', invalid: typed('Reference', `${CORE}HumanName`, 'Patient.managingOrganization'), at: 'StructureDefinition.differential.element[1].type[0].targetProfile[0]', valid: typed('Reference', `${CORE}Organization`, 'Patient.managingOrganization') },
  { id: 'sd-binding-type', why: 'a binding applies to an element whose type carries a code', invalid: profileOn('Patient', [el('Patient.birthDate', { type: [{ code: 'date' }], binding: { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender' } })]), at: 'StructureDefinition.differential.element[1]', valid: profileOn('Patient', [el('Patient.gender', { type: [{ code: 'code' }], binding: { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender' } })]) },
  { id: 'sd-context-not-extension', why: 'only an extension definition says where it is used', invalid: profileOn('Patient', [], { context: [{ type: 'element', expression: 'Patient' }] }), at: 'StructureDefinition', valid: profileOn('Patient', []) },
  { id: 'sd-extension-url', why: "Extension.url is fixed to the extension definition's own url (extensibility.html)", invalid: extensionDef('sd-proof-ext', {}, `${SD}sd-proof-other`), at: 'StructureDefinition.differential.element[2].fixedUri', valid: extensionDef('sd-proof-ext') },
  { id: 'sd-value-type', why: "a snapshot's fixed value is of one of the element's types", invalid: withSnapshot({ fixedString: 'female' }), at: 'StructureDefinition.snapshot.element[1].fixedString', valid: withSnapshot({ fixedCode: 'female' }) },
  { id: 'sd-extension-context-element', why: 'an extension usable anywhere (context Element) is flagged for review', invalid: extensionDef('sd-proof-any', { context: [{ type: 'element', expression: 'Element' }] }), at: 'StructureDefinition.context[0]', valid: extensionDef('sd-proof-any') },
];
