/**
 * Bundle rules beyond the invariants: search results.
 */
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';

const searchset = (selfUrl: string, entries: { mode?: string; resource: Record<string, unknown> }[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  link: [{ relation: 'self', url: selfUrl }],
  entry: entries.map((e, i) => ({
    fullUrl: `urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e${i}`,
    resource: e.resource,
    ...(e.mode ? { search: { mode: e.mode } } : {}),
  })),
});
const obs = (id?: string) => ({ resourceType: 'Observation', ...(id ? { id } : {}), status: 'final', code: { text: 'x' } });
const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational' }] };
const errors = (r: { issues: { severity: string; ruleId: string; expression?: string }[] }) =>
  r.issues.filter((i) => i.severity === 'error').map((i) => `${i.ruleId} @ ${i.expression}`);

describe('searchset entries', () => {
  it('accepts matches of the searched type, includes and an OperationOutcome outcome', async () => {
    const b = searchset('http://example.org/fhir/Observation?code=x', [
      { mode: 'match', resource: obs('o1') },
      { mode: 'include', resource: { resourceType: 'Patient', id: 'p1' } },
      { mode: 'outcome', resource: outcome },
    ]);
    expect(errors(await (await plainEngine()).validate(JSON.stringify(b)))).toEqual([]);
  });

  it('a match or include must have an id', async () => {
    const b = searchset('http://example.org/fhir/Observation?code=x', [{ mode: 'match', resource: obs() }]);
    expect(errors(await (await plainEngine()).validate(JSON.stringify(b)))).toEqual(['bundle-search-id @ Bundle.entry[0].resource']);
  });

  it('a match must be of a type the self link searched for (path or _type)', async () => {
    const b = searchset('base?name=test&_type=Observation,DocumentReference', [{ mode: 'match', resource: { resourceType: 'Patient', id: 'p1' } }]);
    expect(errors(await (await plainEngine()).validate(JSON.stringify(b)))).toEqual(['bundle-search-type @ Bundle.entry[0].resource']);
  });

  it("an 'outcome' entry must be an OperationOutcome", async () => {
    const b = searchset('http://example.org/fhir/Observation', [{ mode: 'outcome', resource: obs('o1') }]);
    expect(errors(await (await plainEngine()).validate(JSON.stringify(b)))).toEqual(['bundle-search-outcome @ Bundle.entry[0].resource']);
  });
});

const all = (r: { issues: { severity: string; ruleId: string; expression?: string }[] }) =>
  r.issues.filter((i) => i.severity === 'error' || i.severity === 'warning').map((i) => `${i.severity} ${i.ruleId} @ ${i.expression}`);
const uuid = (n: number) => `urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e${n}`;

// bundle.html#document: a document is the Composition and the resources it refers to;
// bundle.html#references: a relative reference resolves against the referencing entry's RESTful
// fullUrl, and from a urn:uuid entry it has no defined meaning
describe('document and message reachability', () => {
  const composition = (subject: string) => ({ resourceType: 'Composition', status: 'final', type: { text: 'x' }, date: '2024-01-01', author: [{ display: 'A' }], title: 'T', subject: { reference: subject } });
  const doc = (subject: string, entries: { fullUrl: string; resource: Record<string, unknown> }[]) => ({
    resourceType: 'Bundle',
    identifier: { system: 'http://example.org/docs', value: '1' },
    type: 'document',
    timestamp: '2024-01-01T00:00:00Z',
    entry: [{ fullUrl: uuid(0), resource: composition(subject) }, ...entries],
  });

  it('an entry the Composition reaches is fine; one it does not reach is an error on that entry', async () => {
    const b = doc(uuid(1), [
      { fullUrl: uuid(1), resource: { resourceType: 'Patient' } },
      { fullUrl: uuid(2), resource: { resourceType: 'Patient' } },
    ]);
    expect(errors(await (await plainEngine()).validate(JSON.stringify(b)))).toEqual(['bundle-document-unreachable @ Bundle.entry[2]']);
  });

  it('entries that only share the type and id of an unresolvable reference are not reached by it', async () => {
    const b = doc('Patient/123', [
      { fullUrl: uuid(1), resource: { resourceType: 'Patient', id: '123' } },
      { fullUrl: uuid(2), resource: { resourceType: 'Patient', id: '123' } },
    ]);
    const e = errors(await (await plainEngine()).validate(JSON.stringify(b)));
    expect(e).toEqual(expect.arrayContaining(['bundle-document-unreachable @ Bundle.entry[1]', 'bundle-document-unreachable @ Bundle.entry[2]']));
  });

  it('a Type/id reference from a RESTful entry resolves against its base, id-less target included', async () => {
    const b = {
      ...doc('Patient/9', [{ fullUrl: 'http://example.org/fhir/Patient/9', resource: { resourceType: 'Patient', id: '9' } }]),
    };
    b.entry[0]!.fullUrl = 'http://example.org/fhir/Composition/1';
    (b.entry[0]!.resource as Record<string, unknown>).id = '1';
    expect(errors(await (await plainEngine()).validate(JSON.stringify(b)))).toEqual([]);
  });

  it('in a message, an entry the MessageHeader does not lead to is a warning on that entry', async () => {
    const m = {
      resourceType: 'Bundle',
      type: 'message',
      timestamp: '2024-01-01T00:00:00Z',
      entry: [
        { fullUrl: uuid(0), resource: { resourceType: 'MessageHeader', eventCoding: { system: 'http://example.org/events', code: 'e' }, source: { endpoint: 'http://example.org/src' }, focus: [{ reference: uuid(1) }] } },
        { fullUrl: uuid(1), resource: { resourceType: 'Patient' } },
        { fullUrl: uuid(2), resource: { resourceType: 'Patient' } },
      ],
    };
    const r = await (await plainEngine()).validate(JSON.stringify(m));
    expect(errors(r)).toEqual([]);
    expect(all(r)).toContain('warning bundle-message-unreachable @ Bundle.entry[2]');
    expect(all(r)).not.toContain('warning bundle-message-unreachable @ Bundle.entry[1]');
  });
});

// bundle.html: "fullUrl ... The Absolute URL for the resource" — reported on the entry at fault
// (the HL7 validator reports these on entry[0] whichever entry it is; see docs/java-differences.md)
describe('entry-level findings are on the faulty entry', () => {
  it('a relative fullUrl in entry 2 is reported on entry 2', async () => {
    const b = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: uuid(0), resource: { resourceType: 'Patient' } }, { fullUrl: uuid(1), resource: { resourceType: 'Patient' } }, { fullUrl: 'Patient/1', resource: { resourceType: 'Patient', id: '1' } }] };
    expect(errors(await (await plainEngine()).validate(JSON.stringify(b)))).toEqual(['bundle-fullurl-absolute @ Bundle.entry[2]']);
  });
});

// http.html#paging: a page links to first, previous, next and last, and to itself (self): one each
describe('Bundle.link relations that name a single target', () => {
  const bundle = (links: { relation: string; url: string }[]) => ({ resourceType: 'Bundle', type: 'searchset', link: links });
  it('a repeated self or next is an error on the repeat; other relations may repeat', async () => {
    const e = await plainEngine();
    expect(errors(await e.validate(JSON.stringify(bundle([{ relation: 'self', url: 'http://x.org/Patient' }, { relation: 'next', url: 'http://x.org/Patient?p=2' }]))))).toEqual([]);
    expect(errors(await e.validate(JSON.stringify(bundle([{ relation: 'self', url: 'http://x.org/Patient' }, { relation: 'self', url: 'http://x.org/Patient?a=b' }]))))).toEqual(['bundle-link-repeated @ Bundle.link[1]']);
    expect(errors(await e.validate(JSON.stringify(bundle([{ relation: 'next', url: 'http://x.org/1' }, { relation: 'alternate', url: 'http://x.org/2' }, { relation: 'alternate', url: 'http://x.org/3' }, { relation: 'next', url: 'http://x.org/4' }]))))).toEqual(['bundle-link-repeated @ Bundle.link[3]']);
  });
});
