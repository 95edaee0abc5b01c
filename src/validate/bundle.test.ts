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
