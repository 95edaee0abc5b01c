/**
 * Which FHIR package usually provides a canonical, so that "profile not found" can say
 * what to load instead of leaving the supplier to guess.
 */
export interface PackageHint {
  name: string;
  title: string;
}

const HINTS: [RegExp, PackageHint][] = [
  [/^https:\/\/fhir\.nhs\.uk\/(StructureDefinition|MessageDefinition|CodeSystem|ValueSet)\/(BARS|BaRS|bars)/, { name: 'uk.nhsdigital.bars.r4', title: 'NHS Booking and Referral Standard (BaRS)' }],
  [/^https:\/\/fhir\.nhs\.uk\/(CodeSystem|ValueSet)\/.*(-bars|BARS|bars)/, { name: 'uk.nhsdigital.bars.r4', title: 'NHS Booking and Referral Standard (BaRS)' }],
  [/^https:\/\/fhir\.hl7\.org\.uk\//, { name: 'fhir.r4.ukcore.stu3.currentbuild', title: 'UK Core (HL7 UK)' }],
  [/^https:\/\/fhir\.nhs\.uk\//, { name: 'fhir.r4.nhsengland.stu1', title: 'NHS England (England-specific extensions and profiles)' }],
  [/^http:\/\/hl7\.org\/fhir\/us\/core\//, { name: 'hl7.fhir.us.core', title: 'US Core' }],
  [/^http:\/\/hl7\.org\/fhir\/uv\/ips\//, { name: 'hl7.fhir.uv.ips', title: 'International Patient Summary' }],
  [/^http:\/\/hl7\.org\/fhir\/uv\/sdc\//, { name: 'hl7.fhir.uv.sdc', title: 'Structured Data Capture' }],
  [/^http:\/\/terminology\.hl7\.org\//, { name: 'hl7.terminology.r4', title: 'HL7 Terminology (THO)' }],
  [/^http:\/\/hl7\.org\/fhir\/StructureDefinition\/.+/, { name: 'hl7.fhir.uv.extensions.r4', title: 'HL7 FHIR Extensions Pack (extensions newer than R4 core)' }],
  [/^http:\/\/hl7\.org\/fhir\/[0-9.]+\/StructureDefinition\/extension-/, { name: '(cross-version extensions)', title: 'FHIR cross-version extensions' }],
];

export function packageHintFor(canonical: string): PackageHint | undefined {
  for (const [re, hint] of HINTS) if (re.test(canonical)) return hint;
  return undefined;
}

/** A sentence telling the user what to load to get a canonical. */
export function howToProvide(canonical: string): string {
  const hint = packageHintFor(canonical);
  if (!hint) return 'Load the package or IG that defines it with --ig (name#version, .tgz, folder or file).';
  return `It is usually provided by ${hint.title} (package ${hint.name}): load it with --ig ${hint.name}#<version>, a .tgz or a source folder, or add it once with "bars packages add".`;
}
