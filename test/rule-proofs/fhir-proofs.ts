/**
 * Rule proofs for the FHIR-layer and parse rules, built from the FHIR R4 spec text: for each rule,
 * an input the spec makes invalid in exactly that way, where the issue must be located, and the
 * smallest change that makes it valid for that rule (other rules may still speak about the valid
 * neighbour; this rule must not). Checked by rule-proofs.test.ts against R4 core alone.
 */
import type { RuleId } from '../../src/model/rules.js';
import { generateKeyPairSync, sign } from 'node:crypto';
import { constraintProfile, type TestProfile } from '../support/profiles.js';

export type Json = Record<string, unknown>;

export interface RuleProof {
  id: RuleId;
  /** What the spec says, in a few words (the test name). */
  why: string;
  invalid: Json | string;
  /** Where the issue is: its FHIRPath expression, or line:column for a parse rule that has no path. */
  at: string;
  valid: Json | string;
  /** An HTTP request (checked with validateRequest), not a resource. */
  request?: boolean;
}

const XHTML = 'http://www.w3.org/1999/xhtml';
const FHIR_NS = 'http://hl7.org/fhir';
const patient = (extra: Json = {}): Json => ({ resourceType: 'Patient', ...extra });
const obs = (extra: Json = {}): Json => ({ resourceType: 'Observation', status: 'final', code: { text: 'weight' }, ...extra });
const uuid = (n: number): string => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const header = (focus: string): Json => ({ resourceType: 'MessageHeader', eventCoding: { system: 'http://example.org/events', code: 'notify' }, source: { endpoint: 'http://example.org/source' }, focus: [{ reference: focus }] });
const message = (entries: Json[]): Json => ({ resourceType: 'Bundle', type: 'message', timestamp: '2024-05-01T10:00:00Z', identifier: { system: 'urn:ietf:rfc:3986', value: uuid(99) }, entry: entries });
const collection = (entries: Json[]): Json => ({ resourceType: 'Bundle', type: 'collection', entry: entries });
const ext = (url: string, value: Json = { valueString: 'x' }): Json => ({ url, ...value });

/** Profiles the proofs claim in meta.profile (profiling.html): loaded by the runner with R4 core. */
const SD = 'http://example.org/StructureDefinition/';
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const LOCAL = 'http://example.org/fhir/Id/local';
const el = (path: string, rest: Json): Json => ({ id: path, path, ...rest });
/** An extension definition with a string value, for use on a Patient (extensibility.html). */
const extensionDefinition = (id: string, root: Json = {}, extra: Json = {}): Json => ({
  resourceType: 'StructureDefinition', url: SD + id, version: '1.0.0', name: id.replace(/[^A-Za-z0-9]/g, ''), status: 'active', fhirVersion: '4.0.1',
  kind: 'complex-type', abstract: false, context: [{ type: 'element', expression: 'Patient' }], type: 'Extension',
  baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension', derivation: 'constraint',
  differential: { element: [el('Extension', root), el('Extension.extension', { max: '0' }), el('Extension.url', { fixedUri: SD + id }), el('Extension.value[x]', { type: [{ code: 'string' }] })] },
  ...extra,
});
export const PROOF_PROFILES: (TestProfile | Json)[] = [
  extensionDefinition('proof-modifier', { isModifier: true, isModifierReason: 'says the record is not about a real person' }),
  extensionDefinition('proof-needs-birthdate', {}, { contextInvariant: ['birthDate.exists()'] }),
  extensionDefinition('proof-given-a', {}, { contextInvariant: ["name.given.substring(0, 1) = 'A'"] }),
  { ...constraintProfile('proof-id-local', 'Identifier', [el('Identifier.system', { min: 1, fixedUri: LOCAL })]), kind: 'complex-type' },
  { ...constraintProfile('proof-id-nhs', 'Identifier', [el('Identifier.system', { min: 1, fixedUri: NHS })]), kind: 'complex-type' },
  constraintProfile('proof-costly', 'Patient', [el('Patient', { constraint: [{ key: 'prf-3', severity: 'error', human: 'costly', expression: 'name.select(%resource.descendants()).select(%resource.descendants()).exists()' }] })]),
  constraintProfile('proof-snomed-code', 'Observation', [el('Observation.code', { binding: { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/clinical-findings' } })]),
  // based on a definition nobody has: no snapshot can be generated
  { ...constraintProfile('proof-orphan', 'Patient', [el('Patient.gender', { min: 1 })]), baseDefinition: `${SD}no-such-base` },
  extensionDefinition('proof-orphan-extension', {}, { baseDefinition: `${SD}no-such-base` }),
  constraintProfile('proof-id-choice', 'Patient', [el('Patient.identifier', { type: [{ code: 'Identifier', profile: [`${SD}proof-id-local`, `${SD}proof-id-nhs`] }] })]),
  constraintProfile('proof-values', 'Patient', [
    el('Patient.name.family', { maxLength: 10, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/minLength', valueInteger: 2 }] }),
    el('Patient.birthDate', { minValueDate: '1900-01-01', maxValueDate: '2100-12-31', extension: [{ url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.mustHaveValue', valueBoolean: true }] }),
    el('Patient.gender', { fixedCode: 'female' }),
    el('Patient.maritalStatus', { patternCodeableConcept: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] } }),
    el('Patient.identifier', { type: [{ code: 'Identifier', profile: [`${SD}no-such-identifier-profile`] }] }),
  ]),
  constraintProfile('proof-slices', 'Patient', [
    el('Patient.identifier', { slicing: { discriminator: [{ type: 'value', path: 'system' }], ordered: true, rules: 'closed' } }),
    { id: 'Patient.identifier:nhs', path: 'Patient.identifier', sliceName: 'nhs', min: 1, max: '1' },
    { id: 'Patient.identifier:nhs.system', path: 'Patient.identifier.system', min: 1, fixedUri: NHS },
    { id: 'Patient.identifier:local', path: 'Patient.identifier', sliceName: 'local', min: 0, max: '1' },
    { id: 'Patient.identifier:local.system', path: 'Patient.identifier.system', min: 1, fixedUri: LOCAL },
    el('Patient.telecom', { slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } }),
    { id: 'Patient.telecom:phone', path: 'Patient.telecom', sliceName: 'phone', min: 0, max: '1' },
    { id: 'Patient.telecom:phone.system', path: 'Patient.telecom.system', min: 1, fixedCode: 'phone' },
  ]),
  constraintProfile('proof-invariant', 'Patient', [
    el('Patient', { constraint: [{ key: 'prf-1', severity: 'error', human: 'the first given name starts with A', expression: "name.given.substring(0, 1) = 'A'" }] }),
  ]),
  constraintProfile('proof-open-at-end', 'Patient', [
    el('Patient.telecom', { slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'openAtEnd' } }),
    { id: 'Patient.telecom:phone', path: 'Patient.telecom', sliceName: 'phone', min: 0, max: '1' },
    { id: 'Patient.telecom:phone.system', path: 'Patient.telecom.system', min: 1, fixedCode: 'phone' },
  ]),
  constraintProfile('proof-ambiguous', 'Patient', [
    el('Patient.identifier', { slicing: { discriminator: [{ type: 'pattern', path: '$this' }], rules: 'open' } }),
    { id: 'Patient.identifier:bySystem', path: 'Patient.identifier', sliceName: 'bySystem', min: 0, max: '*', patternIdentifier: { system: LOCAL } },
    { id: 'Patient.identifier:byValue', path: 'Patient.identifier', sliceName: 'byValue', min: 0, max: '*', patternIdentifier: { value: 'L1' } },
  ]),
  constraintProfile('proof-gendered', 'Patient', [el('Patient.gender', { min: 1 })]),
  constraintProfile('proof-references', 'Observation', [
    el('Observation.subject', { type: [{ code: 'Reference', targetProfile: [`${SD}proof-gendered`] }] }),
    el('Observation.performer', { type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Practitioner'], aggregation: ['contained'] }] }),
  ]),
  constraintProfile('proof-uncompilable', 'Patient', [
    el('Patient.contact', { constraint: [{ key: 'prf-2', severity: 'error', human: 'a broken expression', expression: 'name.family.(' }] }),
  ]),
  constraintProfile('proof-alternatives', 'Patient', [
    el('Patient.birthDate', { extension: [{ url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives', valueCanonical: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason' }] }),
  ]),
  constraintProfile('proof-target-unknown', 'Observation', [
    el('Observation.subject', { type: [{ code: 'Reference', targetProfile: [`${SD}no-such-patient-profile`] }] }),
  ]),  // extensions pack: narrative-language-control on the Narrative element
  constraintProfile('proof-lang-none', 'Patient', [el('Patient.text', { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/narrative-language-control', valueCode: '_no' }] })]),
];
const claims = (id: string, extra: Json): Json => patient({ meta: { profile: [SD + id] }, ...extra });
/** A Bundle signed as signatures.html describes: a compact JWS (ES256, key in its jwk header) whose payload is `signedContent`. */
const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b64url = (t: string | Buffer): string => Buffer.from(t).toString('base64url');
const jwsOf = (payload: string, key = signer.privateKey): string => {
  const input = `${b64url(JSON.stringify({ alg: 'ES256', jwk: signer.publicKey.export({ format: 'jwk' }) }))}.${b64url(payload)}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
};
const signedBundle = (content: Json, jws: string): Json => ({ ...content, signature: { type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }], when: '2024-05-01T10:00:00Z', who: { display: 'Dr Signer' }, sigFormat: 'application/jose', data: Buffer.from(jws).toString('base64') } });
const toSign = collection([{ fullUrl: uuid(1), resource: patient({ active: true }) }]);
const nhs = { system: NHS, value: '9434765919' };
const local = { system: LOCAL, value: 'L1' };
const BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';

export const FHIR_PROOFS: RuleProof[] = [
  // json.html: the JSON representation
  { id: 'json-syntax', why: 'the input must be well-formed JSON', invalid: '{"resourceType": "Patient",}', at: 'Patient', valid: '{"resourceType": "Patient"}' },
  { id: 'json-duplicate-key', why: 'a JSON object names each property once', invalid: '{"resourceType": "Patient", "gender": "male", "gender": "female"}', at: '1:47', valid: '{"resourceType": "Patient", "gender": "male"}' },
  { id: 'input-format', why: 'a resource is JSON or XML', invalid: 'Patient, born 1970', at: '1:1', valid: '{"resourceType": "Patient"}' },
  { id: 'resource-type-missing', why: 'a resource names its type in resourceType', invalid: { id: 'a' }, at: 'Resource', valid: { resourceType: 'Patient', id: 'a' } },
  { id: 'unknown-resource-type', why: 'resourceType is an R4 resource type', invalid: { resourceType: 'Patinet' }, at: 'Patinet', valid: patient() },
  { id: 'unknown-element', why: 'only the elements of the definition may appear', invalid: patient({ nmae: [{ family: 'Chalmers' }] }), at: 'Patient.nmae', valid: patient({ name: [{ family: 'Chalmers' }] }) },
  { id: 'json-array-expected', why: 'a repeating element is an array', invalid: patient({ name: { family: 'Chalmers' } }), at: 'Patient.name', valid: patient({ name: [{ family: 'Chalmers' }] }) },
  { id: 'json-array-unexpected', why: 'a non-repeating element is not an array', invalid: patient({ gender: ['male'] }), at: 'Patient.gender', valid: patient({ gender: 'male' }) },
  { id: 'json-type', why: 'a complex element is a JSON object', invalid: patient({ maritalStatus: 'married' }), at: 'Patient.maritalStatus', valid: patient({ maritalStatus: { text: 'married' } }) },
  { id: 'primitive-json-type', why: 'a boolean is a JSON boolean, not a string', invalid: patient({ active: 'true' }), at: 'Patient.active', valid: patient({ active: true }) },
  { id: 'null-value', why: 'null only aligns primitive arrays', invalid: patient({ gender: null }), at: 'Patient.gender', valid: patient({ gender: 'male' }) },
  { id: 'empty-array', why: 'an absent element is left out, never an empty array', invalid: patient({ name: [] }), at: 'Patient.name', valid: patient() },
  { id: 'empty-object', why: 'an element has a value or children', invalid: patient({ maritalStatus: {} }), at: 'Patient.maritalStatus', valid: patient({ maritalStatus: { text: 'married' } }) },
  // datatypes.html: primitive values
  { id: 'primitive-format', why: 'a date is written YYYY, YYYY-MM or YYYY-MM-DD', invalid: patient({ birthDate: '1974/12/01' }), at: 'Patient.birthDate', valid: patient({ birthDate: '1974-12-01' }) },
  { id: 'primitive-empty', why: 'strings are not empty', invalid: patient({ name: [{ family: '' }] }), at: 'Patient.name[0].family', valid: patient({ name: [{ family: 'Chalmers' }] }) },
  { id: 'primitive-chars', why: 'strings hold no control characters', invalid: patient({ name: [{ family: 'Chal\u0001mers' }] }), at: 'Patient.name[0].family', valid: patient({ name: [{ family: 'Chalmers' }] }) },
  { id: 'primitive-range', why: 'an integer is a 32-bit signed number', invalid: patient({ multipleBirthInteger: 2147483648 }), at: 'Patient.multipleBirthInteger', valid: patient({ multipleBirthInteger: 2 }) },
  { id: 'attachment-size', why: 'Attachment.size is the number of bytes of data', invalid: patient({ photo: [{ contentType: 'text/plain', data: 'aGVsbG8=', size: 3 }] }), at: 'Patient.photo[0]', valid: patient({ photo: [{ contentType: 'text/plain', data: 'aGVsbG8=', size: 5 }] }) },
  { id: 'attachment-hash', why: 'Attachment.hash is the base64 SHA-1 of data', invalid: patient({ photo: [{ contentType: 'text/plain', data: 'aGVsbG8=', hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }] }), at: 'Patient.photo[0]', valid: patient({ photo: [{ contentType: 'text/plain', data: 'aGVsbG8=', hash: 'qvTGHdzF6KLavt4PO0gs2a6pQ00=' }] }) },
  { id: 'element-id-duplicate', why: 'element ids are unique within a resource', invalid: patient({ name: [{ id: 'n1', family: 'A' }, { id: 'n1', family: 'B' }] }), at: 'Patient.name[1]', valid: patient({ name: [{ id: 'n1', family: 'A' }, { id: 'n2', family: 'B' }] }) },
  // conformance-rules.html: cardinality and constraints
  { id: 'cardinality-min', why: 'Observation.status is 1..1', invalid: { resourceType: 'Observation', code: { text: 'weight' } }, at: 'Observation', valid: obs() },
  { id: 'invariant:pat-1', why: 'pat-1: a contact has details or an organization', invalid: patient({ contact: [{ gender: 'male' }] }), at: 'Patient.contact[0]', valid: patient({ contact: [{ gender: 'male', name: { family: 'Chalmers' } }] }) },
  { id: 'invariant:obs-6', why: 'obs-6: dataAbsentReason only without a value', invalid: obs({ valueString: '70 kg', dataAbsentReason: { text: 'not asked' } }), at: 'Observation', valid: obs({ valueString: '70 kg' }) },
  // terminologies.html: bindings and codes
  { id: 'binding-required', why: 'Patient.gender is bound (required) to administrative-gender', invalid: patient({ gender: 'mail' }), at: 'Patient.gender', valid: patient({ gender: 'male' }) },
  { id: 'code-unknown', why: 'a code is one its code system defines', invalid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'mail' }] } }), at: 'Observation.code.coding[0].code', valid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male' }] } }) },
  { id: 'code-system-relative', why: 'Coding.system is an absolute URI', invalid: obs({ code: { coding: [{ system: 'loinc', code: '29463-7' }] } }), at: 'Observation.code.coding[0]', valid: obs({ code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] } }) },
  // extensibility.html
  { id: 'extension-url-absolute', why: 'Extension.url is an absolute URL', invalid: patient({ extension: [ext('birthPlace')] }), at: 'Patient.extension[0].url', valid: patient({ extension: [ext('http://example.org/fhir/StructureDefinition/birth-place')] }) },
  { id: 'extension-unknown', why: 'an extension is checked against its definition, which must be found', invalid: patient({ extension: [ext('http://example.org/fhir/StructureDefinition/no-such-extension')] }), at: 'Patient.extension[0]', valid: patient({ extension: [ext('http://hl7.org/fhir/StructureDefinition/patient-birthPlace', { valueAddress: { city: 'Leeds' } })] }) },
  { id: 'modifier-extension-unknown', why: 'an unknown modifier extension makes the resource unsafe to process', invalid: patient({ modifierExtension: [ext('https://fhir.trust.nhs.uk/StructureDefinition/no-such-modifier', { valueBoolean: true })] }), at: 'Patient.modifierExtension[0]', valid: patient() },
  { id: 'extension-url-version', why: 'Extension.url carries no |version in R4', invalid: patient({ extension: [ext('http://hl7.org/fhir/StructureDefinition/patient-birthPlace|3.0.2', { valueAddress: { city: 'Leeds' } })] }), at: 'Patient.extension[0].url', valid: patient({ extension: [ext('http://hl7.org/fhir/StructureDefinition/patient-birthPlace', { valueAddress: { city: 'Leeds' } })] }) },
  { id: 'extension-url-versioned', why: 'an extension is identified by its canonical url alone', invalid: patient({ extension: [ext('http://hl7.org/fhir/StructureDefinition/patient-birthPlace|4.0.1', { valueAddress: { city: 'Leeds' } })] }), at: 'Patient.extension[0].url', valid: patient({ extension: [ext('http://hl7.org/fhir/StructureDefinition/patient-birthPlace', { valueAddress: { city: 'Leeds' } })] }) },
  // references.html
  { id: 'reference-target-type', why: 'Observation.subject references a Patient, Group, Device or Location', invalid: obs({ subject: { reference: 'Medication/1' } }), at: 'Observation.subject', valid: obs({ subject: { reference: 'Patient/1' } }) },
  { id: 'reference-type-mismatch', why: 'Reference.type agrees with the type in the reference', invalid: obs({ subject: { reference: 'Patient/1', type: 'Group' } }), at: 'Observation.subject', valid: obs({ subject: { reference: 'Patient/1', type: 'Patient' } }) },
  // narrative.html
  { id: 'xhtml-namespace', why: 'the narrative div is in the XHTML namespace', invalid: patient({ text: { status: 'generated', div: '<div>Peter</div>' } }), at: 'Patient.text.div', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}">Peter</div>` } }) },
  { id: 'xhtml-script', why: 'the narrative holds no script', invalid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}">Peter<script>alert(1)</script></div>` } }), at: 'Patient.text.div', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}">Peter</div>` } }) },
  { id: 'xhtml-empty', why: 'txt-2: the narrative has some non-whitespace content', invalid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"> </div>` } }), at: 'Patient.text.div', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}">Peter</div>` } }) },
  // bundle.html and messaging.html
  { id: 'bundle-fullurl-uuid', why: 'a urn:uuid fullUrl holds a UUID', invalid: collection([{ fullUrl: 'urn:uuid:patient-1', resource: patient() }]), at: 'Bundle.entry[0]', valid: collection([{ fullUrl: uuid(1), resource: patient() }]) },
  { id: 'bundle-fullurl-id', why: 'a RESTful fullUrl ends in the resource type and id', invalid: collection([{ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '2' }) }]), at: 'Bundle.entry[0]', valid: collection([{ fullUrl: 'http://example.org/fhir/Patient/2', resource: patient({ id: '2' }) }]) },
  { id: 'bundle-duplicate-entry', why: 'fullUrls are unique within a Bundle', invalid: collection([{ fullUrl: uuid(1), resource: patient() }, { fullUrl: uuid(1), resource: patient() }]), at: 'Bundle.entry[1]', valid: collection([{ fullUrl: uuid(1), resource: patient() }, { fullUrl: uuid(2), resource: patient() }]) },
  { id: 'bundle-link-repeated', why: 'each link relation appears once', invalid: { resourceType: 'Bundle', type: 'collection', link: [{ relation: 'self', url: 'http://example.org/a' }, { relation: 'self', url: 'http://example.org/b' }] }, at: 'Bundle.link[1]', valid: { resourceType: 'Bundle', type: 'collection', link: [{ relation: 'self', url: 'http://example.org/a' }] } },
  { id: 'bundle-message-header-first', why: 'a message starts with its MessageHeader', invalid: message([{ fullUrl: uuid(1), resource: patient() }, { fullUrl: uuid(2), resource: header(uuid(1)) }]), at: 'Bundle.entry[0]', valid: message([{ fullUrl: uuid(2), resource: header(uuid(1)) }, { fullUrl: uuid(1), resource: patient() }]) },
  { id: 'reference-unresolved-urn', why: 'a urn:uuid reference in a message resolves to an entry', invalid: message([{ fullUrl: uuid(2), resource: header(uuid(3)) }, { fullUrl: uuid(1), resource: patient() }]), at: 'Bundle.entry[0].resource.focus[0]', valid: message([{ fullUrl: uuid(2), resource: header(uuid(1)) }, { fullUrl: uuid(1), resource: patient() }]) },
  // profiling.html
  { id: 'profile-unknown', why: 'a claimed profile can only be checked when it is found', invalid: patient({ meta: { profile: ['http://example.org/fhir/StructureDefinition/no-such-profile'] } }), at: 'Patient.meta.profile[0]', valid: patient() },
  { id: 'profile-wrong-type', why: 'a profile constrains one resource type', invalid: patient({ meta: { profile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns'] } }), at: 'Patient.meta.profile[0]', valid: patient() },
  // xml.html
  { id: 'xml-syntax', why: 'FHIR XML is well-formed XML', invalid: `<Patient xmlns="${FHIR_NS}"><active value="true"></Patient>`, at: '1:59', valid: `<Patient xmlns="${FHIR_NS}"><active value="true"/></Patient>` },
  { id: 'xml-namespace', why: 'FHIR elements are in the FHIR namespace', invalid: '<Patient><active value="true"/></Patient>', at: 'Patient', valid: `<Patient xmlns="${FHIR_NS}"><active value="true"/></Patient>` },
  { id: 'xml-dtd', why: 'FHIR XML has no DTD', invalid: `<!DOCTYPE Patient [<!ENTITY x "y">]><Patient xmlns="${FHIR_NS}"/>`, at: '1:1', valid: `<Patient xmlns="${FHIR_NS}"/>` },
  { id: 'xml-unknown-attribute', why: 'elements carry only the attributes FHIR XML defines', invalid: `<Patient xmlns="${FHIR_NS}"><active value="true" checked="yes"/></Patient>`, at: 'Patient.active', valid: `<Patient xmlns="${FHIR_NS}"><active value="true"/></Patient>` },
  { id: 'xml-element-order', why: 'elements follow the order of the definition', invalid: `<Patient xmlns="${FHIR_NS}"><gender value="male"/><active value="true"/></Patient>`, at: 'Patient.active', valid: `<Patient xmlns="${FHIR_NS}"><active value="true"/><gender value="male"/></Patient>` },
  // more of json.html, datatypes.html, references.html, bundle.html, narrative.html, terminologies.html, xml.html
  { id: 'primitive-length', why: 'an id is at most 64 characters', invalid: patient({ id: 'a'.repeat(65) }), at: 'Patient.id', valid: patient({ id: 'a'.repeat(64) }) },
  { id: 'primitive-extension-alignment', why: 'a primitive array and its _ array have the same length', invalid: patient({ name: [{ given: ['Peter', 'James'], _given: [{ id: 'g1' }] }] }), at: 'Patient.name[0]._given', valid: patient({ name: [{ given: ['Peter', 'James'], _given: [{ id: 'g1' }, null] }] }) },
  { id: 'cardinality-max', why: 'Observation.value[x] is 0..1: two of its types are two values', invalid: obs({ valueString: '70 kg', valueBoolean: true }), at: 'Observation', valid: obs({ valueString: '70 kg' }) },
  { id: 'resource-not-object', why: 'a resource is a JSON object', invalid: '["Patient"]', at: '1:1', valid: '{"resourceType": "Patient"}' },
  { id: 'reference-format', why: 'a literal reference is a relative or absolute URL', invalid: obs({ subject: { reference: 'Patient 1' } }), at: 'Observation.subject', valid: obs({ subject: { reference: 'Patient/1' } }) },
  { id: 'bundle-fullurl-absolute', why: 'fullUrl is an absolute URL', invalid: collection([{ fullUrl: 'Patient/1', resource: patient({ id: '1' }) }]), at: 'Bundle.entry[0]', valid: collection([{ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }) }]) },
  { id: 'bundle-fullurl-missing', why: 'bdl-7: entries other than transaction POSTs have a fullUrl', invalid: collection([{ resource: patient() }]), at: 'Bundle.entry[0]', valid: collection([{ fullUrl: uuid(1), resource: patient() }]) },
  { id: 'reference-unresolved', why: 'a relative reference in a message resolves to an entry', invalid: message([{ fullUrl: uuid(2), resource: header('Patient/7') }, { fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }) }]), at: 'Bundle.entry[0].resource.focus[0]', valid: message([{ fullUrl: uuid(2), resource: header('Patient/1') }, { fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }) }]) },
  { id: 'code-system-unknown', why: 'codes can only be checked against a known code system', invalid: obs({ code: { coding: [{ system: 'http://example.org/fhir/CodeSystem/no-such-system', code: 'x' }] } }), at: 'Observation.code.coding[0].system', valid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male' }] } }) },
  { id: 'display-mismatch', why: 'Coding.display is a display the code system gives', invalid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male', display: 'Female' }] } }), at: 'Observation.code.coding[0].display', valid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male', display: 'Male' }] } }) },
  { id: 'code-system-not-codesystem', why: 'Coding.system names a code system, not a value set', invalid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/ValueSet/administrative-gender', code: 'male' }] } }), at: 'Observation.code.coding[0]', valid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male' }] } }) },
  { id: 'code-system-case', why: 'code system URLs are case-sensitive', invalid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/Administrative-Gender', code: 'male' }] } }), at: 'Observation.code.coding[0]', valid: obs({ code: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male' }] } }) },
  { id: 'binding-extensible', why: 'Patient.maritalStatus is bound (extensible) to marital-status', invalid: patient({ maritalStatus: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male' }] } }), at: 'Patient.maritalStatus', valid: patient({ maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] } }) },
  { id: 'xhtml-syntax', why: 'the narrative is well-formed XHTML', invalid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><p>Peter</div>` } }), at: 'Patient.text.div', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><p>Peter</p></div>` } }) },
  { id: 'xhtml-element', why: 'the narrative uses basic HTML elements only ', invalid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><marquee>Peter</marquee></div>` } }), at: 'Patient.text.div', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><p>Peter</p></div>` } }) },
  { id: 'xhtml-attribute', why: 'the narrative uses only the attributes basic HTML allows', invalid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><p data-x="1">Peter</p></div>` } }), at: 'Patient.text.div', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><p>Peter</p></div>` } }) },
  { id: 'xhtml-link-scheme', why: 'narrative links are http(s), mailto, tel or local', invalid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><a href="file:///etc/patients">Peter</a></div>` } }), at: 'Patient.text.div', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><a href="https://example.org/p">Peter</a></div>` } }) },
  { id: 'narrative-link', why: 'a narrative link to #id names an element id of the resource', invalid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><a href="#n9">Peter</a></div>` }, name: [{ id: 'n1', family: 'Chalmers' }] }), at: 'Patient.text.div', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><a href="#n1">Peter</a></div>` }, name: [{ id: 'n1', family: 'Chalmers' }] }) },
  { id: 'bundle-search-id', why: 'a resource a search returns carries its id', invalid: { resourceType: 'Bundle', type: 'searchset', entry: [{ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient(), search: { mode: 'match' } }] }, at: 'Bundle.entry[0].resource', valid: { resourceType: 'Bundle', type: 'searchset', entry: [{ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }), search: { mode: 'match' } }] } },
  { id: 'bundle-search-outcome', why: 'search.mode outcome is for an OperationOutcome', invalid: { resourceType: 'Bundle', type: 'searchset', entry: [{ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }), search: { mode: 'outcome' } }] }, at: 'Bundle.entry[0].resource', valid: { resourceType: 'Bundle', type: 'searchset', entry: [{ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }), search: { mode: 'match' } }] } },
  { id: 'bundle-search-type', why: 'a search match is of the type searched for', invalid: { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: 'http://example.org/fhir/Observation?code=x' }], entry: [{ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }), search: { mode: 'match' } }] }, at: 'Bundle.entry[0].resource', valid: { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: 'http://example.org/fhir/Patient?name=x' }], entry: [{ fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }), search: { mode: 'match' } }] } },
  { id: 'bundle-message-unreachable', why: 'every entry of a message is reachable from the MessageHeader', invalid: message([{ fullUrl: uuid(2), resource: header(uuid(1)) }, { fullUrl: uuid(1), resource: patient() }, { fullUrl: uuid(3), resource: obs() }]), at: 'Bundle.entry[2]', valid: message([{ fullUrl: uuid(2), resource: header(uuid(1)) }, { fullUrl: uuid(1), resource: patient() }]) },
  { id: 'vital-signs-profile', why: 'a vital-signs Observation is checked against the vital signs profile', invalid: obs({ category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }], code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, subject: { reference: 'Patient/1' }, effectiveDateTime: '2024-05-01', valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' } }), at: 'Observation', valid: obs() },
  { id: 'xml-entity', why: 'FHIR XML uses no entities but the predefined ones', invalid: `<Patient xmlns="${FHIR_NS}"><gender value="&custom;"/></Patient>`, at: '1:53', valid: `<Patient xmlns="${FHIR_NS}"><gender value="male"/></Patient>` },
  { id: 'xml-text', why: 'FHIR XML elements hold elements, not text', invalid: `<Patient xmlns="${FHIR_NS}">hello<active value="true"/></Patient>`, at: 'Patient', valid: `<Patient xmlns="${FHIR_NS}"><active value="true"/></Patient>` },
  { id: 'cardinality-max-xml', why: 'a non-repeating element appears once', invalid: `<Patient xmlns="${FHIR_NS}"><active value="true"/><active value="false"/></Patient>`, at: 'Patient.active', valid: `<Patient xmlns="${FHIR_NS}"><active value="true"/></Patient>` },
  // questionnaire.html, questionnaireresponse.html
  { id: 'q-enablewhen-target', why: 'enableWhen.question names an item of the questionnaire', invalid: { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'a', type: 'boolean' }, { linkId: 'b', type: 'string', enableWhen: [{ question: 'zz', operator: 'exists', answerBoolean: true }] }] }, at: 'Questionnaire.item[1]', valid: { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'a', type: 'boolean' }, { linkId: 'b', type: 'string', enableWhen: [{ question: 'a', operator: 'exists', answerBoolean: true }] }] } },
  { id: 'q-enablewhen-self', why: 'an item cannot be enabled by itself', invalid: { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'a', type: 'boolean' }, { linkId: 'b', type: 'boolean', enableWhen: [{ question: 'b', operator: 'exists', answerBoolean: true }] }] }, at: 'Questionnaire.item[1]', valid: { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'a', type: 'boolean' }, { linkId: 'b', type: 'boolean', enableWhen: [{ question: 'a', operator: 'exists', answerBoolean: true }] }] } },
  { id: 'qr-no-questionnaire', why: 'a response names its questionnaire to be checked', invalid: { resourceType: 'QuestionnaireResponse', status: 'completed' }, at: 'QuestionnaireResponse', valid: { resourceType: 'QuestionnaireResponse', status: 'completed', questionnaire: 'http://example.org/fhir/Questionnaire/q' } },
  { id: 'qr-questionnaire-not-found', why: 'the questionnaire of a response must be found to check it', invalid: { resourceType: 'QuestionnaireResponse', status: 'completed', questionnaire: 'http://example.org/fhir/Questionnaire/q' }, at: 'QuestionnaireResponse', valid: { resourceType: 'QuestionnaireResponse', status: 'completed' } },
  { id: 'bundle-document-unreachable', why: 'every entry of a document is reachable from the Composition', invalid: { resourceType: 'Bundle', type: 'document', identifier: { system: 'urn:ietf:rfc:3986', value: uuid(98) }, timestamp: '2024-05-01T10:00:00Z', entry: [{ fullUrl: uuid(1), resource: { resourceType: 'Composition', status: 'final', type: { text: 'letter' }, date: '2024-05-01', author: [{ display: 'Dr A' }], title: 'Letter', subject: { reference: uuid(2) } } }, { fullUrl: uuid(2), resource: patient() }, { fullUrl: uuid(3), resource: obs() }] }, at: 'Bundle.entry[2]', valid: { resourceType: 'Bundle', type: 'document', identifier: { system: 'urn:ietf:rfc:3986', value: uuid(98) }, timestamp: '2024-05-01T10:00:00Z', entry: [{ fullUrl: uuid(1), resource: { resourceType: 'Composition', status: 'final', type: { text: 'letter' }, date: '2024-05-01', author: [{ display: 'Dr A' }], title: 'Letter', subject: { reference: uuid(2) } } }, { fullUrl: uuid(2), resource: patient() }] } },
  { id: 'xml-resource-container', why: 'a resource element holds exactly one resource', invalid: `<Bundle xmlns="${FHIR_NS}"><type value="collection"/><entry><fullUrl value="${uuid(1)}"/><resource><Patient/><Patient/></resource></entry></Bundle>`, at: 'Bundle.entry.resource', valid: `<Bundle xmlns="${FHIR_NS}"><type value="collection"/><entry><fullUrl value="${uuid(1)}"/><resource><Patient/></resource></entry></Bundle>` },
  { id: 'json-depth', why: 'no FHIR resource nests hundreds of levels deep', invalid: `{"resourceType": "Patient", "extension": ${'[{"url": "http://example.org/x", "extension": '.repeat(300)}[]${'}]'.repeat(300)}}`, at: '1:11497', valid: '{"resourceType": "Patient"}' },
  // profiling.html: constraints a profile places on values (a profile built for the proof)
  { id: 'max-length', why: 'a string is at most the maxLength of its element', invalid: claims('proof-values', { name: [{ family: 'Chalmersworth' }] }), at: 'Patient.name[0].family', valid: claims('proof-values', { name: [{ family: 'Chalmers' }] }) },
  { id: 'min-length', why: 'a string is at least the minLength of its element', invalid: claims('proof-values', { name: [{ family: 'C' }] }), at: 'Patient.name[0].family', valid: claims('proof-values', { name: [{ family: 'Ch' }] }) },
  { id: 'min-value', why: 'a value is no less than minValue[x]', invalid: claims('proof-values', { birthDate: '1850-01-01' }), at: 'Patient.birthDate', valid: claims('proof-values', { birthDate: '1950-01-01' }) },
  { id: 'max-value', why: 'a value is no more than maxValue[x]', invalid: claims('proof-values', { birthDate: '2150-01-01' }), at: 'Patient.birthDate', valid: claims('proof-values', { birthDate: '2050-01-01' }) },
  { id: 'must-have-value', why: 'mustHaveValue: extensions alone do not stand in for the value', invalid: claims('proof-values', { _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] } }), at: 'Patient.birthDate', valid: claims('proof-values', { birthDate: '1950-01-01' }) },
  { id: 'fixed-value', why: 'a fixed[x] value must be exactly that value', invalid: claims('proof-values', { gender: 'male' }), at: 'Patient.gender', valid: claims('proof-values', { gender: 'female' }) },
  { id: 'pattern-value', why: 'a pattern[x] value must be contained in the value', invalid: claims('proof-values', { maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'S' }] } }), at: 'Patient.maritalStatus', valid: claims('proof-values', { maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] } }) },
  { id: 'profile-required-unknown', why: 'a value must conform to its type profile, which must be found to check it', invalid: claims('proof-values', { identifier: [{ value: '1' }] }), at: 'Patient.identifier[0]', valid: claims('proof-values', {}) },
  { id: 'invariant-error', why: 'a constraint that cannot be evaluated (substring of two names) is reported, not passed', invalid: claims('proof-invariant', { name: [{ given: ['Ann', 'Bob'] }] }), at: 'Patient', valid: claims('proof-invariant', { name: [{ given: ['Ann'] }] }) },
  // profiling.html: slicing
  { id: 'slice-closed', why: 'closed slicing: every item matches a slice', invalid: claims('proof-slices', { identifier: [nhs, { system: 'http://example.org/other', value: 'x' }] }), at: 'Patient.identifier[1]', valid: claims('proof-slices', { identifier: [nhs, local] }) },
  { id: 'slice-order', why: 'ordered slicing: items come in the order of the slices', invalid: claims('proof-slices', { identifier: [local, nhs] }), at: 'Patient.identifier[1]', valid: claims('proof-slices', { identifier: [nhs, local] }) },
  { id: 'slice-cardinality-min', why: 'a slice with min 1 is present', invalid: claims('proof-slices', { identifier: [local] }), at: 'Patient', valid: claims('proof-slices', { identifier: [nhs, local] }) },
  { id: 'slice-cardinality-max', why: 'a slice with max 1 appears once', invalid: claims('proof-slices', { identifier: [nhs, { ...nhs, value: '9434765870' }] }), at: 'Patient', valid: claims('proof-slices', { identifier: [nhs] }) },
  { id: 'slice-none', why: 'open slicing: an item that matches no slice is worth a note', invalid: claims('proof-slices', { identifier: [nhs], telecom: [{ system: 'email', value: 'a@example.org' }] }), at: 'Patient.telecom[0]', valid: claims('proof-slices', { identifier: [nhs], telecom: [{ system: 'phone', value: '0113 496 0000' }] }) },
  // extensibility.html: extensions used as their definitions say (core extensions)
  { id: 'choice-type-not-allowed', why: 'patient-birthPlace has a value of type Address', invalid: patient({ extension: [{ url: BIRTH_PLACE, valueString: 'Leeds' }] }), at: 'Patient.extension[0]', valid: patient({ extension: [{ url: BIRTH_PLACE, valueAddress: { city: 'Leeds' } }] }) },
  { id: 'extension-context', why: 'patient-birthPlace is used on a Patient only', invalid: obs({ extension: [{ url: BIRTH_PLACE, valueAddress: { city: 'Leeds' } }] }), at: 'Observation.extension[0]', valid: obs() },
  { id: 'extension-not-modifier', why: 'a regular extension is not a modifierExtension', invalid: patient({ modifierExtension: [{ url: BIRTH_PLACE, valueAddress: { city: 'Leeds' } }] }), at: 'Patient.modifierExtension[0]', valid: patient({ extension: [{ url: BIRTH_PLACE, valueAddress: { city: 'Leeds' } }] }) },
  { id: 'extension-sub-unknown', why: 'patient-nationality has the sub-extensions code and period only', invalid: patient({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality', extension: [{ url: 'country', valueCodeableConcept: { text: 'UK' } }] }] }), at: 'Patient.extension[0].extension[0]', valid: patient({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality', extension: [{ url: 'code', valueCodeableConcept: { text: 'UK' } }] }] }) },
  // datatypes.html: decimal precision
  { id: 'primitive-precision', why: 'a decimal keeps at most 18 significant digits', invalid: '{"resourceType": "Observation", "status": "final", "code": {"text": "weight"}, "valueQuantity": {"value": 1.2345678901234567890}}', at: 'Observation.valueQuantity.value', valid: '{"resourceType": "Observation", "status": "final", "code": {"text": "weight"}, "valueQuantity": {"value": 1.2345}}' },
  { id: 'slice-open-at-end', why: 'openAtEnd slicing: items matching no slice come after the slices', invalid: claims('proof-open-at-end', { telecom: [{ system: 'email', value: 'a@example.org' }, { system: 'phone', value: '0113 496 0000' }] }), at: 'Patient.telecom[1]', valid: claims('proof-open-at-end', { telecom: [{ system: 'phone', value: '0113 496 0000' }, { system: 'email', value: 'a@example.org' }] }) },
  { id: 'slice-ambiguous', why: 'an item matches at most one slice', invalid: claims('proof-ambiguous', { identifier: [local] }), at: 'Patient.identifier[0]', valid: claims('proof-ambiguous', { identifier: [{ ...local, value: 'L2' }] }) },
  // references.html: what a reference may point at, and how (a profile built for the proof)
  { id: 'reference-target-profile', why: 'the target conforms to the targetProfile', invalid: obs({ meta: { profile: [`${SD}proof-references`] }, contained: [patient({ id: 'p' })], subject: { reference: '#p' } }), at: 'Observation.subject', valid: obs({ meta: { profile: [`${SD}proof-references`] }, contained: [patient({ id: 'p', gender: 'female' })], subject: { reference: '#p' } }) },
  { id: 'reference-aggregation', why: 'aggregation contained: the target is contained in the resource', invalid: obs({ meta: { profile: [`${SD}proof-references`] }, performer: [{ reference: 'Practitioner/1' }] }), at: 'Observation.performer[0]', valid: obs({ meta: { profile: [`${SD}proof-references`] }, contained: [{ resourceType: 'Practitioner', id: 'pr' }], performer: [{ reference: '#pr' }] }) },
  { id: 'reference-resolved-type', why: 'a reference to …/Patient/1 resolves to a Patient', invalid: message([{ fullUrl: uuid(2), resource: header('http://example.org/fhir/Patient/1') }, { fullUrl: 'http://example.org/fhir/Patient/1', resource: { resourceType: 'Practitioner', id: '1' } }]), at: 'Bundle.entry[0].resource.focus[0]', valid: message([{ fullUrl: uuid(2), resource: header('http://example.org/fhir/Patient/1') }, { fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }) }]) },
  { id: 'reference-base-mismatch', why: 'a relative reference resolves against the base of the fullUrl of its entry', invalid: message([{ fullUrl: 'http://example.org/fhir/MessageHeader/2', resource: header('Patient/1') }, { fullUrl: 'http://other.example.org/fhir/Patient/1', resource: patient({ id: '1' }) }]), at: 'Bundle.entry[0].resource.focus[0]', valid: message([{ fullUrl: 'http://example.org/fhir/MessageHeader/2', resource: header('Patient/1') }, { fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }) }]) },
  // terminologies.html
  { id: 'binding-preferred', why: 'Patient.communication.language is bound (preferred) to common-languages', invalid: patient({ communication: [{ language: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'male' }] } }] }), at: 'Patient.communication[0].language', valid: patient({ communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en-GB' }] } }] }) },
  { id: 'extension-modifier-misplaced', why: 'a modifier extension is carried in modifierExtension', invalid: patient({ extension: [{ url: `${SD}proof-modifier`, valueString: 'test record' }] }), at: 'Patient.extension[0]', valid: patient({ modifierExtension: [{ url: `${SD}proof-modifier`, valueString: 'test record' }] }) },
  { id: 'extension-context-invariant', why: 'an extension is used only where its contextInvariant holds', invalid: patient({ extension: [{ url: `${SD}proof-needs-birthdate`, valueString: 'x' }] }), at: 'Patient.extension[0]', valid: patient({ birthDate: '1970-01-01', extension: [{ url: `${SD}proof-needs-birthdate`, valueString: 'x' }] }) },
  { id: 'invariant-uncompilable', why: 'a constraint whose FHIRPath does not compile cannot be checked: say so', invalid: claims('proof-uncompilable', { contact: [{ name: { family: 'Chalmers' } }] }), at: 'Patient.contact[0]', valid: claims('proof-uncompilable', {}) },
  { id: 'value-alternatives', why: 'valueAlternatives: without a value, one of the listed extensions stands in', invalid: claims('proof-alternatives', { _birthDate: { extension: [{ url: 'http://example.org/fhir/StructureDefinition/other', valueString: 'x' }] } }), at: 'Patient.birthDate', valid: claims('proof-alternatives', { _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] } }) },
  { id: 'reference-target-profile-unknown', why: 'a targetProfile must be found to know what the reference may point at', invalid: obs({ meta: { profile: [`${SD}proof-target-unknown`] }, subject: { reference: 'Patient/1' } }), at: 'Observation.subject', valid: obs({ meta: { profile: [`${SD}proof-target-unknown`] } }) },
  { id: 'reference-ambiguous', why: 'a reference matched by type and id by two entries is ambiguous', invalid: message([{ fullUrl: 'http://example.org/fhir/MessageHeader/2', resource: header('Patient/1') }, { fullUrl: 'http://a.example.org/fhir/Patient/1', resource: patient({ id: '1' }) }, { fullUrl: 'http://b.example.org/fhir/Patient/1', resource: patient({ id: '1' }) }]), at: 'Bundle.entry[0].resource.focus[0]', valid: message([{ fullUrl: 'http://example.org/fhir/MessageHeader/2', resource: header('Patient/1') }, { fullUrl: 'http://example.org/fhir/Patient/1', resource: patient({ id: '1' }) }, { fullUrl: 'http://b.example.org/fhir/Patient/1', resource: patient({ id: '1' }) }]) },
  { id: 'json-primitive-value', why: 'the _ object of a primitive holds id and extension, never its value', invalid: patient({ birthDate: '1970-01-01', _birthDate: { value: '1970-01-01' } }), at: 'Patient.birthDate', valid: patient({ birthDate: '1970-01-01', _birthDate: { id: 'b' } }) },
  { id: 'extension-context-invariant-error', why: 'a context invariant that cannot be evaluated (substring of two names) is reported', invalid: patient({ name: [{ given: ['Ann', 'Bob'] }], extension: [{ url: `${SD}proof-given-a`, valueString: 'x' }] }), at: 'Patient.extension[0]', valid: patient({ name: [{ given: ['Ann'] }], extension: [{ url: `${SD}proof-given-a`, valueString: 'x' }] }) },
  { id: 'profile-choice-none', why: 'a value with several type profiles conforms to at least one', invalid: claims('proof-id-choice', { identifier: [{ system: 'http://example.org/other', value: '1' }] }), at: 'Patient.identifier[0]', valid: claims('proof-id-choice', { identifier: [nhs] }) },
  { id: 'xml-attribute-expected', why: 'in XML Extension.url is an attribute', invalid: `<Patient xmlns="${FHIR_NS}"><extension><url value="http://example.org/fhir/StructureDefinition/x"/><valueString value="x"/></extension></Patient>`, at: 'Patient.extension.url', valid: `<Patient xmlns="${FHIR_NS}"><extension url="http://example.org/fhir/StructureDefinition/x"><valueString value="x"/></extension></Patient>` },
  { id: 'xml-depth', why: 'no FHIR resource nests hundreds of levels deep', invalid: `<Patient xmlns="${FHIR_NS}">${'<extension url="http://example.org/x">'.repeat(600)}${'</extension>'.repeat(600)}</Patient>`, at: '1:19000', valid: `<Patient xmlns="${FHIR_NS}"/>` },
  { id: 'too-costly', why: 'a constraint whose evaluation exceeds the budget is stopped and reported', invalid: claims('proof-costly', { name: Array.from({ length: 50 }, (_, i) => ({ family: `F${i}`, given: Array.from({ length: 50 }, (_, j) => `G${j}`) })) }), at: 'Patient', valid: claims('proof-costly', { name: [{ family: 'F', given: ['G'] }] }) },
  { id: 'binding-not-checked', why: 'a code of a system not available offline (SNOMED CT) cannot be checked: say so', invalid: obs({ meta: { profile: [`${SD}proof-snomed-code`] }, code: { coding: [{ system: 'http://snomed.info/sct', code: '27113001' }] } }), at: 'Observation.code', valid: obs({ meta: { profile: [`${SD}proof-snomed-code`] }, code: { text: 'body weight' } }) },
  { id: 'profile-version-substituted', why: 'a claimed profile version not loaded: another version is used, and that is said', invalid: patient({ meta: { profile: [`${SD}proof-gendered|2.0.0`] }, gender: 'female' }), at: 'Patient.meta.profile[0]', valid: patient({ meta: { profile: [`${SD}proof-gendered|1.0.0`] }, gender: 'female' }) },
  { id: 'profile-snapshot-failed', why: 'a claimed profile whose snapshot cannot be generated (base not found) cannot be checked: say so', invalid: claims('proof-orphan', { gender: 'female' }), at: 'Patient.meta.profile[0]', valid: patient({ gender: 'female' }) },
  { id: 'extension-definition-broken', why: 'an extension whose definition cannot be used (base not found) cannot be checked: say so', invalid: patient({ extension: [{ url: `${SD}proof-orphan-extension`, valueString: 'x' }] }), at: 'Patient.extension[0]', valid: patient() },
  { id: 'signature-format', why: 'Signature.data is the JWS its sigFormat application/jose claims', invalid: signedBundle(toSign, 'not a JWS'), at: 'Bundle', valid: signedBundle(toSign, jwsOf(JSON.stringify(toSign))) },
  { id: 'signature-not-verified', why: 'a JWS verifies with the key its header carries', invalid: signedBundle(toSign, jwsOf(JSON.stringify(toSign), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)), at: 'Bundle', valid: signedBundle(toSign, jwsOf(JSON.stringify(toSign))) },
  { id: 'signature-content-mismatch', why: 'the signed payload is this Bundle (a Bundle changed after signing is not)', invalid: signedBundle(toSign, jwsOf(JSON.stringify({ ...toSign, type: 'searchset' }))), at: 'Bundle', valid: signedBundle(toSign, jwsOf(JSON.stringify(toSign))) },
  { id: 'narrative-language-control', why: 'a profile whose narrative-language-control is _no: the div has no language sections', invalid: claims('proof-lang-none', { text: { status: 'generated', div: `<div xmlns="${XHTML}"><div lang="de" xml:lang="de">Peter</div></div>` } }), at: 'Patient.text', valid: claims('proof-lang-none', { text: { status: 'generated', div: `<div xmlns="${XHTML}"><p>Peter</p></div>` } }) },
  { id: 'narrative-link-target', why: 'a narrativeLink #id names an element of the target narrative', invalid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><p id="n1">Peter</p></div>` }, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/narrativeLink', valueUrl: '#n2' }] }), at: 'Patient.extension[0]', valid: patient({ text: { status: 'generated', div: `<div xmlns="${XHTML}"><p id="n1">Peter</p></div>` }, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/narrativeLink', valueUrl: '#n1' }] }) },
];
