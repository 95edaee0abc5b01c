/**
 * Checks built with a fake CheckContext, no engine: what a check reports, and what it asks
 * the validator, is all there is to it.
 */
import { describe, expect, it } from 'vitest';
import type { StructurePlan } from '../compile/plan.js';
import { checkAttachment } from './attachment.js';
import { BundleIndex } from './bundle-index.js';
import { checkBundle } from './bundle.js';
import { RunState } from './context.js';
import { fakeCheckContext } from '../../test/support/fake-context.js';
import { Loc } from './walk-path.js';

/** A context that records what is reported and knows only the resource types it is given. */
function fakeContext(resourceTypes: string[] = []): ReturnType<typeof fakeCheckContext> {
  return fakeCheckContext({ typePlan: (type: string) => (resourceTypes.includes(type) ? ({ kind: 'resource', type } as unknown as StructurePlan) : undefined) });
}

const state = (): RunState => new RunState(undefined, 'json', 100);

describe('checkAttachment with a fake context', () => {
  const data = Buffer.from('hello world').toString('base64');

  it('reports a size that is not the length of the decoded data, at the attachment', () => {
    const { ctx, reported } = fakeContext();
    checkAttachment(ctx, state(), { data, size: 12 }, Loc.root('Binary'));
    expect(reported).toEqual([expect.objectContaining({ ruleId: 'attachment-size', severity: 'error', at: 'Binary' })]);
    expect(reported[0]!.message).toContain('its data is 11 bytes');
  });

  it('accepts the right size and SHA-1 hash, and reports a wrong hash', () => {
    const { ctx, reported } = fakeContext();
    const sha1 = 'Kq5sNclPz7QV2+lfQIuc6R7oRu0=';
    checkAttachment(ctx, state(), { data, size: 11, hash: sha1 }, Loc.root('Binary'));
    expect(reported).toEqual([]);
    checkAttachment(ctx, state(), { data, hash: 'AAAA' }, Loc.root('Binary'));
    expect(reported.map((r) => r.ruleId)).toEqual(['attachment-hash']);
  });
});

describe('checkBundle with a fake context', () => {
  const bundle = (fullUrl: string, resource: Record<string, unknown>): Record<string, unknown> => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ fullUrl, resource }],
  });

  it('compares a RESTful fullUrl with the resource only when the context knows the type as a resource type', () => {
    const { ctx, reported } = fakeContext(['Patient']);
    const b = bundle('http://example.org/fhir/Patient/1', { resourceType: 'Patient', id: '2' });
    checkBundle(ctx, state(), b, new BundleIndex(b), Loc.root('Bundle'));
    expect(reported).toEqual([expect.objectContaining({ ruleId: 'bundle-fullurl-id', at: 'Bundle.entry[0]' })]);

    // Widget is not a resource type here: the URL is not a RESTful identity, nothing to compare
    const other = fakeContext(['Patient']);
    const w = bundle('http://example.org/fhir/Widget/1', { resourceType: 'Patient', id: '2' });
    checkBundle(other.ctx, state(), w, new BundleIndex(w), Loc.root('Bundle'));
    expect(other.reported).toEqual([]);
  });

  it('reports a missing fullUrl and a relative one, without asking the validator anything else', () => {
    const { ctx, reported } = fakeContext();
    const b: Record<string, unknown> = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'Patient' } }, { fullUrl: 'Patient/3', resource: { resourceType: 'Patient', id: '3' } }],
    };
    checkBundle(ctx, state(), b, new BundleIndex(b), Loc.root('Bundle'));
    expect(reported.map((r) => [r.ruleId, r.at])).toEqual([
      ['bundle-fullurl-missing', 'Bundle.entry[0]'],
      ['bundle-fullurl-absolute', 'Bundle.entry[1]'],
    ]);
  });
});
