/**
 * The expected verdict on each official example in ../shared/corpus: its errors as
 * (rule id, FHIRPath location) pairs, in the order the engine reports them, and why each is right.
 * Reviewed by hand against the BaRS guide, the BaRS and UK Core STU3 definitions and the FHIR R4
 * spec: every finding here is the example's fault unless its reason says otherwise. A change in
 * any pair, count or order fails test/corpus-examples.test.ts; there is no snapshot to update,
 * so a new verdict is an edit here with its reason. Only file names, locations, codes and the
 * identifiers under discussion are quoted from the examples.
 * Files not listed have no errors (warnings are not pinned: see the test).
 */
export interface Verdict {
  /** [rule id, FHIRPath location] per error, in report order. */
  errors: Array<[rule: string, location: string]>;
  /** Why each finding is right, one sentence per rule id (each rule id of `errors` is named). */
  reason: string[];
}

// Explanations that recur across the BaRS examples (they share one Patient, copied between files).
const retiredVerificationStatus = (at: string): string =>
  `binding-required (${at} NHS number verification status): coded from https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus, which UK Core STU3 retired; Extension-UKCore-NHSNumberVerificationStatus binds (required) ValueSet UKCore-NHSNumberVerificationStatus, which includes only the …StatusEngland and …StatusWales CodeSystems and v3-NullFlavor#NI`;
const retiredLanguage = (at: string): string =>
  `binding-required (${at} Patient.communication.language): 'en' from the retired UKCore-HumanLanguage CodeSystem; UKCore-Patient binds communication.language (required) to http://hl7.org/fhir/ValueSet/all-languages (BCP-47 codes, system urn:ietf:bcp:47)`;
const patientNotUkCore = (at: string): string =>
  `reference-target-profile (${at} subject): the element's targetProfile is UKCore-Patient, and the Patient it points at does not conform to it (the binding-required findings on that Patient)`;
const notInCompleteCodeSystem = (codes: string): string =>
  `code-unknown: ${codes}: each CodeSystem declares content = complete and does not define the code. The pathways CodeSystems hold a sample yet claim completeness, so the CodeSystem is wrong too; a validator follows the definition (as the HL7 validator does)`;

export const BARS_EXAMPLE_VERDICTS: Record<string, Verdict> = {
  'BOOKREQ01 - Booking Request New Full.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[0].resource'],
      ['binding-required', 'Bundle.entry[2].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['bars-necessity-must', 'Bundle.entry[2].resource.contact[1].relationship[0].coding[0]'],
      ['binding-required', 'Bundle.entry[2].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
      ['bars-necessity-must', 'Bundle.entry[7].resource'],
      ['bars-necessity-must', 'Bundle.entry[8].resource'],
      ['bars-necessity-must', 'Bundle.entry[10].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP1 booking-request payload table marks MUST, and the example leaves out: MessageHeader.extension (entry[0]), Patient.contact.relationship.coding.display (entry[2]), HealthcareService.active (entry[6]), HealthcareService.providedBy (entry[6]), Practitioner.identifier (entry[7]), PractitionerRole.practitioner (entry[8]), Organization.identifier (entry[10]), Organization.identifier (entry[11])',
      retiredVerificationStatus('entry[2]'),
      retiredLanguage('entry[2]'),
    ],
  },
  'BOOKREQ02 - Booking Request Cancelled.xml': {
    errors: [
      ['BARS-CORE-12', 'Bundle.entry[0].resource.reason'],
      ['BARS-CORE-30', 'Bundle.entry[1].resource'],
      ['binding-required', 'Bundle.entry[2].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['binding-required', 'Bundle.entry[2].resource.communication[0].language'],
    ],
    reason: [
      'BARS-CORE-12 (entry[0] MessageHeader.reason): a cancellation follows an earlier request, so its reason must be update; the example says new',
      'BARS-CORE-30 (entry[1]): the cancelled resource has no id; the Cancellation page says the receiver finds the referral or booking by the id it returned',
      retiredVerificationStatus('entry[2]'),
      retiredLanguage('entry[2]'),
    ],
  },
  'BOOKREQRESP01 - Booking Slot Searchset Response.xml': {
    errors: [
      ['choice-type-not-allowed', 'Bundle.entry[0].resource.extension[0]'],
      ['primitive-format', 'Bundle.entry[0].resource.serviceCategory[0].coding[0].system'],
      ['choice-type-not-allowed', 'Bundle.entry[1].resource.extension[0]'],
      ['primitive-format', 'Bundle.entry[1].resource.serviceCategory[0].coding[0].system'],
      ['choice-type-not-allowed', 'Bundle.entry[2].resource.extension[0]'],
      ['primitive-format', 'Bundle.entry[2].resource.serviceCategory[0].coding[0].system'],
      ['primitive-format', 'Bundle.entry[3].resource.serviceCategory[0].coding[0].system'],
      ['code-system-not-codesystem', 'Bundle.entry[3].resource.serviceType[0].coding[0]'],
    ],
    reason: [
      'choice-type-not-allowed (entry[0], entry[1], entry[2] extension[0]): Extension-UKCore-DeliveryChannel allows valueCodeableConcept only; the examples use the older valueCode form',
      'primitive-format (entry[0..3] serviceCategory.coding.system): the system starts with a space; a uri may not contain whitespace (datatypes.html#uri)',
      'code-system-not-codesystem (entry[3] serviceType): its system is http://hl7.org/fhir/ValueSet/service-type, a ValueSet url; the code system is http://terminology.hl7.org/CodeSystem/service-type',
    ],
  },
  'BirthSex Observation.xml': {
    errors: [
      ['code-system-not-codesystem', 'Observation.code.coding[0]'],
    ],
    reason: [
      'code-system-not-codesystem (Observation.code.coding[0]): its system is the url of the extension definition Extension-UKCore-BirthSex, a StructureDefinition; Coding.system identifies a code system (terminologies.html)',
    ],
  },
  'FLA08 - Clinically Vulnerable.xml': {
    errors: [
      ['code-unknown', 'Flag.category[0].coding[0].code'],
    ],
    reason: [
      notInCompleteCodeSystem('CV (https://fhir.nhs.uk/CodeSystem/flag-categories-bars)'),
    ],
  },
  'FLA09 - Psychological.xml': {
    errors: [
      ['code-unknown', 'Flag.category[0].coding[0].code'],
    ],
    reason: [
      notInCompleteCodeSystem('PS (https://fhir.nhs.uk/CodeSystem/flag-categories-bars)'),
    ],
  },
  'Patient relationship to Self.xml': {
    errors: [
      ['choice-type-not-allowed', 'Patient.extension[0]'],
      ['binding-required', 'Patient.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Patient.identifier[0].value'],
      ['extension-context', 'Patient.contact[0].extension[0]'],
      ['binding-required', 'Patient.communication[0].language'],
    ],
    reason: [
      'choice-type-not-allowed (Patient.extension[0]): Extension-UKCore-BirthSex in UK Core STU3 allows valueCodeableConcept only; the example uses the older valueCode form',
      retiredVerificationStatus('Patient'),
      retiredLanguage('Patient'),
      'BARS-CORE-13 (Patient): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
      'extension-context (Patient.contact[0].extension[0]): Extension-UKCore-ContactPreference declares contexts Patient and RelatedPerson only, and is used on Patient.contact',
    ],
  },
  'REFREQ01 - Referral Service Request New Full - 111 to ED.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[2].resource'],
      ['reference-target-profile', 'Bundle.entry[3].resource.subject'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[7].resource'],
      ['bars-necessity-must', 'Bundle.entry[20].resource'],
      ['bars-necessity-must', 'Bundle.entry[20].resource.code'],
      ['bars-necessity-must', 'Bundle.entry[21].resource'],
      ['bars-necessity-must', 'Bundle.entry[21].resource.code'],
      ['bars-necessity-must', 'Bundle.entry[23].resource'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP1 referral-request payload table marks MUST, and the example leaves out: CarePlan.period (entry[2]), Organization.identifier (entry[7]), Observation.subject (entry[20]), Observation.code.text (entry[20]), Observation.subject (entry[21]), Observation.code.text (entry[21]), QuestionnaireResponse.subject (entry[23])',
      patientNotUkCore('entry[3]'),
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'REFREQ02 - Referral Service Request New Full - 999 to CAS.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[2].resource'],
      ['bars-necessity-fixed', 'Bundle.entry[4].resource.class.code'],
      ['bars-necessity-fixed', 'Bundle.entry[4].resource.class.display'],
      ['bars-necessity-must', 'Bundle.entry[5].resource'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[16].resource'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      'bars-necessity-must: the guide\'s APP3 referral-request payload table marks MUST, and the example leaves out: CarePlan.period (entry[2]), Patient.id (entry[5]), Organization.identifier (entry[9]), Organization.identifier (entry[11]), Observation.encounter (entry[16])',
      'bars-necessity-fixed (entry[4]): the APP3 referral-request payload table gives a FIXED VALUE: Encounter.class.code = \'EMER\' (the example has \'VR\'), Encounter.class.display = \'emergency\' (the example has \'virtual\')',
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'REFREQ03 - Referral Service Request New Full - Primary Care to Community Pharmacy - Minor Illness.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[3].resource'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      'bars-necessity-must: the guide\'s APP5 referral-request payload table marks MUST, and the example leaves out: CarePlan.period (entry[3])',
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'REFREQ04 - Referral Service Request - CAD Out of Area.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[17].resource'],
      ['bars-necessity-must', 'Bundle.entry[17].resource.code'],
      ['bars-necessity-must', 'Bundle.entry[25].resource'],
      ['bars-necessity-must', 'Bundle.entry[26].resource'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: Organization.identifier (entry[9]), Organization.identifier (entry[11]), Observation.encounter (entry[17]), Observation.code.text (entry[17]), Communication.encounter (entry[25]), Procedure.encounter (entry[26])',
    ],
  },
  'REFREQ05 - Referral Service Request - CAD Mutal Aid Request.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[17].resource'],
      ['bars-necessity-must', 'Bundle.entry[17].resource.code'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: Organization.identifier (entry[9]), Organization.identifier (entry[11]), Observation.encounter (entry[17]), Observation.code.text (entry[17])',
    ],
  },
  'REFREQ06 - Referral Service Request New Full - GP to BP - ABPM.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[3].resource'],
      ['binding-required', 'Bundle.entry[7].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[7].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[7].resource.communication[0].language'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      'bars-necessity-must: the guide\'s APP5 referral-request payload table marks MUST, and the example leaves out: CarePlan.period (entry[3])',
      retiredVerificationStatus('entry[7]'),
      retiredLanguage('entry[7]'),
      'BARS-CORE-13 (entry[7]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'REFREQ07 - Referral Service Request New Full - GP to OC.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[3].resource'],
      ['binding-required', 'Bundle.entry[8].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[8].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[8].resource.communication[0].language'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      'bars-necessity-must: the guide\'s APP5 referral-request payload table marks MUST, and the example leaves out: CarePlan.period (entry[3])',
      retiredVerificationStatus('entry[8]'),
      retiredLanguage('entry[8]'),
      'BARS-CORE-13 (entry[8]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'REFREQ10 - Referral Service Request - CAD Out of Area C4(1 of 1).xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['code-unknown', 'Bundle.entry[4].resource.activity[0].outcomeCodeableConcept[0].coding[0].code'],
      ['code-unknown', 'Bundle.entry[4].resource.activity[0].outcomeCodeableConcept[1].coding[0].code'],
      ['code-unknown', 'Bundle.entry[4].resource.activity[0].outcomeCodeableConcept[2].coding[0].code'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[10].resource'],
      ['bars-necessity-must', 'Bundle.entry[21].resource'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      notInCompleteCodeSystem('SD4521 (https://fhir.nhs.uk/CodeSystem/pathways-sd-codes), SG1131 (https://fhir.nhs.uk/CodeSystem/pathways-sg-codes), Dx0128 (https://fhir.nhs.uk/CodeSystem/pathways-dx-codes)'),
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 7778521234 fails Modulus 11: weights 10..2 over its first nine digits give check digit 7, its tenth digit is 4',
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: Organization.identifier (entry[9]), Organization.identifier (entry[10]), Communication.encounter (entry[21])',
    ],
  },
  'REFREQ11 - Referral Service Request - Internal broker - AandG To e-RS.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-fixed', 'Bundle.entry[2].resource.class.code'],
      ['bars-necessity-fixed', 'Bundle.entry[2].resource.class.display'],
      ['bars-necessity-must', 'Bundle.entry[3].resource.activity[0].outcomeCodeableConcept[1]'],
      ['bars-necessity-must', 'Bundle.entry[3].resource.activity[1]'],
      ['bars-necessity-must', 'Bundle.entry[3].resource.activity[1]'],
      ['reference-unresolved-urn', 'Bundle.entry[3].resource.activity[1].detail.performer[1]'],
      ['reference-unresolved-urn', 'Bundle.entry[3].resource.activity[1].detail.performer[2]'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[8].resource'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      'bars-necessity-fixed (entry[2]): the APP8 referral-request payload table gives a FIXED VALUE: Encounter.class.code = \'VR\' (the example has \'EMER\'), Encounter.class.display = \'virtual\' (the example has \'emergency\')',
      'bars-necessity-must: the guide\'s APP8 referral-request payload table marks MUST, and the example leaves out: CarePlan.activity.outcomeCodeableConcept.coding (entry[3]), CarePlan.activity.outcomeCodeableConcept (entry[3]), CarePlan.activity.reference (entry[3]), Organization.identifier (entry[8])',
      'reference-unresolved-urn (entry[3] CarePlan.activity[1].detail.performer[1] and [2]): urn:uuid references to a resource the Bundle does not carry (no entry has that fullUrl); a urn:uuid can only resolve inside the Bundle',
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 7778521234 fails Modulus 11: weights 10..2 over its first nine digits give check digit 7, its tenth digit is 4',
    ],
  },
  'REFREQ8A - Referral Service Request - CAD Out of Area C1(1 of 4 - Initial).xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['BARS-CORE-16', 'Bundle.entry[5].resource'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
      ['bars-necessity-must', 'Bundle.entry[7].resource'],
      ['bars-necessity-must', 'Bundle.entry[13].resource'],
      ['bars-necessity-must', 'Bundle.entry[13].resource.code'],
      ['bars-necessity-must', 'Bundle.entry[20].resource'],
      ['bars-necessity-must', 'Bundle.entry[21].resource'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: CarePlan.activity (entry[4]), Organization.identifier (entry[6]), Organization.identifier (entry[7]), Observation.encounter (entry[13]), Observation.code.text (entry[13]), Communication.encounter (entry[20]), Procedure.encounter (entry[21])',
      'BARS-CORE-16 (entry[5] Patient): a BaRS Patient carries exactly one name with use official; this one has none',
    ],
  },
  'REFREQ8B - Referral Service Request - CAD Out of Area C1(2 of 4 - Update).xml': {
    errors: [
      ['bars-md-focus-max', 'Bundle'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['bars-necessity-must', 'Bundle.entry[5].resource'],
      ['bars-necessity-must', 'Bundle.entry[7].resource'],
      ['bars-necessity-must', 'Bundle.entry[8].resource'],
      ['bars-necessity-must', 'Bundle.entry[14].resource'],
      ['bars-necessity-must', 'Bundle.entry[14].resource.code'],
      ['bars-necessity-must', 'Bundle.entry[21].resource'],
      ['bars-necessity-must', 'Bundle.entry[22].resource'],
    ],
    reason: [
      'bars-md-focus-max: the Bundle carries two Encounters where the MessageDefinition https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-referral allows focus Encounter max 1',
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: Encounter.location (entry[4]), Encounter.statusHistory (entry[4]), CarePlan.activity (entry[5]), Organization.identifier (entry[7]), Organization.identifier (entry[8]), Observation.encounter (entry[14]), Observation.code.text (entry[14]), Communication.encounter (entry[21]), Procedure.encounter (entry[22])',
    ],
  },
  'REFREQ8C - Referral Service Request - CAD Out of Area C1(3 of 4 - Update).xml': {
    errors: [
      ['bars-md-focus-max', 'Bundle'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[0].coding[0].code'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[2].coding[0].code'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[10].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[17].resource'],
      ['bars-necessity-must', 'Bundle.entry[17].resource.code'],
      ['bars-necessity-must', 'Bundle.entry[24].resource'],
      ['bars-necessity-must', 'Bundle.entry[25].resource'],
    ],
    reason: [
      'bars-md-focus-max: the Bundle carries two Encounters where the MessageDefinition https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-referral allows focus Encounter max 1',
      patientNotUkCore('entry[1]'),
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: Encounter.location (entry[4]), Encounter.statusHistory (entry[4]), Organization.identifier (entry[10]), Organization.identifier (entry[11]), Observation.encounter (entry[17]), Observation.code.text (entry[17]), Communication.encounter (entry[24]), Procedure.encounter (entry[25])',
      notInCompleteCodeSystem('SD4212 (https://fhir.nhs.uk/CodeSystem/pathways-sd-codes), Dx010 (https://fhir.nhs.uk/CodeSystem/pathways-dx-codes)'),
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'REFREQ8D - Referral Service Request - CAD Out of Area C1(4 of 4 - Final Update).xml': {
    errors: [
      ['bars-md-focus-max', 'Bundle'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[0].coding[0].code'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[2].coding[0].code'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[10].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[18].resource'],
      ['bars-necessity-must', 'Bundle.entry[18].resource.code'],
      ['bars-necessity-must', 'Bundle.entry[25].resource'],
      ['bars-necessity-must', 'Bundle.entry[26].resource'],
    ],
    reason: [
      'bars-md-focus-max: the Bundle carries two Encounters where the MessageDefinition https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-referral allows focus Encounter max 1',
      patientNotUkCore('entry[1]'),
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: Encounter.location (entry[4]), Encounter.statusHistory (entry[4]), Organization.identifier (entry[10]), Organization.identifier (entry[11]), Observation.encounter (entry[18]), Observation.code.text (entry[18]), Communication.encounter (entry[25]), Procedure.encounter (entry[26])',
      notInCompleteCodeSystem('SD4212 (https://fhir.nhs.uk/CodeSystem/pathways-sd-codes), Dx010 (https://fhir.nhs.uk/CodeSystem/pathways-dx-codes)'),
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'REFREQ9A - Referral Service Request - CAD Out of Area C2(1 of 3 - Initial).xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
      ['bars-necessity-must', 'Bundle.entry[7].resource'],
      ['bars-necessity-must', 'Bundle.entry[19].resource'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: CarePlan.activity (entry[4]), Organization.identifier (entry[6]), Organization.identifier (entry[7]), Communication.encounter (entry[19])',
    ],
  },
  'REFREQ9A - Referral Service Request - CAD Out of Area C2(2 of 3 - Update).xml': {
    errors: [
      ['bars-md-focus-max', 'Bundle'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[0].coding[0].code'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[1].coding[0].code'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[2].coding[0].code'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[10].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[23].resource'],
    ],
    reason: [
      'bars-md-focus-max: the Bundle carries two Encounters where the MessageDefinition https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-referral allows focus Encounter max 1',
      patientNotUkCore('entry[1]'),
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: Encounter.location (entry[4]), Encounter.statusHistory (entry[4]), Organization.identifier (entry[10]), Organization.identifier (entry[11]), Communication.encounter (entry[23])',
      notInCompleteCodeSystem('SD4088 (https://fhir.nhs.uk/CodeSystem/pathways-sd-codes), SG1118 (https://fhir.nhs.uk/CodeSystem/pathways-sg-codes), Dx0115 (https://fhir.nhs.uk/CodeSystem/pathways-dx-codes)'),
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 7778521234 fails Modulus 11: weights 10..2 over its first nine digits give check digit 7, its tenth digit is 4',
    ],
  },
  'REFREQ9A - Referral Service Request - CAD Out of Area C2(3 of 3 - Final Update).xml': {
    errors: [
      ['bars-md-focus-max', 'Bundle'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['bars-necessity-must', 'Bundle.entry[4].resource'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[0].coding[0].code'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[1].coding[0].code'],
      ['code-unknown', 'Bundle.entry[5].resource.activity[0].outcomeCodeableConcept[2].coding[0].code'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[10].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[23].resource'],
    ],
    reason: [
      'bars-md-focus-max: the Bundle carries two Encounters where the MessageDefinition https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-referral allows focus Encounter max 1',
      patientNotUkCore('entry[1]'),
      'bars-necessity-must: the guide\'s APP6 referral-request payload table marks MUST, and the example leaves out: Encounter.location (entry[4]), Encounter.statusHistory (entry[4]), Organization.identifier (entry[10]), Organization.identifier (entry[11]), Communication.encounter (entry[23])',
      notInCompleteCodeSystem('SD4088 (https://fhir.nhs.uk/CodeSystem/pathways-sd-codes), SG1118 (https://fhir.nhs.uk/CodeSystem/pathways-sg-codes), Dx0115 (https://fhir.nhs.uk/CodeSystem/pathways-dx-codes)'),
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 7778521234 fails Modulus 11: weights 10..2 over its first nine digits give check digit 7, its tenth digit is 4',
    ],
  },
  'REFRESP01 - Referral Service Request Response New Full - ED to 111 Safeguarding DNA Feedback.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['BARS-CORE-11', 'Bundle.entry[4].resource'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      'BARS-CORE-11 (entry[4] Appointment): the response Appointment does not reference the ServiceRequest it books (Appointment.basedOn)',
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'REFRESP02- Referral Service Request Reponse Short - CAD Mutual Aid Rejection.xml': {
    errors: [
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[4].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[4].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[4].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
    ],
    reason: [
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[4]'),
      retiredLanguage('entry[4]'),
      'BARS-CORE-13 (entry[4]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
      'bars-necessity-must: the guide\'s APP6 response payload table marks MUST, and the example leaves out: Organization.identifier (entry[6])',
    ],
  },
  'REFRESP03 - Referral Service Request Response - CAD Out of Area Response.xml': {
    errors: [
      ['BARS-CORE-31', 'Bundle.entry[0].resource.focus[0]'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[4].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[4].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[4].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
    ],
    reason: [
      'BARS-CORE-31 (entry[0] MessageHeader.focus): the APP6 response focuses on the ServiceRequest; the APP6 Payloads-for-Responses page says a response focuses on the Responder\'s current Encounter (as REFRESP02 does)',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[4]'),
      retiredLanguage('entry[4]'),
      'BARS-CORE-13 (entry[4]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
      'bars-necessity-must: the guide\'s APP6 response payload table marks MUST, and the example leaves out: Organization.identifier (entry[6])',
    ],
  },
  'SERVREQ01 - Service Request Update - Revoked.xml': {
    errors: [
      ['BARS-CORE-30', 'Bundle.entry[1].resource'],
      ['bars-md-focus-profile', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[2].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[2].resource.identifier[0].value'],
      ['BARS-CORE-18', 'Bundle.entry[2].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[2].resource.communication[0].language'],
    ],
    reason: [
      'BARS-CORE-30 (entry[1]): the cancelled resource has no id; the Cancellation page says the receiver finds the referral or booking by the id it returned',
      'bars-md-focus-profile (entry[1] ServiceRequest): BARSServiceRequest-request-referral, which the MessageDefinition requires of its ServiceRequest focus, sets ServiceRequest.authoredOn min 1 (cardinality-min), and it is absent',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[2]'),
      retiredLanguage('entry[2]'),
      'BARS-CORE-13 (entry[2]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
      'BARS-CORE-18 (entry[2] Patient.contact[1]): the second contact (the emergency contact) has no Extension-UKCore-ContactRank, which every patient contact carries; the guide has no payload table for this cancellation, so BARS-CORE-18 reports it (bars-necessity-must does elsewhere)',
    ],
  },
  'SERVREQ02 - Service Request Delete - Entered in error.xml': {
    errors: [
      ['BARS-CORE-08', 'Bundle.entry[0].resource'],
      ['BARS-CORE-07', 'Bundle.entry[0].resource.reason'],
      ['BARS-CORE-30', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[2].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[2].resource.identifier[0].value'],
      ['BARS-CORE-18', 'Bundle.entry[2].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[2].resource.communication[0].language'],
    ],
    reason: [
      'BARS-CORE-08 (entry[0] MessageHeader): no MessageHeader.definition; BaRS content negotiation needs it to name the MessageDefinition the payload follows',
      'BARS-CORE-07 (entry[0] MessageHeader.reason): the code is message-reason-bars#delete; that CodeSystem and the guide allow only new | update',
      'BARS-CORE-30 (entry[1]): the cancelled resource has no id; the Cancellation page says the receiver finds the referral or booking by the id it returned',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[2]'),
      retiredLanguage('entry[2]'),
      'BARS-CORE-13 (entry[2]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
      'BARS-CORE-18 (entry[2] Patient.contact[1]): the second contact (the emergency contact) has no Extension-UKCore-ContactRank, which every patient contact carries; the guide has no payload table for this cancellation, so BARS-CORE-18 reports it (bars-necessity-must does elsewhere)',
    ],
  },
  'VALREQ01 - Validation Service Request New Full - 999 to CAS.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[5].resource'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[16].resource'],
      ['bars-necessity-must', 'Bundle.entry[16].resource.code'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 validation-request payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), Patient.id (entry[5]), Organization.identifier (entry[9]), Organization.identifier (entry[11]), Observation.encounter (entry[16]), Observation.code.text (entry[16])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'VALREQ02 - Validation Service Request Update Full - 999 to CAS Lower Priority.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[5].resource'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['bars-necessity-must', 'Bundle.entry[5].resource.contact[0]'],
      ['bars-necessity-must', 'Bundle.entry[5].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[16].resource'],
      ['bars-necessity-must', 'Bundle.entry[16].resource.code'],
      ['bars-necessity-must', 'Bundle.entry[17].resource.code'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 validation-request payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), Patient.id (entry[5]), Patient.contact.relationship (entry[5]), Patient.contact.extension (entry[5]), Organization.identifier (entry[9]), Organization.identifier (entry[11]), Observation.encounter (entry[16]), Observation.code.text (entry[16]), Flag.code.coding (entry[17])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'VALREQ03 - Validation Service Request New Full AMPDS - 999 to CAS.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[5].resource'],
      ['binding-required', 'Bundle.entry[5].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[5].resource.identifier[0].value'],
      ['bars-necessity-must', 'Bundle.entry[5].resource.contact[0]'],
      ['bars-necessity-must', 'Bundle.entry[5].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[5].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[11].resource'],
      ['bars-necessity-must', 'Bundle.entry[16].resource'],
      ['bars-necessity-must', 'Bundle.entry[16].resource.code'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 validation-request payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), Patient.id (entry[5]), Patient.contact.relationship (entry[5]), Patient.contact.extension (entry[5]), Organization.identifier (entry[9]), Organization.identifier (entry[11]), Observation.encounter (entry[16]), Observation.code.text (entry[16])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[5]'),
      retiredLanguage('entry[5]'),
      'BARS-CORE-13 (entry[5]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'VALRESP01 - Validation Response HTTP Response Acknowledgment - CAS to 999 Planned (0 of 2).xml': {
    errors: [
      ['bars-md-focus-max', 'Bundle'],
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['bars-necessity-must', 'Bundle.entry[6].resource.contact[0]'],
      ['bars-necessity-must', 'Bundle.entry[6].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[10].resource'],
      ['bars-necessity-must', 'Bundle.entry[12].resource'],
      ['bars-necessity-must', 'Bundle.entry[17].resource'],
      ['bars-necessity-must', 'Bundle.entry[17].resource.code'],
    ],
    reason: [
      'bars-md-focus-max: the Bundle carries two Encounters where the MessageDefinition https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-validation allows focus Encounter max 1',
      'bars-necessity-must: the guide\'s APP4 validation-request payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), Patient.id (entry[6]), Patient.contact.relationship (entry[6]), Patient.contact.extension (entry[6]), Organization.identifier (entry[10]), Organization.identifier (entry[12]), Observation.encounter (entry[17]), Observation.code.text (entry[17])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'VALRESP01A - Validation Response New Interim - CAS to 999 In-progress (1 of 2).xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[4].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[4].resource.identifier[0].value'],
      ['bars-necessity-must', 'Bundle.entry[4].resource.contact[0]'],
      ['bars-necessity-must', 'Bundle.entry[4].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[4].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[5].resource'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 interim-validation-response payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), ServiceRequest.requester (entry[1]), Patient.contact.relationship (entry[4]), Patient.contact.extension (entry[4]), Organization.identifier (entry[5]), Organization.identifier (entry[6])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[4]'),
      retiredLanguage('entry[4]'),
      'BARS-CORE-13 (entry[4]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'VALRESP01B - Validation Response Update Full - CAS to 999 Finished (2 of 2).xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['bars-necessity-must', 'Bundle.entry[6].resource.contact[0]'],
      ['bars-necessity-must', 'Bundle.entry[6].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[7].resource'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[14].resource'],
      ['bars-necessity-must', 'Bundle.entry[14].resource.code'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 validation-response payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), Patient.contact.relationship (entry[6]), Patient.contact.extension (entry[6]), Organization.identifier (entry[7]), Organization.identifier (entry[9]), Observation.encounter (entry[14]), Observation.code.text (entry[14])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'VALRESP02 - Validation Response New Full - CAS to 999 Finished.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[7].resource'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[14].resource'],
      ['bars-necessity-must', 'Bundle.entry[14].resource.code'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 validation-response payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), Organization.identifier (entry[7]), Organization.identifier (entry[9]), Observation.encounter (entry[14]), Observation.code.text (entry[14])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'VALRESP03 - Validation Response New Full - CAS to 999 Finished Inc New CADid Cat 1-2.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[7].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[7].resource.identifier[0].value'],
      ['bars-necessity-must', 'Bundle.entry[7].resource.contact[0]'],
      ['bars-necessity-must', 'Bundle.entry[7].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[7].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[8].resource'],
      ['bars-necessity-must', 'Bundle.entry[10].resource'],
      ['code-unknown', 'Bundle.entry[15].resource.code.coding[0].code'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 validation-response payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), Patient.contact.relationship (entry[7]), Patient.contact.extension (entry[7]), Organization.identifier (entry[8]), Organization.identifier (entry[10])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[7]'),
      retiredLanguage('entry[7]'),
      'BARS-CORE-13 (entry[7]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
      notInCompleteCodeSystem('UT (https://fhir.nhs.uk/CodeSystem/scene-safety-codes-bars)'),
    ],
  },
  'VALRESP04 - Validation Response Interim - Reject Validation Request.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[4].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[4].resource.identifier[0].value'],
      ['bars-necessity-must', 'Bundle.entry[4].resource.contact[0]'],
      ['bars-necessity-must', 'Bundle.entry[4].resource.contact[1]'],
      ['binding-required', 'Bundle.entry[4].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[5].resource'],
      ['bars-necessity-must', 'Bundle.entry[6].resource'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 interim-validation-response payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), ServiceRequest.requester (entry[1]), Patient.contact.relationship (entry[4]), Patient.contact.extension (entry[4]), Organization.identifier (entry[5]), Organization.identifier (entry[6])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[4]'),
      retiredLanguage('entry[4]'),
      'BARS-CORE-13 (entry[4]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
  'VALRESP05 - Validation Response - Falls to 999 Finished copy.xml': {
    errors: [
      ['bars-necessity-must', 'Bundle.entry[1].resource'],
      ['reference-target-profile', 'Bundle.entry[1].resource.subject'],
      ['binding-required', 'Bundle.entry[6].resource.identifier[0].extension[0].valueCodeableConcept'],
      ['BARS-CORE-13', 'Bundle.entry[6].resource.identifier[0].value'],
      ['binding-required', 'Bundle.entry[6].resource.communication[0].language'],
      ['bars-necessity-must', 'Bundle.entry[7].resource'],
      ['bars-necessity-must', 'Bundle.entry[9].resource'],
      ['bars-necessity-must', 'Bundle.entry[14].resource'],
      ['bars-necessity-must', 'Bundle.entry[14].resource.code'],
    ],
    reason: [
      'bars-necessity-must: the guide\'s APP4 validation-response payload table marks MUST, and the example leaves out: ServiceRequest.authoredOn (entry[1]), Organization.identifier (entry[7]), Organization.identifier (entry[9]), Observation.encounter (entry[14]), Observation.code.text (entry[14])',
      patientNotUkCore('entry[1]'),
      retiredVerificationStatus('entry[6]'),
      retiredLanguage('entry[6]'),
      'BARS-CORE-13 (entry[6]): NHS number 3478526985 fails Modulus 11: weights 10..2 over its first nine digits give check digit 1, its tenth digit is 5',
    ],
  },
};

export const UKCORE_EXAMPLE_VERDICTS: Record<string, Verdict> = {
  'Extension-UKCore-CodingSCT-IllicitDrugs-Example.xml': {
    errors: [
      ['xml-element-order', 'Observation.text'],
    ],
    reason: [
      'xml-element-order (Observation.text): FHIR XML must give elements in the order the definition lists them (xml.html); here <text> comes after <status>',
    ],
  },
  'Extension-UKCore-ConditionEpisode-Example.xml': {
    errors: [
      ['cardinality-max', 'Condition.extension[0]'],
      ['choice-type-not-allowed', 'Condition.extension[0]'],
    ],
    reason: [
      'cardinality-max (Condition.extension[0]): the extension gives both valueCode and valueCodeableConcept; Extension.value[x] is 0..1',
      'choice-type-not-allowed (Condition.extension[0]): Extension-UKCore-ConditionEpisode allows valueCodeableConcept only; valueCode is the older form',
    ],
  },
  'Extension-UKCore-RecordingSetting-Example.xml': {
    errors: [
      ['extension-unknown', 'Observation.extension[0]'],
    ],
    reason: [
      'extension-unknown (Observation.extension[0]): the url is misspelt (Extension-UKCore-RcordingSetting); no definition has that url, and an extension that cannot be resolved is an error (as in the HL7 validator)',
    ],
  },
  'UKCore-Bundle-NEWS2Observations-Example.xml': {
    errors: [
      ['bundle-fullurl-absolute', 'Bundle.entry[0]'],
      ['bundle-fullurl-absolute', 'Bundle.entry[1]'],
      ['fixed-value', 'Bundle.entry[1].resource.valueQuantity.code'],
      ['bundle-fullurl-absolute', 'Bundle.entry[2]'],
      ['fixed-value', 'Bundle.entry[2].resource.valueQuantity.code'],
      ['bundle-fullurl-absolute', 'Bundle.entry[3]'],
      ['bundle-fullurl-absolute', 'Bundle.entry[4]'],
      ['bundle-fullurl-absolute', 'Bundle.entry[5]'],
      ['bundle-fullurl-absolute', 'Bundle.entry[6]'],
      ['bundle-fullurl-absolute', 'Bundle.entry[7]'],
    ],
    reason: [
      'bundle-fullurl-absolute (entry[0..7]): each fullUrl is relative (Observation/<id>); Bundle.entry.fullUrl is defined as the absolute URL of the resource, or a urn:uuid (bundle-definitions.html; the HL7 validator reports the same)',
      'fixed-value (entry[1] and entry[2] valueQuantity.code): respiratory and heart rate use UCUM {Breaths}/min and {beats}/min; the FHIR vital signs profiles, which every LOINC-coded vital sign must meet, fix valueQuantity.code to /min',
    ],
  },
  'UKCore-MedicationDispense-Amoxicillin-Example.xml': {
    errors: [
      ['reference-format', 'MedicationDispense.authorizingPrescription[0]'],
    ],
    reason: [
      'reference-format (MedicationDispense.authorizingPrescription[0]): the reference is a bare example id with no resource type; a literal relative reference is Type/id (references.html)',
    ],
  },
  'UKCore-MedicationDispense-CiprofloxacinIV-Example.xml': {
    errors: [
      ['reference-format', 'MedicationDispense.authorizingPrescription[0]'],
    ],
    reason: [
      'reference-format (MedicationDispense.authorizingPrescription[0]): the reference is a bare example id with no resource type; a literal relative reference is Type/id (references.html)',
    ],
  },
  'UKCore-MedicationDispense-CiprofloxacinOral-Example.xml': {
    errors: [
      ['reference-format', 'MedicationDispense.authorizingPrescription[0]'],
    ],
    reason: [
      'reference-format (MedicationDispense.authorizingPrescription[0]): the reference is a bare example id with no resource type; a literal relative reference is Type/id (references.html)',
    ],
  },
  'UKCore-Observation-Lab-Albumin-Example.xml': {
    errors: [
      ['xml-element-order', 'Observation.meta'],
    ],
    reason: [
      'xml-element-order (Observation.meta): FHIR XML must give elements in the order the definition lists them (xml.html); here <meta> comes after <text>',
    ],
  },
  'UKCore-Observation-VitalSigns-BodyHeight-Example.xml': {
    errors: [
      ['binding-required', 'Observation.valueQuantity.code'],
    ],
    reason: [
      'binding-required (Observation.valueQuantity.code): the unit code is m; the FHIR bodyheight vital signs profile, required for LOINC 8302-2, binds valueQuantity.code (required) to ucum-bodylength, which holds cm and [in_i] only',
    ],
  },
  'UKCore-Patient-BabyPatient-Example.xml': {
    errors: [
      ['BARS-CORE-13', 'Patient.identifier[0].value'],
    ],
    reason: [
      'BARS-CORE-13 (Patient.identifier[0].value): NHS number 9912003890 fails Modulus 11: weights 10..2 over its first nine digits give check digit 6, its tenth digit is 0',
    ],
  },
  'UKCore-Provenance-RARecordConsent-Example.xml': {
    errors: [
      ['reference-format', 'Provenance.agent[0].onBehalfOf'],
    ],
    reason: [
      'reference-format (Provenance.agent[0].onBehalfOf): Organization/<profile url>: a StructureDefinition url pasted in place of an id; a literal reference is Type/id or an absolute URL (references.html)',
    ],
  },
  'UKCore-Questionnaire-EOLPlan-Example.xml': {
    errors: [
      ['xml-element-order', 'Questionnaire.item.item.item.extension'],
    ],
    reason: [
      'xml-element-order (a nested Questionnaire item): <extension> comes after <linkId>; Element.extension precedes the other children (xml.html). The validator names the element path without item indices (Questionnaire.item.item.item.extension): an imprecise location, pinned as reported',
    ],
  },
};
