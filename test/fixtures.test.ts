/**
 * Every fixture is pinned: valid ones raise no error; each broken one raises the issues it
 * was written to raise (rule ids), at the place it was broken.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsEngine, plainEngine } from './support/engine.js';
import { HAS_CORPUS } from './support/corpus.js';

const FIX = resolve(import.meta.dirname, '..', 'fixtures');
const files = (dir: string): string[] => readdirSync(join(FIX, dir)).filter((f) => /\.(json|xml)$/.test(f)).sort();
const errorsOf = (issues: { severity: string; ruleId: string }[]): string[] =>
  [...new Set(issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => i.ruleId))].sort();

describe('R4 fixtures', () => {
  it.each(files('r4/valid'))('%s is valid', async (f) => {
    const e = await plainEngine();
    const r = await e.validate(readFileSync(join(FIX, 'r4/valid', f)), { name: f });
    expect(errorsOf(r.issues), JSON.stringify(r.issues.filter((i) => i.severity === 'error'), null, 1)).toEqual([]);
  });

  // file → rule ids of the errors it must raise (all of them: nothing more, nothing less)
  const expected: Record<string, string[]> = {
    'attachment-mimetype.json': ['binding-required'],
    'bad-namespace.xml': ['xml-namespace'],
    'binding-required.json': ['binding-required'],
    'bundle-document-unreachable.json': ['bundle-document-unreachable'],
    'bundle-link-repeated.json': ['bundle-link-repeated'],
    'bundle-signature-changed.json': ['signature-content-mismatch'],
    'bundle-message-rules.json': ['bundle-duplicate-entry', 'bundle-fullurl-absolute', 'bundle-message-header-first', 'invariant:bdl-12', 'invariant:bdl-7', 'reference-unresolved-urn'],
    'cardinality-min.json': ['cardinality-min'],
    'choice-type.json': ['choice-type-not-allowed'],
    'coding-system-case.json': ['code-system-case'],
    'coding-system-relative.json': ['code-system-relative'],
    'coding-system-valueset.json': ['code-system-not-codesystem'],
    'element-id-duplicate.json': ['element-id-duplicate'],
    'empty-values.json': ['empty-array', 'empty-object', 'invariant:ele-1', 'primitive-empty'],
    'invariant-period.json': ['invariant:per-1'],
    'json-duplicate-key.json': ['json-duplicate-key'],
    'json-malformed.json': ['json-syntax'],
    'json-primitive-value.json': ['json-primitive-value'],
    'json-shape.json': ['json-array-expected', 'json-array-unexpected', 'primitive-json-type'],
    // recovered from, so the finding after it is reported too
    'json-unquoted-value.json': ['json-syntax', 'primitive-range'],
    // measure.html / measurereport.html: a report checked against the Measure in the same Bundle
    'measurereport-against-measure.json': ['measure-criteria-cql-undefined', 'measurereport-count-negative', 'measurereport-population-unknown', 'measurereport-score-proportion'],
    'extension-cross-version.json': ['extension-modifier-misplaced', 'extension-sub-unknown'],
    // the plain extension next to it is unknown too: an error since unresolvable extensions cannot be checked
    'modifier-extension-unknown.json': ['extension-unknown', 'modifier-extension-unknown'],
    'narrative-link-extension-missing.json': ['narrative-link-target'],
    'narrative-script.json': ['xhtml-script'],
    'narrative-urn-link.json': ['xhtml-link-scheme'],
    'not-utf8.json': ['encoding-utf8'],
    'primitive-extension-misaligned.json': ['primitive-extension-alignment'],
    'primitive-formats.json': ['primitive-format', 'primitive-range'],
    'reference-wrong-type.json': ['reference-target-type'],
    // a profile validated as an instance (structuredefinition.html, profiling.html): a binding on a date, a discriminator naming no element, an element Patient lacks, a Reference to a datatype outside the base's targets
    'structuredefinition-faults.json': ['sd-binding-type', 'sd-diff-unmatched', 'sd-discriminator-path', 'sd-target-not-in-base', 'sd-target-profile-type'],
    'unknown-element.json': ['unknown-element'],
    'unknown-resource-type.json': ['unknown-resource-type'],
    'xml-dtd.xml': ['xml-dtd'],
    'xml-element-order-and-text.xml': ['cardinality-max-xml', 'primitive-format', 'xml-element-order', 'xml-text'],
  };

  it('every invalid R4 fixture is pinned', () => {
    expect(files('r4/invalid')).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s raises %j', async (f, ruleIds) => {
    const e = await plainEngine();
    const r = await e.validate(readFileSync(join(FIX, 'r4/invalid', f)), { name: f });
    expect(r.valid).toBe(false);
    expect(errorsOf(r.issues)).toEqual(ruleIds);
    // every issue is located in the file
    for (const i of r.issues) expect(i.line, `${i.ruleId} has no line`).toBeGreaterThan(0);
  });

  // each rule of issue 14 (second half) at the place its fixture breaks it
  it.each([
    ['coding-system-valueset.json', 'code-system-not-codesystem', 'Patient.maritalStatus.coding[0]', 5],
    ['coding-system-relative.json', 'code-system-relative', 'Observation.code.coding[0]', 6],
    ['coding-system-case.json', 'code-system-case', 'Observation.code.coding[0]', 6],
    ['attachment-mimetype.json', 'binding-required', 'DocumentReference.content[0].attachment.contentType', 6],
    ['bundle-document-unreachable.json', 'bundle-document-unreachable', 'Bundle.entry[3]', 49],
    ['narrative-urn-link.json', 'xhtml-link-scheme', 'Patient.text.div', 5],
    ['bundle-link-repeated.json', 'bundle-link-repeated', 'Bundle.link[1]', 7],
    ['json-unquoted-value.json', 'json-syntax', 'Patient.gender', 3],
    ['element-id-duplicate.json', 'element-id-duplicate', 'Patient.name[1]', 5],
    ['json-primitive-value.json', 'json-primitive-value', 'Patient.birthDate', 4],
    ['measurereport-against-measure.json', 'measurereport-population-unknown', 'Bundle.entry[2].resource.group[0].population[3]', 56],
    ['measurereport-against-measure.json', 'measure-criteria-cql-undefined', 'Bundle.entry[1].resource.group[0].population[1].criteria', 31],
    ['bundle-signature-changed.json', 'signature-content-mismatch', 'Bundle', 1],
    ['narrative-link-extension-missing.json', 'narrative-link-target', 'Patient.name[0].extension[0]', 11],
    ['structuredefinition-faults.json', 'sd-discriminator-path', 'StructureDefinition.differential.element[1].slicing.discriminator[0]', 25],
    ['structuredefinition-faults.json', 'sd-binding-type', 'StructureDefinition.differential.element[4]', 45],
  ])('%s: %s at %s (line %i)', async (f, ruleId, expression, line) => {
    const e = await plainEngine();
    const r = await e.validate(readFileSync(join(FIX, 'r4/invalid', f)), { name: f });
    expect(r.issues.filter((i) => i.ruleId === ruleId).map((i) => [i.expression, i.line])).toEqual([[expression, line]]);
  });

  it('reports positions precisely: the unknown element is at its own line and column', async () => {
    const e = await plainEngine();
    const r = await e.validate(readFileSync(join(FIX, 'r4/invalid/unknown-element.json')));
    const i = r.issues.find((x) => x.ruleId === 'unknown-element' && x.expression === 'Patient.nmae')!;
    expect([i.line, i.column]).toEqual([4, 3]);
    expect(i.message).toMatch(/did you mean "name"/);
  });
});

describe('toolkit profile fixtures (profiles/ compiled with SUSHI)', () => {
  it.each(files('profiles/valid'))('%s is valid', async (f) => {
    const e = await plainEngine();
    const r = await e.validate(readFileSync(join(FIX, 'profiles/valid', f)), { name: f });
    expect(errorsOf(r.issues), JSON.stringify(r.issues.filter((i) => i.severity === 'error'), null, 1)).toEqual([]);
  });

  const expected: Record<string, string[]> = {
    'toolkit-heart-rate-pattern.json': ['choice-type-not-allowed', 'pattern-value'],
    'toolkit-patient-nhs-number-format.xml': ['invariant:tk-nhs-number-format'],
    'toolkit-patient-slices.json': ['binding-required', 'cardinality-min', 'slice-cardinality-max', 'slice-cardinality-min', 'slice-closed'],
  };
  it.each(Object.entries(expected))('%s raises %j', async (f, ruleIds) => {
    const e = await plainEngine();
    const r = await e.validate(readFileSync(join(FIX, 'profiles/invalid', f)), { name: f });
    expect(errorsOf(r.issues)).toEqual(ruleIds);
  });

  it('says which slice an item failed to match and why', async () => {
    const e = await plainEngine();
    const r = await e.validate(readFileSync(join(FIX, 'profiles/invalid/toolkit-patient-slices.json')));
    const closed = r.issues.find((i) => i.ruleId === 'slice-closed')!;
    expect(closed.message).toMatch(/slice "phone" needs system = 'phone', found 'fax'/);
    expect(closed.source).toMatch(/toolkit-patient\|0\.1\.0$/);
    expect(closed.expression).toBe('Patient.telecom[0]');
  });
});

describe('BaRS fixtures (one message per Application payload, JSON and XML)', () => {
  const ours = readdirSync(resolve(import.meta.dirname, '..', 'message-definitions')).map((f) => resolve(import.meta.dirname, '..', 'message-definitions', f));

  it.each(files('bars/valid'))('%s is valid', async (f) => {
    const e = await barsEngine(ours);
    const r = await e.validate(readFileSync(join(FIX, 'bars/valid', f)), { name: f });
    expect(errorsOf(r.issues), JSON.stringify(r.issues.filter((i) => i.severity === 'error').slice(0, 5), null, 1)).toEqual([]);
    if (f.startsWith('APP')) {
      const [app, ...payload] = f.replace(/\.(json|xml)$/, '').split('-');
      expect(r.instance?.bars).toMatchObject({ application: app, payload: payload.join('-') });
    }
  });

  // BaRS rule ids each broken message must raise (profile-level errors may come too)
  const expected: Record<string, string[]> = {
    'APP3-bad-endpoint.json': ['BARS-CORE-04'],
    'APP3-bad-nhs-number.json': ['BARS-CORE-13'],
    'APP3-bad-nhs-number.xml': ['BARS-CORE-13'],
    'APP3-bad-reason.json': ['BARS-CORE-07'],
    'APP3-event-mismatch.json': ['bars-md-event'],
    'APP3-event-mismatch.xml': ['bars-md-event'],
    'APP3-fixed-value.json': ['bars-necessity-fixed'],
    'APP3-header-not-first.json': ['bundle-message-header-first'],
    'APP3-major-version.json': ['bars-md-version'],
    'APP3-missing-last-updated.json': ['BARS-CORE-02'],
    'APP3-must-missing.json': ['bars-necessity-must'],
    'APP3-no-use-case.json': ['BARS-CORE-10'],
    'APP3-relative-fullurl.json': ['BARS-CORE-03'],
    'APP3-too-many-patients.json': ['bars-md-focus-max'],
    'APP3-two-official-names.json': ['BARS-CORE-16'],
    'APP3-unknown-use-case.json': ['bars-md-use-case'],
    'error-response-uncoded.json': ['BARS-CORE-14'],
  };
  it('every broken BaRS fixture is pinned', () => {
    expect(files('bars/invalid')).toEqual(Object.keys(expected).sort());
  });
  it.each(Object.entries(expected))('%s raises %j', async (f, ruleIds) => {
    const e = await barsEngine(ours);
    const r = await e.validate(readFileSync(join(FIX, 'bars/invalid', f)), { name: f });
    expect(r.valid).toBe(false);
    const errs = errorsOf(r.issues);
    for (const id of ruleIds) expect(errs).toContain(id);
    const bars = r.issues.filter((i) => ruleIds.includes(i.ruleId) && i.ruleId.startsWith('bars-') || /^BARS-/.test(i.ruleId));
    for (const i of bars) expect(i.bars, `${i.ruleId} carries its BaRS context`).toBeDefined();
  });

  it.each([
    ['APP3-unrequested-resource.json', 'bars-md-unrequested'],
    ['APP3-coding-without-display.json', 'BARS-CORE-15'],
  ])('%s is valid but warns (%s)', async (f, ruleId) => {
    const e = await barsEngine(ours);
    const r = await e.validate(readFileSync(join(FIX, 'bars/warnings', f)), { name: f });
    expect(r.valid).toBe(true);
    expect(r.issues.some((i) => i.ruleId === ruleId && i.severity === 'warning')).toBe(true);
  });

  it.skipIf(!HAS_CORPUS)('with the BaRS profiles loaded, a MUST rule cites the Application, payload, rule and guide page', async () => {
    const e = await barsEngine(ours);
    const r = await e.validate(readFileSync(join(FIX, 'bars/invalid/APP3-must-missing.json')));
    const i = r.issues.find((x) => x.ruleId === 'bars-necessity-must')!;
    expect(i.bars).toMatchObject({ application: 'APP3', payload: 'referral-request', rule: 'APP3-referral-request/ServiceRequest.subject' });
    expect(i.bars!.guidePage).toMatch(/^Applications\/BaRS-Applications\/Applications\/BaRS-APP3\/Referral-Payload\.page\.md#L\d+$/);
  });
});
