/**
 * Bundle.signature checks that need no network (signatures.html, datatypes.html#Signature): the
 * data is the JWS its sigFormat claims, it verifies with the key in its own header, and an
 * attached payload is this Bundle. Every JWS here is built by the test with its own keys.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';
import { firstDifference } from './signature.js';

// a throwaway P-256 key and self-signed certificate made for this test (openssl req -x509), signing nothing real
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0dLIRt3jZYjnjLBO
9rMHJrm/xlkOIKxcTK80y9rkz1GhRANCAARnMP91ONlWT5MJdlrFca9XJYFYdMdo
OBveV+P343Hm+pxFS2TglUa0ipX1RSvAVUO0EDijykC0EQsG04dWh148
-----END PRIVATE KEY-----`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBnTCCAUOgAwIBAgIUCWUaM2b3LxzOkPWjaeqI5WdiGc0wCgYIKoZIzj0EAwIw
IzEhMB8GA1UEAwwYYmFycy10b29sa2l0IHRlc3Qgc2lnbmVyMCAXDTI2MTIwMzE4
MTYzOVoYDzIxMjYxMTA5MTgxNjM5WjAjMSEwHwYDVQQDDBhiYXJzLXRvb2xraXQg
dGVzdCBzaWduZXIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARnMP91ONlWT5MJ
dlrFca9XJYFYdMdoOBveV+P343Hm+pxFS2TglUa0ipX1RSvAVUO0EDijykC0EQsG
04dWh148o1MwUTAdBgNVHQ4EFgQUjbanh6+j8jQyo6gCCgh5WU7WiHwwHwYDVR0j
BBgwFoAUjbanh6+j8jQyo6gCCgh5WU7WiHwwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNIADBFAiEAgwVGE4H5JeIaNAbpBFGoAnafWEgLhnJ9sjIh7csStlcC
IG7RrIDJ50qmV+9wl95oJh7N2cwgDnSETNIFPioo5QDe
-----END CERTIFICATE-----`;

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A compact JWS of `payload`, with the given header members, signed by `key` with `alg`. */
function jws(payload: string, alg: 'RS256' | 'ES256', key: KeyObject, header: Record<string, unknown>): string {
  const input = `${b64url(JSON.stringify({ alg, ...header }))}.${b64url(payload)}`;
  const signature = alg === 'ES256' ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', Buffer.from(input), key);
  return `${input}.${b64url(signature)}`;
}

const content = {
  resourceType: 'Bundle',
  type: 'collection',
  timestamp: '2024-05-01T10:00:00Z',
  entry: [{ fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001', resource: { resourceType: 'Patient', active: true } }],
};
const canonical = (o: unknown): string => JSON.stringify(o, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
const signature = (data: string, sigFormat = 'application/jose') => ({
  type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }],
  when: '2024-05-01T10:00:00Z',
  who: { display: 'Dr Signer' },
  sigFormat,
  data: Buffer.from(data).toString('base64'),
});
const signed = (data: string, extra: Record<string, unknown> = {}, sigFormat?: string) => JSON.stringify({ ...content, id: 'b1', ...extra, signature: signature(data, sigFormat) });

async function findings(json: string): Promise<[string, string | undefined][]> {
  const r = await (await plainEngine()).validate(json);
  return r.issues.filter((i) => i.ruleId.startsWith('signature-')).map((i) => [i.ruleId, i.expression]);
}

describe('Bundle.signature as a JWS', () => {
  const rsaJwk = rsa.publicKey.export({ format: 'jwk' });
  it('a JWS of this Bundle that verifies with its header key (jwk, or x5c certificate) is accepted', async () => {
    expect(await findings(signed(jws(canonical(content), 'RS256', rsa.privateKey, { jwk: rsaJwk })))).toEqual([]);
    const x5c = [TEST_CERT.replace(/-----[A-Z ]+-----|\s/g, '')];
    expect(await findings(signed(jws(canonical(content), 'ES256', createPrivateKey(TEST_KEY), { x5c })))).toEqual([]);
  });
  it('Bundle.id and Bundle.meta are not covered by the signature', async () => {
    expect(await findings(signed(jws(canonical(content), 'RS256', rsa.privateKey, { jwk: rsaJwk }), { meta: { versionId: '2' } }))).toEqual([]);
  });
  it('id and meta are ignored on the signed side too; payloads that are not a Bundle, or canonical forms that leave content out, are not compared', async () => {
    const key = { jwk: rsaJwk };
    expect(await findings(signed(jws(canonical({ ...content, id: 'old', meta: { versionId: '1' } }), 'RS256', rsa.privateKey, key)))).toEqual([]);
    expect(await findings(signed(jws(canonical({ iss: 'x', hash: 'abc' }), 'RS256', rsa.privateKey, key)))).toEqual([]);
    const changed = canonical({ ...content, timestamp: '2024-05-02T10:00:00Z' });
    const withTarget = (t: string) => JSON.stringify({ ...content, id: 'b1', signature: { ...signature(jws(changed, 'RS256', rsa.privateKey, key)), targetFormat: t } });
    expect(await findings(withTarget('application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#data'))).toEqual([]);
    expect(await findings(withTarget('application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document'))).toEqual([['signature-content-mismatch', 'Bundle']]);
  });
  it('a Bundle changed after signing: the payload is not this Bundle', async () => {
    const changed = { ...content, timestamp: '2024-05-02T10:00:00Z' };
    expect(await findings(signed(jws(canonical(changed), 'RS256', rsa.privateKey, { jwk: rsaJwk })))).toEqual([['signature-content-mismatch', 'Bundle']]);
  });
  it('a signature that does not verify with the key in its header', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await findings(signed(jws(canonical(content), 'RS256', other.privateKey, { jwk: rsaJwk })))).toEqual([['signature-not-verified', 'Bundle']]);
    const x5c = [TEST_CERT.replace(/-----[A-Z ]+-----|\s/g, '')];
    const tampered = jws(canonical(content), 'ES256', createPrivateKey(TEST_KEY), { x5c }).replace(/\.[^.]+$/, (s) => s.slice(0, -4) + (s.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    expect(await findings(signed(tampered))).toEqual([['signature-not-verified', 'Bundle']]);
  });
  it('data that is not a JWS although sigFormat says application/jose', async () => {
    expect(await findings(signed('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>'))).toEqual([['signature-format', 'Bundle']]);
    expect(await findings(signed(`${b64url('not json')}.${b64url('{}')}.${b64url('x')}`))).toEqual([['signature-format', 'Bundle']]);
  });
  it('a JWS without a key in its header, or a detached payload, cannot be verified offline: nothing is said', async () => {
    expect(await findings(signed(jws(canonical(content), 'RS256', rsa.privateKey, {})))).toEqual([]);
    const detached = jws(canonical(content), 'RS256', rsa.privateKey, { jwk: rsaJwk }).replace(/\.[^.]*\./, '..');
    expect(await findings(signed(detached))).toEqual([]);
  });
  it('other signature formats (XML-DSig) are left alone', async () => {
    expect(await findings(signed('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>', {}, 'application/signature+xml'))).toEqual([]);
  });
  it('the JWS JSON serialization (application/jose+json) is read too', async () => {
    const [h, p, s] = jws(canonical(content), 'RS256', rsa.privateKey, { jwk: rsaJwk }).split('.');
    expect(await findings(signed(JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] }), {}, 'application/jose+json'))).toEqual([]);
    expect(await findings(signed(JSON.stringify({ payload: p, protected: h, signature: b64url('forged') }), {}, 'application/jose+json'))).toEqual([['signature-not-verified', 'Bundle']]);
  });
});

describe('other Signature elements (Provenance.signature)', () => {
  const provenance = (data: string) =>
    JSON.stringify({ resourceType: 'Provenance', target: [{ display: 'x' }], recorded: '2024-05-01T10:00:00Z', agent: [{ who: { display: 'y' } }], signature: [signature(data)] });
  it('the data is the JWS sigFormat claims, and verifies with its header key; reported on the signature', async () => {
    const rsaJwk = rsa.publicKey.export({ format: 'jwk' });
    expect(await findings(provenance(jws('{"any":"content"}', 'RS256', rsa.privateKey, { jwk: rsaJwk })))).toEqual([]);
    expect(await findings(provenance('not a JWS'))).toEqual([['signature-format', 'Provenance.signature[0]']]);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await findings(provenance(jws('{"any":"content"}', 'RS256', other.privateKey, { jwk: rsaJwk })))).toEqual([['signature-not-verified', 'Provenance.signature[0]']]);
  });
});

describe('firstDifference', () => {
  it('ignores member order, not array order, and names the first difference', () => {
    expect(firstDifference({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, '$')).toBeUndefined();
    expect(firstDifference({ a: [1, 2] }, { a: [2, 1] }, '$')).toContain('$.a[0]');
    expect(firstDifference({ a: 1 }, { a: 1, b: 2 }, '$')).toBe('$.b is in this Bundle but was not signed');
  });
});
