/**
 * Every official example in ../shared/corpus — the 215 UK Core STU3 examples and the 67 BaRS
 * examples — validated with the corpus IG sources and the BaRS layer. The official examples are
 * not all correct: each kind of error they raise is decided here (is the example wrong, or the
 * validator?), and the errors per file are pinned so any change in verdict is seen in review.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsEngine } from './support/engine.js';
import { corpusPath, HAS_CORPUS } from './support/corpus.js';
import { nhsNumberProblem } from '../src/bars/nhs-number.js';

/**
 * Decision per rule id seen on the official examples. `example`: the example is wrong (the
 * validator is right to report it); the reason says why, for the closing note and reviewers.
 */
const DECISIONS: Record<string, { wrong: 'example'; why: string }> = {
  'bundle-fullurl-absolute': { wrong: 'example', why: 'UK Core NEWS2 Bundle uses relative fullUrls (Observation/…); Bundle.entry.fullUrl must be absolute (the HL7 validator reports the same)' },
  'xml-element-order': { wrong: 'example', why: 'FHIR XML must follow the definition\'s element order (e.g. <text> before <status>); the HL7 validator rejects these too' },
  'choice-type-not-allowed': { wrong: 'example', why: 'examples still use the STU2 form valueCode where the STU3 extension (ConditionEpisode, DeliveryChannel) allows only valueCodeableConcept' },
  'cardinality-min': { wrong: 'example', why: 'a focus profile requires ServiceRequest.authoredOn' },
  'cardinality-max': { wrong: 'example', why: 'the ConditionEpisode example gives both valueCode and valueCodeableConcept; an extension has one value[x]' },
  'fixed-value': { wrong: 'example', why: "the NEWS2 Bundle's respiratory and heart rates use UCUM '{Breaths}/min' and '{beats}/min'; the FHIR vital signs profiles, which every LOINC-coded vital sign must meet, fix valueQuantity.code to '/min' (the HL7 validator reports the same)" },
  'reference-format': { wrong: 'example', why: "'Organization/https://…/UKCore-Organization' is a profile URL pasted into a reference: not Type/id" },
  'BARS-CORE-13': { wrong: 'example', why: "NHS numbers 3478526985 and 9912003890 fail the Modulus 11 check digit (test-range numbers must still be valid)" },
  'BARS-CORE-07': { wrong: 'example', why: "MessageHeader.reason 'delete' is not a code of message-reason-bars (new | update)" },
  'BARS-CORE-08': { wrong: 'example', why: 'MessageHeader.definition missing: BaRS requires it for content negotiation' },
  'BARS-CORE-11': { wrong: 'example', why: 'the booking response Appointment does not reference the ServiceRequest it books (Appointment.basedOn)' },
  'BARS-CORE-12': { wrong: 'example', why: "a cancellation follows an earlier request, so its MessageHeader.reason must be 'update'" },
  'BARS-CORE-16': { wrong: 'example', why: "a BaRS Patient must carry exactly one name with use 'official'" },
  'BARS-CORE-18': { wrong: 'example', why: 'a second Patient.contact (the emergency contact) without the Extension-UKCore-ContactRank every patient contact carries; the payload tables have no row for the cancellation payload, so BARS-CORE-18 reports it (elsewhere bars-necessity-must does)' },
  'BARS-CORE-30': { wrong: 'example', why: 'cancellations without ServiceRequest.id / Appointment.id: the Cancellation page says the receiver finds the referral or booking by that id' },
  'BARS-CORE-31': { wrong: 'example', why: "REFRESP03 (APP6 response) focuses on the ServiceRequest; APP6's Payloads-for-Responses page says a response's focus is the Responder's current Encounter, as REFRESP02 does" },
  'binding-required': { wrong: 'example', why: "codes from superseded UK Core CodeSystems (UKCore-NHSNumberVerificationStatus, UKCore-HumanLanguage) where STU3 binds other value sets as required; the BodyHeight example's unit 'm', where the FHIR bodyheight vital signs profile (required for LOINC 8302-2) binds ucum-bodylength (cm | [in_i]) as required" },
  'code-unknown': { wrong: 'example', why: "codes absent from BaRS CodeSystems that declare content = complete (flag-categories-bars 'CV'/'PS', scene-safety 'UT', pathways-sd/sg/dx codes). The pathways CodeSystems hold a sample but claim completeness: the CodeSystem is wrong too, and we follow the definition as the HL7 validator does" },
  'code-system-not-codesystem': { wrong: 'example', why: "a Coding.system that is the url of another kind of resource: the ValueSet 'http://hl7.org/fhir/ValueSet/service-type' (the code system is http://terminology.hl7.org/CodeSystem/service-type), the extension definition …/Extension-UKCore-BirthSex (terminologies.html: the system identifies a code system)" },
  'code-system-case': { wrong: 'example', why: "a Coding.system differing only in letter case from a loaded CodeSystem url (e.g. …/Codesystem/… for …/CodeSystem/…): canonical urls are compared exactly" },
  'primitive-format': { wrong: 'example', why: "a Coding.system with a leading space (' http://terminology.hl7.org/…') is not a valid uri" },
  'extension-context': { wrong: 'example', why: 'Extension-UKCore-ContactPreference used on Patient.contact; its context allows Patient and RelatedPerson only' },
  'reference-target-profile': { wrong: 'example', why: "a reference whose targetProfile is UKCore-Patient points at a Patient that does not conform to it: its NHS number verification status uses the superseded UKCore-NHSNumberVerificationStatus code system (the binding-required finding on that Patient), so the referring element reports it too" },
  'extension-unknown': { wrong: 'example', why: "the RecordingSetting example's extension url is misspelt (Extension-UKCore-RcordingSetting): no definition has that url, and an extension that cannot be resolved is an error (as in the HL7 validator)" },
  'reference-unresolved-urn': { wrong: 'example', why: 'a urn:uuid reference to a PractitionerRole the message does not carry' },
  'bars-md-focus-max': { wrong: 'example', why: 'two Encounters where the published MessageDefinition allows one (focus Encounter max 1)' },
  'bars-necessity-must': { wrong: 'example', why: 'elements the guide\'s payload tables mark MUST are missing (e.g. Organization.identifier, Observation.code.text, ServiceRequest.authoredOn)' },
  'bars-necessity-fixed': { wrong: 'example', why: "Encounter.class differs from the guide's FIXED VALUE for the payload (APP3 EMER; APP8 VR)" },
};

const examples = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.(json|xml)$/i.test(e.name)) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out.sort();
};

async function errorsByFile(dir: string): Promise<Record<string, string[]>> {
  const e = await barsEngine();
  const out: Record<string, string[]> = {};
  for (const f of examples(dir)) {
    const r = await e.validate(readFileSync(f), { name: f });
    const ids = [...new Set(r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => i.ruleId))].sort();
    if (ids.length) out[f.slice(dir.length + 1)] = ids;
  }
  return out;
}

describe.skipIf(!HAS_CORPUS)('official examples in the corpus', () => {

  it('UK Core STU3 examples: every error kind is decided, and the verdicts are pinned', async () => {
    const errors = await errorsByFile(corpusPath('ukcore-stu3', 'examples'));
    for (const [file, ids] of Object.entries(errors)) for (const id of ids) expect(DECISIONS[id], `${file}: undecided error ${id}`).toBeDefined();
    expect(examples(corpusPath('ukcore-stu3', 'examples')).length).toBe(215);
    expect(errors).toMatchSnapshot();
  }, 120_000);

  it('BaRS examples: every error kind is decided, and the verdicts are pinned', async () => {
    const errors = await errorsByFile(corpusPath('bars', 'Examples'));
    for (const [file, ids] of Object.entries(errors)) for (const id of ids) expect(DECISIONS[id], `${file}: undecided error ${id}`).toBeDefined();
    expect(examples(corpusPath('bars', 'Examples')).length).toBe(67);
    expect(errors).toMatchSnapshot();
  }, 120_000);

  it('the NHS number in the BaRS examples really fails Modulus 11 (checked independently)', () => {
    // weights 10..2 over the first nine digits; 11 - (sum mod 11), 11 → 0
    const sum = '347852698'.split('').reduce((a, d, i) => a + Number(d) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    expect(check).toBe(1);
    expect(nhsNumberProblem('3478526985')).toMatch(/should be 1, not 5/);
    expect(nhsNumberProblem('3478526981')).toBeUndefined();
  });

  it('the error responses use a mis-cased CodeSystem URL (the example is wrong, not the rule)', () => {
    const text = readFileSync(corpusPath('bars', 'Examples', examples(corpusPath('bars', 'Examples')).find((f) => f.includes('400BadRequest'))!.split('/Examples/')[1]!), 'utf8');
    expect(text).toContain('https://fhir.nhs.uk/Codesystem/http-error-codes');
  });
});
