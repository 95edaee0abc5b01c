/**
 * npm run build:http-fixtures — writes fixtures/http/: BaRS HTTP requests (raw HTTP, HAR and
 * JSON forms) around the team's BaRS fixture messages (fixtures/bars/valid/), valid ones and
 * deliberately broken ones, each pinned in test/http-fixtures.test.ts to the rules it breaks.
 *
 * Token requests carry JWTs signed with a key pair made here: its public half is written as
 * fixtures/http/test-signing.jwks (TEST ONLY), its private half is never written anywhere.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as B from './fixtures/http-builder.js';

const root = join(B.FIXTURES, 'http');
rmSync(root, { recursive: true, force: true });
mkdirSync(join(root, 'valid'), { recursive: true });
mkdirSync(join(root, 'invalid'), { recursive: true });
const write = (folder: string, name: string, text: string): void => writeFileSync(join(root, folder, name), text);
const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';

const DATE = 'Mon, 05 Oct 2026 09:15:00 GMT';
const PROCESS = `${B.API_BASE}/$process-message`;
const SR = `${B.API_BASE}/ServiceRequest/c3f6145e-1a26-4345-b3f2-dccbcba62049`;

/** A $process-message request for one of the team's messages, with every header right. */
function processMessage(name: string, workflow: string, o: B.HeaderOptions = {}, ext: 'json' | 'xml' = 'json'): B.Req {
  const m = B.barsMessage(name);
  return {
    method: 'POST',
    url: PROCESS,
    headers: B.barsHeaders({ contentType: `application/fhir+${ext}`, target: B.targetOf(m), useContext: B.useContextOf(m, workflow), ...o }),
    body: B.barsMessageText(name, ext),
  };
}

// ---------------------------------------------------------------- valid

write('valid', 'APP3-referral-request.http', B.rawHttp(processMessage('APP3-referral-request', 'referral')));
write('valid', 'APP3-referral-request-xml.http', B.rawHttp(processMessage('APP3-referral-request', 'referral', { accept: 'application/fhir+xml; version=1.0.0' }, 'xml'), { origin: true }));

// a browser capture: find slots, then book one
const booking = B.barsMessage('APP1-booking-request');
write(
  'valid',
  'APP1-slots-then-booking.har',
  json(
    B.har([
      {
        startedDateTime: '2026-10-05T09:14:30.000Z',
        request: {
          method: 'GET',
          url: `${B.API_BASE}/Slot?status=free&start=${encodeURIComponent('ge2026-10-05T09:00:00+00:00')}&start=${encodeURIComponent('le2026-10-05T17:00:00+00:00')}&_include=Slot:schedule&_include=Schedule:actor:HealthcareService`,
          headers: B.barsHeaders({ target: B.targetOf(booking), requestId: '7b0c3e2a-5d4f-4e6a-8b9c-1d2e3f4a5b6c' }),
        },
      },
      { request: processMessage('APP1-booking-request', 'booking') },
    ]),
  ),
);

// JSON form: headers as an object, the body inline as JSON
{
  const m = B.barsMessage('APP5-referral-request');
  const req = processMessage('APP5-referral-request', 'referral');
  write('valid', 'APP5-referral-request.request.json', json({ method: req.method, url: req.url, headers: Object.fromEntries(req.headers), body: m }));
}
// JSON form: headers as a list, no body
write(
  'valid',
  'get-message-definition.request.json',
  json({
    method: 'GET',
    url: `${B.API_BASE}/MessageDefinition?context=${encodeURIComponent('https://fhir.nhs.uk/Id/dos-service-id|2000072489')}`,
    headers: B.barsHeaders().map(([name, value]) => ({ name, value })),
  }),
);

// the token request, with a JWT signed by a test-only key
const key = await B.testKeyPair();
writeFileSync(join(root, 'test-signing.jwks'), json({ $comment: 'TEST ONLY: the public key of the JWTs in fixtures/http, made by npm run build:http-fixtures; its private key was never stored', keys: [key.publicJwk] }));
const tokenRequest = (assertion: string, headers: [string, string][] = [['Content-Type', 'application/x-www-form-urlencoded']]): string =>
  B.rawHttp({ method: 'POST', url: B.TOKEN_URL, headers: [['Date', DATE], ...headers], body: B.tokenRequestBody(assertion) });
write('valid', 'token-request.http', tokenRequest(await B.clientAssertion(key.privateKey)));

// ---------------------------------------------------------------- invalid: one rule each

const get = (o: B.HeaderOptions = {}): string => B.rawHttp({ method: 'GET', url: SR, headers: B.barsHeaders(o) });
write('invalid', 'malformed-request-line.http', `POST/$process-message HTTP/1.1\nContent-Type: application/fhir+json\n\n{}\n`);
write('invalid', 'har-without-entries.har', json({ log: { version: '1.2', creator: { name: 'bars-toolkit fixtures', version: '1.0' } } }));
write('invalid', 'unknown-path.http', B.rawHttp({ method: 'GET', url: `${B.API_BASE}/Patient/9449306621`, headers: B.barsHeaders() }));
write('invalid', 'wrong-method.http', B.rawHttp({ method: 'GET', url: PROCESS, headers: B.barsHeaders() }));
write('invalid', 'slot-bad-query.http', B.rawHttp({ method: 'GET', url: `${B.API_BASE}/Slot?status=open&start=2026-10-05T09:00:00&_include=Slot:schedule`, headers: B.barsHeaders() }));
write('invalid', 'content-type-json.http', B.rawHttp(processMessage('APP3-referral-request', 'referral', { contentType: 'application/json' })));
write('invalid', 'accept-json.http', get({ accept: 'application/json' }));
write('invalid', 'request-id-not-uuid.http', get({ requestId: '{{X-Request-ID}}' }));
write('invalid', 'target-identifier-not-base64.http', get({ target: undefined }).replace('Accept:', `NHSD-Target-Identifier: {"system": "https://fhir.nhs.uk/Id/dos-service-id", "value": "2000072489"}\nAccept:`));
write('invalid', 'target-identifier-mismatch.http', B.rawHttp(processMessage('APP3-referral-request', 'referral', { target: { value: '2000099999', system: 'https://fhir.nhs.uk/Id/dos-service-id' } })));
write('invalid', 'organisation-invalid.http', get({ organisation: { resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code' }], nmae: 'Toolkit Ambulance Service' } }));
write('invalid', 'practitioner-no-role-id.http', get({ practitioner: { resourceType: 'PractitionerRole', identifier: [{ system: 'https://fhir.nhs.uk/Id/sds-user-id', value: '555021935107' }] } }));
// the Device exactly as the API specification's example sends it (deviceName and version as objects)
write('invalid', 'software-spec-example.http', get({ software: B.b64({ resourceType: 'Device', identifier: [{ system: 'https://consumersupplier.com/Id/device-identifier', value: 'SUPP-APP-1' }], deviceName: { name: 'Supplier product name', type: 'manufacturer-name' }, version: { value: '1.0.0' } }) }));
write('invalid', 'no-authorization.http', get({ authorization: undefined }));
write('invalid', 'body-not-message.http', B.rawHttp({ method: 'POST', url: PROCESS, headers: B.barsHeaders({ contentType: 'application/fhir+json', useContext: 'a3t1|referral|servicerequest-request|new' }), body: json(B.barsMessage('APP3-referral-request').entry[1].resource) }));
{
  // the body breaks a BaRS rule (an NHS number failing Modulus 11): reported in the body's result
  const m = B.barsMessage('APP3-referral-request');
  m.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient').resource.identifier[0].value = '9449306622';
  const req = processMessage('APP3-referral-request', 'referral');
  write('invalid', 'body-bad-nhs-number.request.json', json({ method: req.method, url: req.url, headers: req.headers.map(([name, value]) => ({ name, value })), body: m }));
}
write('invalid', 'token-rs256.http', tokenRequest(await B.clientAssertion((await (await import('jose')).generateKeyPair('RS256')).privateKey, { alg: 'RS256' })));
write('invalid', 'token-expired.http', tokenRequest(await B.clientAssertion(key.privateKey, { expIn: -60 })));
write('invalid', 'token-bad-signature.http', tokenRequest(await B.clientAssertion((await B.testKeyPair()).privateKey)));
write('invalid', 'token-not-form.http', tokenRequest(await B.clientAssertion(key.privateKey), [['Content-Type', 'application/json']]).replace('grant_type=client_credentials', 'grant_type=password'));

console.log('fixtures/http written');
