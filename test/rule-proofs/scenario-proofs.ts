/**
 * Rule proofs that need more than one input text: a request checked with the UK Core profiles or
 * with the sender's registered key, a receiver answering `bars probe`. Each scenario runs twice,
 * broken in one way and as the guide says it should be; the rule must be raised at `at` by the
 * first and not at all by the second. Checked by rule-proofs.test.ts.
 */
import type { RuleId } from '../../src/model/rules.js';
import type { ValidationIssue } from '../../src/model/issue.js';
import type { Validator } from '../../src/index.js';
import { validateRequest } from '../../src/bars/http/validate-request.js';
import { runProbe, type Suite } from '../../src/probe/probe.js';
import { validateInstance, type PluginContext } from '../../src/validate/run.js';
import { analyseMessage, IssueSink } from '../../src/bars/message.js';
import { applyNecessityRules } from '../../src/bars/necessity-check.js';
import { loadNecessityRules } from '../../src/bars/rules/necessity.js';
import { barsEngine, plainEngine } from '../support/engine.js';
import { at as atResource, load, res, type J } from '../support/bars-fixtures.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertion, REGISTERED_KEY, request, tokenRequest, OTHER_KEY } from './http-proofs.js';

/** A rule raised somewhere: `at` is its expression, or its line:column, or (probe) case and expression. */
export interface Found {
  ruleId: string;
  at: string;
}

export interface ScenarioProof {
  id: RuleId;
  why: string;
  at: string;
  /** Runs the scenario, `broken` or as it should be, and returns every rule it raised. */
  run(broken: boolean): Promise<Found[]>;
}

const found = (i: Pick<ValidationIssue, 'ruleId' | 'expression' | 'line' | 'column'>): Found => ({ ruleId: i.ruleId, at: i.expression ?? `${i.line}:${i.column}` });

// ---------------------------------------------------------------- the FHIR resources in headers (Authorisation page)

const base64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64');
const ODS = 'https://fhir.nhs.uk/Id/ods-organization-code';
const ORGANIZATION = { resourceType: 'Organization', identifier: [{ system: ODS, value: 'RCD' }], name: 'Leeds Teaching Hospitals' };
const PRACTITIONER_ROLE = {
  resourceType: 'PractitionerRole',
  identifier: [{ system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: '555021935107' }],
  code: [{ coding: [{ system: 'http://snomed.info/sct', code: '62247001', display: 'General practitioner' }] }],
};
const DEVICE = { resourceType: 'Device', identifier: [{ system: 'https://example.org/Id/device', value: 'bars-sender-01' }], deviceName: [{ name: 'Example Sender', type: 'manufacturer-name' }], version: [{ value: '2.4.1' }] };

/**
 * A header carrying a FHIR resource, checked with UK Core loaded (the BaRS engine: UK Core and
 * BaRS from ../shared/corpus), so its profile is the one the guide names.
 */
function headerResource(id: RuleId, why: string, header: string, resource: Record<string, unknown>, drop: string, at: string): ScenarioProof {
  return {
    id,
    why,
    at,
    async run(broken) {
      const sent = broken ? Object.fromEntries(Object.entries(resource).filter(([k]) => k !== drop)) : resource;
      // all three are sent (the API specification marks two of them required even on /metadata), this one changed
      const resources = { ...RESOURCE_HEADERS, [header]: sent };
      const lines = Object.entries(resources).map(([name, r]) => `${name}: ${base64(r)}`).join('\r\n');
      const e = await barsEngine();
      const r = await validateRequest(e.validate, request().replace(/\r\n\r\n$/, `\r\n${lines}\r\n\r\n`), { hasProfile: e.hasProfile });
      return [...r.issues, ...r.requests.flatMap((q) => q.issues)].map(found);
    },
  };
}

const RESOURCE_HEADERS: Record<string, unknown> = { 'NHSD-End-User-Organisation': ORGANIZATION, 'NHSD-Requesting-Practitioner': PRACTITIONER_ROLE, 'NHSD-Requesting-Software': DEVICE };

export const UKCORE_SCENARIO_PROOFS: ScenarioProof[] = [
  headerResource('BARS-HTTP-10', 'NHSD-End-User-Organisation is an Organization with the ODS code and the name', 'NHSD-End-User-Organisation', ORGANIZATION, 'name', 'header:NHSD-End-User-Organisation/Organization.name'),
  headerResource('BARS-HTTP-11', 'NHSD-Requesting-Practitioner is a PractitionerRole with the SDS role profile id', 'NHSD-Requesting-Practitioner', PRACTITIONER_ROLE, 'identifier', 'header:NHSD-Requesting-Practitioner/PractitionerRole.identifier'),
  headerResource('BARS-HTTP-12', 'NHSD-Requesting-Software is a Device with an identifier, the product name and its version', 'NHSD-Requesting-Software', DEVICE, 'version', 'header:NHSD-Requesting-Software/Device.version'),
];

// ---------------------------------------------------------------- the client assertion's signature (Sender page)

export const SCENARIO_PROOFS: ScenarioProof[] = [
  {
    id: 'BARS-HTTP-17',
    why: 'the client assertion is signed with the private key whose public key was registered',
    at: 'body:client_assertion/jwt.signature',
    async run(broken) {
      const jwt = assertion(broken ? { key: OTHER_KEY } : {});
      const e = await plainEngine();
      const r = await validateRequest(e.validate, tokenRequest(jwt), { hasProfile: e.hasProfile, keys: { publicKey: REGISTERED_KEY, source: 'the registered public key' } });
      // the check always says what it verified with (information); the rule is broken by an error
      return r.requests.flatMap((q) => q.issues).filter((i) => i.severity !== 'information').map(found);
    },
  },
  ...probeProofs(),
  ...runProofs(),
  mustNot(),
];

/**
 * The guide's Necessity column is RFC 2119 (FHIR Assets page: MUST, SHOULD, MAY, MUST NOT…), but
 * no published payload table has a MUST NOT row yet. The APP1 booking request table with its
 * Appointment.description row read as MUST NOT: a message that populates it breaks the row, one
 * without it does not.
 */
function mustNot(): ScenarioProof {
  return {
    id: 'bars-necessity-must-not',
    why: 'an element a payload table row marks MUST NOT is not populated',
    at: `${atResource(load('APP1-booking-request'), 'Appointment')}.description`,
    async run(broken) {
      const table = structuredClone(loadNecessityRules().find((t) => t.application === 'APP1' && t.payload === 'booking-request')!);
      const row = table.resources.flatMap((r) => r.rules).find((r) => r.path === 'Appointment.description')!;
      row.necessity = 'MUST NOT';
      const bundle = load('APP1-booking-request');
      const appointment = res(bundle, 'Appointment');
      if (!broken) delete appointment.description;
      const sink = new IssueSink({ resource: bundle, positionOf: () => undefined } as unknown as PluginContext, { application: 'APP1', payload: 'booking-request' });
      applyNecessityRules(analyseMessage(bundle), table, (await plainEngine()).validator.compiler, sink);
      return sink.issues.map(found);
    },
  };
}

// ---------------------------------------------------------------- reading and running (formats.html, json.html)

function runProofs(): ScenarioProof[] {
  // 'René' with é as UTF-8 (C3 A9) or as Windows-1252 (E9), the 23rd character of line 2: FHIR JSON is UTF-8
  const patientBytes = (e: number[]): Uint8Array => new Uint8Array([...Buffer.from('{"resourceType":"Patient",\n"name":[{"family":"Ren'), ...e, ...Buffer.from('"}]}')]);
  // each unknown element is an error of its own
  const patientWith = (unknown: number): string => JSON.stringify({ resourceType: 'Patient', ...Object.fromEntries(Array.from({ length: unknown }, (_, i) => [`notAnElement${i}`, true])) });
  return [
    {
      id: 'encoding-utf8',
      why: 'FHIR JSON is UTF-8: a Windows-1252 byte is located where it is',
      at: '2:23',
      async run(broken) {
        return (await (await plainEngine()).validate(patientBytes(broken ? [0xe9] : [0xc3, 0xa9]))).issues.map(found);
      },
    },
    {
      id: 'input-too-large',
      why: 'an input larger than the size limit is refused, not read',
      at: '1:1',
      async run(broken) {
        const text = patientWith(0);
        const r = await validateInstance((await plainEngine()).validator, { bytes: Buffer.from(text) }, { maxBytes: broken ? text.length - 1 : text.length });
        return r.issues.map(found);
      },
    },
    {
      id: 'issues-truncated',
      why: 'more issues than the limit: said at the resource, the rest not listed',
      at: 'Patient',
      async run(broken) {
        const r = await validateInstance((await plainEngine()).validator, { text: patientWith(broken ? 4 : 3) }, { maxIssues: 3 });
        return r.issues.map(found);
      },
    },
  ];
}

// ---------------------------------------------------------------- bars probe: what a receiver answers

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * `bars probe` against a receiver that answers as the guide says (`broken` false) or with `fault`
 * applied to each answer. The receiver is a fetch function: no socket is opened.
 */
function probe(id: RuleId, why: string, suite: Suite, at: string, good: (sent: Headers) => Answer, fault: (a: Answer) => Answer | Error): ScenarioProof {
  return {
    id,
    why,
    at,
    async run(broken) {
      const receiver = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
        const answer = good(new Headers(init?.headers));
        const a = broken ? fault(answer) : answer;
        if (a instanceof Error) throw a;
        return new Response(a.body, { status: a.status, headers: a.headers });
      };
      const validator = (await plainEngine()) as unknown as Validator;
      const { result } = await runProbe({ baseUrl: 'https://receiver.example/booking-and-referral/FHIR/R4', suites: [suite], validator, fetchImpl: receiver as typeof fetch });
      // the probe's own checks are on the request part; the response body's validation is a file of its own
      return result.results
        .filter((r) => !r.file.endsWith('#response'))
        .flatMap((r) => r.issues.map((i) => ({ ruleId: i.ruleId, at: `${r.file.split(':')[0]}${i.expression ? ` ${i.expression}` : ''}` })));
    },
  };
}

function probeProofs(): ScenarioProof[] {
  const echo = (sent: Headers): Record<string, string> => ({ 'Content-Type': 'application/fhir+json', 'X-Request-ID': sent.get('X-Request-ID') ?? '', 'X-Correlation-ID': sent.get('X-Correlation-ID') ?? '' });
  const capability = (sent: Headers): Answer => ({
    status: 200,
    headers: echo(sent),
    body: JSON.stringify({ resourceType: 'CapabilityStatement', status: 'active', date: '2026-10-05', kind: 'instance', fhirVersion: '4.0.1', format: ['application/fhir+json'], implementation: { description: 'Example receiver' } }),
  });
  // a receiver refusing a request it cannot process (Receiver Responsibilities: REC_ codes, with diagnostics)
  const refusal = (sent: Headers): Answer => ({
    status: 400,
    headers: echo(sent),
    body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/http-error-codes', code: 'REC_BAD_REQUEST', display: '400: The Receiver has deemed the request invalid.' }] }, diagnostics: 'The message is not a valid BaRS message' }] }),
  });
  const withoutHeader = (name: string) => (a: Answer): Answer => ({ ...a, headers: Object.fromEntries(Object.entries(a.headers).filter(([k]) => k !== name)) });
  return [
    probe('BARS-PROBE-01', 'GET /metadata answers 200 with the CapabilityStatement', 'metadata', 'metadata response.status', capability, (a) => ({ ...a, status: 201 })),
    probe('BARS-PROBE-02', 'the receiver echoes X-Correlation-ID in its response', 'metadata', 'metadata response.header:X-Correlation-ID', capability, withoutHeader('X-Correlation-ID')),
    probe('BARS-PROBE-03', 'the response is the FHIR media type asked for', 'metadata', 'metadata response.header:Content-Type', capability, (a) => ({ ...a, headers: { ...a.headers, 'Content-Type': 'application/json' } })),
    probe('BARS-PROBE-04', 'GET /metadata returns a CapabilityStatement', 'metadata', 'metadata response.body.resourceType', capability, (a) => ({ ...a, body: JSON.stringify({ resourceType: 'Bundle', type: 'searchset' }) })),
    probe('BARS-PROBE-05', 'an error answer carries an http-error-codes code', 'errors', 'error-not-a-message response.body.issue[0].details', refusal, (a) => ({ ...a, body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'The message is not a valid BaRS message' }] }) })),
    probe('BARS-PROBE-06', 'the receiver can be reached', 'metadata', 'metadata', capability, () => new TypeError('fetch failed: connect ECONNREFUSED')),
  ];
}

// ---------------------------------------------------------------- a receiver's own MessageDefinition (Content Negotiation)

const RECEIVER_DEFINITION = 'https://receiver.example/MessageDefinition/referral-request';
const RECEIVER_PATIENT = 'https://receiver.example/StructureDefinition/receiver-patient';
const RECEIVER_MEDICATION = 'https://receiver.example/StructureDefinition/receiver-medication';
const UKCORE_PATIENT = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient';

/**
 * The receiver's MessageDefinition for an APP3 referral (given with --message-definition): the
 * fixture's resources, a Patient of either of two profiles, a Medication of a profile nobody has
 * loaded, and the response it may answer with.
 */
function receiverDefinition(): string {
  const referral = load('APP3-referral-request');
  const types = [...new Set((referral.entry as J[]).map((e) => String(e.resource.resourceType)))].filter((t) => t !== 'MessageHeader' && t !== 'Patient');
  const md = {
    resourceType: 'MessageDefinition',
    url: RECEIVER_DEFINITION,
    version: String(referral.meta.versionId),
    status: 'active',
    date: '2026-10-01',
    eventCoding: res(referral, 'MessageHeader').eventCoding,
    focus: [
      ...types.map((code) => ({ code, min: 0, max: '*' })),
      { code: 'Patient', profile: UKCORE_PATIENT, min: 0, max: '1' },
      { code: 'Patient', profile: RECEIVER_PATIENT, min: 0, max: '1' },
      { code: 'Medication', profile: RECEIVER_MEDICATION, min: 0, max: '1' },
    ],
    allowedResponse: [{ message: 'https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-response-referral', situation: 'The referral is accepted or rejected' }],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'bars-rule-proofs-md-')), 'MessageDefinition-receiver.json');
  writeFileSync(file, JSON.stringify(md));
  return file;
}
let receiverFile: string | undefined;
/** The BaRS engine with the receiver's definition: one for these proofs. */
const receiverEngine = async () => barsEngine([(receiverFile ??= receiverDefinition())]);

/** An APP3 referral addressed to the receiver's definition, then `change`d. */
function toReceiver(change: (b: J) => void = () => undefined): J {
  const b = load('APP3-referral-request');
  res(b, 'MessageHeader').definition = RECEIVER_DEFINITION;
  change(b);
  return b;
}
const MEDICATION_ID = '7d2c1e0f-3a4b-4c5d-8e6f-9a0b1c2d3e4f';
const addMedication = (profile?: string) => (b: J): void => {
  b.entry.push({ fullUrl: `urn:uuid:${MEDICATION_ID}`, resource: { resourceType: 'Medication', id: MEDICATION_ID, meta: { lastUpdated: '2026-10-05T09:15:00+00:00', ...(profile ? { profile: [profile] } : {}) } } });
};

function receiverProof(id: RuleId, why: string, at: string, broken: J, fixed: J): ScenarioProof {
  return {
    id,
    why,
    at,
    async run(isBroken) {
      return (await (await receiverEngine()).validate(JSON.stringify(isBroken ? broken : fixed))).issues.map(found);
    },
  };
}

export const RECEIVER_SCENARIO_PROOFS: ScenarioProof[] = [
  (() => {
    const unclaimed = toReceiver((b) => delete res(b, 'Patient').meta.profile);
    return receiverProof('bars-md-focus-profile-ambiguous', 'a focus of a type the definition allows in two profiles says in meta.profile which one it is', atResource(unclaimed, 'Patient'), unclaimed, toReceiver());
  })(),
  (() => {
    const unclaimed = toReceiver(addMedication());
    return receiverProof('bars-md-focus-profile-unknown', 'the profile the definition requires of a focus is loaded, or the focus cannot be checked against it', atResource(unclaimed, 'Medication'), unclaimed, toReceiver(addMedication(RECEIVER_MEDICATION)));
  })(),
  receiverProof('bars-md-allowed-response', "the receiver's definition names the responses it may answer with (the published one names none)", 'Bundle', toReceiver(), load('APP3-referral-request')),
];
