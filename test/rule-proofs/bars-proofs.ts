/**
 * Rule proofs for the BaRS core rules (rules/core/core-rules.json, each with its guide page): the
 * invalid input is one of the toolkit's own valid BaRS messages (fixtures/bars/valid) changed in one
 * place so that it breaks exactly that rule, the valid neighbour is the unchanged message. Checked
 * by rule-proofs.test.ts with one shared BaRS engine (UK Core and BaRS packages, the BaRS layer).
 */
import type { RuleId } from '../../src/model/rules.js';
import type { Json, RuleProof } from './fhir-proofs.js';
import { at, fullUrl, idx, load, res, type J } from '../support/bars-fixtures.js';

/** A proof whose valid neighbour is the unchanged fixture and whose invalid input is the fixture after `mutate`. */
function broken(id: RuleId, why: string, fixture: string, mutate: (b: J) => void, where: (b: J) => string): BarsProof {
  const b = load(fixture);
  mutate(b);
  return { id, why, invalid: b as Json, at: where(b), valid: load(fixture) as Json };
}

export interface BarsProof extends RuleProof {
  /**
   * The valid neighbour must not raise the rule at `at`, though it raises it elsewhere: the
   * payload tables mark many elements SHOULD, and no real message fills every one of them.
   */
  elsewhere?: true;
}

const LOCATION_EXTENSION = 'https://fhir.nhs.uk/StructureDefinition/LocationExtension';

function questionnaireResponse(reason: string): J {
  const id = '3c9e1f70-5a2b-4d8e-8f16-0b7a4c2d9e51';
  return {
    fullUrl: `urn:uuid:${id}`,
    resource: {
      resourceType: 'QuestionnaireResponse',
      id,
      meta: { lastUpdated: '2026-10-05T09:15:00+00:00', profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-QuestionnaireResponse'] },
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaireresponse-reason', valueCodeableConcept: { text: reason } }],
      questionnaire: 'https://fhir.nhs.uk/Questionnaire/PTS',
      status: 'completed',
    },
  };
}

function core32(): BarsProof {
  const bad = load('APP6-referral-request');
  bad.entry.push(questionnaireResponse('Additional Information Sources'));
  const good = load('APP6-referral-request');
  good.entry.push(questionnaireResponse('Pre Triage Sieve Questionnaire'));
  return { id: 'BARS-CORE-32', why: 'a PTS QuestionnaireResponse names what it holds in its reason text', invalid: bad as Json, at: at(bad, 'QuestionnaireResponse', '.extension[0]'), valid: good as Json };
}

export const BARS_PROOFS: BarsProof[] = [
  broken('BARS-CORE-01', 'a message Bundle starts with its MessageHeader', 'APP3-referral-request', (b) => b.entry.shift(), () => 'Bundle.entry'),
  broken('BARS-CORE-02', 'every resource carries meta.lastUpdated', 'APP3-referral-request', (b) => delete res(b, 'Patient').meta.lastUpdated, (b) => at(b, 'Patient')),
  broken('BARS-CORE-03', 'entries are identified by urn:uuid fullUrls', 'APP3-referral-request', (b) => (b.entry[idx(b, 'Patient')].fullUrl = 'Patient/123'), (b) => `Bundle.entry[${idx(b, 'Patient')}].fullUrl`),
  broken('BARS-CORE-04', 'the source endpoint is an endpoint identifier (system|value)', 'APP3-referral-request', (b) => (res(b, 'MessageHeader').source.endpoint = 'not-a-target-identifier'), (b) => at(b, 'MessageHeader', '.source.endpoint')),
  broken('BARS-CORE-05', 'the receiver resolves to an Organization in the Bundle', 'APP3-referral-request', (b) => (res(b, 'MessageHeader').destination[0].receiver.reference = fullUrl(b, 'Patient')), (b) => at(b, 'MessageHeader', '.destination[0].receiver')),
  broken('BARS-CORE-06', 'eventCoding is from message-events-bars', 'APP3-referral-request', (b) => (res(b, 'MessageHeader').eventCoding.system = 'http://example.org/events'), (b) => at(b, 'MessageHeader', '.eventCoding')),
  broken('BARS-CORE-07', "the reason is 'new' or 'update'", 'APP3-referral-request', (b) => (res(b, 'MessageHeader').reason.coding[0].code = 'renew'), (b) => at(b, 'MessageHeader', '.reason')),
  broken('BARS-CORE-08', 'MessageHeader.definition names the MessageDefinition', 'APP3-referral-request', (b) => delete res(b, 'MessageHeader').definition, (b) => at(b, 'MessageHeader')),
  broken('BARS-CORE-09', 'an asynchronous response carries MessageHeader.response', 'APP4-validation-response', (b) => delete res(b, 'MessageHeader').response, (b) => at(b, 'MessageHeader')),
  broken('BARS-CORE-10', 'a referral carries a BaRS use-case category', 'APP3-referral-request', (b) => res(b, 'ServiceRequest').category[0].coding.splice(1, 1), (b) => at(b, 'ServiceRequest')),
  broken('BARS-CORE-11', 'Appointment.basedOn resolves within the message', 'APP1-booking-request', (b) => (res(b, 'Appointment').basedOn = [{ reference: 'urn:uuid:00000000-0000-4000-8000-000000000001' }]), (b) => at(b, 'Appointment', '.basedOn[0]')),
  broken('BARS-CORE-12', 'a cancelled ServiceRequest is revoked or entered-in-error', 'APP1-referral-cancellation', (b) => (res(b, 'ServiceRequest').status = 'active'), (b) => at(b, 'ServiceRequest', '.status')),
  broken('BARS-CORE-13', 'an NHS number has a valid Modulus 11 check digit', 'APP3-referral-request', (b) => (res(b, 'Patient').identifier[0].value = '9449306622'), (b) => at(b, 'Patient', '.identifier[0].value')),
  broken('BARS-CORE-14', 'an error response codes its error from http-error-codes', 'error-response-rec-bad-request', (oo) => (oo.issue[0].details.coding[0].code = 'BAD_THING'), () => 'OperationOutcome.issue[0].details.coding[0].code'),
  broken('BARS-CORE-15', 'every Coding carries a display', 'APP3-referral-request', (b) => delete res(b, 'ServiceRequest').reasonCode[0].coding[0].display, (b) => at(b, 'ServiceRequest', '.reasonCode[0].coding[0]')),
  broken('BARS-CORE-16', 'a Patient has exactly one official name', 'APP3-referral-request', (b) => res(b, 'Patient').name.push({ use: 'official', family: 'Other', given: ['Sam'] }), (b) => at(b, 'Patient')),
  broken('BARS-CORE-17', 'the official name has a given name', 'APP3-referral-request', (b) => delete res(b, 'Patient').name[0].given, (b) => at(b, 'Patient', '.name[0]')),
  broken('BARS-CORE-18', 'exactly one contact has rank 1', 'APP3-referral-request', (b) => (res(b, 'Patient').contact[0].extension[0].valuePositiveInt = 2), (b) => at(b, 'Patient', '.contact')),
  broken('BARS-CORE-19', "the patient's contact details are not in Patient.telecom", 'APP3-referral-request', (b) => (res(b, 'Patient').telecom = [{ system: 'phone', value: '07700 900123' }]), (b) => at(b, 'Patient', '.telecom')),
  broken('BARS-CORE-20', 'birth sex is not a Patient extension', 'APP3-referral-request', (b) => (res(b, 'Patient').extension = [{ url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-BirthSex', valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'female', display: 'Female' }] } }]), (b) => at(b, 'Patient', '.extension[0]')),
  broken('BARS-CORE-21', 'a referral request contains a Consent', 'APP3-referral-request', (b) => b.entry.splice(idx(b, 'Consent'), 1), () => 'Bundle'),
  broken('BARS-CORE-22', 'a request gives a contact phone number', 'APP7-booking-request', (b) => (res(b, 'Patient').contact[0].telecom = [{ system: 'email', value: 'jo@example.org' }]), (b) => at(b, 'Patient', '.contact')),
  broken('BARS-CORE-23', 'a booking request postcode is letters, digits and spaces', 'APP7-booking-request', (b) => (res(b, 'Patient').address[0].postalCode = 'LS1-4AP'), (b) => at(b, 'Patient', '.address[0].postalCode')),
  broken('BARS-CORE-24', 'an APP4 validation request carries the scene safety Flag', 'APP4-validation-request', (b) => b.entry.splice(idx(b, 'Flag'), 1), () => 'Bundle'),
  broken('BARS-CORE-25', 'a UPRN is 1-12 digits', 'APP3-referral-request', (b) => (res(b, 'Location').extension = [{ url: LOCATION_EXTENSION, extension: [{ url: 'UPRN', valueString: 'UPRN-10023' }] }]), (b) => at(b, 'Location', '.extension[0].extension[0].valueString')),
  broken('BARS-CORE-26', 'the ServiceRequest of a new referral is active', 'APP5-referral-request', (b) => (res(b, 'ServiceRequest').status = 'revoked'), (b) => at(b, 'ServiceRequest', '.status')),
  broken('BARS-CORE-27', 'a booking request carries the booked Slot', 'APP7-booking-request', (b) => b.entry.splice(idx(b, 'Slot'), 1), (b) => at(b, 'Appointment', '.slot')),
  broken('BARS-CORE-28', 'an APP5 Condition.category is coded in SNOMED CT', 'APP5-referral-request', (b) => (res(b, 'Condition').category = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item', display: 'Problem List Item' }] }]), (b) => at(b, 'Condition', '.category')),
  broken('BARS-CORE-29', 'the APP6 clock start is not after the message was sent', 'APP6-referral-request', (b) => (res(b, 'CarePlan').period.start = '2026-10-06T09:15:00+00:00'), (b) => at(b, 'CarePlan', '.period.start')),
  broken('BARS-CORE-30', "a cancellation carries the receiver's ServiceRequest id", 'APP1-referral-cancellation', (b) => delete res(b, 'ServiceRequest').id, (b) => at(b, 'ServiceRequest')),
  broken('BARS-CORE-31', 'a referral is focused on its ServiceRequest', 'APP3-referral-request', (b) => (res(b, 'MessageHeader').focus[0].reference = fullUrl(b, 'Patient')), (b) => at(b, 'MessageHeader', '.focus[0]')),
  core32(),
];

const BARS_EVENTS = 'https://fhir.nhs.uk/CodeSystem/message-events-bars';
const USE_CASES = 'https://fhir.nhs.uk/CodeSystem/usecases-categories-bars';
const MEDICATION_ID = '4a1c2e3f-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const medication = (): J => ({ fullUrl: `urn:uuid:${MEDICATION_ID}`, resource: { resourceType: 'Medication', id: MEDICATION_ID, meta: { lastUpdated: '2026-10-05T09:15:00+00:00' } } });

function focusType(): BarsProof {
  const good = load('APP3-referral-request');
  good.entry.push(medication());
  const bad = structuredClone(good);
  res(bad, 'MessageHeader').focus[0].reference = `urn:uuid:${MEDICATION_ID}`;
  return { id: 'bars-md-focus-type', why: 'MessageHeader.focus points at a type the MessageDefinition lists', invalid: bad as Json, at: at(bad, 'MessageHeader', '.focus[0]'), valid: good as Json };
}

/**
 * Content negotiation against the published MessageDefinitions and the Applications' payload
 * tables: both come from the BaRS package in ../shared/corpus, so these run only where it is.
 */
export const BARS_CORPUS_PROOFS: BarsProof[] = [
  broken('bars-md-not-found', 'the MessageDefinition named by MessageHeader.definition is loaded', 'APP3-referral-request', (b) => (res(b, 'MessageHeader').definition = 'https://fhir.nhs.uk/MessageDefinition/no-such-definition'), (b) => at(b, 'MessageHeader', '.definition')),
  broken('bars-md-version-substituted', 'the named version of the MessageDefinition is the one loaded', 'APP3-referral-request', (b) => (res(b, 'MessageHeader').definition += '|9.9.9'), (b) => at(b, 'MessageHeader', '.definition')),
  broken('bars-md-event', 'MessageHeader.eventCoding is the MessageDefinition event', 'APP3-referral-request', (b) => (res(b, 'MessageHeader').eventCoding = { system: BARS_EVENTS, code: 'booking-request', display: 'Booking - Request' }), (b) => at(b, 'MessageHeader', '.eventCoding')),
  broken('bars-md-version', 'Bundle.meta.versionId agrees with the definition in its major version', 'APP3-referral-request', (b) => (b.meta.versionId = '2.0.0'), () => 'Bundle.meta.versionId'),
  broken('bars-md-version-minor', 'a minor version difference is noted', 'APP3-referral-request', (b) => (b.meta.versionId = '1.1.0'), () => 'Bundle.meta.versionId'),
  broken('bars-md-use-case', 'the use case is one the MessageDefinition lists (the published referral definition lists the APP6 ones)', 'APP6-referral-request', (b) => Object.assign((res(b, 'ServiceRequest').category[0].coding as J[]).find((c) => c.system === USE_CASES)!, { code: 'a3t1', display: '999 to CAS Referral' }), (b) => at(b, 'ServiceRequest', `.category[0].coding[${(res(b, 'ServiceRequest').category[0].coding as J[]).findIndex((c) => c.system === USE_CASES)}].code`)),
  broken('bars-md-focus-unresolved', 'MessageHeader.focus resolves to an entry', 'APP3-referral-request', (b) => (res(b, 'MessageHeader').focus[0].reference = 'urn:uuid:00000000-0000-4000-8000-000000000009'), (b) => at(b, 'MessageHeader', '.focus[0]')),
  focusType(),
  broken('bars-md-unrequested', 'the message carries only the resource types the definition lists', 'APP3-referral-request', (b) => b.entry.push(medication()), (b) => at(b, 'Medication')),
  broken('bars-md-focus-min', 'the definition requires a Patient', 'APP3-referral-request', (b) => b.entry.splice(idx(b, 'Patient'), 1), () => 'Bundle'),
  broken('bars-md-focus-max', 'the definition allows one Patient', 'APP3-referral-request', (b) => b.entry.push({ fullUrl: 'urn:uuid:4a1c2e3f-5b6d-4e7f-8a9b-0c1d2e3f4a5c', resource: { ...structuredClone(res(b, 'Patient')), id: '4a1c2e3f-5b6d-4e7f-8a9b-0c1d2e3f4a5c' } }), () => 'Bundle'),
  broken('bars-entry-unwrapped', 'a Bundle entry carries its resource in entry.resource', 'APP3-referral-request', (b) => (b.entry[idx(b, 'Consent')] = b.entry[idx(b, 'Consent')].resource), (b) => `Bundle.entry[${(b.entry as J[]).findIndex((e) => e.resourceType === 'Consent')}]`),
  broken('bars-application-conflict', 'a message carries the use case of one Application', 'APP3-referral-request', (b) => res(b, 'ServiceRequest').category[0].coding.push({ system: USE_CASES, code: 'a1t1', display: 'Booking use case' }), () => 'Bundle'),
  broken('bars-necessity-must', 'APP1 booking request: Appointment.start MUST be populated', 'APP1-booking-request', (b) => delete res(b, 'Appointment').start, (b) => at(b, 'Appointment')),
  { ...broken('bars-necessity-should', 'APP1 booking request: Appointment.description SHOULD be populated', 'APP1-booking-request', (b) => delete res(b, 'Appointment').description, (b) => at(b, 'Appointment')), elsewhere: true },
  shouldNot(),
  mustConditional(),
  broken('bars-necessity-fixed', "APP3 referral: ServiceRequest.intent is the FIXED VALUE 'plan'", 'APP3-referral-request', (b) => (res(b, 'ServiceRequest').intent = 'order'), (b) => at(b, 'ServiceRequest', '.intent')),
  broken('bars-application-unknown', 'without event, definition or use case the Application cannot be told', 'APP3-referral-request', (b) => unmark(b, false), (b) => at(b, 'MessageHeader')),
  broken('bars-not-bars-message', 'a message with no BaRS marker at all is validated as plain FHIR', 'APP3-referral-request', (b) => unmark(b, true), () => 'Bundle'),  focusProfile(),
  codeMandated(),
  notApplicable(),
  // the guide's APP1 pages give payload tables for the booking and referral requests, none for a cancellation
  { id: 'bars-necessity-none', why: 'where the guide has no necessity table for the payload (an APP1 referral cancellation), the reader is told only profiles and Core rules applied', invalid: load('APP1-referral-cancellation') as Json, at: 'Bundle', valid: load('APP1-referral-request') as Json },
];

/** APP6 response: the payload table marks Encounter.statusHistory SHOULD NOT be populated. */
function shouldNot(): BarsProof {
  const bad = load('APP6-response');
  const good = load('APP6-response');
  delete res(good, 'Encounter').statusHistory;
  return { id: 'bars-necessity-should-not', why: 'APP6 response: Encounter.statusHistory SHOULD NOT be populated', invalid: bad as Json, at: at(bad, 'Encounter', '.statusHistory[0]'), valid: good as Json, elsewhere: true };
}

/**
 * Takes away what marks a message as BaRS and as one Application: the NHS England event, the
 * MessageDefinition, the use case and the Bundle profile; with `profiles`, the resources' BaRS and
 * UK Core profiles too.
 */
function unmark(b: J, profiles: boolean): void {
  const header = res(b, 'MessageHeader');
  header.eventCoding = { system: 'http://example.org/events', code: 'notify' };
  delete header.definition;
  delete b.meta.profile;
  res(b, 'ServiceRequest').category[0].coding = (res(b, 'ServiceRequest').category[0].coding as J[]).filter((c) => c.system !== USE_CASES);
  if (profiles) for (const e of b.entry as J[]) delete e.resource.meta.profile;
}

/** APP6 response: Encounter.reasonCode MUST be populated if the response is a rejection; the fixture leaves it out. */
function mustConditional(): BarsProof {
  const bad = load('APP6-response');
  const good = load('APP6-response');
  res(good, 'Encounter').reasonCode = [{ text: 'Outside the receiving service area' }];
  return { id: 'bars-necessity-must-conditional', why: 'APP6 response: Encounter.reasonCode MUST be populated for a rejection', invalid: bad as Json, at: at(bad, 'Encounter'), valid: good as Json };
}

/**
 * The published referral definition requires the Patient focus to conform to UK Core Patient,
 * whose identifier:nhsNumber slice allows one NHS number: a Patient that does not claim the
 * profile is checked against it all the same (Content Negotiation).
 */
function focusProfile(): BarsProof {
  const good = load('APP3-referral-request');
  delete res(good, 'Patient').meta.profile;
  const bad = structuredClone(good);
  // 9000000009 passes Modulus 11: only the slice's max of 1 is broken
  res(bad, 'Patient').identifier.push({ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' });
  return { id: 'bars-md-focus-profile', why: 'a focus conforms to the profile the MessageDefinition names for its type, claimed or not', invalid: bad as Json, at: at(bad, 'Patient'), valid: good as Json };
}

/**
 * The APP3 payload table fixes Consent.category to DRC (consent-categories-bars), a code the R4
 * consent-category binding (extensible) does not list: sending it is what the guide asks, noted,
 * not warned about. Coded from the binding (LOINC 59284-0) there is no binding miss to note
 * (policyRule IMPLIED, the other code the table fixes, is still noted elsewhere).
 */
function codeMandated(): BarsProof {
  const guide = load('APP3-referral-request');
  const bound = load('APP3-referral-request');
  res(bound, 'Consent').category = [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }];
  return { id: 'bars-code-mandated', why: "the guide's fixed code is accepted where an extensible binding does not list it", invalid: guide as Json, at: at(guide, 'Consent', '.category[0]'), valid: bound as Json, elsewhere: true };
}

/**
 * A conditional row applies only in its situation: APP3 ServiceRequest.reasonCode.text "will ONLY
 * be populated in a cancellation message", so a new referral without it is noted as not
 * applicable; once the message is a cancellation (reason update, ServiceRequest revoked) the row applies.
 */
function notApplicable(): BarsProof {
  const referral = load('APP3-referral-request');
  const cancellation = load('APP3-referral-request');
  res(cancellation, 'ServiceRequest').status = 'revoked';
  res(cancellation, 'MessageHeader').reason.coding[0].code = 'update';
  return { id: 'bars-necessity-not-applicable', why: 'a conditional row does not apply where its condition does not hold', invalid: referral as Json, at: at(referral, 'ServiceRequest', '.reasonCode[0]'), valid: cancellation as Json };
}
