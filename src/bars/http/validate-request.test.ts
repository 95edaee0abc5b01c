/**
 * One test per HTTP check (rules/http/http-rules.json): a request that is right in every other
 * way, broken in one place, raises that rule there, and the correct request raises nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { barsEngine } from '../../../test/support/engine.js';
import { HAS_CORPUS } from '../../../test/support/corpus.js';
import * as B from '../../../scripts/fixtures/http-builder.js';
import type { Engine } from '../../engine.js';
import type { ValidationIssue } from '../../model/issue.js';
import { validateRequest, type CheckedRequest } from './validate-request.js';

let engine: Engine;
beforeAll(async () => {
  engine = await barsEngine();
});

const SR = `${B.API_BASE}/ServiceRequest/c3f6145e-1a26-4345-b3f2-dccbcba62049`;
const PROCESS = `${B.API_BASE}/$process-message`;
const message = B.barsMessage('APP3-referral-request');
const bodyText = B.barsMessageText('APP3-referral-request');
const processHeaders = (o: B.HeaderOptions = {}): [string, string][] =>
  B.barsHeaders({ contentType: 'application/fhir+json', target: B.targetOf(message), useContext: B.useContextOf(message, 'referral'), ...o });

async function one(input: Parameters<typeof validateRequest>[1], options: Parameters<typeof validateRequest>[2] = {}): Promise<CheckedRequest> {
  const v = await validateRequest(engine.validate, input, { name: 'req.http', hasProfile: engine.hasProfile, ...options });
  expect(v.issues).toEqual([]);
  expect(v.requests).toHaveLength(1);
  return v.requests[0]!;
}
const get = (o: B.HeaderOptions = {}, url = SR): Promise<CheckedRequest> => one(B.rawHttp({ method: 'GET', url, headers: B.barsHeaders(o) }));
const post = (o: B.HeaderOptions = {}, body: string | undefined = bodyText): Promise<CheckedRequest> => one(B.rawHttp({ method: 'POST', url: PROCESS, headers: processHeaders(o), body }));
const errs = (issues: ValidationIssue[]): string[] => issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => i.ruleId);
const find = (r: CheckedRequest, rule: string, severity?: string): ValidationIssue => {
  const i = r.issues.find((x) => x.ruleId === rule && (!severity || x.severity === severity));
  expect(i, `${rule} ${severity ?? ''} in ${JSON.stringify(r.issues.map((x) => `${x.severity} ${x.ruleId} ${x.message}`), null, 1)}`).toBeDefined();
  return i!;
};

describe('a correct request', () => {
  it('GET with every header right: no issue but none', async () => {
    const r = await get();
    expect(r).toMatchObject({ operation: 'GET /ServiceRequest/{id}', valid: true });
    expect(r.issues.filter((i) => i.severity !== 'information')).toEqual([]);
  });

  it('POST $process-message with the APP3 referral: no HTTP issue, and the body validated as BaRS, located within the body', async () => {
    const r = await post();
    expect(r.issues.filter((i) => i.severity !== 'information')).toEqual([]);
    expect(r.body).toMatchObject({ name: 'req.http#body', start: { line: 14, column: 1 } });
    expect(errs(r.body!.result.issues)).toEqual([]);
    expect(r.body!.result.instance?.bars).toMatchObject({ application: 'APP3', payload: 'referral-request' });
    expect(r.valid).toBe(true);
  });
});

describe('path, method and parameters (BARS-HTTP-02…04)', () => {
  it('02: an unknown path names the endpoints there are', async () => {
    const r = await get({}, `${B.API_BASE}/Patient/9449306621`);
    expect(errs(r.issues)).toEqual(['BARS-HTTP-02']);
    expect(find(r, 'BARS-HTTP-02').message).toMatch(/is not a BaRS API endpoint\. The API has GET \/metadata, GET \/MessageDefinition, POST \/\$process-message/);
    expect(find(r, 'BARS-HTTP-02')).toMatchObject({ line: 1, column: 5, expression: 'request.url', bars: { spec: '#/paths' } });
  });

  it('02: on the NHS API host the path must be under the API base', async () => {
    const r = await get({}, 'https://int.api.service.nhs.uk/FHIR/R4/ServiceRequest/c3f6145e-1a26-4345-b3f2-dccbcba62049');
    expect(find(r, 'BARS-HTTP-02').message).toMatch(/not under the BaRS API base \/booking-and-referral\/FHIR\/R4/);
  });

  it('02: a wrongly cased path gets a "did you mean"', async () => {
    const r = await get({}, 'https://receiver.example.nhs.uk/fhir/servicerequest/c3f6145e-1a26-4345-b3f2-dccbcba62049');
    expect(find(r, 'BARS-HTTP-02').message).toMatch(/did you mean \/ServiceRequest\/\{id\}\?/);
  });

  it('02: a receiver-side URL (its own base) is matched by the endpoint at its end', async () => {
    const r = await get({}, 'https://receiver.example.nhs.uk/fhir/R4/ServiceRequest/c3f6145e-1a26-4345-b3f2-dccbcba62049');
    expect(r.operation).toBe('GET /ServiceRequest/{id}');
    expect(errs(r.issues)).toEqual([]);
  });

  it('03: a method the endpoint does not allow names the one it does', async () => {
    const r = await one(B.rawHttp({ method: 'GET', url: PROCESS, headers: B.barsHeaders() }));
    expect(errs(r.issues)).toEqual(['BARS-HTTP-03']);
    expect(find(r, 'BARS-HTTP-03').message).toBe('GET is not allowed on /$process-message: use POST. The API answers 405 SEND_METHOD_NOT_ALLOWED');
    const lower = await one(B.rawHttp({ method: 'get', url: SR, headers: B.barsHeaders() }));
    expect(find(lower, 'BARS-HTTP-03').message).toMatch(/must be written in capitals \("GET"\)/);
  });

  it('04: required query parameters, enumerations, time zones (and an unencoded +), NHS numbers, UUID ids', async () => {
    const slot = await get({}, `${B.API_BASE}/Slot?status=free,open&start=ge2022-03-01T12:00:00+00:00&start=le2022-03-01T13:00:00`);
    expect(slot.issues.filter((i) => i.ruleId === 'BARS-HTTP-04').map((i) => i.message)).toEqual([
      expect.stringMatching(/status=free,open: "open" is not allowed; the API specification allows free, busy/),
      expect.stringMatching(/"\+" of the time zone was sent unencoded.*%2B/),
      expect.stringMatching(/start=le2022-03-01T13:00:00 is not a date-time with a time zone/),
      expect.stringMatching(/query parameter _include is required on GET \/Slot/),
    ]);
    const appt = await get({}, `${B.API_BASE}/Appointment?patient:identifier=${encodeURIComponent('https://fhir.nhs.uk/Id/nhs-number|9449306622')}`);
    expect(find(appt, 'BARS-HTTP-04').message).toMatch(/Modulus 11/);
    const id = await get({}, `${B.API_BASE}/ServiceRequest/123`);
    expect(find(id, 'BARS-HTTP-04', 'warning').message).toMatch(/"123"\) is not a UUID/);
  });
});

describe('headers (BARS-HTTP-05…14)', () => {
  it('05: Content-Type must be a FHIR media type the endpoint takes, UTF-8, and match the body', async () => {
    expect(find(await post({ contentType: 'application/json' }), 'BARS-HTTP-05').message).toMatch(/"application\/json" is not a media type this endpoint accepts/);
    expect(find(await post({ contentType: 'application/fhir+json; charset=iso-8859-1' }), 'BARS-HTTP-05').message).toMatch(/must be UTF-8/);
    expect(find(await post({ contentType: undefined }), 'BARS-HTTP-05').message).toMatch(/Content-Type header is missing/);
    expect(find(await post({ contentType: 'application/fhir+json; fhirVersion=3.0' }), 'BARS-HTTP-05').message).toMatch(/BaRS is FHIR R4/);
    expect(errs((await post({ contentType: 'application/fhir+json; charset=UTF-8; fhirVersion=4.0' })).issues)).toEqual([]);
    const xml = await one(B.rawHttp({ method: 'POST', url: PROCESS, headers: processHeaders(), body: B.barsMessageText('APP3-referral-request', 'xml') }));
    expect(find(xml, 'BARS-HTTP-05').message).toMatch(/says application\/fhir\+json but the body is XML/);
    const xmlOk = await one(B.rawHttp({ method: 'POST', url: PROCESS, headers: processHeaders({ contentType: 'application/fhir+xml' }), body: B.barsMessageText('APP3-referral-request', 'xml') }));
    expect(errs(xmlOk.issues)).toEqual([]);
    expect(errs(xmlOk.body!.result.issues)).toEqual([]);
  });

  it('06: Accept must ask for a FHIR media type with the API version', async () => {
    expect(find(await get({ accept: 'application/json' }), 'BARS-HTTP-06', 'error').message).toMatch(/asks for nothing this endpoint returns/);
    expect(find(await get({ accept: undefined }), 'BARS-HTTP-06', 'error').message).toMatch(/Accept header is missing/);
    expect(find(await get({ accept: 'application/fhir+json' }), 'BARS-HTTP-06', 'warning').message).toMatch(/no version parameter/);
    expect(find(await get({ accept: 'application/fhir+json; version=one' }), 'BARS-HTTP-06', 'error').message).toMatch(/not a version number/);
    expect(find(await get({ accept: '*/*' }), 'BARS-HTTP-06', 'warning').message).toMatch(/names no FHIR media type/);
    expect(find(await get({ accept: 'application/fhir+json; version=1.0.0; charset=utf-16' }), 'BARS-HTTP-06', 'error').message).toMatch(/FHIR content is UTF-8/);
    expect(errs((await get({ accept: 'application/fhir+xml;q=0.9, application/fhir+json; version=1.2.0' })).issues)).toEqual([]);
  });

  it('07: X-Request-ID and X-Correlation-ID: present, once, UUIDs (with a hint for the usual slips)', async () => {
    const r = await get({ requestId: '{60c7b1a0-3d8e-4b0e-9c43-1a5e0b2f7d11}', correlationId: undefined });
    expect(r.issues.filter((i) => i.ruleId === 'BARS-HTTP-07').map((i) => [i.expression, i.line, i.message])).toEqual([
      ['header:X-Request-ID', 3, expect.stringMatching(/is not a UUID: remove the braces/)],
      ['header:X-Correlation-ID', 1, expect.stringMatching(/X-Correlation-ID header is missing/)],
    ]);
    expect(find(await get({ requestId: '{{X-Request-ID}}' }), 'BARS-HTTP-07').message).toMatch(/unresolved editor variable/);
    const twice = await one(B.rawHttp({ method: 'GET', url: SR, headers: [...B.barsHeaders(), ['X-Request-ID', 'c1ab3fba-6bae-4ba4-b257-5a87c44d4a91']] }));
    expect(find(twice, 'BARS-HTTP-07')).toMatchObject({ code: 'duplicate' });
  });

  it('08: NHSD-Target-Identifier is base64 JSON {value, system}, required except on /metadata', async () => {
    const raw = (v: string): Promise<CheckedRequest> => one(B.rawHttp({ method: 'GET', url: SR, headers: [...B.barsHeaders({ target: undefined }), ['NHSD-Target-Identifier', v]] }));
    expect(find(await raw('{"system":"https://fhir.nhs.uk/Id/dos-service-id","value":"1"}'), 'BARS-HTTP-08').message).toMatch(/JSON that was not base64-encoded/);
    expect(find(await raw(Buffer.from('{"value":"1>>>?","system":"https://x/y"}').toString('base64url')), 'BARS-HTTP-08').message).toMatch(/base64url/);
    expect(find(await raw(B.b64('hello')), 'BARS-HTTP-08').message).toMatch(/decodes to "hello", which is not JSON/);
    const shape = await raw(B.b64({ value: 2000072489, system: 'dos service' }));
    expect(shape.issues.filter((i) => i.ruleId === 'BARS-HTTP-08').map((i) => i.expression)).toEqual(['header:NHSD-Target-Identifier/value', 'header:NHSD-Target-Identifier/system']);
    expect(find(await raw(B.b64({ system: 'https://fhir.nhs.uk/Id/dos-service-id' })), 'BARS-HTTP-08').message).toMatch(/has no "value"/);
    const extra = await raw(B.b64({ value: '2000072489', system: 'https://fhir.nhs.uk/Id/dos-service-id', use: 'official' }));
    expect(errs(extra.issues)).toEqual([]);
    expect(find(extra, 'BARS-HTTP-08', 'warning').message).toMatch(/has "use" besides value and system/);
    const unpadded = await raw(B.b64({ value: '2000072489', system: 'https://fhir.nhs.uk/Id/dos-service-id' }).replace(/=+$/, ''));
    expect(find(unpadded, 'BARS-HTTP-08', 'warning').message).toMatch(/no '=' padding/);
    expect(find(await get({ target: undefined }), 'BARS-HTTP-08').message).toMatch(/NHSD-Target-Identifier header is missing/);
    const metadata = await get({ target: undefined }, `${B.API_BASE}/metadata`);
    expect(metadata.issues.filter((i) => i.ruleId === 'BARS-HTTP-08')).toEqual([]);
  });

  it('09: the target identifier must be a destination endpoint of the message', async () => {
    const r = await post({ target: { value: '2000099999', system: 'https://fhir.nhs.uk/Id/dos-service-id' } });
    expect(errs(r.issues)).toEqual(['BARS-HTTP-09']);
    expect(find(r, 'BARS-HTTP-09').message).toMatch(/routes to https:\/\/fhir\.nhs\.uk\/Id\/dos-service-id\|2000099999 but the message is addressed to https:\/\/fhir\.nhs\.uk\/Id\/dos-service-id\|2000072489/);
  });

  it('10: NHSD-End-User-Organisation: an Organization with ODS code and name, validated by the engine, located at the header', async () => {
    const r = await get({ organisation: { resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RYE' }], name: 'x', nmae: 'typo' } });
    const unknown = r.issues.find((i) => i.ruleId === 'unknown-element')!;
    expect(unknown).toMatchObject({ expression: 'header:NHSD-End-User-Organisation/Organization.nmae', line: 6, bars: { rule: 'BARS-HTTP-10' } });
    expect(unknown.message).toMatch(/^NHSD-End-User-Organisation: Unknown element "nmae"/);
    if (!HAS_CORPUS) expect(find(r, 'BARS-HTTP-10', 'information').message).toMatch(/UK Core is not loaded/);
    const noOds = await get({ organisation: { resourceType: 'Organization', name: 'Toolkit' } });
    expect(find(noOds, 'BARS-HTTP-10', 'error')).toMatchObject({ expression: 'header:NHSD-End-User-Organisation/Organization.identifier' });
    const wrapped = await get({ organisation: { requesting_organization: B.ORGANIZATION } });
    expect(errs(wrapped.issues)).toEqual([]);
    expect(find(wrapped, 'BARS-HTTP-10', 'warning').message).toMatch(/wraps the Organization in "requesting_organization"/);
    expect(find(await get({ organisation: B.b64({ resourceType: 'Patient' }) }), 'BARS-HTTP-10', 'error').message).toMatch(/carries a Patient: it must be a FHIR Organization/);
    expect(find(await get({ organisation: undefined }), 'BARS-HTTP-10', 'warning').message).toMatch(/header is missing/);
  });

  it.skipIf(!HAS_CORPUS)('10: with UK Core loaded, the Organization is validated against UKCore-Organization', async () => {
    // UK Core's odsOrganisationCode slice needs a value: base R4 does not
    const r = await get({ organisation: { resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code' }], name: 'x' } });
    const ukcore = r.issues.filter((i) => i.source?.startsWith('https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization'));
    expect(ukcore.map((i) => [i.ruleId, i.expression, i.line])).toEqual([['cardinality-min', 'header:NHSD-End-User-Organisation/Organization.identifier[0]', 6]]);
    expect(r.issues.some((i) => i.ruleId === 'BARS-HTTP-10' && /UK Core is not loaded/.test(i.message))).toBe(false);
  });

  it('11: NHSD-Requesting-Practitioner: a PractitionerRole with the SDS role profile id; optional', async () => {
    const noId = await get({ practitioner: { resourceType: 'PractitionerRole', code: B.PRACTITIONER_ROLE.code } });
    expect(find(noId, 'BARS-HTTP-11', 'error').message).toMatch(/no SDS role profile id/);
    const practitioner = await get({ practitioner: { resourceType: 'Practitioner', identifier: [{ system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: '1' }] } });
    expect(find(practitioner, 'BARS-HTTP-11', 'warning').message).toMatch(/carries a Practitioner; .* say a PractitionerRole/);
    expect(find(await get({ practitioner: undefined }), 'BARS-HTTP-11', 'information').message).toMatch(/optional/);
  });

  it('12: NHSD-Requesting-Software: a Device with identifier, name and version; the spec example\'s shape is explained', async () => {
    const spec = await get({ software: { resourceType: 'Device', identifier: [{ value: 'SUPP-APP-1' }], deviceName: { name: 'Supplier product name', type: 'manufacturer-name' }, version: { value: '1.0.0' } } });
    const arrays = spec.issues.filter((i) => i.ruleId === 'json-array-expected');
    expect(arrays.map((i) => i.expression)).toEqual(['header:NHSD-Requesting-Software/Device.deviceName', 'header:NHSD-Requesting-Software/Device.version']);
    expect(arrays[0]!.message).toMatch(/API specification's example sends deviceName and version as objects/);
    expect(arrays[0]!.bars?.rule).toBe('BARS-HTTP-12');
    const bare = await get({ software: { resourceType: 'Device' } });
    expect(bare.issues.filter((i) => i.ruleId === 'BARS-HTTP-12' && i.severity === 'error').map((i) => i.expression)).toEqual([
      'header:NHSD-Requesting-Software/Device.identifier',
      'header:NHSD-Requesting-Software/Device.deviceName',
      'header:NHSD-Requesting-Software/Device.version',
    ]);
  });

  it('13: Authorization: Bearer <token>, with usable characters', async () => {
    expect(find(await get({ authorization: undefined }), 'BARS-HTTP-13').message).toMatch(/Authorization header is missing.*401 SEND_UNAUTHORIZED/);
    expect(find(await get({ authorization: 'Basic dXNlcjpwYXNz' }), 'BARS-HTTP-13').message).toMatch(/"Basic" scheme/);
    expect(find(await get({ authorization: 'Bearer {{token}}' }), 'BARS-HTTP-13').message).toMatch(/unresolved editor variable/);
    expect(find(await get({ authorization: 'Bearer' }), 'BARS-HTTP-13').message).toMatch(/no token after it/);
  });

  it('13 + 15…17: a JWT bearer token reads like the client assertion: warned, and checked as one', async () => {
    const { privateKey } = await B.testKeyPair();
    const headers = B.barsHeaders({ authorization: `Bearer ${await B.clientAssertion(privateKey, { expIn: -30 })}` });
    const r = await one(B.rawHttp({ method: 'GET', url: SR, headers }), { now: new Date(B.SENT_AT) });
    expect(find(r, 'BARS-HTTP-13', 'warning').message).toMatch(/not the assertion itself/);
    expect(find(r, 'BARS-HTTP-16')).toMatchObject({ expression: 'header:Authorization/jwt.claims.exp', line: 9 });
    expect(find(r, 'BARS-HTTP-16').message).toMatch(/expired .* 30 s before/);
  });

  it('14: use-context on $process-message: present, four parts, agreeing with the body', async () => {
    expect(find(await post({ useContext: undefined }), 'BARS-HTTP-14', 'warning').message).toMatch(/use-context header is missing/);
    expect(find(await post({ useContext: 'a3t1|referral' }), 'BARS-HTTP-14', 'warning').message).toMatch(/four non-empty parts/);
    const mismatch = await post({ useContext: 'a3t9|referral|booking-request|update' });
    expect(mismatch.issues.filter((i) => i.ruleId === 'BARS-HTTP-14').map((i) => i.message)).toEqual([
      expect.stringMatching(/use case "a3t9" but the body's use case is "a3t1"/),
      expect.stringMatching(/event "booking-request" but .* "servicerequest-request"/),
      expect.stringMatching(/reason "update" but .* "new"/),
    ]);
    expect(errs(mismatch.issues)).toEqual([]);
  });
});

describe('a newer API specification', () => {
  it('a header it requires that no check knows is still required (presence)', async () => {
    const { deriveApiTable } = await import('./openapi.js');
    const api = deriveApiTable(
      "openapi: 3.0.0\ninfo: {title: T, version: '2.0.0'}\npaths:\n  /metadata:\n    get:\n      parameters:\n        - {name: NHSD-New-Header, in: header, required: true, schema: {type: string}}\n      responses: {'200': {description: ok}}\n",
      'new.yaml',
    );
    const r = await one(B.rawHttp({ method: 'GET', url: `${B.API_BASE}/metadata`, headers: B.barsHeaders() }), { api });
    expect(find(r, 'BARS-HTTP-04').message).toMatch(/NHSD-New-Header header is missing: the API specification requires it on GET \/metadata/);
  });
});

describe('the body (BARS-HTTP-19)', () => {
  it('$process-message needs a body, and a message Bundle in it', async () => {
    const none = await one(B.rawHttp({ method: 'POST', url: PROCESS, headers: processHeaders() }));
    expect(find(none, 'BARS-HTTP-19').message).toMatch(/needs a body \(a FHIR Bundle of type message\)/);
    const patient = await post({}, JSON.stringify(message.entry[1].resource, null, 2));
    const i = patient.body!.result.issues.find((x) => x.ruleId === 'BARS-HTTP-19')!;
    expect(i).toMatchObject({ severity: 'error', expression: 'Patient', line: 2 });
    expect(i.message).toMatch(/takes a FHIR Bundle of type message; this body is a Patient/);
    expect(patient.valid).toBe(false);
    const text = JSON.stringify({ ...message, type: 'collection' }, null, 2);
    const collection = await post({}, text);
    const line = text.split('\n').findIndex((l) => l.includes('"type": "collection"')) + 1;
    expect(collection.body!.result.issues.find((x) => x.ruleId === 'BARS-HTTP-19')).toMatchObject({ expression: 'Bundle.type', line });
  });

  it('a GET with a body is warned about, and the body is not validated', async () => {
    const r = await one(B.rawHttp({ method: 'GET', url: SR, headers: B.barsHeaders(), body: '{"resourceType": "Patient"}' }));
    expect(find(r, 'BARS-HTTP-19', 'warning').message).toMatch(/takes no body/);
    expect(r.body).toBeUndefined();
  });

  it('body issues keep their place within the body', async () => {
    const broken = bodyText.replace('"resourceType": "Patient",', '"resourceType": "Patient",\n  "nmae": "x",');
    const r = await post({}, broken);
    const i = r.body!.result.issues.find((x) => x.ruleId === 'unknown-element')!;
    expect(i.line).toBe(broken.slice(0, broken.indexOf('"nmae"')).split('\n').length);
  });
});

describe('the token request (BARS-HTTP-18) and the clock', () => {
  let key: Awaited<ReturnType<typeof B.testKeyPair>>;
  beforeAll(async () => {
    key = await B.testKeyPair();
  });
  const token = (assertion: string, headers: [string, string][] = [['Content-Type', 'application/x-www-form-urlencoded']], body?: string): string =>
    B.rawHttp({ method: 'POST', url: B.TOKEN_URL, headers, body: body ?? B.tokenRequestBody(assertion) });

  it('is a form with the client credentials grant and the assertion, whose aud is this token URL', async () => {
    const ok = await one(token(await B.clientAssertion(key.privateKey)), { now: new Date(B.SENT_AT) });
    expect(ok.operation).toBe('token request');
    expect(errs(ok.issues)).toEqual([]);
    const bad = await one(token('', [['Content-Type', 'application/json']], 'grant_type=password&client_assertion_type=jwt'), { now: new Date(B.SENT_AT) });
    expect(bad.issues.filter((i) => i.ruleId === 'BARS-HTTP-18').map((i) => i.expression)).toEqual(['header:Content-Type', 'body:grant_type', 'body:client_assertion_type', 'body:client_assertion']);
    const prod = await one(token(await B.clientAssertion(key.privateKey, { aud: 'https://api.service.nhs.uk/oauth2/token' })), { now: new Date(B.SENT_AT) });
    expect(find(prod, 'BARS-HTTP-16').expression).toBe('body:client_assertion/jwt.claims.aud');
  });

  it('token lifetimes are checked as of the Date header, a HAR entry\'s startedDateTime, or the time given', async () => {
    const assertion = await B.clientAssertion(key.privateKey);
    const dated = await one(token(assertion, [['Date', 'Mon, 05 Oct 2026 09:15:00 GMT'], ['Content-Type', 'application/x-www-form-urlencoded']]));
    expect(errs(dated.issues)).toEqual([]);
    const late = await one(token(assertion, [['Date', 'Mon, 05 Oct 2026 10:15:00 GMT'], ['Content-Type', 'application/x-www-form-urlencoded']]));
    expect(find(late, 'BARS-HTTP-16').message).toMatch(/before 2026-10-05T10:15:00\.000Z \(the request's Date header\)/);
    const har = JSON.stringify(B.har([{ request: { method: 'POST', url: B.TOKEN_URL, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: B.tokenRequestBody(assertion) }, startedDateTime: '2026-10-05T09:30:00.000Z' }]));
    expect(find((await validateRequest(engine.validate, har, { name: 'c.har', hasProfile: engine.hasProfile })).requests[0]!, 'BARS-HTTP-16').message).toMatch(/the HAR entry's startedDateTime/);
    expect(errs((await validateRequest(engine.validate, har, { name: 'c.har', hasProfile: engine.hasProfile, now: new Date(B.SENT_AT) })).requests[0]!.issues)).toEqual([]);
  });
});

describe('header resources validated once per content', () => {
  it('a repeated header resource is not validated again, and its issues are reported the same, at the header, each time', async () => {
    const calls: string[] = [];
    const counting = Object.create(engine) as Engine;
    counting.validate = (input, opts) => {
      calls.push(opts?.name ?? '');
      return engine.validate(input, opts);
    };
    // a distinct organisation for this test (nothing earlier kept it), with a misspelt member
    const organisation = { resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RYE' }], name: 'cached', nmea: 'typo' };
    const send = async (): Promise<CheckedRequest> => (await validateRequest(counting.validate, B.rawHttp({ method: 'GET', url: SR, headers: B.barsHeaders({ organisation }) }), { name: 'req.http' })).requests[0]!;
    const first = await send();
    const second = await send();
    const orgCalls = calls.filter((n) => /End-User-Organisation/i.test(n));
    expect(orgCalls).toHaveLength(1);
    const typo = (r: CheckedRequest): ValidationIssue[] => r.issues.filter((i) => i.expression?.includes('nmea'));
    expect(typo(first)).toHaveLength(1);
    expect(typo(second)).toEqual(typo(first));
    expect(typo(second)[0]).toMatchObject({ ruleId: expect.any(String), line: expect.any(Number) });
    // another engine does not share what this one found
    const other = Object.create(engine) as Engine;
    let otherCalls = 0;
    other.validate = (input, opts) => {
      otherCalls++;
      return engine.validate(input, opts);
    };
    await validateRequest(other.validate, B.rawHttp({ method: 'GET', url: SR, headers: B.barsHeaders({ organisation }) }), { name: 'req.http' });
    expect(otherCalls).toBeGreaterThan(0);
  });
});
