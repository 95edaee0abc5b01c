/**
 * narrativeLink (R4 extension-narrativelink.html): `#id` or `<fullUrl>#id` names the part of a
 * narrative that describes the element; the target narrative must hold that id exactly once.
 */
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';

const XHTML = 'http://www.w3.org/1999/xhtml';
const LINK = 'http://hl7.org/fhir/StructureDefinition/narrativeLink';
const LIST = 'urn:uuid:00000000-0000-4000-8000-000000000001';
const list = (div: string) => ({ resourceType: 'List', status: 'current', mode: 'snapshot', text: { status: 'generated', div } });
const patient = (link: string) => ({ resourceType: 'Patient', extension: [{ url: LINK, valueUrl: link }], active: true });
const bundle = (div: string, link: string) =>
  JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: LIST, resource: list(div) }, { fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000002', resource: patient(link) }] });

async function findings(json: string): Promise<[string, string | undefined][]> {
  const r = await (await plainEngine()).validate(json);
  return r.issues.filter((i) => i.ruleId === 'narrative-link-target').map((i) => [i.severity, i.expression]);
}

describe('narrativeLink into another entry\'s narrative', () => {
  const div = `<div xmlns="${XHTML}"><p id="p1">Peter</p><p><a name="p2"> </a>Paul</p></div>`;
  it('an id (or anchor name) present once is fine', async () => {
    expect(await findings(bundle(div, `${LIST}#p1`))).toEqual([]);
    expect(await findings(bundle(div, `${LIST}#p2`))).toEqual([]);
  });
  it('an id the narrative does not have is an error on the extension', async () => {
    expect(await findings(bundle(div, `${LIST}#p1XX`))).toEqual([['error', 'Bundle.entry[1].resource.extension[0]']]);
  });
  it('an id carried by two elements is ambiguous', async () => {
    expect(await findings(bundle(`<div xmlns="${XHTML}"><p id="p1">Peter</p><p id="p1">again</p></div>`, `${LIST}#p1`))).toEqual([['error', 'Bundle.entry[1].resource.extension[0]']]);
  });
  it('a link to a resource the Bundle does not carry cannot be followed offline: nothing is said', async () => {
    expect(await findings(bundle(div, 'https://example.org/page.html#nowhere'))).toEqual([]);
  });
});

describe('narrativeLink into the resource\'s own narrative', () => {
  const own = (link: string) => JSON.stringify({ ...patient(link), text: { status: 'generated', div: `<div xmlns="${XHTML}"><p id="n1">Peter</p></div>` } });
  it('#id names an element of the resource\'s narrative', async () => {
    expect(await findings(own('#n1'))).toEqual([]);
    expect(await findings(own('#n2'))).toEqual([['error', 'Patient.extension[0]']]);
  });
});
