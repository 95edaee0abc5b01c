/**
 * FHIR XML → JSON, driven by the StructureDefinitions (no per-resource rules): arrays by max
 * cardinality, `value` attributes (typed), id/extensions of primitives into `_name`, the xhtml
 * div as a string, contained and inline resources, resourceType from the element name. And the
 * parser's refusal of DTDs and entities: no XXE, no entity bombs.
 */
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';
import { expectNoSlowerThan } from '../../test/support/timing.js';
import { parseFhirXml } from './xml.js';

const NS = 'xmlns="http://hl7.org/fhir"';

async function convert(xml: string): Promise<{ value: any; issues: { severity: string; ruleId: string; message: string; line?: number }[] }> {
  const e = await plainEngine();
  const r = parseFhirXml(xml, e.validator.compiler);
  return { value: r.value as any, issues: r.issues };
}

describe('FHIR XML to JSON', () => {
  it('takes resourceType from the root element and arrays from max cardinality', async () => {
    const { value, issues } = await convert(
      `<Patient ${NS}><id value="p1"/><active value="true"/><name><family value="Smith"/><given value="Jo"/></name>` +
        `<gender value="female"/><birthDate value="1970-01-02"/><multipleBirthInteger value="2"/></Patient>`,
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({
      resourceType: 'Patient',
      id: 'p1',
      active: true, // typed: boolean
      name: [{ family: 'Smith', given: ['Jo'] }], // Patient.name 0..*, HumanName.given 0..*, family 0..1
      gender: 'female',
      birthDate: '1970-01-02',
      multipleBirthInteger: 2, // a choice, typed: number
    });
  });

  it('moves id and extensions of primitives into _name, aligned in arrays', async () => {
    const { value, issues } = await convert(
      `<Patient ${NS}><name><given value="A"/><given id="g2"><extension url="http://example.org/x"><valueString value="no value"/></extension></given></name>` +
        `<birthDate id="bd" value="1970-01-02"><extension url="http://hl7.org/fhir/StructureDefinition/patient-birthTime"><valueDateTime value="1970-01-02T10:00:00Z"/></extension></birthDate></Patient>`,
    );
    expect(issues).toEqual([]);
    expect(value.name[0].given).toEqual(['A', null]);
    expect(value.name[0]._given).toEqual([null, { id: 'g2', extension: [{ url: 'http://example.org/x', valueString: 'no value' }] }]);
    expect(value.birthDate).toBe('1970-01-02');
    expect(value._birthDate).toEqual({
      id: 'bd',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1970-01-02T10:00:00Z' }],
    });
  });

  it('keeps the xhtml div as a string (with its namespace)', async () => {
    const { value } = await convert(`<Patient ${NS}><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b></p></div></text></Patient>`);
    expect(value.text).toEqual({ status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b></p></div>' });
  });

  it('converts contained and inline resources (Bundle.entry.resource) with their resourceType', async () => {
    const { value, issues } = await convert(
      `<Bundle ${NS}><type value="collection"/><entry><fullUrl value="urn:uuid:1"/><resource><Observation><contained><Patient><id value="c1"/></Patient></contained>` +
        `<status value="final"/><code><text value="x"/></code><subject><reference value="#c1"/></subject><valueQuantity><value value="1.50"/><unit value="kg"/></valueQuantity></Observation></resource></entry></Bundle>`,
    );
    expect(issues).toEqual([]);
    const obs = value.entry[0].resource;
    expect(obs.resourceType).toBe('Observation');
    expect(obs.contained).toEqual([{ resourceType: 'Patient', id: 'c1' }]);
    expect(obs.subject).toEqual({ reference: '#c1' });
    expect(obs.valueQuantity).toEqual({ value: 1.5, unit: 'kg' });
  });

  it('converts a differential-only StructureDefinition (choice types, nested types, repeated elements)', async () => {
    const { value, issues } = await convert(`<StructureDefinition ${NS}>
  <url value="http://example.org/StructureDefinition/x"/>
  <name value="X"/>
  <status value="draft"/>
  <kind value="resource"/>
  <abstract value="false"/>
  <type value="Observation"/>
  <baseDefinition value="http://hl7.org/fhir/StructureDefinition/Observation"/>
  <derivation value="constraint"/>
  <differential>
    <element id="Observation.status">
      <path value="Observation.status"/>
      <min value="1"/>
      <fixedCode value="final"/>
    </element>
    <element id="Observation.code">
      <path value="Observation.code"/>
      <patternCodeableConcept><coding><system value="http://loinc.org"/><code value="1234-5"/></coding></patternCodeableConcept>
      <binding><strength value="required"/><valueSet value="http://example.org/ValueSet/codes"/></binding>
    </element>
    <element id="Observation.subject">
      <path value="Observation.subject"/>
      <type><code value="Reference"/><targetProfile value="http://hl7.org/fhir/StructureDefinition/Patient"/><targetProfile value="http://hl7.org/fhir/StructureDefinition/Group"/></type>
      <mustSupport value="true"/>
    </element>
  </differential>
</StructureDefinition>`);
    expect(issues).toEqual([]);
    expect(value.abstract).toBe(false);
    const [status, code, subject] = value.differential.element;
    expect(status).toEqual({ id: 'Observation.status', path: 'Observation.status', min: 1, fixedCode: 'final' });
    expect(code.patternCodeableConcept).toEqual({ coding: [{ system: 'http://loinc.org', code: '1234-5' }] });
    expect(code.binding).toEqual({ strength: 'required', valueSet: 'http://example.org/ValueSet/codes' });
    expect(subject.type).toEqual([{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient', 'http://hl7.org/fhir/StructureDefinition/Group'] }]);
    expect(subject.mustSupport).toBe(true);
  });
});

describe('FHIR XML: DTDs and entities are refused', () => {
  it('an external entity (XXE) is refused without being read', async () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Patient ${NS}><name><family value="&xxe;"/></name></Patient>`;
    const { value, issues } = await convert(xxe);
    // no dearer than the same document without the DOCTYPE
    await expectNoSlowerThan('an XXE document', () => convert(xxe), () => convert(`<?xml version="1.0"?>\n<Patient ${NS}><name><family value="x"/></name></Patient>`), 10);
    expect(value).toBeUndefined();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'xml-dtd', line: 2 });
    expect(issues[0]!.message).toContain('DOCTYPE');
    expect(JSON.stringify(issues)).not.toContain('root:');
  });

  it('a billion-laughs entity bomb is refused in bounded time, without expansion', async () => {
    const ents = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${ents.join('\n')}\n]>\n<Patient ${NS}><name><family value="&lol9;"/></name></Patient>`;
    const heap = process.memoryUsage().heapUsed;
    const { value, issues } = await convert(xml);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(50 * 1024 * 1024);
    // bounded: no dearer than a plain document of the same length (expanded, it would be 10^9 × "lol")
    const plain = `<?xml version="1.0"?>\n<Patient ${NS}><name><family value="${'x'.repeat(xml.length)}"/></name></Patient>`;
    await expectNoSlowerThan('a billion-laughs document', () => convert(xml), () => convert(plain), 10);
    expect(value).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ severity: 'fatal', ruleId: 'xml-dtd', line: 2 })]);
  });

  it('an entity declaration without DOCTYPE, or an undeclared entity, is refused too', async () => {
    const a = await convert(`<!ENTITY x "y"><Patient ${NS}/>`);
    expect(a.value).toBeUndefined();
    expect(a.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'xml-dtd' });
    const b = await convert(`<Patient ${NS}><name><family value="&xxe;"/></name></Patient>`);
    expect(b.value).toBeUndefined();
    expect(b.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'xml-entity' });
    expect(b.issues[0]!.message).toContain('&xxe;');
  });
});
