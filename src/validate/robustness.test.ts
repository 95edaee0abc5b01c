/**
 * Structure rules of the instance itself, from the R4 JSON, XML and Datatypes pages: element
 * ids unique within a resource, and a primitive's value never given as a "value" member.
 */
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';

const errors = (r: { issues: { severity: string; ruleId: string; expression?: string }[] }) =>
  r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.ruleId} @ ${i.expression}`);
const validate = async (text: string) => (await plainEngine()).validate(text, { name: 'input' });

// datatypes.html#Element: id "Unique id for the element within a resource (for internal references)"
describe('element ids are unique within a resource', () => {
  it('a second element with the same id is an error on that element, naming the first', async () => {
    const p = { resourceType: 'Patient', name: [{ id: 'n1', family: 'A' }, { id: 'n1', family: 'B' }], telecom: [{ id: 't1', system: 'phone', value: '1' }] };
    const r = await validate(JSON.stringify(p));
    expect(errors(r)).toEqual(['element-id-duplicate @ Patient.name[1]']);
    expect(r.issues.find((i) => i.ruleId === 'element-id-duplicate')!.message).toMatch(/'n1': Patient\.name\[0\] already has it/);
  });

  it('ids on primitives (the _name companion) and on extensions share the resource scope', async () => {
    const p = { resourceType: 'Patient', birthDate: '1990-01-01', _birthDate: { id: 'x' }, extension: [{ id: 'x', url: 'http://example.org/e', valueString: 's' }] };
    expect(errors(await validate(JSON.stringify(p)))).toEqual(['element-id-duplicate @ Patient.extension[0]']);
  });

  it('each resource is its own scope: contained resources, Bundle entries, and Resource.id are not element ids', async () => {
    const p = {
      resourceType: 'Patient',
      id: 'n1',
      contained: [{ resourceType: 'Organization', id: 'o1', name: 'O', telecom: [{ id: 'n1', system: 'phone', value: '1' }] }],
      name: [{ id: 'n1', family: 'A' }],
      managingOrganization: { reference: '#o1' },
    };
    expect(errors(await validate(JSON.stringify(p)))).toEqual([]);
  });

  it("a StructureDefinition's snapshot and differential repeat the same element ids, each unique within its view", async () => {
    const el = (id: string) => ({ id, path: id });
    const sd = {
      resourceType: 'StructureDefinition',
      url: 'http://example.org/StructureDefinition/boo',
      name: 'Boo',
      status: 'draft',
      kind: 'logical',
      abstract: false,
      type: 'http://example.org/StructureDefinition/boo',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Base',
      derivation: 'specialization',
      snapshot: { element: [el('Boo'), el('Boo.b')] },
      differential: { element: [el('Boo'), el('Boo.b'), el('Boo.b')] },
    };
    const r = await validate(JSON.stringify(sd));
    expect(errors(r).filter((e) => e.startsWith('element-id'))).toEqual(['element-id-duplicate @ StructureDefinition.differential.element[2]']);
  });

  it('XML: duplicate id attributes are found the same way', async () => {
    const x = '<Patient xmlns="http://hl7.org/fhir"><name id="a"><family value="A"/></name><name><family id="a" value="B"/></name></Patient>';
    expect(errors(await validate(x))).toEqual(['element-id-duplicate @ Patient.name[1].family']);
  });
});

// json.html: a primitive's value is the JSON property itself; the _name object carries only id
// and extension (XML's value attribute has no element form either)
describe('a primitive value given as "value" in its _name companion', () => {
  it('is reported on the primitive, as the XML <value> child is', async () => {
    const o = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueInteger: 3, _valueInteger: { value: 4 } };
    const r = await validate(JSON.stringify(o));
    expect(errors(r)).toEqual(['json-primitive-value @ Observation.valueInteger']);
    const x = '<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code><valueInteger value="3"><value value="4"/></valueInteger></Observation>';
    expect([...new Set(errors(await validate(x)).map((e) => e.split(' @ ')[1]))]).toEqual(['Observation.valueInteger']);
  });
});
