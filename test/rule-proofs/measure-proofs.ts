/**
 * Rule proofs for Measure and MeasureReport, from measure.html and measurereport.html: each
 * report carries the Measure it names as a contained resource (`#m`), and each Measure its
 * Library (`#lib`), so the proofs need no package. See fhir-proofs.ts for the shape.
 */
import type { Json, RuleProof } from './fhir-proofs.js';

const POP = 'http://terminology.hl7.org/CodeSystem/measure-population';
const SCORING = 'http://terminology.hl7.org/CodeSystem/measure-scoring';
const cc = (system: string, code: string): Json => ({ coding: [{ system, code }] });
const pop = (code: string, extra: Json = {}): Json => ({ code: cc(POP, code), ...extra });
const cql = (expression: string): Json => ({ language: 'text/cql', expression });
/** A Measure population (criteria is 1..1). */
const mpop = (code: string): Json => pop(code, { criteria: { language: 'text/fhirpath', expression: 'true' } });

const CQL_SOURCE = "library Screening version '1.0.0'\ncontext Patient\ndefine \"Initial Population\": true\n";
const library: Json = {
  resourceType: 'Library',
  id: 'lib',
  name: 'Screening',
  status: 'active',
  type: cc('http://terminology.hl7.org/CodeSystem/library-type', 'logic-library'),
  content: [{ contentType: 'text/cql', data: Buffer.from(CQL_SOURCE, 'utf8').toString('base64') }],
};

/** A cohort Measure whose population criteria is `criteria`. */
const cohort = (criteria: Json, extra: Json = {}): Json => ({
  resourceType: 'Measure',
  name: 'Screening',
  status: 'active',
  scoring: cc(SCORING, 'cohort'),
  ...extra,
  group: [{ population: [pop('initial-population', { criteria })] }],
});
const withLibrary = (criteria: Json, extra: Json = {}): Json => cohort(criteria, { library: ['#lib'], contained: [library], ...extra });

const measure = (scoring: string, group: Json): Json => ({ resourceType: 'Measure', id: 'm', name: 'M', status: 'active', scoring: cc(SCORING, scoring), group: [group] });
const PROPORTION = measure('proportion', {
  code: { text: 'main' },
  population: [mpop('initial-population'), mpop('numerator'), mpop('denominator')],
  stratifier: [{ code: { text: 'age' }, criteria: { language: 'text/fhirpath', expression: 'Patient.birthDate' } }],
});
const COHORT = measure('cohort', { population: [mpop('initial-population')] });

const COUNTS = [pop('initial-population', { count: 10 }), pop('numerator', { count: 4 }), pop('denominator', { count: 8 })];
const STRATA = [{ code: [{ text: 'age' }], stratum: [{ value: { text: '0-9' }, population: [pop('numerator', { count: 1 })] }] }];
/** A complete summary report on `m` with one group. */
const report = (m: Json, group: Json, extra: Json = {}): Json => ({
  resourceType: 'MeasureReport',
  contained: [m],
  status: 'complete',
  type: 'summary',
  measure: '#m',
  period: { start: '2024-01-01', end: '2024-12-31' },
  ...extra,
  group: [group],
});
const proportion = (group: Json = {}, extra: Json = {}): Json => report(PROPORTION, { population: COUNTS, measureScore: { value: 0.5 }, stratifier: STRATA, ...group }, extra);

export const MEASURE_PROOFS: RuleProof[] = [
  // Measure
  { id: 'measure-population-not-allowed', why: 'a cohort measure has only an initial population', invalid: measure('cohort', { population: [mpop('initial-population'), mpop('numerator')] }), at: 'Measure.group[0].population[1].code', valid: measure('cohort', { population: [mpop('initial-population')] }) },
  { id: 'measure-population-missing', why: 'a proportion measure has initial population, numerator and denominator', invalid: measure('proportion', { population: [mpop('initial-population'), mpop('numerator')] }), at: 'Measure.group[0]', valid: PROPORTION },
  { id: 'measure-code-missing', why: 'a report names one of several populations by its code', invalid: measure('proportion', { population: [mpop('initial-population'), { criteria: { language: 'text/fhirpath', expression: 'true' } }, mpop('denominator')] }), at: 'Measure.group[0].population[1]', valid: PROPORTION },
  { id: 'measure-library-not-found', why: 'the library of a measure is there to check its CQL against', invalid: withLibrary(cql('"Initial Population"'), { library: ['http://example.org/fhir/Library/absent'] }), at: 'Measure.library[0]', valid: withLibrary(cql('"Initial Population"')) },
  { id: 'measure-criteria-no-library', why: 'CQL criteria name logic in the Measure library', invalid: cohort(cql('"Initial Population"')), at: 'Measure.group[0].population[0].criteria', valid: withLibrary(cql('"Initial Population"')) },
  { id: 'measure-criteria-cql-undefined', why: 'a CQL criteria names a definition of the library', invalid: withLibrary(cql('Screening.Denominator')), at: 'Measure.group[0].population[0].criteria', valid: withLibrary(cql('Screening."Initial Population"')) },
  { id: 'measure-criteria-cql-library-unknown', why: 'a qualified CQL criteria names one of the Measure libraries', invalid: withLibrary(cql('Other."Initial Population"')), at: 'Measure.group[0].population[0].criteria', valid: withLibrary(cql('Screening."Initial Population"')) },
  { id: 'measure-criteria-fhirpath', why: 'FHIRPath criteria are FHIRPath', invalid: cohort({ language: 'text/fhirpath', expression: 'Patient.active = ' }), at: 'Measure.group[0].population[0].criteria.expression', valid: cohort({ language: 'text/fhirpath', expression: 'Patient.active = true' }) },
  // MeasureReport against its Measure
  { id: 'measurereport-measure-not-found', why: 'a report is checked against the Measure it names', invalid: proportion({}, { measure: 'http://example.org/fhir/Measure/absent', contained: undefined }), at: 'MeasureReport.measure', valid: proportion() },
  { id: 'measurereport-scoring-unknown', why: 'the score is read by the scoring of the Measure', invalid: report({ ...COHORT, scoring: undefined }, { population: [pop('initial-population', { count: 1 })] }), at: 'MeasureReport.measure', valid: report(COHORT, { population: [pop('initial-population', { count: 1 })] }) },
  { id: 'measurereport-group-unknown', why: 'a report group is a group of the Measure', invalid: proportion({ code: { text: 'other' } }), at: 'MeasureReport.group[0]', valid: proportion() },
  { id: 'measurereport-group-missing', why: 'a complete report has each group of the Measure', invalid: report({ ...COHORT, group: [{ code: { text: 'a' }, population: [mpop('initial-population')] }, { code: { text: 'b' }, population: [mpop('initial-population')] }] }, { code: { text: 'a' }, population: [pop('initial-population', { count: 1 })] }), at: 'MeasureReport', valid: report({ ...COHORT, group: [{ code: { text: 'a' }, population: [mpop('initial-population')] }, { code: { text: 'b' }, population: [mpop('initial-population')] }] }, { code: { text: 'a' }, population: [pop('initial-population', { count: 1 })] }, { status: 'pending' }) },
  { id: 'measurereport-population-unknown', why: 'a report population is a population of the Measure group', invalid: proportion({ population: [...COUNTS, pop('denominator-exclusion', { count: 0 })] }), at: 'MeasureReport.group[0].population[3]', valid: proportion() },
  { id: 'measurereport-population-missing', why: 'a complete report has each population of the Measure group', invalid: proportion({ population: COUNTS.slice(0, 2) }), at: 'MeasureReport.group[0]', valid: proportion() },
  { id: 'measurereport-stratum-population-unknown', why: 'a stratum population is a population of the Measure group', invalid: proportion({ stratifier: [{ code: [{ text: 'age' }], stratum: [{ value: { text: '0-9' }, population: [pop('denominator-exception', { count: 1 })] }] }] }), at: 'MeasureReport.group[0].stratifier[0].stratum[0].population[0]', valid: proportion() },
  { id: 'measurereport-stratifier-unknown', why: 'a report stratifier is a stratifier of the Measure group', invalid: proportion({ stratifier: [...STRATA, { code: [{ text: 'sex' }] }] }), at: 'MeasureReport.group[0].stratifier[1]', valid: proportion() },
  { id: 'measurereport-stratifier-missing', why: 'a complete report has each stratifier of the Measure group', invalid: proportion({ stratifier: undefined }), at: 'MeasureReport.group[0]', valid: proportion() },
  { id: 'measurereport-count-negative', why: 'a count is a number of members', invalid: proportion({ population: [pop('initial-population', { count: -1 }), ...COUNTS.slice(1)] }), at: 'MeasureReport.group[0].population[0].count', valid: proportion() },
  { id: 'measurereport-count-missing', why: 'a summary report counts each population', invalid: proportion({ population: [pop('initial-population'), ...COUNTS.slice(1)] }), at: 'MeasureReport.group[0].population[0]', valid: proportion() },
  { id: 'measurereport-subject-results', why: 'only a subject-list report lists subjects', invalid: proportion({ population: [pop('initial-population', { count: 10, subjectResults: { reference: 'List/1' } }), ...COUNTS.slice(1)] }), at: 'MeasureReport.group[0].population[0]', valid: proportion({ population: [pop('initial-population', { count: 10, subjectResults: { reference: 'List/1' } }), ...COUNTS.slice(1)] }, { type: 'subject-list' }) },
  { id: 'measurereport-score-not-allowed', why: 'a cohort measure has no score', invalid: report(COHORT, { population: [pop('initial-population', { count: 1 })], measureScore: { value: 1 } }), at: 'MeasureReport.group[0].measureScore', valid: report(COHORT, { population: [pop('initial-population', { count: 1 })] }) },
  { id: 'measurereport-score-missing', why: 'a complete proportion report gives the score', invalid: proportion({ measureScore: undefined }), at: 'MeasureReport.group[0]', valid: proportion() },
  { id: 'measurereport-score-value', why: 'a measure score has a value', invalid: proportion({ measureScore: { comparator: '<' } }), at: 'MeasureReport.group[0].measureScore', valid: proportion() },
  { id: 'measurereport-score-proportion', why: 'a proportion is a number from 0 to 1', invalid: proportion({ measureScore: { value: 50 } }), at: 'MeasureReport.group[0].measureScore.value', valid: proportion() },
];
