/**
 * FHIR XML → JSON model: character data as XML defines it.
 */
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';
import { parseFhirXml } from './xml.js';

describe('parseFhirXml', () => {
  it('decodes character references in attribute values (&#39; &#x27; &#160;)', async () => {
    const e = await plainEngine();
    const text =
      '<Patient xmlns="http://hl7.org/fhir"><name><family value="O&#39;Brien"/><given value="Zo&#x27;e&#160;Ann"/></name></Patient>';
    const r = parseFhirXml(text, e.validator.compiler);
    expect(r.issues).toEqual([]);
    const name = (r.value as { name: { family: string; given: string[] }[] }).name[0]!;
    expect(name.family).toBe("O'Brien");
    expect(name.given[0]).toBe("Zo'e\u00a0Ann");
  });

  it('decodes each reference once: &amp;#39; stays the text "&#39;"', async () => {
    const e = await plainEngine();
    const text = '<Patient xmlns="http://hl7.org/fhir"><name><family value="a&amp;#39;b&#38;lt;c"/></name></Patient>';
    const r = parseFhirXml(text, e.validator.compiler);
    expect((r.value as { name: { family: string }[] }).name[0]!.family).toBe('a&#39;b&lt;c');
  });

  it('still refuses HTML named entities', async () => {
    const e = await plainEngine();
    const r = parseFhirXml('<Patient xmlns="http://hl7.org/fhir"><name><family value="a&nbsp;b"/></name></Patient>', e.validator.compiler);
    expect(r.value).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'xml-entity' });
  });

  it('a value written as an element is reported on the primitive it belongs to; other attributes written as elements on themselves', async () => {
    const e = await plainEngine();
    const text =
      '<Observation xmlns="http://hl7.org/fhir">\n<status><value>final</value></status>\n<extension><url>http://example.org/x</url><valueString value="a"/></extension>\n</Observation>';
    const r = parseFhirXml(text, e.validator.compiler);
    const found = r.issues.filter((i) => i.ruleId === 'xml-attribute-expected').map((i) => [i.expression, i.line]);
    expect(found).toEqual([
      ['Observation.status', 2],
      ['Observation.extension.url', 3],
    ]);
  });

  it('every R4 primitive holds its value in an XML attribute, so a <value> child is always xml-attribute-expected, on the primitive, once', async () => {
    const e = await plainEngine();
    const compiler = e.validator.compiler;
    // datatypes.html#primitive: in XML each has a value attribute (xhtml is a div, parsed on its own)
    const primitives = ['boolean', 'integer', 'string', 'decimal', 'uri', 'url', 'canonical', 'base64Binary', 'instant', 'date', 'dateTime', 'time', 'code', 'oid', 'id', 'markdown', 'unsignedInt', 'positiveInt', 'uuid'];
    let checked = 0;
    for (const p of primitives) {
      const plan = compiler.typePlan(p);
      expect(plan, p).toBeDefined();
      expect(compiler.children(plan!.root).get('value')?.el.xmlAttr, p).toBe(true);
      checked++;
    }
    expect(checked).toBe(19);
    const r = parseFhirXml('<Patient xmlns="http://hl7.org/fhir"><birthDate id="b"><extension url="http://example.org/x"><valueString value="a"/></extension><value value="1990-01-01"/></birthDate></Patient>', compiler);
    expect(r.issues.map((i) => `${i.ruleId} @ ${i.expression}`)).toEqual(['xml-attribute-expected @ Patient.birthDate']);
  });

  it.each([
    ['&#0;', 'U+0000'],
    ['&#x1B;', 'U+001B'],
    ['&#xD800;', 'U+D800'],
    ['&#xFFFE;', 'U+FFFE'],
    ['&#x110000;', 'beyond Unicode'],
    ['&#99999999999999999999;', 'beyond Unicode'],
  ])('a character reference to a character XML forbids (%s) is fatal, located at the reference', async (ref, named) => {
    const e = await plainEngine();
    const text = `<Patient xmlns="http://hl7.org/fhir">\n  <name><family value="a${ref}b"/></name>\n</Patient>`;
    const r = parseFhirXml(text, e.validator.compiler);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ severity: 'fatal', line: 2, column: 25 });
    expect(r.issues[0]!.message).toContain(ref);
    expect(r.issues[0]!.message).toContain(named);
  });

  it('allowed references (tab, line breaks, astral characters) and references inside comments pass', async () => {
    const e = await plainEngine();
    const text = '<Patient xmlns="http://hl7.org/fhir"><!-- &#0; --><name><family value="a&#9;&#xA;&#13;&#x1F600;&#xFFFD;"/></name></Patient>';
    const r = parseFhirXml(text, e.validator.compiler);
    expect(r.issues).toEqual([]);
    expect((r.value as { name: { family: string }[] }).name[0]!.family).toBe('a\t\n\r\u{1F600}\uFFFD');
  });

  it('a lone surrogate in a string given to the parser is fatal', async () => {
    const e = await plainEngine();
    const r = parseFhirXml('<Patient xmlns="http://hl7.org/fhir"><name><family value="a\uD800b"/></name></Patient>', e.validator.compiler);
    expect(r.issues[0]).toMatchObject({ severity: 'fatal' });
    expect(r.issues[0]!.message).toMatch(/lone UTF-16 surrogate/);
  });

  it.each(['<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>\n', '<!-- only a comment -->'])('a document with no element (%j) is a located fatal issue', async (text) => {
    const e = await plainEngine();
    const r = parseFhirXml(text, e.validator.compiler);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.line).toBeGreaterThanOrEqual(1);
    expect(r.issues[0]!.column).toBeGreaterThanOrEqual(1);
  });
});
