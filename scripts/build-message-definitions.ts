/**
 * npm run build:message-definitions — writes message-definitions/*.json, the toolkit's own
 * versioned set of BaRS MessageDefinitions (used when no BaRS package or receiver definition
 * is loaded). The table below is ours: one entry per BaRS event and payload, with the focus
 * resources (type, profile, min, max) and the use cases (all Applications that use it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NHS = 'https://fhir.nhs.uk/StructureDefinition/';
const UK = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-';
type Focus = [code: string, profile: string, min: number, max: string];

const common = (header: string, serviceRequest?: string): Focus[] => [
  ['Bundle', `${NHS}BARSBundleMessage`, 1, '1'],
  ['MessageHeader', `${NHS}BARSMessageHeader-${header}`, 1, '1'],
  ...(serviceRequest ? ([['ServiceRequest', `${NHS}${serviceRequest}`, 1, '1']] as Focus[]) : []),
  ['Patient', `${UK}Patient`, 1, '1'],
];
const clinical: Focus[] = [
  ['Observation', `${UK}Observation`, 0, '*'],
  ['Flag', `${NHS}BARSFlag-scene-safety`, 0, '*'],
  ['Flag', 'http://hl7.org/fhir/StructureDefinition/Flag', 0, '*'],
  ['MedicationStatement', `${UK}MedicationStatement`, 0, '*'],
  ['AllergyIntolerance', `${UK}AllergyIntolerance`, 0, '*'],
  ['Condition', `${UK}Condition`, 0, '*'],
  ['Questionnaire', `${UK}Questionnaire`, 0, '*'],
  ['QuestionnaireResponse', `${UK}QuestionnaireResponse`, 0, '*'],
  ['RelatedPerson', `${UK}RelatedPerson`, 0, '*'],
  ['Task', `${UK}Task`, 0, '*'],
  ['Communication', `${UK}Communication`, 0, '*'],
  ['Procedure', `${UK}Procedure`, 0, '*'],
  ['Device', 'http://hl7.org/fhir/StructureDefinition/Device', 0, '1'],
];
const people: Focus[] = [
  ['Organization', `${UK}Organization`, 2, '*'],
  ['Practitioner', `${UK}Practitioner`, 0, '*'],
  ['PractitionerRole', `${UK}PractitionerRole`, 0, '*'],
  ['HealthcareService', `${UK}HealthcareService`, 0, '*'],
  ['Consent', `${UK}Consent`, 0, '*'],
];
const REFERRAL_USE_CASES = ['a1t1', 'a1t2', 'a1t3', 'a1t4', 'a1t5', 'a1t6', 'a1t7', 'a1t8', 'a1t9', 'a1t10', 'a1t11', 'a1t12', 'a2t1', 'a2t2', 'a2t3', 'a2t4', 'a2t5', 'a2t6', 'a3t1', 'a5t1', 'a5t2', 'a5t3', 'a6t1', 'a6t2', 'a6t3', 'a8t1', 'a8t2', 'a8t3'];
const BOOKING_USE_CASES = ['a1t1', 'a1t2', 'a1t3', 'a1t4', 'a1t5', 'a1t6', 'a1t7', 'a1t8', 'a1t9', 'a1t10', 'a1t11', 'a1t12', 'a2t1', 'a2t2', 'a2t3', 'a2t4', 'a2t5', 'a2t6', 'a7t1'];

interface Def {
  id: string;
  title: string;
  version: string;
  event: string;
  useCases: string[];
  focus: Focus[];
  responses?: string[];
}

const defs: Def[] = [
  {
    id: 'bars-message-servicerequest-request-referral', title: 'BaRS referral request', version: '1.0.0-beta', event: 'servicerequest-request', useCases: REFERRAL_USE_CASES,
    focus: [...common('servicerequest-request', 'BARSServiceRequest-request-referral'), ['Encounter', `${UK}Encounter`, 1, '1'], ['CarePlan', `${UK}CarePlan`, 0, '1'], ['Location', 'https://fhir.hl7.org.uk/StructureDefinition/BARSLocation-incident-location', 0, '1'], ['Location', `${UK}Location`, 0, '*'], ['Appointment', `${UK}Appointment`, 0, '1'], ...people, ...clinical],
    responses: ['bars-message-servicerequest-response-referral'],
  },
  {
    id: 'bars-message-servicerequest-request-validation', title: 'BaRS validation request', version: '1.1.0', event: 'servicerequest-request', useCases: ['a4t1', 'a4t2', 'a4t3', 'a4t4'],
    focus: [...common('servicerequest-request', 'BARSServiceRequest-request-validation'), ['Encounter', `${UK}Encounter`, 1, '1'], ['CarePlan', `${UK}CarePlan`, 1, '1'], ['Location', `${UK}Location`, 1, '1'], ...people, ...clinical],
    responses: ['bars-message-servicerequest-response-validation-interim', 'bars-message-servicerequest-response-validation-full'],
  },
  {
    id: 'bars-message-servicerequest-response-validation-interim', title: 'BaRS interim validation response', version: '1.1.0', event: 'servicerequest-response', useCases: ['a4t1', 'a4t2', 'a4t3', 'a4t4'],
    focus: [...common('servicerequest-response', 'BARSServiceRequest-request-validation'), ['Encounter', `${UK}Encounter`, 1, '2'], ['Organization', `${UK}Organization`, 1, '*'], ['Practitioner', `${UK}Practitioner`, 0, '*'], ['PractitionerRole', `${UK}PractitionerRole`, 0, '*'], ['HealthcareService', `${UK}HealthcareService`, 0, '*']],
  },
  {
    id: 'bars-message-servicerequest-response-validation-full', title: 'BaRS validation response', version: '1.1.0', event: 'servicerequest-response', useCases: ['a4t1', 'a4t2', 'a4t3', 'a4t4'],
    focus: [...common('servicerequest-response', 'BARSServiceRequest-request-validation'), ['Encounter', `${UK}Encounter`, 1, '3'], ['CarePlan', `${UK}CarePlan`, 0, '1'], ['Location', `${UK}Location`, 0, '1'], ...people, ...clinical],
  },
  {
    id: 'bars-message-servicerequest-response-referral', title: 'BaRS referral response', version: '1.0.0-beta', event: 'servicerequest-response', useCases: REFERRAL_USE_CASES,
    focus: [...common('servicerequest-response', 'BARSServiceRequest-request-referral'), ['Encounter', `${UK}Encounter`, 0, '2'], ['CarePlan', `${UK}CarePlan`, 0, '1'], ['Location', `${UK}Location`, 0, '*'], ['Appointment', `${UK}Appointment`, 0, '1'], ...people, ...clinical],
  },
  {
    id: 'bars-message-booking-request', title: 'BaRS booking request', version: '1.0.0', event: 'booking-request', useCases: BOOKING_USE_CASES,
    focus: [...common('booking-request'), ['ServiceRequest', `${NHS}BARSServiceRequest-request-referral`, 0, '1'], ['Appointment', `${UK}Appointment`, 1, '1'], ['Slot', `${UK}Slot`, 0, '1'], ['Schedule', `${UK}Schedule`, 0, '1'], ['Location', `${UK}Location`, 0, '1'], ['Encounter', `${UK}Encounter`, 0, '1'], ...people],
  },
  {
    id: 'bars-message-booking-request-cancelled', title: 'BaRS booking cancellation', version: '1.0.0', event: 'booking-request', useCases: BOOKING_USE_CASES,
    focus: [...common('booking-request'), ['Appointment', `${UK}Appointment`, 1, '1'], ['Organization', `${UK}Organization`, 2, '*']],
  },
  {
    id: 'bars-message-servicerequest-request-cancelled', title: 'BaRS referral cancellation', version: '1.0.0', event: 'servicerequest-request', useCases: [...REFERRAL_USE_CASES, 'a4t1', 'a4t2', 'a4t3', 'a4t4'],
    focus: [...common('servicerequest-request', 'BARSServiceRequest-request-referral'), ['Organization', `${UK}Organization`, 2, '*']],
  },
];

const out = join(import.meta.dirname, '..', 'message-definitions');
mkdirSync(out, { recursive: true });
for (const d of defs) {
  const md = {
    resourceType: 'MessageDefinition',
    id: d.id,
    meta: { lastUpdated: '2026-11-01T00:00:00+00:00' },
    url: `https://fhir.nhs.uk/MessageDefinition/${d.id}`,
    version: d.version,
    name: d.id.replace(/(^|-)([a-z])/g, (_m, _s, c: string) => c.toUpperCase()),
    title: `${d.title} (bars-toolkit reference set)`,
    status: 'active',
    date: '2026-11-01',
    publisher: 'bars-toolkit',
    description: `The bars-toolkit reference definition of the ${d.title} payload, used when no BaRS package or receiver MessageDefinition is loaded. A receiver's own definition (--message-definition) always takes precedence.`,
    useContext: d.useCases.map((code) => ({
      code: { system: 'http://terminology.hl7.org/CodeSystem/usage-context-type', code: 'workflow' },
      valueCodeableConcept: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/usecases-categories-bars', code }] },
    })),
    eventCoding: { system: 'https://fhir.nhs.uk/CodeSystem/message-events-bars', code: d.event },
    category: 'consequence',
    focus: d.focus.map(([code, profile, min, max]) => ({ code, profile, min, max })),
    responseRequired: 'always',
    // FHIR JSON has no empty arrays: a definition without responses has no allowedResponse at all
    ...(d.responses?.length ? { allowedResponse: d.responses.map((r) => ({ message: `https://fhir.nhs.uk/MessageDefinition/${r}` })) } : {}),
  };
  writeFileSync(join(out, `${d.id}.json`), JSON.stringify(md, null, 2) + '\n');
}
console.log(`wrote ${defs.length} MessageDefinitions to ${out}`);
