/**
 * Every BaRS rule in rules/core/core-rules.json (BARS-CORE-01…) has a test that fails without
 * it: a valid team fixture, changed in one place, must raise exactly that rule at that place,
 * and the unchanged fixture must not raise it. Rules with more than one way to break them get
 * a case per way; "still fine" cases pin what a rule must accept.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsEngine } from '../../test/support/engine.js';
import type { ValidationIssue } from '../model/issue.js';
import { at, fullUrl, idx, load, res, type J } from '../../test/support/bars-fixtures.js';

interface Case {
  rule: string;
  /** What is broken, for the test name. */
  does: string;
  fixture: string;
  mutate: (b: J) => void;
  /** Where the issue must be (FHIRPath from the root), computed on the mutated fixture. */
  where: (b: J) => string;
  severity: 'error' | 'warning';
}

/** A change the rule must accept: the rule stays silent. */
interface Accept {
  rule: string;
  does: string;
  fixture: string;
  mutate: (b: J) => void;
}

const CASES: Case[] = [
  { rule: 'BARS-CORE-01', does: 'no MessageHeader', fixture: 'APP3-referral-request', mutate: (b) => b.entry.shift(), where: () => 'Bundle.entry', severity: 'error' },
  { rule: 'BARS-CORE-02', does: 'a resource without meta.lastUpdated', fixture: 'APP3-referral-request', mutate: (b) => delete res(b, 'Patient').meta.lastUpdated, where: (b) => at(b, 'Patient'), severity: 'error' },
  { rule: 'BARS-CORE-02', does: 'meta.lastUpdated without seconds and zone', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'Consent').meta.lastUpdated = '2026-10-05'), where: (b) => at(b, 'Consent', '.meta.lastUpdated'), severity: 'error' },
  { rule: 'BARS-CORE-03', does: 'a relative fullUrl', fixture: 'APP3-referral-request', mutate: (b) => (b.entry[idx(b, 'Patient')].fullUrl = 'Patient/123'), where: (b) => `Bundle.entry[${idx(b, 'Patient')}].fullUrl`, severity: 'error' },
  { rule: 'BARS-CORE-04', does: 'a source endpoint that is not system|value', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'MessageHeader').source.endpoint = 'not-a-target-identifier'), where: (b) => at(b, 'MessageHeader', '.source.endpoint'), severity: 'error' },
  { rule: 'BARS-CORE-04', does: 'no source endpoint', fixture: 'APP3-referral-request', mutate: (b) => delete res(b, 'MessageHeader').source.endpoint, where: (b) => at(b, 'MessageHeader', '.source'), severity: 'error' },
  { rule: 'BARS-CORE-05', does: 'a receiver outside the message', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'MessageHeader').destination[0].receiver.reference = 'urn:uuid:00000000-0000-4000-8000-000000000000'), where: (b) => at(b, 'MessageHeader', '.destination[0].receiver'), severity: 'error' },
  { rule: 'BARS-CORE-05', does: 'a receiver that is not an Organization', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'MessageHeader').destination[0].receiver.reference = fullUrl(b, 'Patient')), where: (b) => at(b, 'MessageHeader', '.destination[0].receiver'), severity: 'error' },
  { rule: 'BARS-CORE-06', does: 'an event from another CodeSystem', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'MessageHeader').eventCoding.system = 'http://example.org/events'), where: (b) => at(b, 'MessageHeader', '.eventCoding'), severity: 'error' },
  { rule: 'BARS-CORE-07', does: "a reason that is not 'new' or 'update'", fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'MessageHeader').reason.coding[0].code = 'renew'), where: (b) => at(b, 'MessageHeader', '.reason'), severity: 'error' },
  { rule: 'BARS-CORE-08', does: 'no MessageHeader.definition', fixture: 'APP3-referral-request', mutate: (b) => delete res(b, 'MessageHeader').definition, where: (b) => at(b, 'MessageHeader'), severity: 'error' },
  { rule: 'BARS-CORE-09', does: 'an asynchronous response without MessageHeader.response', fixture: 'APP4-validation-response', mutate: (b) => delete res(b, 'MessageHeader').response, where: (b) => at(b, 'MessageHeader'), severity: 'error' },
  { rule: 'BARS-CORE-09', does: "a response code other than 'ok'", fixture: 'APP6-response', mutate: (b) => (res(b, 'MessageHeader').response.code = 'fatal-error'), where: (b) => at(b, 'MessageHeader', '.response.code'), severity: 'error' },
  { rule: 'BARS-CORE-10', does: 'a referral without a use-case category', fixture: 'APP3-referral-request', mutate: (b) => res(b, 'ServiceRequest').category[0].coding.splice(1, 1), where: (b) => at(b, 'ServiceRequest'), severity: 'error' },
  {
    rule: 'BARS-CORE-11',
    does: 'a referral carrying an Appointment not based on it',
    fixture: 'APP1-referral-request',
    mutate: (b) => b.entry.push({ fullUrl: 'urn:uuid:5e0f4b3e-7b7f-4c55-9a3c-1d2b8f0c9e11', resource: { resourceType: 'Appointment', id: '5e0f4b3e-7b7f-4c55-9a3c-1d2b8f0c9e11', meta: { lastUpdated: '2026-10-05T09:15:00+00:00' }, status: 'booked', participant: [{ status: 'accepted' }] } }),
    where: (b) => at(b, 'Appointment'),
    severity: 'error',
  },
  { rule: 'BARS-CORE-11', does: 'Appointment.basedOn a urn outside the message', fixture: 'APP1-booking-request', mutate: (b) => (res(b, 'Appointment').basedOn = [{ reference: 'urn:uuid:00000000-0000-4000-8000-000000000001' }]), where: (b) => at(b, 'Appointment', '.basedOn[0]'), severity: 'error' },
  { rule: 'BARS-CORE-12', does: "a cancellation with reason 'new'", fixture: 'APP1-referral-cancellation', mutate: (b) => (res(b, 'MessageHeader').reason.coding[0].code = 'new'), where: (b) => at(b, 'MessageHeader', '.reason'), severity: 'error' },
  { rule: 'BARS-CORE-12', does: 'a cancelled ServiceRequest still active', fixture: 'APP1-referral-cancellation', mutate: (b) => (res(b, 'ServiceRequest').status = 'active'), where: (b) => at(b, 'ServiceRequest', '.status'), severity: 'error' },
  { rule: 'BARS-CORE-12', does: 'a booking cancellation focused on the Patient', fixture: 'APP1-booking-cancellation', mutate: (b) => (res(b, 'MessageHeader').focus[0].reference = fullUrl(b, 'Patient')), where: (b) => at(b, 'MessageHeader', '.focus'), severity: 'error' },
  { rule: 'BARS-CORE-13', does: 'an NHS number with a wrong check digit', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'Patient').identifier[0].value = '9449306622'), where: (b) => at(b, 'Patient', '.identifier[0].value'), severity: 'error' },
  {
    rule: 'BARS-CORE-14',
    does: "an error code system spelt 'Codesystem'",
    fixture: 'error-response-rec-bad-request',
    mutate: (oo) => (oo.issue[0].details.coding[0].system = 'https://fhir.nhs.uk/Codesystem/http-error-codes'),
    where: () => 'OperationOutcome.issue[0].details.coding[0].system',
    // the sources disagree (the API specification and proxy spell it so): a warning, not an error
    severity: 'warning',
  },
  {
    rule: 'BARS-CORE-14',
    does: 'a BaRS error code given with a ValueSet URL as its system',
    fixture: 'error-response-rec-bad-request',
    mutate: (oo) => (oo.issue[0].details.coding[0].system = 'https://fhir.hl7.org.uk/ValueSet/UKCore-OperationOutcomeCodes'),
    where: () => 'OperationOutcome.issue[0].details.coding[0].system',
    severity: 'error',
  },
  {
    rule: 'BARS-CORE-14',
    does: 'a display naming another HTTP status than the code goes with',
    fixture: 'error-response-rec-bad-request',
    mutate: (oo) => Object.assign(oo.issue[0].details.coding[0], { code: 'REC_TOO_EARLY', display: '400 - REC_TOO_EARLY' }),
    where: () => 'OperationOutcome.issue[0].details.coding[0].display',
    severity: 'warning',
  },
  { rule: 'BARS-CORE-14', does: 'an error code BaRS does not define', fixture: 'error-response-rec-bad-request', mutate: (oo) => (oo.issue[0].details.coding[0].code = 'BAD_THING'), where: () => 'OperationOutcome.issue[0].details.coding[0].code', severity: 'error' },
  { rule: 'BARS-CORE-15', does: 'a Coding without display', fixture: 'APP3-referral-request', mutate: (b) => delete res(b, 'ServiceRequest').reasonCode[0].coding[0].display, where: (b) => at(b, 'ServiceRequest', '.reasonCode[0].coding[0]'), severity: 'warning' },
  { rule: 'BARS-CORE-16', does: 'two official names', fixture: 'APP3-referral-request', mutate: (b) => res(b, 'Patient').name.push({ use: 'official', family: 'Other', given: ['Sam'] }), where: (b) => at(b, 'Patient'), severity: 'error' },
  { rule: 'BARS-CORE-17', does: 'an official name without a given name', fixture: 'APP3-referral-request', mutate: (b) => delete res(b, 'Patient').name[0].given, where: (b) => at(b, 'Patient', '.name[0]'), severity: 'error' },
  { rule: 'BARS-CORE-17', does: 'an official name without a family name', fixture: 'APP7-booking-request', mutate: (b) => delete res(b, 'Patient').name[0].family, where: (b) => at(b, 'Patient', '.name[0]'), severity: 'error' },
  { rule: 'BARS-CORE-18', does: 'a contact without ContactRank (no payload table)', fixture: 'APP1-referral-cancellation', mutate: (b) => delete res(b, 'Patient').contact[0].extension, where: (b) => at(b, 'Patient', '.contact[0]'), severity: 'error' },
  { rule: 'BARS-CORE-18', does: 'no contact with rank 1', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'Patient').contact[0].extension[0].valuePositiveInt = 2), where: (b) => at(b, 'Patient', '.contact'), severity: 'error' },
  { rule: 'BARS-CORE-19', does: 'Patient.telecom', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'Patient').telecom = [{ system: 'phone', value: '07700 900123' }]), where: (b) => at(b, 'Patient', '.telecom'), severity: 'warning' },
  {
    rule: 'BARS-CORE-20',
    does: 'birth sex as a Patient extension',
    fixture: 'APP3-referral-request',
    mutate: (b) => (res(b, 'Patient').extension = [{ url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-BirthSex', valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'female', display: 'Female' }] } }]),
    where: (b) => at(b, 'Patient', '.extension[0]'),
    severity: 'warning',
  },
  { rule: 'BARS-CORE-21', does: 'a referral without Consent', fixture: 'APP3-referral-request', mutate: (b) => b.entry.splice(idx(b, 'Consent'), 1), where: () => 'Bundle', severity: 'error' },
  { rule: 'BARS-CORE-21', does: 'a full validation response without Consent', fixture: 'APP4-validation-response', mutate: (b) => b.entry.splice(idx(b, 'Consent'), 1), where: () => 'Bundle', severity: 'error' },
  { rule: 'BARS-CORE-22', does: 'a request without a contact phone', fixture: 'APP7-booking-request', mutate: (b) => (res(b, 'Patient').contact[0].telecom = [{ system: 'email', value: 'jo@example.org' }]), where: (b) => at(b, 'Patient', '.contact'), severity: 'error' },
  { rule: 'BARS-CORE-22', does: 'a booking phone number TKW rejects', fixture: 'APP7-booking-request', mutate: (b) => (res(b, 'Patient').contact[0].telecom[0].value = '+44 7700 900456'), where: (b) => at(b, 'Patient', '.contact[0].telecom[0].value'), severity: 'warning' },
  { rule: 'BARS-CORE-23', does: 'a booking without a home address', fixture: 'APP7-booking-request', mutate: (b) => (res(b, 'Patient').address[0].use = 'temp'), where: (b) => at(b, 'Patient', '.address'), severity: 'warning' },
  { rule: 'BARS-CORE-23', does: 'a home postcode with punctuation', fixture: 'APP7-booking-request', mutate: (b) => (res(b, 'Patient').address[0].postalCode = 'LS1-4AP'), where: (b) => at(b, 'Patient', '.address[0].postalCode'), severity: 'warning' },
  { rule: 'BARS-CORE-24', does: 'a validation request without the scene safety Flag', fixture: 'APP4-validation-request', mutate: (b) => b.entry.splice(idx(b, 'Flag'), 1), where: () => 'Bundle', severity: 'error' },
  { rule: 'BARS-CORE-24', does: 'a validation response without the incident Location', fixture: 'APP4-validation-response', mutate: (b) => b.entry.splice(idx(b, 'Location'), 1), where: () => 'Bundle', severity: 'error' },
  {
    rule: 'BARS-CORE-25',
    does: 'a UPRN with letters',
    fixture: 'APP3-referral-request',
    mutate: (b) => (res(b, 'Location').extension = [{ url: 'https://fhir.nhs.uk/StructureDefinition/LocationExtension', extension: [{ url: 'UPRN', valueString: 'UPRN-10023' }] }]),
    where: (b) => at(b, 'Location', '.extension[0].extension[0].valueString'),
    severity: 'error',
  },
  {
    rule: 'BARS-CORE-25',
    does: 'eastings that are not a number',
    fixture: 'APP4-validation-request',
    mutate: (b) => (res(b, 'Location').extension = [{ url: 'https://fhir.nhs.uk/StructureDefinition/LocationExtension', extension: [{ url: 'eastings', valueString: '429 876E' }] }]),
    where: (b) => at(b, 'Location', '.extension[0].extension[0].valueString'),
    severity: 'error',
  },
  { rule: 'BARS-CORE-26', does: "an APP3 referral Encounter not 'finished'", fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'Encounter').status = 'triaged'), where: (b) => at(b, 'Encounter', '.status'), severity: 'error' },
  { rule: 'BARS-CORE-26', does: "an APP4 validation request CarePlan not 'active'", fixture: 'APP4-validation-request', mutate: (b) => (res(b, 'CarePlan').status = 'completed'), where: (b) => at(b, 'CarePlan', '.status'), severity: 'error' },
  { rule: 'BARS-CORE-26', does: "a ServiceRequest 'completed'", fixture: 'APP4-validation-response', mutate: (b) => (res(b, 'ServiceRequest').status = 'completed'), where: (b) => at(b, 'ServiceRequest', '.status'), severity: 'error' },
  { rule: 'BARS-CORE-26', does: 'a new referral whose ServiceRequest is on hold', fixture: 'APP5-referral-request', mutate: (b) => (res(b, 'ServiceRequest').status = 'revoked'), where: (b) => at(b, 'ServiceRequest', '.status'), severity: 'error' },
  { rule: 'BARS-CORE-26', does: 'an interim response with no Encounter in progress', fixture: 'APP4-interim-validation-response', mutate: (b) => (res(b, 'Encounter', 1).status = 'planned'), where: (b) => at(b, 'Encounter', '.status'), severity: 'error' },
  { rule: 'BARS-CORE-27', does: 'a booking without its Slot', fixture: 'APP7-booking-request', mutate: (b) => b.entry.splice(idx(b, 'Slot'), 1), where: (b) => at(b, 'Appointment', '.slot'), severity: 'error' },
  { rule: 'BARS-CORE-27', does: "a booking without the Slot's Schedule", fixture: 'APP1-booking-request', mutate: (b) => b.entry.splice(idx(b, 'Schedule'), 1), where: (b) => at(b, 'Slot', '.schedule'), severity: 'error' },
  { rule: 'BARS-CORE-27', does: 'a booking without a HealthcareService', fixture: 'APP7-booking-request', mutate: (b) => b.entry.splice(idx(b, 'HealthcareService'), 1), where: () => 'Bundle', severity: 'error' },
  { rule: 'BARS-CORE-28', does: 'an APP5 Condition.category not in SNOMED CT', fixture: 'APP5-referral-request', mutate: (b) => (res(b, 'Condition').category = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item', display: 'Problem List Item' }] }]), where: (b) => at(b, 'Condition', '.category'), severity: 'error' },
  { rule: 'BARS-CORE-28', does: 'an APP5 referral without a Task', fixture: 'APP5-referral-request', mutate: (b) => b.entry.splice(idx(b, 'Task'), 1), where: () => 'Bundle', severity: 'error' },
  { rule: 'BARS-CORE-29', does: 'an APP6 clock start after the message was sent', fixture: 'APP6-referral-request', mutate: (b) => (res(b, 'CarePlan').period.start = '2026-10-06T09:15:00+00:00'), where: (b) => at(b, 'CarePlan', '.period.start'), severity: 'error' },
  { rule: 'BARS-CORE-30', does: 'a cancellation without ServiceRequest.id', fixture: 'APP1-referral-cancellation', mutate: (b) => delete res(b, 'ServiceRequest').id, where: (b) => at(b, 'ServiceRequest'), severity: 'error' },
  { rule: 'BARS-CORE-30', does: 'a booking cancellation without Appointment.id', fixture: 'APP1-booking-cancellation', mutate: (b) => delete res(b, 'Appointment').id, where: (b) => at(b, 'Appointment'), severity: 'error' },
  { rule: 'BARS-CORE-31', does: 'a referral focused on the Patient', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'MessageHeader').focus[0].reference = fullUrl(b, 'Patient')), where: (b) => at(b, 'MessageHeader', '.focus[0]'), severity: 'error' },
  { rule: 'BARS-CORE-31', does: 'a validation response focused on the ServiceRequest', fixture: 'APP4-validation-response', mutate: (b) => (res(b, 'MessageHeader').focus[0].reference = fullUrl(b, 'ServiceRequest')), where: (b) => at(b, 'MessageHeader', '.focus[0]'), severity: 'error' },
  { rule: 'BARS-CORE-32', does: 'a PTS QuestionnaireResponse whose reason does not say so', fixture: 'APP6-referral-request', mutate: (b) => b.entry.push(questionnaireResponse('Additional Information Sources')), where: (b) => at(b, 'QuestionnaireResponse', '.extension[0]'), severity: 'warning' },
];

const ACCEPTS: Accept[] = [
  // Core 1.5.0 adds REC_TOO_EARLY (425) for a request still being processed
  { rule: 'BARS-CORE-14', does: 'REC_TOO_EARLY shown as 425', fixture: 'error-response-rec-bad-request', mutate: (oo) => Object.assign(oo.issue[0].details.coding[0], { code: 'REC_TOO_EARLY', display: '425 - REC_TOO_EARLY' }) },
  // an outcome returned with 200/201 to inform is not an error response
  { rule: 'BARS-CORE-14', does: 'an information outcome (not an error response)', fixture: 'error-response-rec-bad-request', mutate: (oo) => Object.assign(oo.issue[0], { severity: 'information', code: 'informational', details: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/Spine-ErrorOrWarningCode', code: 'ACCEPTED', display: 'Accepted' }] } }) },
  // found when checking the Cancellation page: entered-in-error cancels a referral sent in error
  { rule: 'BARS-CORE-12', does: "a referral cancelled as 'entered-in-error'", fixture: 'APP1-referral-cancellation', mutate: (b) => (res(b, 'ServiceRequest').status = 'entered-in-error') },
  { rule: 'BARS-CORE-18', does: 'a second contact with rank 2', fixture: 'APP3-referral-request', mutate: (b) => res(b, 'Patient').contact.push({ ...structuredClone(res(b, 'Patient').contact[0]), extension: [{ url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ContactRank', valuePositiveInt: 2 }] }) },
  { rule: 'BARS-CORE-22', does: 'a referral phone number with +44 (TKW only checks booking requests)', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'Patient').contact[0].telecom[0].value = '+44 7700 900456') },
  { rule: 'BARS-CORE-25', does: 'a 12-digit UPRN and decimal co-ordinates', fixture: 'APP3-referral-request', mutate: (b) => (res(b, 'Location').extension = [{ url: 'https://fhir.nhs.uk/StructureDefinition/LocationExtension', extension: [{ url: 'UPRN', valueString: '100023336956' }, { url: 'eastings', valueString: '429876.5' }, { url: 'northings', valueString: '433987' }] }]) },
  { rule: 'BARS-CORE-26', does: "an APP6 referral Encounter 'in-progress'", fixture: 'APP6-referral-request', mutate: (b) => (res(b, 'Encounter').status = 'in-progress') },
  { rule: 'BARS-CORE-29', does: 'an APP6 clock start two minutes after Bundle.timestamp (clock skew)', fixture: 'APP6-referral-request', mutate: (b) => (res(b, 'CarePlan').period.start = '2026-10-05T09:17:00+00:00') },
  { rule: 'BARS-CORE-32', does: 'a PTS QuestionnaireResponse that says it is one', fixture: 'APP6-referral-request', mutate: (b) => b.entry.push(questionnaireResponse('Pre Triage Sieve Questionnaire')) },
];

function questionnaireResponse(reason: string): J {
  const id = '6b7d2a4e-0c1f-4e8a-9b3d-2f5e7a9c1d3b';
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

const RULES = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../rules/core/core-rules.json'), 'utf8')) as { rules: { id: string; severity: string }[] }).rules;

const baseline = new Map<string, Promise<ValidationIssue[]>>();
async function issuesOf(fixture: string, mutate?: (b: J) => void): Promise<ValidationIssue[]> {
  const e = await barsEngine();
  if (!mutate) {
    let p = baseline.get(fixture);
    if (!p) {
      p = e.validate(JSON.stringify(load(fixture)), { name: fixture }).then((r) => r.issues);
      baseline.set(fixture, p);
    }
    return p;
  }
  const b = load(fixture);
  mutate(b);
  return (await e.validate(JSON.stringify(b), { name: fixture })).issues;
}
const summary = (issues: ValidationIssue[], rule: string): string =>
  JSON.stringify(issues.filter((i) => i.ruleId === rule).map((i) => `${i.severity} ${i.expression}: ${i.message}`), null, 1);

describe('every BaRS core rule has a test that fails without it', () => {
  it('every rule in rules/core/core-rules.json has a case here', () => {
    const tested = new Set(CASES.map((c) => c.rule));
    expect(RULES.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
    expect([...tested].filter((id) => !RULES.some((r) => r.id === id))).toEqual([]);
  });

  it.each(CASES.map((c) => [`${c.rule}: ${c.does} (${c.fixture})`, c] as const))('%s', async (_name, c) => {
    const before = await issuesOf(c.fixture);
    expect(before.filter((i) => i.ruleId === c.rule), `the unchanged ${c.fixture} already raises ${c.rule}`).toEqual([]);
    const b = load(c.fixture);
    c.mutate(b);
    const where = c.where(b);
    const after = await issuesOf(c.fixture, c.mutate);
    const hit = after.find((i) => i.ruleId === c.rule && i.expression === where);
    expect(hit, `${c.rule} at ${where}; it raised ${summary(after, c.rule)}`).toBeDefined();
    expect(hit!.severity).toBe(c.severity);
    // every BaRS issue says where it comes from
    expect(hit!.source).toBe('BaRS');
    expect(hit!.bars?.rule, `${c.rule} carries its rule`).toMatch(/^(BARS-CORE-\d+$|TKW )/);
    expect(hit!.bars?.guidePage, `${c.rule} names its guide page`).toMatch(/\.page\.md(#L\d+)?$/);
    expect(hit!.line, `${c.rule} is located in the file`).toBeGreaterThan(0);
  });

  it.each(ACCEPTS.map((a) => [`${a.rule} accepts ${a.does} (${a.fixture})`, a] as const))('%s', async (_name, a) => {
    const after = await issuesOf(a.fixture, a.mutate);
    expect(after.filter((i) => i.ruleId === a.rule), summary(after, a.rule)).toEqual([]);
  });

  it('rules drawn from TKW name the TKW requirement they stand for', async () => {
    const after = await issuesOf('APP3-referral-request', (b) => delete res(b, 'Patient').name[0].given);
    expect(after.find((i) => i.ruleId === 'BARS-CORE-17')!.bars).toMatchObject({ application: 'APP3', payload: 'referral-request', rule: expect.stringMatching(/^TKW RS-PATIENT-RESO-NAME/) });
  });
});

describe('BARS-CORE-14: an error code goes with its HTTP status', () => {
  const tooEarly = (): J => {
    const oo = load('error-response-rec-bad-request');
    Object.assign(oo.issue[0].details.coding[0], { code: 'REC_TOO_EARLY', display: 'REC_TOO_EARLY' });
    return oo;
  };
  const pairing = async (status?: number): Promise<string[]> =>
    (await (await barsEngine()).validate(JSON.stringify(tooEarly()), { httpStatus: status })).issues.filter((i) => i.ruleId === 'BARS-CORE-14').map((i) => `${i.severity} ${i.expression}: ${i.message}`);

  it('when the response status is known (ValidateOptions.httpStatus), a code with another status is an error', async () => {
    expect(await pairing(400)).toEqual(['error OperationOutcome.issue[0].details.coding[0].code: REC_TOO_EARLY goes with HTTP 425, but the response status is 400']);
    expect(await pairing(425)).toEqual([]);
    expect(await pairing()).toEqual([]);
  });
});
