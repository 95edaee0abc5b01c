/**
 * Measure and MeasureReport rules (measure.ts), from measure.html and measurereport.html, with a
 * fake CheckContext: every input is built here. The last block runs the engine, to see the checks
 * wired in and the Measure found contained, in the same Bundle, or among loaded definitions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engine } from '../../test/support/engine.js';
import { expectLinearTime } from '../../test/support/timing.js';
import { RunState, type CheckContext } from './context.js';
import { checkMeasure, checkMeasureReport, type CanonicalLookup } from './measure.js';
import { Loc } from './walk-path.js';

type Json = Record<string, unknown>;

const POP = 'http://terminology.hl7.org/CodeSystem/measure-population';
const SCORING = 'http://terminology.hl7.org/CodeSystem/measure-scoring';
const M_URL = 'http://example.org/fhir/Measure/m';
const LIB_URL = 'http://example.org/fhir/Library/lib';

const cc = (system: string, code: string): Json => ({ coding: [{ system, code }] });
const pop = (code: string, extra: Json = {}): Json => ({ code: cc(POP, code), ...extra });
const cql = (expression: string): Json => ({ language: 'text/cql', expression });
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function measure(scoring: string | undefined, groups: Json[], extra: Json = {}): Json {
  return { resourceType: 'Measure', url: M_URL, status: 'active', ...(scoring ? { scoring: cc(SCORING, scoring) } : {}), ...extra, group: groups };
}

const PROPORTION_GROUP: Json = {
  population: [pop('initial-population'), pop('numerator'), pop('denominator')],
  stratifier: [{ code: { text: 'age' }, criteria: { language: 'text/fhirpath', expression: 'Patient.birthDate' } }],
};

function report(groups: Json[], extra: Json = {}): Json {
  return { resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: M_URL, period: { start: '2024-01-01' }, ...extra, group: groups };
}

/** A proportion report group answering PROPORTION_GROUP. */
function proportionResult(extra: Json = {}): Json {
  return {
    population: [pop('initial-population', { count: 10 }), pop('numerator', { count: 4 }), pop('denominator', { count: 8 })],
    measureScore: { value: 0.5 },
    stratifier: [{ code: [{ text: 'age' }], stratum: [{ value: { text: '0-9' }, population: [pop('numerator', { count: 1 })] }] }],
    ...extra,
  };
}

/** "severity ruleId @location" for each issue the checks report. */
function run(resource: Json, known: Json[] = []): string[] {
  const out: string[] = [];
  const ctx = {
    report: (_st: RunState, loc: Loc, severity: string, _code: string, ruleId: string) => out.push(`${severity} ${ruleId} @${loc.toString()}`),
  } as unknown as CheckContext;
  const lookup: CanonicalLookup = (canonical, type) => known.find((r) => r.resourceType === type && r.url === canonical);
  const st = new RunState(undefined, 'json', 100);
  const loc = Loc.root(String(resource.resourceType));
  if (resource.resourceType === 'Measure') checkMeasure(ctx, st, resource, loc, lookup);
  else checkMeasureReport(ctx, st, resource, loc, lookup);
  return out;
}

describe('Measure: populations for the scoring (measure.html, population criteria by scoring)', () => {
  it('accepts a proportion measure with its required and optional populations', () => {
    const m = measure('proportion', [{ population: [pop('initial-population'), pop('numerator'), pop('denominator'), pop('denominator-exclusion'), pop('denominator-exception'), pop('numerator-exclusion')] }]);
    expect(run(m)).toEqual([]);
  });

  it('flags a population the scoring does not use, at its code', () => {
    expect(run(measure('cohort', [{ population: [pop('initial-population'), pop('numerator')] }]))).toEqual([
      'warning measure-population-not-allowed @Measure.group[0].population[1].code',
    ]);
    expect(run(measure('proportion', [{ population: [...(PROPORTION_GROUP.population as Json[]), pop('measure-observation')] }]))).toEqual([
      'warning measure-population-not-allowed @Measure.group[0].population[3].code',
    ]);
  });

  it('flags a group without a population its scoring requires, at the group', () => {
    expect(run(measure('continuous-variable', [{ population: [pop('measure-population'), pop('measure-observation')] }]))).toEqual([
      'warning measure-population-missing @Measure.group[0]',
    ]);
    expect(run(measure('ratio', [{ population: [pop('initial-population'), pop('numerator'), pop('denominator'), pop('measure-observation')] }]))).toEqual([]);
  });

  it('asks for a code on each of several groups, populations, stratifiers and components', () => {
    const crit = { language: 'text/fhirpath', expression: 'true' };
    const m = measure(undefined, [
      { code: { text: 'a' }, population: [pop('initial-population'), { criteria: crit }], stratifier: [{ criteria: crit }, { code: { text: 's' }, component: [{ criteria: crit }, { code: { text: 'c' }, criteria: crit }] }] },
      { population: [{ criteria: crit }], stratifier: [{ criteria: crit }] },
    ]);
    expect(run(m)).toEqual([
      'warning measure-code-missing @Measure.group[1]',
      'warning measure-code-missing @Measure.group[0].population[1]',
      'warning measure-code-missing @Measure.group[0].stratifier[0]',
      'warning measure-code-missing @Measure.group[0].stratifier[1].component[0]',
    ]);
  });

  it('leaves populations alone when the scoring is absent or not one of the four', () => {
    expect(run(measure(undefined, [{ population: [pop('numerator')] }]))).toEqual([]);
    expect(run(measure('composite-thing', [{ population: [pop('numerator')] }]))).toEqual([]);
  });

  it('reads a coding without system as the measure-population / measure-scoring code', () => {
    const m = measure(undefined, [{ population: [{ code: { coding: [{ code: 'numerator' }] } }] }], { scoring: { coding: [{ code: 'cohort' }] } });
    expect(run(m)).toEqual(['warning measure-population-not-allowed @Measure.group[0].population[0].code', 'warning measure-population-missing @Measure.group[0]']);
  });
});

describe('Measure: criteria expressions', () => {
  const withCriteria = (criteria: Json, extra: Json = {}): Json => measure('cohort', [{ population: [pop('initial-population', { criteria })] }], extra);

  it('requires a library for CQL criteria, unless the Expression says where its logic is', () => {
    expect(run(withCriteria(cql('Initial Population')))).toEqual(['error measure-criteria-no-library @Measure.group[0].population[0].criteria']);
    expect(run(withCriteria({ ...cql('Initial Population'), reference: LIB_URL }))).toEqual([]);
    // an inline CQL expression holds its own logic (datatypes.html#Expression): no library needed
    expect(run(withCriteria(cql('Count([Device: Ventilators])')))).toEqual([]);
    expect(run(withCriteria(cql('exists [Encounter] E where E.status = \'finished\'')))).toEqual([]);
    expect(run(withCriteria(cql('Screening."Initial Population"')))).toEqual(['error measure-criteria-no-library @Measure.group[0].population[0].criteria']);
    expect(run(withCriteria(cql('"Initial Population"'), { library: [LIB_URL] }))).toEqual(['information measure-library-not-found @Measure.library[0]']);
  });

  it('checks stratifier, stratifier component and supplementalData criteria too', () => {
    const m = measure('cohort', [
      { population: [pop('initial-population')], stratifier: [{ code: { text: 'age' }, criteria: cql('Age') }, { code: { text: 'sex' }, component: [{ criteria: cql('Sex') }] }] },
    ], { supplementalData: [{ criteria: cql('Race') }] });
    expect(run(m)).toEqual([
      'error measure-criteria-no-library @Measure.group[0].stratifier[0].criteria',
      'error measure-criteria-no-library @Measure.group[0].stratifier[1].component[0].criteria',
      'error measure-criteria-no-library @Measure.supplementalData[0].criteria',
    ]);
  });

  it('flags FHIRPath criteria that do not parse, at the expression', () => {
    const fp = (expression: string): Json => ({ language: 'text/fhirpath', expression });
    expect(run(withCriteria(fp("Patient.name.where(use = 'official')")))).toEqual([]);
    expect(run(withCriteria(fp('Patient.name.where(use = ')))).toEqual(['error measure-criteria-fhirpath @Measure.group[0].population[0].criteria.expression']);
    expect(run(withCriteria(fp('Patient..name')))).toEqual(['error measure-criteria-fhirpath @Measure.group[0].population[0].criteria.expression']);
  });

  describe('a CQL identifier names a definition of the library, when its content is at hand', () => {
    const source = [
      "library Screening version '1.0.0'",
      "include FHIRHelpers version '4.0.1' called Helpers",
      'context Patient',
      'define "Initial Population": true',
      'define private Denominator: true',
      'define function "Age Band"(p Patient): 1',
      '// define Commented: true',
    ].join('\n');
    const cqlLib: Json = { resourceType: 'Library', url: LIB_URL, name: 'Screening', status: 'active', type: { text: 'logic' }, content: [{ contentType: 'text/cql', data: b64(source) }] };
    const elmXml = '<library xmlns="urn:hl7-org:elm:r1"><parameters><def name="Period"/></parameters><statements><def name="Patient" context="Patient"/><def localId="3" name="Numerator &amp; More" context="Patient"/></statements></library>';
    const xmlLib: Json = { ...cqlLib, content: [{ contentType: 'application/elm+xml', data: b64(elmXml) }] };
    const jsonLib: Json = { ...cqlLib, content: [{ contentType: 'application/elm+json', data: b64(JSON.stringify({ library: { statements: { def: [{ name: 'Numerator' }] } } })) }] };
    const m = (expression: string, extra: Json = {}): Json => withCriteria(cql(expression), { library: [LIB_URL], ...extra });

    it('finds defines, quoted and plain, unqualified or qualified by the library name (CQL source)', () => {
      expect(run(m('"Initial Population"'), [cqlLib])).toEqual([]);
      expect(run(m('Screening.Denominator'), [cqlLib])).toEqual([]);
      expect(run(m('Screening."Age Band"'), [cqlLib])).toEqual([]);
      expect(run(m('Numerator'), [cqlLib])).toEqual(['error measure-criteria-cql-undefined @Measure.group[0].population[0].criteria']);
      expect(run(m('Commented'), [cqlLib])).toEqual(['error measure-criteria-cql-undefined @Measure.group[0].population[0].criteria']);
    });

    it('reads ELM statements in XML and JSON, not its parameters', () => {
      expect(run(m('"Numerator & More"'), [xmlLib])).toEqual([]);
      expect(run(m('Period'), [xmlLib])).toEqual(['error measure-criteria-cql-undefined @Measure.group[0].population[0].criteria']);
      expect(run(m('Screening.Numerator'), [jsonLib])).toEqual([]);
      expect(run(m('Screening.Denominator'), [jsonLib])).toEqual(['error measure-criteria-cql-undefined @Measure.group[0].population[0].criteria']);
    });

    it('warns when the qualifier is neither a library nor an include, and stays silent when it cannot know', () => {
      expect(run(m('Other.Denominator'), [cqlLib])).toEqual(['warning measure-criteria-cql-library-unknown @Measure.group[0].population[0].criteria']);
      expect(run(m('Helpers.ToString'), [cqlLib])).toEqual([]);
      // a second library that is not loaded might be the one named
      expect(run(m('Other.Denominator', { library: [LIB_URL, 'http://example.org/fhir/Library/other'] }), [cqlLib])).toEqual([
        'information measure-library-not-found @Measure.library[1]',
      ]);
      // content only by url: nothing to read
      const byUrl = { ...cqlLib, content: [{ contentType: 'text/cql', url: 'http://example.org/screening.cql' }] };
      expect(run(m('Numerator'), [byUrl])).toEqual([]);
    });

    it('reads hostile library content in linear time (unterminated comments, quotes and tags)', async () => {
      const hostile = (n: number): Json[] => [
        { ...cqlLib, content: [
          { contentType: 'text/cql', data: b64('/* define "a'.repeat(n) + "' define \"b".repeat(n)) },
          { contentType: 'application/elm+xml', data: b64('<statements>' + '<def x="'.repeat(n)) },
        ] },
      ];
      await expectLinearTime('CQL/ELM definitions of a hostile library', (n) => run(m('Numerator'), hostile(n)), 20_000);
    });

    it('leaves inline CQL expressions alone', () => {
      expect(run(m('Count([Encounter])'), [cqlLib])).toEqual([]);
    });
  });
});

describe('MeasureReport against its Measure', () => {
  const M = measure('proportion', [PROPORTION_GROUP]);

  it('accepts a complete report that matches its Measure', () => {
    expect(run(report([proportionResult()]), [M])).toEqual([]);
  });

  it('warns, naming the canonical, when the Measure is not loaded', () => {
    expect(run(report([proportionResult()]), [])).toEqual(['warning measurereport-measure-not-found @MeasureReport.measure']);
  });

  it('notes a Measure without a known scoring, and then leaves the score alone', () => {
    const m = measure(undefined, [PROPORTION_GROUP]);
    expect(run(report([proportionResult({ measureScore: { value: 7, unit: 'x' } })]), [m])).toEqual(['information measurereport-scoring-unknown @MeasureReport.measure']);
  });

  describe('groups', () => {
    const g = (code: string, extra: Json = {}): Json => ({ ...PROPORTION_GROUP, code: { text: code }, ...extra });
    const two = measure('proportion', [g('a'), g('b')]);

    it('pairs a single group with the single Measure group, checking the code when both have one', () => {
      const one = measure('proportion', [g('a')]);
      expect(run(report([proportionResult()]), [one])).toEqual([]);
      expect(run(report([proportionResult({ code: { text: 'a' } })]), [one])).toEqual([]);
      expect(run(report([proportionResult({ code: { text: 'z' } })]), [one])).toEqual(['error measurereport-group-unknown @MeasureReport.group[0]']);
    });

    it('matches several groups by code: unknown, uncoded and repeated groups, and missing ones', () => {
      expect(run(report([proportionResult({ code: { text: 'b' } }), proportionResult({ code: { text: 'a' } })]), [two])).toEqual([]);
      expect(run(report([proportionResult({ code: { text: 'a' } }), proportionResult({ code: { text: 'z' } })]), [two])).toEqual([
        'error measurereport-group-unknown @MeasureReport.group[1]',
        'error measurereport-group-missing @MeasureReport',
      ]);
      expect(run(report([proportionResult({ code: { text: 'a' } }), proportionResult()]), [two])).toEqual([
        'error measurereport-group-unknown @MeasureReport.group[1]',
        'error measurereport-group-missing @MeasureReport',
      ]);
      expect(run(report([proportionResult({ code: { text: 'a' } }), proportionResult({ code: { text: 'a' } })]), [two])).toEqual([
        'error measurereport-group-unknown @MeasureReport.group[1]',
        'error measurereport-group-missing @MeasureReport',
      ]);
    });

    it('does not ask a report that is not complete for every group', () => {
      expect(run(report([proportionResult({ code: { text: 'a' } })], { status: 'pending' }), [two])).toEqual([]);
    });
  });

  describe('populations', () => {
    it('flags a population that the Measure group does not have, or has already been reported', () => {
      const extra = proportionResult({ population: [pop('initial-population', { count: 1 }), pop('numerator', { count: 1 }), pop('denominator', { count: 1 }), pop('denominator-exclusion', { count: 0 })] });
      expect(run(report([extra]), [M])).toEqual(['error measurereport-population-unknown @MeasureReport.group[0].population[3]']);
      const twice = proportionResult({ population: [pop('initial-population', { count: 1 }), pop('numerator', { count: 1 }), pop('numerator', { count: 1 }), pop('denominator', { count: 1 })] });
      expect(run(report([twice]), [M])).toEqual(['error measurereport-population-unknown @MeasureReport.group[0].population[2]']);
    });

    it('asks a complete report for every population but the measure observations', () => {
      const m = measure('continuous-variable', [{ population: [pop('initial-population'), pop('measure-population'), pop('measure-observation')] }]);
      const r = (pops: Json[], extra: Json = {}): Json => report([{ population: pops, measureScore: { value: 3, unit: 'd' } }], extra);
      expect(run(r([pop('initial-population', { count: 3 }), pop('measure-population', { count: 3 })]), [m])).toEqual([]);
      expect(run(r([pop('initial-population', { count: 3 })]), [m])).toEqual(['error measurereport-population-missing @MeasureReport.group[0]']);
      expect(run(r([pop('initial-population', { count: 3 })], { status: 'pending' }), [m])).toEqual([]);
    });

    it('rejects negative counts, in groups and strata', () => {
      const r = proportionResult({
        population: [pop('initial-population', { count: -1 }), pop('numerator', { count: 4 }), pop('denominator', { count: 8 })],
        stratifier: [{ code: [{ text: 'age' }], stratum: [{ value: { text: 'x' }, population: [pop('numerator', { count: -2 })] }] }],
      });
      expect(run(report([r]), [M])).toEqual([
        'error measurereport-count-negative @MeasureReport.group[0].population[0].count',
        'error measurereport-count-negative @MeasureReport.group[0].stratifier[0].stratum[0].population[0].count',
      ]);
    });

    it('allows subjectResults only in a subject-list report, and expects counts in the others', () => {
      const withList = proportionResult({ population: [pop('initial-population', { count: 1, subjectResults: { reference: 'List/1' } }), pop('numerator', { count: 1 }), pop('denominator', { count: 1 })] });
      expect(run(report([withList]), [M])).toEqual(['error measurereport-subject-results @MeasureReport.group[0].population[0]']);
      expect(run(report([withList], { type: 'subject-list' }), [M])).toEqual([]);
      const noCount = proportionResult({ population: [pop('initial-population'), pop('numerator', { count: 1 }), pop('denominator', { count: 1 })] });
      expect(run(report([noCount]), [M])).toEqual(['warning measurereport-count-missing @MeasureReport.group[0].population[0]']);
      expect(run(report([noCount], { type: 'subject-list' }), [M])).toEqual([]);
    });
  });

  describe('measureScore by scoring', () => {
    it('has no score for a cohort measure, in groups or strata', () => {
      const m = measure('cohort', [{ population: [pop('initial-population')], stratifier: [{ code: { text: 's' } }] }]);
      const r = (score: Json | undefined, stratumScore?: Json): Json =>
        report([{ population: [pop('initial-population', { count: 2 })], ...(score ? { measureScore: score } : {}), stratifier: [{ code: [{ text: 's' }], stratum: [{ value: { text: 'v' }, ...(stratumScore ? { measureScore: stratumScore } : {}) }] }] }]);
      expect(run(r(undefined), [m])).toEqual([]);
      expect(run(r({ value: 2 }, { value: 1 }), [m])).toEqual([
        'error measurereport-score-not-allowed @MeasureReport.group[0].measureScore',
        'error measurereport-score-not-allowed @MeasureReport.group[0].stratifier[0].stratum[0].measureScore',
      ]);
    });

    it('requires a score with a value in a complete proportion, ratio or continuous-variable report', () => {
      expect(run(report([proportionResult({ measureScore: undefined })]), [M])).toEqual(['error measurereport-score-missing @MeasureReport.group[0]']);
      expect(run(report([proportionResult({ measureScore: undefined })], { status: 'pending' }), [M])).toEqual([]);
      expect(run(report([proportionResult({ measureScore: { unit: 'x' } })]), [M])).toEqual([
        'error measurereport-score-value @MeasureReport.group[0].measureScore',
        'error measurereport-score-proportion @MeasureReport.group[0].measureScore.unit',
      ]);
      const ratio = measure('ratio', [PROPORTION_GROUP]);
      expect(run(report([proportionResult({ measureScore: { value: 2.5 } })]), [ratio])).toEqual([]);
    });

    it('makes a proportion a unitless number from 0 to 1', () => {
      expect(run(report([proportionResult({ measureScore: { value: 1 } })]), [M])).toEqual([]);
      expect(run(report([proportionResult({ measureScore: { value: 1.5 } })]), [M])).toEqual(['error measurereport-score-proportion @MeasureReport.group[0].measureScore.value']);
      expect(run(report([proportionResult({ measureScore: { value: 0.5, unit: '%', system: 'http://unitsofmeasure.org', code: '%' } })]), [M])).toEqual([
        'error measurereport-score-proportion @MeasureReport.group[0].measureScore.unit',
        'error measurereport-score-proportion @MeasureReport.group[0].measureScore.system',
        'error measurereport-score-proportion @MeasureReport.group[0].measureScore.code',
      ]);
    });
  });

  describe('stratifiers', () => {
    it('matches stratifiers by code (or text), and asks a complete report for each', () => {
      const unknown = proportionResult({ stratifier: [{ code: [{ text: 'sex' }] }] });
      expect(run(report([unknown]), [M])).toEqual([
        'error measurereport-stratifier-unknown @MeasureReport.group[0].stratifier[0]',
        'error measurereport-stratifier-missing @MeasureReport.group[0]',
      ]);
      expect(run(report([proportionResult({ stratifier: [] })]), [M])).toEqual(['error measurereport-stratifier-missing @MeasureReport.group[0]']);
      expect(run(report([proportionResult({ stratifier: [{}] })]), [M])).toEqual([]);
      expect(run(report([proportionResult({ stratifier: [] })], { status: 'pending' }), [M])).toEqual([]);
    });

    it('warns about a stratum population that the Measure group does not have', () => {
      const r = proportionResult({ stratifier: [{ code: [{ text: 'age' }], stratum: [{ value: { text: 'x' }, population: [pop('denominator-exception', { count: 1 })] }] }] });
      expect(run(report([r]), [M])).toEqual(['warning measurereport-stratum-population-unknown @MeasureReport.group[0].stratifier[0].stratum[0].population[0]']);
    });
  });
});

describe('the engine runs the checks and finds the Measure', () => {
  const cohort = measure('cohort', [{ population: [pop('initial-population')] }]);
  const scored = report([{ population: [pop('initial-population', { count: 3 })], measureScore: { value: 3 } }]);
  const ids = (issues: { ruleId?: string; expression?: string }[]): string[] =>
    issues.filter((i) => i.ruleId?.startsWith('measure')).map((i) => `${i.ruleId} @${i.expression}`);

  it('contained (#id), in the same Bundle (by url), and loaded with --ig', async () => {
    const e = await engine({ barsDefaults: false });
    const contained = { ...scored, measure: '#m', contained: [{ ...cohort, id: 'm' }] };
    expect(ids((await e.validate(JSON.stringify(contained))).issues)).toEqual(['measurereport-score-not-allowed @MeasureReport.group[0].measureScore']);
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'http://example.org/fhir/Measure/m', resource: { ...cohort, id: 'm' } },
        { fullUrl: 'http://example.org/fhir/MeasureReport/r', resource: { ...scored, id: 'r' } },
      ],
    };
    expect(ids((await e.validate(JSON.stringify(bundle))).issues)).toEqual(['measurereport-score-not-allowed @Bundle.entry[1].resource.group[0].measureScore']);
    expect(ids((await e.validate(JSON.stringify(scored))).issues)).toEqual(['measurereport-measure-not-found @MeasureReport.measure']);

    const dir = mkdtempSync(join(tmpdir(), 'bars-measure-'));
    writeFileSync(join(dir, 'Measure-m.json'), JSON.stringify({ ...cohort, id: 'm' }));
    const withIg = await engine({ barsDefaults: false, igs: [dir] });
    expect(ids((await withIg.validate(JSON.stringify(scored))).issues)).toEqual(['measurereport-score-not-allowed @MeasureReport.group[0].measureScore']);
  }, 120_000);

  it('finds a contained Measure\'s library among its container\'s contained resources', async () => {
    const e = await engine({ barsDefaults: false });
    const lib = { resourceType: 'Library', id: 'lib', name: 'Lib', status: 'active', type: { text: 'logic' }, content: [{ contentType: 'text/cql', data: b64('define "Initial Population": true') }] };
    const m = { ...measure('cohort', [{ population: [pop('initial-population', { criteria: cql('Missing') })] }], { library: ['#lib'] }), id: 'm' };
    const r = { ...report([{ population: [pop('initial-population', { count: 3 })] }]), measure: '#m', contained: [m, lib] };
    expect(ids((await e.validate(JSON.stringify(r))).issues)).toEqual(['measure-criteria-cql-undefined @MeasureReport.contained[0].group[0].population[0].criteria']);
  }, 120_000);

  it('checks a Measure the engine validates', async () => {
    const e = await engine({ barsDefaults: false });
    const m = measure('cohort', [{ population: [pop('initial-population', { criteria: cql('Initial Population') })] }], { name: 'M' });
    expect(ids((await e.validate(JSON.stringify(m))).issues)).toEqual(['measure-criteria-no-library @Measure.group[0].population[0].criteria']);
  }, 120_000);
});
