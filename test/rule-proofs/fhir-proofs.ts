/**
 * Rule proofs for the FHIR-layer and parse rules, built from the FHIR R4 spec text: for each rule,
 * an input the spec makes invalid in exactly that way, where the issue must be located, and the
 * smallest change that makes it valid for that rule (other rules may still speak about the valid
 * neighbour; this rule must not). Checked by rule-proofs.test.ts against R4 core alone.
 */
import type { RuleId } from '../../src/model/rules.js';

export type Json = Record<string, unknown>;

export interface RuleProof {
  id: RuleId;
  /** What the spec says, in a few words (the test name). */
  why: string;
  invalid: Json | string;
  /** Where the issue is: its FHIRPath expression, or line:column for a parse rule that has no path. */
  at: string;
  valid: Json | string;
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
];
