/**
 * The rule catalog: every rule id the toolkit reports (parse, run, FHIR, Questionnaire, BaRS,
 * necessity, BaRS Core/TKW, HTTP, probe, load) with its default severity, OperationOutcome issue
 * type, the spec or guide page it comes from and a one-line summary. `RuleId` is derived from it,
 * so a misspelt id passed to a reporter fails `tsc`. The BaRS Core/TKW, HTTP and probe rules are
 * read from their JSON files under rules/ by `npm run docs:rules` into bars-rules.generated.ts
 * (nothing is restated here); docs/rules.md's catalog table is generated from this module.
 * Lives in model/ (the lowest layer) so every folder can import it.
 */
import type { IssueType, Severity } from './issue.js';
import { BARS_RULES } from './bars-rules.generated.js';

export type RuleFamily = 'parse' | 'run' | 'fhir' | 'questionnaire' | 'bars' | 'necessity' | 'bars-core' | 'http' | 'probe' | 'load';

export interface RuleInfo {
  id: string;
  family: RuleFamily;
  /** The severity the rule reports with by default (some rules lower or raise it case by case; the summary says when). */
  severity: Severity;
  type: IssueType;
  /** Where the rule is stated: a FHIR R4 spec page anchor or a BaRS guide page URL. */
  url: string;
  summary: string;
  /** BaRS rules: the guide page as the rules JSON names it (`Core/1-5-0/….page.md`). */
  guidePage?: string;
}

const R4 = 'https://hl7.org/fhir/R4/';
/** The BaRS guide online: a guide page path from the rules becomes a link a tester can open. */
export const GUIDE_BASE = 'https://simplifier.net/guide/nhs-booking-and-referral-standard/Home/';

export function guideUrl(page: string): string {
  const [path, anchor] = page.split('#');
  return `${GUIDE_BASE}${path!.replace(/\.page\.md$/, '')}${anchor ? `#${anchor}` : ''}`;
}

type Local = readonly [family: RuleFamily, severity: Severity, type: IssueType, where: string, summary: string];

const CONTENT_NEGOTIATION = 'Analysis/Content-Negotiation/Mechanism.page.md';
const HEADERS = 'Core/1-5-0/Standard-Pattern-Composite-Messages/Message-Headers.page.md';
const USE_CASES = 'Core/1-5-0/Standard-Pattern-Composite-Messages/Use-Case-Categories.page.md';
const APPLICATIONS = 'Applications/BaRS-Applications/Index.page.md';

/**
 * The rules defined by this toolkit's own code. `where` is an R4 spec page (`profiling.html#slicing`)
 * or a BaRS guide page (`….page.md`); the summary is one line.
 */
const LOCAL_RULES = {
  // parse: reading the bytes as JSON or XML
  'encoding-utf8': ['parse', 'fatal', 'structure', 'json.html#json', 'The input is not valid UTF-8 (FHIR JSON and XML are UTF-8)'],
  'json-syntax': ['parse', 'error', 'structure', 'json.html#json', 'The input is not well-formed JSON (fatal when nothing can be read)'],
  'json-duplicate-key': ['parse', 'error', 'structure', 'json.html#json', 'A JSON object repeats a property name'],
  'json-depth': ['parse', 'fatal', 'too-costly', 'json.html#json', 'JSON nested deeper than any FHIR resource needs'],
  'xml-syntax': ['parse', 'fatal', 'structure', 'xml.html#xml', 'The input is not well-formed XML'],
  'xml-dtd': ['parse', 'fatal', 'security', 'xml.html#xml', 'XML with a DOCTYPE or entity declaration (not allowed in FHIR XML)'],
  'xml-entity': ['parse', 'fatal', 'security', 'xml.html#xml', 'XML that references an undeclared entity'],
  'xml-depth': ['parse', 'fatal', 'too-costly', 'xml.html#xml', 'XML nested deeper than any FHIR resource needs'],
  'xml-namespace': ['parse', 'error', 'structure', 'xml.html#xml', 'An element is not in the FHIR namespace http://hl7.org/fhir'],
  'xml-resource-container': ['parse', 'error', 'structure', 'xml.html#xml', 'A contained or entry resource is not wrapped in exactly one resource element'],
  'xml-attribute-expected': ['parse', 'error', 'structure', 'xml.html#xml', 'A primitive value is written as an element instead of the value attribute'],
  'xml-unknown-attribute': ['parse', 'error', 'structure', 'xml.html#xml', 'An attribute FHIR XML does not define'],
  'xml-text': ['parse', 'error', 'structure', 'xml.html#xml', 'Text content where FHIR XML allows only elements'],
  'xml-element-order': ['parse', 'error', 'structure', 'xml.html#xml', 'Elements out of the order the definition gives them'],
  'cardinality-max-xml': ['parse', 'error', 'structure', 'xml.html#xml', 'A non-repeating element appears more than once in XML'],
  // run: what the validator could not take as input
  'input-format': ['run', 'fatal', 'structure', 'formats.html#wire', 'The input is empty, or neither JSON nor XML'],
  'input-too-large': ['run', 'fatal', 'too-costly', 'formats.html#wire', 'The input is larger than the size limit'],
  'file-unreadable': ['run', 'fatal', 'exception', 'formats.html#wire', 'The input file cannot be read'],
  'resource-not-object': ['run', 'fatal', 'structure', 'json.html#resources', 'A resource is not a JSON object'],
  'validation-failed': ['run', 'fatal', 'exception', 'validation.html', 'The validator failed on this input (a crash or a dead worker thread); nothing about it was checked'],
  'workers-unavailable': ['run', 'warning', 'informational', 'validation.html', '--jobs: no worker thread could start, so every input was validated in the main thread'],
  'issues-truncated': ['run', 'warning', 'too-costly', 'operationoutcome.html', 'More issues than the limit: the rest are not listed'],
  // load: diagnostics of loading packages and definitions (LoadDiagnostic.code)
  'package-missing': ['load', 'error', 'not-found', 'packages.html', 'A package named with --ig could not be loaded'],
  'default-package-missing': ['load', 'warning', 'not-found', 'packages.html', 'A default package (UK Core, BaRS) is not in the cache'],
  'dependency-missing': ['load', 'warning', 'not-found', 'packages.html', 'A dependency a loaded package declares is not available'],
  'embedded-package-replaced': ['load', 'information', 'informational', 'packages.html', 'A loaded package replaced the embedded copy of the same package'],
  'canonical-conflict': ['load', 'warning', 'conflict', 'references.html#canonical', 'Two loaded packages define the same canonical URL and version differently'],
  'cache-damaged': ['load', 'warning', 'exception', 'packages.html', 'A damaged definition cache entry was removed and rebuilt from its source'],
  'no-definitions': ['load', 'warning', 'not-found', 'packages.html', 'An --ig folder holds no conformance resource'],
  'not-fhir': ['load', 'warning', 'structure', 'formats.html#wire', 'A file in a package folder is neither JSON nor XML; skipped'],
  'not-a-resource': ['load', 'warning', 'structure', 'json.html#resources', 'A file in a package folder is not a FHIR resource; skipped'],
  'links-not-followed': ['load', 'warning', 'informational', 'formats.html#wire', 'Symbolic links leading outside an input folder were not followed'],
  // FHIR structure
  'resource-type-missing': ['fhir', 'error', 'structure', 'json.html#resources', 'The resource has no resourceType'],
  'unknown-resource-type': ['fhir', 'error', 'structure', 'resourcelist.html', 'resourceType is not a FHIR R4 resource type'],
  'unknown-element': ['fhir', 'error', 'structure', 'json.html#json', 'A property the element definition does not have'],
  'cardinality-min': ['fhir', 'error', 'required', 'conformance-rules.html#cardinality', 'An element occurs fewer times than its minimum cardinality'],
  'cardinality-max': ['fhir', 'error', 'structure', 'conformance-rules.html#cardinality', 'An element occurs more times than its maximum cardinality'],
  'json-array-expected': ['fhir', 'error', 'structure', 'json.html#json', 'A repeating element is not a JSON array'],
  'json-array-unexpected': ['fhir', 'error', 'structure', 'json.html#json', 'A non-repeating element is a JSON array'],
  'json-type': ['fhir', 'error', 'structure', 'json.html#json', 'A complex element is not a JSON object'],
  'json-primitive-value': ['fhir', 'error', 'structure', 'json.html#primitive', 'A primitive element holds an object or array'],
  'null-value': ['fhir', 'error', 'structure', 'json.html#json', 'A null where FHIR JSON allows none (nulls only align primitive arrays)'],
  'empty-array': ['fhir', 'error', 'structure', 'json.html#json', 'An empty array (FHIR JSON leaves absent elements out)'],
  'empty-object': ['fhir', 'error', 'structure', 'json.html#json', 'An empty object (FHIR elements have a value or children)'],
  'primitive-extension-alignment': ['fhir', 'error', 'structure', 'json.html#primitive', 'A primitive array and its _-array of ids and extensions differ in length or both hold null'],
  'choice-type-not-allowed': ['fhir', 'error', 'structure', 'formats.html#choice', 'A choice element ([x]) uses a type the definition does not allow'],
  'element-id-duplicate': ['fhir', 'error', 'duplicate', 'element.html#Element', 'Two elements in a resource share an element id'],
  // FHIR values
  'primitive-format': ['fhir', 'error', 'value', 'datatypes.html#primitive', 'A primitive value does not match its type (date, dateTime, decimal, uri, …)'],
  'primitive-json-type': ['fhir', 'error', 'structure', 'json.html#primitive', 'A primitive value has the wrong JSON type (a string for a number, …)'],
  'primitive-empty': ['fhir', 'error', 'value', 'datatypes.html#primitive', 'An empty or whitespace-only string'],
  'primitive-chars': ['fhir', 'error', 'value', 'datatypes.html#string', 'A string holds characters FHIR forbids (control characters; leading or trailing whitespace warns)'],
  'primitive-length': ['fhir', 'error', 'value', 'datatypes.html#primitive', 'A value longer than its type allows (string 1 MB, id 64, …)'],
  'primitive-range': ['fhir', 'error', 'value', 'datatypes.html#integer', 'An integer, positiveInt or unsignedInt out of its range'],
  'primitive-precision': ['fhir', 'error', 'value', 'datatypes.html#decimal', 'A decimal with more precision than FHIR supports'],
  'max-length': ['fhir', 'error', 'value', 'elementdefinition-definitions.html#ElementDefinition.maxLength', 'A string longer than the maxLength of its definition'],
  'min-length': ['fhir', 'error', 'value', 'elementdefinition-definitions.html#ElementDefinition.maxLength', 'A string shorter than the minimum length the profile requires'],
  'min-value': ['fhir', 'error', 'value', 'elementdefinition-definitions.html#ElementDefinition.minValue_x_', 'A value below the minValue of its definition'],
  'max-value': ['fhir', 'error', 'value', 'elementdefinition-definitions.html#ElementDefinition.maxValue_x_', 'A value above the maxValue of its definition'],
  'fixed-value': ['fhir', 'error', 'value', 'elementdefinition-definitions.html#ElementDefinition.fixed_x_', 'A value that differs from the fixed[x] value of its definition'],
  'pattern-value': ['fhir', 'error', 'value', 'elementdefinition-definitions.html#ElementDefinition.pattern_x_', 'A value that does not match the pattern[x] of its definition'],
  'must-have-value': ['fhir', 'error', 'required', 'extensibility.html#Special-Case', 'A primitive with extensions only where the profile requires a value'],
  'value-alternatives': ['fhir', 'error', 'required', 'extensibility.html#Special-Case', 'A primitive with neither value nor one of the extensions the definition accepts instead'],
  'narrative-link': ['fhir', 'error', 'value', 'narrative.html#id', 'A narrative link to an element id that the resource does not have'],
  'xhtml-syntax': ['fhir', 'error', 'value', 'narrative.html#xhtml', 'Narrative XHTML that is not well-formed'],
  'xhtml-namespace': ['fhir', 'error', 'value', 'narrative.html#xhtml', 'The narrative div is not in the XHTML namespace'],
  'xhtml-element': ['fhir', 'error', 'value', 'narrative.html#xhtml', 'A narrative element outside the basic HTML FHIR allows'],
  'xhtml-attribute': ['fhir', 'error', 'value', 'narrative.html#xhtml', 'A narrative attribute outside those FHIR allows (no event handlers)'],
  'xhtml-script': ['fhir', 'error', 'security', 'narrative.html#xhtml', 'Script or active content in the narrative'],
  'xhtml-link-scheme': ['fhir', 'warning', 'security', 'narrative.html#xhtml', 'A narrative link or image whose URL scheme a reader cannot follow (file:, …)'],
  'xhtml-empty': ['fhir', 'error', 'value', 'narrative.html#xhtml', 'A narrative div with no text or image content (txt-2)'],
  // profile-driven narrative rules (extensions pack: narrative-language-control on a Narrative element)
  'narrative-language-control': ['fhir', 'error', 'business-rule', 'narrative.html', 'A narrative whose language sections break the narrative-language-control a profile puts on it'],
  'narrative-link-target': ['fhir', 'error', 'not-found', 'extension-narrativelink.html', 'A narrativeLink extension whose #id is on no element (or on several) of the target narrative'],
  'attachment-size': ['fhir', 'error', 'structure', 'datatypes.html#Attachment', 'Attachment.size differs from the length of Attachment.data'],
  'attachment-hash': ['fhir', 'error', 'structure', 'datatypes.html#Attachment', 'Attachment.hash is not the SHA-1 of Attachment.data'],
  // digital signatures (datatypes.html#Signature, signatures.html): what can be checked offline of a JWS
  'signature-format': ['fhir', 'error', 'invalid', 'datatypes.html#Signature', 'Signature.data does not decode as the signature format sigFormat claims (a JWS for application/jose)'],
  'signature-not-verified': ['fhir', 'error', 'invalid', 'signatures.html', 'A JWS signature that does not verify with the key (x5c certificate or jwk) in its own header'],
  'signature-content-mismatch': ['fhir', 'error', 'invalid', 'signatures.html', 'A Bundle signature whose attached payload is not this Bundle (less signature, id, meta)'],
  // FHIR profiles
  'profile-unknown': ['fhir', 'warning', 'not-found', 'profiling.html#profiles', 'A profile named in meta.profile or by the caller is not loaded, so not checked'],
  'profile-required-unknown': ['fhir', 'error', 'not-found', 'profiling.html#profiles', 'A profile the definition requires (type profile) cannot be used'],
  'profile-snapshot-failed': ['fhir', 'error', 'processing', 'profiling.html#snapshot', 'A profile whose snapshot cannot be built'],
  'profile-version-substituted': ['fhir', 'information', 'informational', 'references.html#canonical', 'A versioned profile was checked with another loaded version'],
  'profile-wrong-type': ['fhir', 'error', 'invalid', 'profiling.html#profiles', 'A profile constrains another resource type than the resource'],
  'profile-choice-none': ['fhir', 'error', 'structure', 'elementdefinition-definitions.html#ElementDefinition.type.profile', 'The value matches none of the profiles its type allows'],
  'vital-signs-profile': ['fhir', 'information', 'informational', 'observation-vitalsigns.html', 'A vital-signs Observation does not declare the vital signs profile (checked against it anyway)'],
  'invariant-error': ['fhir', 'warning', 'processing', 'conformance-rules.html#constraints', 'An invariant could not be evaluated here'],
  'too-costly': ['fhir', 'warning', 'processing', 'conformance-rules.html#constraints', 'An invariant too costly to evaluate within the FHIRPath budget; not checked'],
  'invariant-uncompilable': ['fhir', 'warning', 'processing', 'conformance-rules.html#constraints', 'An invariant expression does not compile'],
  // StructureDefinition internal rules (a profile validated as an instance; snapshot generation faults also where the profile is used)
  'sd-diff-unmatched': ['fhir', 'error', 'value', 'profiling.html#snapshot', 'A differential element that matches no element of its base, so it cannot be applied (a warning where an instance uses the profile)'],
  'sd-diff-order': ['fhir', 'error', 'value', 'profiling.html#snapshot', 'A differential element listed out of the snapshot order (a warning where an instance uses the profile)'],
  'sd-choice-name': ['fhir', 'error', 'invalid', 'formats.html#choice', 'A choice element renamed after a type it does not allow (valueBla for value[x])'],
  'sd-type-not-in-base': ['fhir', 'error', 'invalid', 'profiling.html#profiles', 'A constraint gives an element a type its base does not allow'],
  'sd-target-not-in-base': ['fhir', 'error', 'invalid', 'elementdefinition-definitions.html#ElementDefinition.type.targetProfile', 'A constraint allows a reference target its base does not (a warning when the target profile is not known)'],
  'sd-fixed-changed': ['fhir', 'error', 'value', 'elementdefinition-definitions.html#ElementDefinition.fixed_x_', 'A profile fixes an element to another value than its base fixes'],
  'sd-slice-not-repeating': ['fhir', 'error', 'invalid', 'profiling.html#slicing', 'Slices of an element that does not repeat and is not a choice'],
  'sd-base-unknown': ['fhir', 'warning', 'not-found', 'structuredefinition-definitions.html#StructureDefinition.baseDefinition', 'The baseDefinition is not loaded, so the differential cannot be checked'],
  'sd-derivation-missing': ['fhir', 'error', 'required', 'structuredefinition-definitions.html#StructureDefinition.derivation', 'A StructureDefinition with a baseDefinition but no derivation'],
  'sd-kind-mismatch': ['fhir', 'error', 'invalid', 'structuredefinition-definitions.html#StructureDefinition.kind', 'A constraint whose kind differs from its base\'s kind'],
  'sd-type-mismatch': ['fhir', 'error', 'invalid', 'structuredefinition-definitions.html#StructureDefinition.type', 'A constraint on another type than its base, or a specialization of the same type'],
  'sd-path-type': ['fhir', 'error', 'business-rule', 'elementdefinition-definitions.html#ElementDefinition.path', 'An element path that does not start with the type (logical models: the type\'s name)'],
  'sd-slicing-root': ['fhir', 'error', 'invalid', 'profiling.html#slicing', 'Slicing declared on the root element of a differential'],
  'sd-discriminator-path': ['fhir', 'error', 'invalid', 'profiling.html#discriminator', 'A slicing discriminator path that names no element of the sliced element\'s type'],
  'sd-type-profile-unknown': ['fhir', 'warning', 'not-found', 'elementdefinition-definitions.html#ElementDefinition.type.profile', 'A type profile or target profile that is not loaded, so not checked'],
  'sd-type-profile-wrong': ['fhir', 'error', 'invalid', 'elementdefinition-definitions.html#ElementDefinition.type.profile', 'A type profile that is not a profile of that type (or a modifier extension on extension, or the reverse)'],
  'sd-target-profile-type': ['fhir', 'error', 'invalid', 'elementdefinition-definitions.html#ElementDefinition.type.targetProfile', 'A target profile on a type that takes none, or naming no resource (canonical: no canonical resource)'],
  'sd-binding-type': ['fhir', 'error', 'business-rule', 'elementdefinition-definitions.html#ElementDefinition.binding', 'A binding on an element none of whose types can be bound to codes'],
  'sd-context-not-extension': ['fhir', 'error', 'invalid', 'structuredefinition-definitions.html#StructureDefinition.context', 'An extension context on a StructureDefinition that does not define an extension'],
  'sd-extension-url': ['fhir', 'error', 'value', 'extensibility.html#Extension', 'An extension definition whose Extension.url is fixed to another URL than its own'],
  'sd-value-type': ['fhir', 'error', 'invalid', 'elementdefinition-definitions.html#ElementDefinition.fixed_x_', 'A snapshot element whose fixed, pattern or default value is not of one of its types'],
  'sd-extension-context-element': ['fhir', 'warning', 'business-rule', 'extensibility.html#context', 'An extension allowed on any element (context Element): review whether that is meant'],
  // FHIR slicing
  'slice-closed': ['fhir', 'error', 'structure', 'profiling.html#slicing', 'An item matches no slice and the slicing is closed'],
  'slice-none': ['fhir', 'information', 'informational', 'profiling.html#slicing', 'An item matches no slice of an open slicing'],
  'slice-ambiguous': ['fhir', 'error', 'structure', 'profiling.html#discriminator', 'An item matches more than one slice'],
  'slice-order': ['fhir', 'error', 'structure', 'profiling.html#slicing', 'Items are out of the slice order an ordered slicing requires'],
  'slice-open-at-end': ['fhir', 'error', 'structure', 'profiling.html#slicing', 'An unmatched item before the last slice where the slicing is openAtEnd'],
  'slice-cardinality-min': ['fhir', 'error', 'required', 'profiling.html#slice-cardinality', 'A slice occurs fewer times than its minimum'],
  'slice-cardinality-max': ['fhir', 'error', 'structure', 'profiling.html#slice-cardinality', 'A slice occurs more times than its maximum'],
  // FHIR extensions
  'extension-unknown': ['fhir', 'warning', 'extension', 'extensibility.html#extension', 'An extension whose definition is not loaded (severity per --unknown-extensions)'],
  'modifier-extension-unknown': ['fhir', 'error', 'extension', 'extensibility.html#modifierExtension', 'A modifierExtension whose definition is not loaded'],
  'extension-url-absolute': ['fhir', 'error', 'value', 'extensibility.html#Extension', 'Extension.url is not an absolute URL'],
  'extension-url-version': ['fhir', 'error', 'value', 'extensibility.html#Extension', 'Extension.url carries a |version (R4 forbids it)'],
  'extension-url-versioned': ['fhir', 'warning', 'value', 'extensibility.html#Extension', 'Extension.url names a version of the definition'],
  'extension-sub-unknown': ['fhir', 'error', 'structure', 'extensibility.html#Extension', 'A sub-extension url the complex extension does not define'],
  'extension-context': ['fhir', 'error', 'structure', 'extensibility.html#context', 'An extension used on an element outside its declared context'],
  'extension-context-invariant': ['fhir', 'error', 'structure', 'extensibility.html#context', 'An extension context invariant fails where it is used'],
  'extension-context-invariant-error': ['fhir', 'warning', 'processing', 'extensibility.html#context', 'An extension context invariant could not be evaluated'],
  'extension-not-modifier': ['fhir', 'error', 'structure', 'extensibility.html#modifierExtension', 'A non-modifier extension used as a modifierExtension'],
  'extension-modifier-misplaced': ['fhir', 'error', 'structure', 'extensibility.html#modifierExtension', 'A modifier extension used as a plain extension'],
  'extension-definition-broken': ['fhir', 'error', 'processing', 'extensibility.html#extension', 'An extension definition that cannot be used'],
  // FHIR terminology
  'binding-required': ['fhir', 'error', 'code-invalid', 'terminologies.html#required', 'A code not in the value set of a required binding'],
  'binding-extensible': ['fhir', 'warning', 'code-invalid', 'terminologies.html#extensible', 'A code not in the value set of an extensible binding'],
  'binding-preferred': ['fhir', 'information', 'code-invalid', 'terminologies.html#preferred', 'A code not in the value set of a preferred binding'],
  'binding-not-checked': ['fhir', 'information', 'informational', 'terminologies.html#strength', 'A binding that could not be checked offline'],
  'code-unknown': ['fhir', 'error', 'code-invalid', 'terminologies.html#4.1', 'A code that its code system does not define'],
  'code-system-unknown': ['fhir', 'warning', 'not-found', 'terminologies.html#4.1', 'A code system that is not loaded, so its codes are not checked'],
  'code-system-case': ['fhir', 'error', 'code-invalid', 'terminologies.html#4.1', 'A code system URL that differs from a known one only in case'],
  'code-system-relative': ['fhir', 'error', 'code-invalid', 'datatypes.html#Coding', 'Coding.system is not an absolute URI'],
  'code-system-not-codesystem': ['fhir', 'error', 'code-invalid', 'datatypes.html#Coding', 'Coding.system names a ValueSet, not a CodeSystem'],
  'display-mismatch': ['fhir', 'warning', 'value', 'datatypes.html#Coding', 'Coding.display is not a display the code system gives for the code'],
  // FHIR references
  'reference-format': ['fhir', 'error', 'value', 'references.html#literal', 'Reference.reference is neither a relative, absolute, urn:uuid nor #fragment reference'],
  'reference-unresolved': ['fhir', 'error', 'not-found', 'bundle.html#references', 'A reference inside a Bundle that no entry resolves'],
  'reference-unresolved-urn': ['fhir', 'error', 'not-found', 'bundle.html#references', 'A urn:uuid or urn:oid reference that no entry fullUrl resolves'],
  'reference-ambiguous': ['fhir', 'warning', 'multiple-matches', 'bundle.html#references', 'A reference that more than one entry resolves'],
  'reference-base-mismatch': ['fhir', 'warning', 'required', 'bundle.html#references', 'A reference matches an entry by type and id but not by its fullUrl base'],
  'reference-target-type': ['fhir', 'error', 'structure', 'references.html#Reference', 'A reference to a resource type the element does not allow'],
  'reference-target-profile': ['fhir', 'error', 'structure', 'elementdefinition-definitions.html#ElementDefinition.type.targetProfile', 'The referenced resource does not conform to any allowed targetProfile'],
  'reference-target-profile-unknown': ['fhir', 'error', 'not-found', 'elementdefinition-definitions.html#ElementDefinition.type.targetProfile', 'A targetProfile of the reference is not loaded'],
  'reference-type-mismatch': ['fhir', 'error', 'value', 'references.html#Reference', 'Reference.type disagrees with the type in Reference.reference'],
  'reference-resolved-type': ['fhir', 'error', 'structure', 'references.html#Reference', 'Reference.type disagrees with the type of the resource it resolves to'],
  'reference-aggregation': ['fhir', 'error', 'structure', 'elementdefinition-definitions.html#ElementDefinition.type.aggregation', 'A reference that breaks the aggregation mode (contained, bundled, referenced)'],
  // FHIR Bundle
  'bundle-fullurl-missing': ['fhir', 'error', 'invalid', 'bundle.html#bundle-unique', 'An entry without fullUrl where the Bundle type requires one'],
  'bundle-fullurl-absolute': ['fhir', 'error', 'invalid', 'bundle.html#bundle-unique', 'Entry fullUrl is not an absolute URL'],
  'bundle-fullurl-id': ['fhir', 'error', 'invalid', 'bundle.html#bundle-unique', 'Entry fullUrl does not end in the resource type and id'],
  'bundle-fullurl-uuid': ['fhir', 'error', 'invalid', 'bundle.html#bundle-unique', 'A urn:uuid fullUrl that is not a valid UUID'],
  'bundle-duplicate-entry': ['fhir', 'error', 'duplicate', 'bundle.html#bundle-unique', 'Two entries with the same fullUrl (and no different versionId)'],
  'bundle-link-repeated': ['fhir', 'error', 'invalid', 'bundle.html#Bundle', 'Bundle.link repeats a relation'],
  'bundle-message-header-first': ['fhir', 'error', 'invalid', 'messaging.html#content', 'A message Bundle does not start with its MessageHeader'],
  'bundle-message-unreachable': ['fhir', 'warning', 'informational', 'messaging.html#content', 'An entry of a message that nothing references from the MessageHeader'],
  'bundle-document-unreachable': ['fhir', 'warning', 'informational', 'documents.html#content', 'An entry of a document that nothing references from the Composition'],
  'bundle-search-id': ['fhir', 'error', 'invalid', 'bundle.html#searchset', 'A searchset entry whose resource has no id'],
  'bundle-search-outcome': ['fhir', 'error', 'invalid', 'bundle.html#searchset', 'A searchset outcome entry that is not an OperationOutcome'],
  'bundle-search-type': ['fhir', 'error', 'invalid', 'bundle.html#searchset', 'A searchset match of another resource type than the search'],
  // Questionnaire and QuestionnaireResponse
  'q-enablewhen-no-question': ['questionnaire', 'error', 'business-rule', 'questionnaire-definitions.html#Questionnaire.item.enableWhen.question', 'An enableWhen without a question'],
  'q-enablewhen-target': ['questionnaire', 'error', 'business-rule', 'questionnaire-definitions.html#Questionnaire.item.enableWhen.question', 'An enableWhen naming a linkId the questionnaire does not have'],
  'q-enablewhen-self': ['questionnaire', 'error', 'business-rule', 'questionnaire-definitions.html#Questionnaire.item.enableWhen.question', 'An item whose enableWhen depends on itself'],
  'q-enablewhen-inner': ['questionnaire', 'error', 'business-rule', 'questionnaire-definitions.html#Questionnaire.item.enableWhen.question', 'An item whose enableWhen depends on one of its own children'],
  'q-enablewhen-after': ['questionnaire', 'warning', 'business-rule', 'questionnaire-definitions.html#Questionnaire.item.enableWhen', 'An enableWhen that depends on a later question'],
  'q-enablewhen-answer-type': ['questionnaire', 'warning', 'business-rule', 'questionnaire-definitions.html#Questionnaire.item.enableWhen.answer_x_', 'An enableWhen answer of another type than its question'],
  'qr-no-questionnaire': ['questionnaire', 'information', 'required', 'questionnaireresponse.html', 'A QuestionnaireResponse that names no questionnaire'],
  'qr-questionnaire-not-found': ['questionnaire', 'warning', 'required', 'questionnaireresponse.html', 'The questionnaire of a response is not loaded'],
  'qr-questionnaire-retired': ['questionnaire', 'information', 'business-rule', 'questionnaireresponse.html', 'A response to a retired questionnaire'],
  'qr-authored-before-effective': ['questionnaire', 'warning', 'business-rule', 'questionnaireresponse.html', 'A response authored before the questionnaire took effect'],
  'qr-authored-after-effective': ['questionnaire', 'warning', 'business-rule', 'questionnaireresponse.html', 'A response authored after the questionnaire stopped being effective'],
  'qr-item-no-linkid': ['questionnaire', 'error', 'required', 'questionnaireresponse.html', 'A response item without a linkId'],
  'qr-item-no-type': ['questionnaire', 'error', 'required', 'questionnaire.html', 'A questionnaire item without a type'],
  'qr-item-unknown-linkid': ['questionnaire', 'error', 'not-found', 'questionnaireresponse.html', 'A response item whose linkId the questionnaire does not have'],
  'qr-item-misplaced': ['questionnaire', 'error', 'structure', 'questionnaireresponse.html', 'A response item at another place in the tree than its question'],
  'qr-item-order': ['questionnaire', 'error', 'structure', 'questionnaireresponse.html', 'Response items in another order than the questionnaire'],
  'qr-item-required': ['questionnaire', 'error', 'required', 'questionnaire-definitions.html#Questionnaire.item.required', 'A required item with no answer'],
  'qr-item-repeats': ['questionnaire', 'error', 'invalid', 'questionnaire-definitions.html#Questionnaire.item.repeats', 'A non-repeating item answered more than once'],
  'qr-item-not-enabled': ['questionnaire', 'error', 'invalid', 'questionnaire-definitions.html#Questionnaire.item.enableWhen', 'An answered item that its enableWhen disables'],
  'qr-item-text': ['questionnaire', 'error', 'invalid', 'questionnaireresponse.html', 'Item text that differs from the questionnaire'],
  'qr-item-items': ['questionnaire', 'error', 'structure', 'questionnaireresponse.html', 'A question with nested items directly (they belong under the answer)'],
  'qr-display-items': ['questionnaire', 'error', 'structure', 'questionnaireresponse.html', 'A display item with nested items'],
  'qr-display-answer': ['questionnaire', 'error', 'structure', 'questionnaireresponse.html', 'A display item with an answer'],
  'qr-group-answer': ['questionnaire', 'error', 'structure', 'questionnaireresponse.html', 'A group item with an answer'],
  'qr-group-empty': ['questionnaire', 'error', 'invariant', 'questionnaireresponse.html', 'A required group with no items'],
  'qr-answer-type': ['questionnaire', 'error', 'structure', 'questionnaireresponse.html', 'An answer of another type than the question'],
  'qr-answer-repeats': ['questionnaire', 'error', 'invalid', 'questionnaireresponse.html', 'More than one answer to a non-repeating question'],
  'qr-answer-not-in-options': ['questionnaire', 'error', 'invariant', 'questionnaire-definitions.html#Questionnaire.item.answerOption', 'An answer that is not one of the answerOptions'],
  'qr-answer-not-in-valueset': ['questionnaire', 'error', 'code-invalid', 'questionnaire-definitions.html#Questionnaire.item.answerValueSet', 'An answer that is not in the answerValueSet'],
  'qr-answer-display': ['questionnaire', 'error', 'invalid', 'questionnaire-definitions.html#Questionnaire.item.answerOption', "An answer's display differs from the option's"],
  'qr-answer-unchecked': ['questionnaire', 'information', 'informational', 'questionnaire-definitions.html#Questionnaire.item.answerValueSet', 'An answer that could not be checked against its value set offline'],
  'qr-valueset-not-found': ['questionnaire', 'warning', 'not-found', 'questionnaire-definitions.html#Questionnaire.item.answerValueSet', 'The answerValueSet of a question is not loaded'],
  'qr-no-options': ['questionnaire', 'information', 'invariant', 'questionnaire-definitions.html#Questionnaire.item.answerOption', 'A choice question with neither answerOption nor answerValueSet'],
  'qr-no-options-of-type': ['questionnaire', 'error', 'invariant', 'questionnaire-definitions.html#Questionnaire.item.answerOption', 'An answer whose type none of the answerOptions has'],
  'qr-option-exclusive': ['questionnaire', 'error', 'invariant', 'extension-questionnaire-optionexclusive.html', 'An exclusive option answered together with others'],
  'qr-string-matches-option': ['questionnaire', 'warning', 'invariant', 'questionnaire-definitions.html#Questionnaire.item.type', 'An open-choice free-text answer equal to an option'],
  'qr-string-newline': ['questionnaire', 'warning', 'invariant', 'codesystem-item-type.html', 'A string answer with a line break (use text)'],
  'qr-reference-type': ['questionnaire', 'warning', 'invariant', 'extension-questionnaire-referenceresource.html', 'A reference answer to a resource type the question does not allow'],
  'qr-min-length': ['questionnaire', 'error', 'invariant', 'extension-minlength.html', 'An answer shorter than the minLength extension'],
  'qr-max-length': ['questionnaire', 'error', 'invariant', 'questionnaire-definitions.html#Questionnaire.item.maxLength', 'An answer longer than maxLength'],
  'qr-min-value': ['questionnaire', 'error', 'invariant', 'extension-minvalue.html', 'An answer below the minValue extension'],
  'qr-max-value': ['questionnaire', 'error', 'invariant', 'extension-maxvalue.html', 'An answer above the maxValue extension'],
  'qr-min-quantity': ['questionnaire', 'error', 'invariant', 'extension-questionnaire-minquantity.html', 'A quantity answer below the minQuantity extension'],
  'qr-max-quantity': ['questionnaire', 'error', 'invariant', 'extension-questionnaire-maxquantity.html', 'A quantity answer above the maxQuantity extension'],
  'qr-max-decimal-places': ['questionnaire', 'error', 'invariant', 'extension-maxdecimalplaces.html', 'A decimal answer with more decimal places than allowed'],
  'qr-min-occurs': ['questionnaire', 'error', 'invalid', 'extension-questionnaire-minoccurs.html', 'Fewer repetitions than the minOccurs extension'],
  'qr-max-occurs': ['questionnaire', 'error', 'invalid', 'extension-questionnaire-maxoccurs.html', 'More repetitions than the maxOccurs extension'],
  'qr-regex': ['questionnaire', 'error', 'invariant', 'extension-regex.html', 'An answer that does not match the regex extension'],
  'qr-regex-unsupported': ['questionnaire', 'warning', 'processing', 'extension-regex.html', 'A regex extension that cannot be evaluated'],
  'qr-unit-option': ['questionnaire', 'error', 'invariant', 'extension-questionnaire-unitoption.html', 'A quantity unit that is not one of the unitOptions'],
  'qr-unit-not-in-valueset': ['questionnaire', 'error', 'invariant', 'extension-questionnaire-unitvalueset.html', 'A quantity unit that is not in the unitValueSet'],
  'qr-unit-valueset-not-found': ['questionnaire', 'warning', 'not-found', 'extension-questionnaire-unitvalueset.html', 'The unitValueSet of a question is not loaded'],
  'qr-attachment-mimetype': ['questionnaire', 'error', 'required', 'extension-mimetype.html', 'An attachment answer of a MIME type the question does not allow'],
  'qr-attachment-no-mimetype': ['questionnaire', 'error', 'required', 'extension-mimetype.html', 'An attachment answer without contentType where the question restricts it'],
  'qr-attachment-too-large': ['questionnaire', 'error', 'required', 'extension-maxsize.html', 'An attachment answer larger than the maxSize extension'],
  'qr-attachment-size': ['questionnaire', 'error', 'structure', 'datatypes.html#Attachment', 'An attachment answer whose size differs from its data'],
  // Measure and MeasureReport (validate/measure.ts): measure.html, measurereport.html
  'measure-population-not-allowed': ['fhir', 'warning', 'business-rule', 'measure.html', 'A Measure group population its scoring does not use (e.g. numerator in a cohort measure)'],
  'measure-population-missing': ['fhir', 'warning', 'business-rule', 'measure.html', 'A Measure group without a population its scoring requires'],
  'measure-code-missing': ['fhir', 'warning', 'required', 'measurereport-definitions.html#MeasureReport.group.code', 'One of several Measure groups, populations or stratifiers without a code (reports match them by code)'],
  'measure-library-not-found': ['fhir', 'information', 'not-found', 'measure-definitions.html#Measure.library', 'A Library named by Measure.library is not loaded, so CQL criteria are not checked against it'],
  'measure-criteria-no-library': ['fhir', 'error', 'invalid', 'measure-definitions.html#Measure.library', 'A CQL criteria in a Measure that names no library'],
  'measure-criteria-cql-undefined': ['fhir', 'error', 'invalid', 'measure-definitions.html#Measure.group.population.criteria', 'A CQL criteria naming a definition its library does not have'],
  'measure-criteria-cql-library-unknown': ['fhir', 'warning', 'not-found', 'measure-definitions.html#Measure.group.population.criteria', "A CQL criteria qualified by a library that is not one of the Measure's libraries"],
  'measure-criteria-fhirpath': ['fhir', 'error', 'invalid', 'measure-definitions.html#Measure.group.population.criteria', 'A FHIRPath criteria that does not parse'],
  'measurereport-measure-not-found': ['fhir', 'warning', 'not-found', 'measurereport-definitions.html#MeasureReport.measure', 'The Measure a MeasureReport names is not loaded'],
  'measurereport-scoring-unknown': ['fhir', 'information', 'business-rule', 'measure-definitions.html#Measure.scoring', 'The Measure of a report has no known scoring, so scores are not checked'],
  'measurereport-group-unknown': ['fhir', 'error', 'business-rule', 'measurereport-definitions.html#MeasureReport.group.code', 'A report group that matches no group of the Measure (or matches one twice)'],
  'measurereport-group-missing': ['fhir', 'error', 'business-rule', 'measurereport-definitions.html#MeasureReport.group', 'A complete report without a group of the Measure'],
  'measurereport-population-unknown': ['fhir', 'error', 'business-rule', 'measurereport-definitions.html#MeasureReport.group.population.code', 'A report population that is not a population of the Measure group (or repeats one)'],
  'measurereport-population-missing': ['fhir', 'error', 'business-rule', 'measurereport-definitions.html#MeasureReport.group.population', 'A complete report without a population of the Measure group'],
  'measurereport-stratum-population-unknown': ['fhir', 'warning', 'business-rule', 'measurereport-definitions.html#MeasureReport.group.stratifier.stratum.population', 'A stratum population that is not a population of the Measure group'],
  'measurereport-stratifier-unknown': ['fhir', 'error', 'business-rule', 'measurereport-definitions.html#MeasureReport.group.stratifier.code', 'A report stratifier that matches no stratifier of the Measure group'],
  'measurereport-stratifier-missing': ['fhir', 'error', 'business-rule', 'measurereport-definitions.html#MeasureReport.group.stratifier', 'A complete report without a stratifier of the Measure group'],
  'measurereport-count-negative': ['fhir', 'error', 'value', 'measurereport-definitions.html#MeasureReport.group.population.count', 'A negative population count'],
  'measurereport-count-missing': ['fhir', 'warning', 'business-rule', 'measurereport-definitions.html#MeasureReport.type', 'A population without a count in a summary or individual report'],
  'measurereport-subject-results': ['fhir', 'error', 'business-rule', 'measurereport-definitions.html#MeasureReport.type', 'Population subjectResults in a report whose type is not subject-list'],
  'measurereport-score-not-allowed': ['fhir', 'error', 'business-rule', 'measure.html', 'A measureScore in a report of a cohort measure'],
  'measurereport-score-missing': ['fhir', 'error', 'required', 'measurereport-definitions.html#MeasureReport.group.measureScore', 'A complete report of a proportion, ratio or continuous-variable measure without a group measureScore'],
  'measurereport-score-value': ['fhir', 'error', 'required', 'measurereport-definitions.html#MeasureReport.group.measureScore', 'A measureScore without a value'],
  'measurereport-score-proportion': ['fhir', 'error', 'value', 'measure.html', 'A proportion measureScore that is not a unitless number from 0 to 1'],
  // conformance resources validated as instances (issue 14 item 9): SearchParameter, OperationDefinition, ValueSet filters, CapabilityStatement
  'sp-expression-invalid': ['fhir', 'error', 'invalid', 'searchparameter-definitions.html#SearchParameter.expression', 'A SearchParameter expression that is not FHIRPath, or names a type or element its base resources do not have'],
  'sp-expression-type': ['fhir', 'warning', 'business-rule', 'search.html#ptypes', 'A SearchParameter expression selecting a data type its search type does not apply to'],
  'sp-derived-not-found': ['fhir', 'warning', 'not-found', 'searchparameter-definitions.html#SearchParameter.derivedFrom', 'The SearchParameter named by derivedFrom is not loaded, so the derivation is not checked'],
  'sp-derived-base': ['fhir', 'error', 'business-rule', 'searchparameter-definitions.html#SearchParameter.derivedFrom', 'A derived SearchParameter on a resource type its parent is not defined for'],
  'sp-derived-type': ['fhir', 'error', 'business-rule', 'searchparameter-definitions.html#SearchParameter.derivedFrom', 'A derived SearchParameter of another type than its parent'],
  'sp-derived-expression': ['fhir', 'warning', 'business-rule', 'searchparameter-definitions.html#SearchParameter.derivedFrom', 'A derived SearchParameter whose expression selects other paths than its parent'],
  'sp-composite-components': ['fhir', 'error', 'business-rule', 'searchparameter-definitions.html#SearchParameter.component', 'A composite SearchParameter with fewer than two components'],
  'sp-component-not-found': ['fhir', 'warning', 'not-found', 'searchparameter-definitions.html#SearchParameter.component.definition', 'The SearchParameter a composite component names is not loaded'],
  'sp-target-not-reference': ['fhir', 'warning', 'business-rule', 'searchparameter-definitions.html#SearchParameter.target', 'target on a SearchParameter that is not of type reference'],
  'opdef-profile-not-found': ['fhir', 'error', 'not-found', 'operationdefinition-definitions.html#OperationDefinition.inputProfile', 'The inputProfile/outputProfile of an OperationDefinition cannot be resolved'],
  'opdef-profile-not-parameters': ['fhir', 'error', 'invalid', 'operationdefinition-definitions.html#OperationDefinition.inputProfile', 'An inputProfile/outputProfile that is not a profile on Parameters'],
  'opdef-profile-extra-parameter': ['fhir', 'warning', 'business-rule', 'operationdefinition-definitions.html#OperationDefinition.inputProfile', 'An in/out profile slices a parameter the OperationDefinition does not declare'],
  'opdef-profile-missing-parameter': ['fhir', 'warning', 'business-rule', 'operationdefinition-definitions.html#OperationDefinition.inputProfile', 'A declared parameter the in/out profile does not slice'],
  'opdef-profile-cardinality': ['fhir', 'error', 'business-rule', 'operationdefinition-definitions.html#OperationDefinition.parameter.min', 'A parameter whose min/max differs from its slice in the in/out profile'],
  'opdef-profile-type': ['fhir', 'error', 'business-rule', 'operationdefinition-definitions.html#OperationDefinition.parameter.type', 'A parameter whose type differs from the types its slice in the in/out profile allows'],
  'opdef-profile-target': ['fhir', 'error', 'business-rule', 'operationdefinition-definitions.html#OperationDefinition.parameter.targetProfile', 'A parameter whose target profiles differ from its slice in the in/out profile'],
  'vs-filter-property-unknown': ['fhir', 'warning', 'invalid', 'valueset-definitions.html#ValueSet.compose.include.filter.property', 'A ValueSet filter on a property the loaded CodeSystem does not define'],
  'vs-filter-op': ['fhir', 'error', 'invalid', 'valueset-definitions.html#ValueSet.compose.include.filter.op', 'A ValueSet filter operator the property does not support'],
  'vs-filter-value': ['fhir', 'error', 'invalid', 'valueset-definitions.html#ValueSet.compose.include.filter.value', "A ValueSet filter value that is not of the property's type (boolean, code, date, number, Coding, regex)"],
  'vs-filter-code-unknown': ['fhir', 'error', 'invalid', 'valueset-definitions.html#ValueSet.compose.include.filter.value', 'A concept/code filter naming a code the (complete, loaded) CodeSystem does not define'],
  'vs-filter-property-code-unknown': ['fhir', 'warning', 'invalid', 'valueset-definitions.html#ValueSet.compose.include.filter.value', 'A filter on a code-typed CodeSystem property naming a code the CodeSystem does not define'],
  'cs-searchparam-type': ['fhir', 'error', 'invalid', 'capabilitystatement-definitions.html#CapabilityStatement.rest.resource.searchParam.type', 'A CapabilityStatement searchParam whose type differs from its definition'],
  'cs-search-include-syntax': ['fhir', 'warning', 'invalid', 'capabilitystatement-definitions.html#CapabilityStatement.rest.resource.searchInclude', 'A searchInclude/searchRevInclude that is not an _include value'],
  // BaRS layer: Applications, content negotiation, message shape
  'bars-not-bars-message': ['bars', 'information', 'informational', APPLICATIONS, 'A message with no BaRS marker, validated as plain FHIR'],
  'bars-application-unknown': ['bars', 'information', 'informational', APPLICATIONS, 'The BaRS Application of a message cannot be told'],
  'bars-application-conflict': ['bars', 'error', 'business-rule', USE_CASES, 'A message carries use cases of several Applications'],
  'bars-entry-unwrapped': ['bars', 'error', 'structure', 'Core/1-5-0/BaRS-FHIR-Usage/Bundle.page.md', 'A Bundle entry that is a resource itself instead of carrying it in entry.resource'],
  'bars-code-mandated': ['bars', 'information', 'informational', APPLICATIONS, 'A code the guide fixes that a binding does not list: the binding issue is not a concern'],
  'bars-md-not-found': ['bars', 'warning', 'not-found', CONTENT_NEGOTIATION, 'The MessageDefinition named by MessageHeader.definition is not loaded'],
  'bars-md-version-substituted': ['bars', 'information', 'informational', CONTENT_NEGOTIATION, 'Another version of the named MessageDefinition was used'],
  'bars-md-event': ['bars', 'error', 'business-rule', HEADERS, 'MessageHeader.eventCoding differs from the MessageDefinition event'],
  'bars-md-use-case': ['bars', 'error', 'business-rule', USE_CASES, 'A use case the MessageDefinition does not support'],
  'bars-md-focus-type': ['bars', 'error', 'business-rule', CONTENT_NEGOTIATION, 'MessageHeader.focus points at a type the definition does not list'],
  'bars-md-focus-unresolved': ['bars', 'error', 'not-found', CONTENT_NEGOTIATION, 'MessageHeader.focus resolves to no entry'],
  'bars-md-focus-min': ['bars', 'error', 'required', CONTENT_NEGOTIATION, 'Fewer focus resources of a type than the definition min'],
  'bars-md-focus-max': ['bars', 'error', 'structure', CONTENT_NEGOTIATION, 'More focus resources of a type than the definition max'],
  'bars-md-focus-profile': ['bars', 'error', 'structure', CONTENT_NEGOTIATION, 'A focus resource does not conform to the profile the definition requires'],
  'bars-md-focus-profile-unknown': ['bars', 'warning', 'not-found', CONTENT_NEGOTIATION, 'The focus profile of the definition is not loaded'],
  'bars-md-focus-profile-ambiguous': ['bars', 'warning', 'business-rule', CONTENT_NEGOTIATION, 'More than one focus of a profile-restricted type'],
  'bars-md-unrequested': ['bars', 'warning', 'business-rule', CONTENT_NEGOTIATION, 'Resources of a type the receiver did not ask for'],
  'bars-md-allowed-response': ['bars', 'information', 'informational', CONTENT_NEGOTIATION, 'The responses the definition allows'],
  'bars-md-version': ['bars', 'error', 'business-rule', HEADERS, 'Bundle.meta.versionId differs from the definition in its major version'],
  'bars-md-version-minor': ['bars', 'information', 'informational', HEADERS, 'Bundle.meta.versionId differs from the definition in its minor version'],
  // BaRS necessity tables (rules/necessity/*.json): bars.rule names the table row
  'bars-necessity-must': ['necessity', 'error', 'required', APPLICATIONS, 'An element the payload table marks MUST is missing'],
  'bars-necessity-must-conditional': ['necessity', 'warning', 'required', APPLICATIONS, 'An element the payload table marks MUST under a condition is missing'],
  'bars-necessity-should': ['necessity', 'warning', 'required', APPLICATIONS, 'An element the payload table marks SHOULD is missing'],
  'bars-necessity-must-not': ['necessity', 'error', 'business-rule', APPLICATIONS, 'An element the payload table marks MUST NOT is present'],
  'bars-necessity-should-not': ['necessity', 'warning', 'business-rule', APPLICATIONS, 'An element the payload table marks SHOULD NOT is present'],
  'bars-necessity-fixed': ['necessity', 'error', 'value', APPLICATIONS, 'A value that differs from the payload table FIXED VALUE'],
  'bars-necessity-not-applicable': ['necessity', 'information', 'required', APPLICATIONS, "A conditional row's element is missing where its condition (\"ONLY … in a cancellation message\", \"ONLY when the Encounter has ended\") does not hold: the row does not apply, so nothing is required (a note, not a problem)"],
  'bars-necessity-none': ['necessity', 'information', 'informational', APPLICATIONS, 'The guide has no necessity table for the Application payload'],
} as const satisfies Record<string, Local>;

type LocalRuleId = keyof typeof LOCAL_RULES;
export type BarsRuleId = keyof typeof BARS_RULES;
/** Every id in the catalog. */
export type CatalogRuleId = LocalRuleId | BarsRuleId;
/** FHIR invariants keep their key: `invariant:ele-1`, `invariant:bdl-7`, … (one catalog entry stands for them all). */
export type InvariantRuleId = `invariant:${string}`;
/** What a reporter takes: a catalog id, or an invariant by key. */
export type RuleId = CatalogRuleId | InvariantRuleId;

/** The catalog entry that stands for every `invariant:<key>` id. */
export const INVARIANT_RULE: RuleInfo = {
  id: 'invariant:*',
  family: 'fhir',
  severity: 'error',
  type: 'invariant',
  url: `${R4}conformance-rules.html#constraints`,
  summary: 'A constraint (invariant) of the resource, data type or profile fails (severity from the constraint)',
};

function urlOf(where: string): string {
  return where.endsWith('.page.md') || where.includes('.page.md#') ? guideUrl(where) : `${R4}${where}`;
}

function build(): Map<string, RuleInfo> {
  const m = new Map<string, RuleInfo>();
  for (const [id, [family, severity, type, where, summary]] of Object.entries(LOCAL_RULES) as [string, Local][]) {
    m.set(id, { id, family, severity, type, url: urlOf(where), summary, ...(where.endsWith('.page.md') ? { guidePage: where } : {}) });
  }
  for (const [id, r] of Object.entries(BARS_RULES)) {
    m.set(id, { id, family: r.family, severity: r.severity, type: r.type, url: guideUrl(r.guidePage), summary: r.title, guidePage: r.guidePage });
  }
  return m;
}

const CATALOG = build();

/** Every catalog entry, in catalog order (local rules, then BaRS Core/TKW, HTTP, probe), then the invariant family. */
export function ruleCatalog(): RuleInfo[] {
  return [...CATALOG.values(), INVARIANT_RULE];
}

/** The catalog entry of an id as reported (`invariant:<key>` maps to the invariant entry); undefined for an unknown id. */
export function ruleInfo(id: string): RuleInfo | undefined {
  if (id.startsWith('invariant:')) return INVARIANT_RULE;
  return CATALOG.get(id);
}

export function isRuleId(id: string): id is RuleId {
  return ruleInfo(id) !== undefined;
}

/** The page that explains a rule: the issue's own guide page when it names one (a payload table row), else the catalog's. */
export function ruleUrl(id: string, guidePage?: string): string | undefined {
  if (guidePage) return guideUrl(guidePage);
  return ruleInfo(id)?.url;
}

/** The rule id of a failed binding by its strength (only required, extensible and preferred bindings are checked). */
export function bindingRuleId(strength: string): 'binding-required' | 'binding-extensible' | 'binding-preferred' {
  return strength === 'required' ? 'binding-required' : strength === 'extensible' ? 'binding-extensible' : 'binding-preferred';
}

/** The BaRS rule details as the rules JSON states them (severity, title, guide page). */
export function barsRule(id: BarsRuleId): (typeof BARS_RULES)[BarsRuleId] {
  return BARS_RULES[id];
}
