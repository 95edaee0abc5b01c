/**
 * IG source folders (a Simplifier checkout, SUSHI output, a folder of profiles): JSON and FHIR
 * XML at any depth, loaded like a package; examples skipped; bad files reported, not fatal;
 * cached by file stamps. And the real UK Core STU3 and BaRS sources from the corpus.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAS_CORPUS, corpusPath } from '../../../test/support/corpus.js';
import { TEST_CACHE } from '../../../test/support/engine.js';
import { cleanup, codeSystem, profile, tempDir } from '../../../test/support/packages.js';
import { loadDefinitions } from '../../assemble.js';

const tmp = tempDir('bars-igfolder-');
afterAll(() => cleanup(tmp));

const XML_SD = `<?xml version="1.0" encoding="utf-8"?>
<StructureDefinition xmlns="http://hl7.org/fhir">
  <id value="XmlPatient"/>
  <url value="http://example.org/StructureDefinition/XmlPatient"/>
  <version value="0.1.0"/>
  <name value="XmlPatient"/>
  <status value="draft"/>
  <fhirVersion value="4.0.1"/>
  <kind value="resource"/>
  <abstract value="false"/>
  <type value="Patient"/>
  <baseDefinition value="http://example.org/StructureDefinition/JsonPatient"/>
  <derivation value="constraint"/>
  <differential>
    <element id="Patient.birthDate">
      <path value="Patient.birthDate"/>
      <min value="1"/>
    </element>
  </differential>
</StructureDefinition>`;

const XML_VS = `<ValueSet xmlns="http://hl7.org/fhir">
  <id value="colours"/>
  <url value="http://example.org/ValueSet/colours"/>
  <version value="0.1.0"/>
  <name value="Colours"/>
  <status value="draft"/>
  <compose><include><system value="http://example.org/CodeSystem/colours"/></include></compose>
</ValueSet>`;

function writeFolder(root: string): void {
  const put = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  put('package.json', JSON.stringify({ name: 'example.igsource', version: '0.1.0', dependencies: { 'hl7.fhir.r4.core': '4.0.1' } }));
  put('structuredefinitions/json/JsonPatient.json', JSON.stringify(profile({ url: 'http://example.org/StructureDefinition/JsonPatient', version: '0.1.0', elements: [{ id: 'Patient.name', path: 'Patient.name', min: 1 }] })));
  put('structuredefinitions/xml/deeper/still/XmlPatient.xml', XML_SD);
  put('valuesets/Colours.xml', XML_VS);
  put('codesystems/colours.json', JSON.stringify(codeSystem('http://example.org/CodeSystem/colours', '0.1.0', ['red'])));
  // a Bundle of definitions contributes its entries
  put('bundles/more.json', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: codeSystem('http://example.org/CodeSystem/sizes', '0.1.0', ['S', 'M']) }] }));
  // examples are not definitions: skipped silently
  put('examples/Patient-1.xml', '<Patient xmlns="http://hl7.org/fhir"><id value="1"/></Patient>');
  put('examples/Patient-2.json', '{"resourceType": "Patient", "id": "2"}');
  // a broken definition is reported with its file and position; the others still load
  put('valuesets/Broken.xml', '<ValueSet xmlns="http://hl7.org/fhir">\n  <url value="http://example.org/ValueSet/broken">\n</ValueSet>');
  // tooling folders are not searched
  put('node_modules/x/StructureDefinition-y.json', JSON.stringify(profile({ url: 'http://example.org/StructureDefinition/ignored' })));
}

describe('IG source folders', () => {
  const root = join(tmp, 'igsource');
  writeFolder(root);

  it('loads JSON and XML definitions at any depth, like a package', async () => {
    const loaded = await loadDefinitions({ igs: [root], cacheDir: TEST_CACHE, offline: true, packageCache: join(tmp, 'empty') });
    const src = loaded.defs.sources.at(-1)!;
    expect(src.info).toMatchObject({ name: 'example.igsource', version: '0.1.0', kind: 'ig-folder', location: root });
    expect(src.entries.map((e) => `${e.resourceType} ${e.url}`).sort()).toEqual([
      'CodeSystem http://example.org/CodeSystem/colours',
      'CodeSystem http://example.org/CodeSystem/sizes',
      'StructureDefinition http://example.org/StructureDefinition/JsonPatient',
      'StructureDefinition http://example.org/StructureDefinition/XmlPatient',
      'ValueSet http://example.org/ValueSet/colours',
    ]);
    const broken = loaded.defs.diagnostics.filter((d) => d.file?.includes('Broken.xml'));
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ severity: 'error', line: expect.any(Number) });
    // the XML profile derives from the JSON one: both get snapshots, constraints accumulate
    const xml = loaded.structures.getStructure('http://example.org/StructureDefinition/XmlPatient')!;
    const el = (id: string) => xml.snapshot!.element.find((e) => e.id === id)!;
    expect(el('Patient.birthDate').min).toBe(1);
    expect(el('Patient.name').min).toBe(1);
    expect(loaded.defs.fetch('http://example.org/ValueSet/colours')).toMatchObject({ compose: { include: [{ system: 'http://example.org/CodeSystem/colours' }] } });
  });

  it('is read from the disk cache the second time, and again from the files when one changes', async () => {
    const cacheDir = join(tmp, 'own-cache');
    const opts = { igs: [root], cacheDir, offline: true, packageCache: join(tmp, 'empty') };
    const first = await loadDefinitions(opts);
    expect(first.defs.sources.at(-1)!.fromCache).toBe(false);
    const second = await loadDefinitions(opts);
    expect(second.defs.sources.at(-1)!.fromCache).toBe(true);
    // diagnostics of the first read are kept with the cache
    expect(second.defs.diagnostics.filter((d) => d.file?.includes('Broken.xml'))).toHaveLength(1);
    const p = join(root, 'valuesets/Colours.xml');
    writeFileSync(p, XML_VS.replace('<name value="Colours"/>', '<name value="Colours2"/>'));
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    const third = await loadDefinitions(opts);
    expect(third.defs.sources.at(-1)!.fromCache).toBe(false);
    expect(third.defs.resolve('http://example.org/ValueSet/colours')?.name).toBe('Colours2');
  });

  it('a single resource file can be given with --ig', async () => {
    const loaded = await loadDefinitions({ igs: [join(root, 'structuredefinitions/json/JsonPatient.json')], cacheDir: TEST_CACHE, offline: true });
    expect(loaded.defs.sources.at(-1)!.info.kind).toBe('file');
    expect(loaded.structures.getStructure('http://example.org/StructureDefinition/JsonPatient')).toBeDefined();
  });
});

describe.skipIf(!HAS_CORPUS)('IG source folders from the corpus', () => {

  it('UK Core STU3 and BaRS load with all their definitions', async () => {
    const loaded = await loadDefinitions({ igs: [corpusPath('ukcore-stu3'), corpusPath('bars')], cacheDir: TEST_CACHE, offline: true, packageCache: join(tmp, 'empty') });
    const count = (name: string, rt: string) => loaded.defs.sources.find((s) => s.info.name === name)!.entries.filter((e) => e.resourceType === rt).length;
    expect(count('UKCore.R4.STU.02.00.00', 'StructureDefinition')).toBe(153);
    expect(count('UKCore.R4.STU.02.00.00', 'ValueSet')).toBe(134);
    expect(count('UKCore.R4.STU.02.00.00', 'CodeSystem')).toBe(88);
    expect(count('UKCore.R4.STU.02.00.00', 'ConceptMap')).toBe(3);
    expect(count('uk.nhsdigital.bars.r4', 'StructureDefinition')).toBe(10); // 8 profiles + 2 extensions
    expect(count('uk.nhsdigital.bars.r4', 'MessageDefinition')).toBe(9);
    expect(count('uk.nhsdigital.bars.r4', 'CodeSystem')).toBe(22);
    expect(count('uk.nhsdigital.bars.r4', 'CapabilityStatement')).toBe(1);
    // nothing from the 215 UK Core examples or the BaRS examples
    expect(loaded.defs.sources.flatMap((s) => s.entries).filter((e) => e.resourceType === 'Patient')).toEqual([]);
    expect(loaded.defs.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
