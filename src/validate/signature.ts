/**
 * Bundle.signature (R4 datatypes.html#Signature, signatures.html, bundle.html): what can be
 * checked offline of a JSON Web Signature (sigFormat application/jose or application/jose+json):
 *  - Signature.data decodes as the sigFormat claims: a JWS (RFC 7515) whose protected header is a
 *    JSON object naming its algorithm;
 *  - when the header carries the signer's key (x5c certificate or jwk), the signature verifies
 *    with it (RFC 7515 §5.2);
 *  - when the payload is attached (not detached), it is the Bundle that was signed: the signed
 *    JSON must be this Bundle, less what the signature does not cover (Bundle.signature, and
 *    Bundle.id and Bundle.meta, which change as a document moves between servers).
 * Not checked offline: whether the certificate is trusted (chain, revocation), who the signer is,
 * when it was signed; XML-DSig / PKCS#7 signatures; a detached payload's exact canonical bytes.
 */
import { createPublicKey, constants, verify, X509Certificate, type JsonWebKey, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import type { CheckContext, RunState } from './context.js';
import type { Loc } from './walk-path.js';

const JOSE_COMPACT = 'application/jose';
const JOSE_JSON = 'application/jose+json';
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

/** One JWS signature, as the parts it was computed from. */
export interface Jws {
  protectedHeader: string;
  payload: string;
  signature: string;
  header: Record<string, unknown>;
}

/**
 * A Signature value (any element of type Signature, e.g. Provenance.signature): its data decodes as
 * the JWS its sigFormat claims and verifies with the key in its own header. Reported at `loc`.
 * Returns the signatures read (undefined when the format is not a JWS or the data is unusable).
 */
export function checkSignatureData(v: CheckContext, st: RunState, sig: Record<string, unknown>, loc: Loc): Jws[] | undefined {
  const { sigFormat, data } = sig;
  if (typeof data !== 'string' || typeof sigFormat !== 'string') return undefined;
  const format = sigFormat.split(';')[0]!.trim().toLowerCase();
  if (format !== JOSE_COMPACT && format !== JOSE_JSON) return undefined;
  const decoded = decodeBase64(data);
  // a value that is not base64 is reported by the base64Binary check
  if (decoded === undefined) return undefined;
  const parsed = format === JOSE_COMPACT ? parseCompact(decoded) : parseJsonSerialization(decoded);
  if (typeof parsed === 'string') {
    v.report(st, loc, 'error', 'invalid', 'signature-format', `Signature.data is not the ${format} signature its sigFormat claims: ${parsed}`);
    return undefined;
  }
  for (const jws of parsed) {
    if (verifyWithOwnKey(jws) === false) {
      v.report(
        st,
        loc,
        'error',
        'invalid',
        'signature-not-verified',
        `The signature does not verify with the key in its own header (${jws.header.x5c !== undefined ? 'x5c certificate' : 'jwk'}, alg ${String(jws.header.alg)}): the signed content or the signature was changed after signing, or the wrong key is given`,
      );
    }
  }
  return parsed;
}

/** Is this value Bundle.signature (checked with its Bundle, by checkBundleSignature)? */
export function isBundleSignature(loc: Loc): boolean {
  return loc.key === 'signature' && (loc.container as { resourceType?: unknown } | undefined)?.resourceType === 'Bundle';
}

/** The Bundle.signature checks (the Bundle is the JSON as read; `loc` is the Bundle, where its findings are reported). */
export function checkBundleSignature(v: CheckContext, st: RunState, bundle: Record<string, unknown>, loc: Loc): void {
  const sig = bundle.signature;
  if (!sig || typeof sig !== 'object' || Array.isArray(sig)) return;
  const parsed = checkSignatureData(v, st, sig as Record<string, unknown>, loc);
  if (!parsed) return;
  // the payload is the same in every signature of a JSON serialization
  const payload = parsed[0]?.payload;
  if (st.format !== 'json' || !payload) return;
  let signed: unknown;
  try {
    signed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    v.report(st, loc, 'error', 'invalid', 'signature-format', 'The payload of the Bundle\'s signature is not JSON: a signature of a FHIR JSON Bundle signs the Bundle\'s JSON');
    return;
  }
  // only a signed Bundle is compared: another payload (claims about the content) is a convention
  // this check does not know; and only for canonical forms that keep all content
  if (!signed || typeof signed !== 'object' || (signed as Record<string, unknown>).resourceType !== 'Bundle') return;
  if (!keepsAllContent((sig as Record<string, unknown>).targetFormat)) return;
  const difference = firstDifference(unsigned(signed as Record<string, unknown>), unsigned(bundle), '$');
  if (difference) {
    v.report(
      st,
      loc,
      'error',
      'invalid',
      'signature-content-mismatch',
      `The Bundle's signature signs other content than this Bundle (${difference}): the Bundle was changed after it was signed, or the signature belongs to another Bundle`,
    );
  }
}

/**
 * Whether the targetFormat's canonicalization signs all of the Bundle's content (json.html#canonical:
 * the plain method and #document do; #data, #static and #narrative leave parts out).
 */
function keepsAllContent(targetFormat: unknown): boolean {
  if (typeof targetFormat !== 'string') return true;
  const m = /;\s*canonicalization\s*=\s*"?([^";\s]+)"?/i.exec(targetFormat);
  if (!m) return true;
  const method = m[1]!;
  return method === 'http://hl7.org/fhir/canonicalization/json' || method === 'http://hl7.org/fhir/canonicalization/json#document';
}

/** The Bundle as its signature covers it: without signature, id and meta. */
function unsigned(bundle: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(bundle)) if (k !== 'signature' && k !== 'id' && k !== 'meta') out[k] = val;
  return out;
}

/** Where two JSON values first differ (JSONPath and how), or undefined when equal; member order is not significant. */
export function firstDifference(signed: unknown, actual: unknown, path: string): string | undefined {
  if (typeof signed === 'number' && typeof actual === 'number') return signed === actual ? undefined : `${path}: the signed value is ${signed}, this Bundle has ${actual}`;
  if (signed === null || actual === null || typeof signed !== 'object' || typeof actual !== 'object') {
    return signed === actual ? undefined : `${path}: the signed value differs`;
  }
  if (Array.isArray(signed) !== Array.isArray(actual)) return `${path}: the signed value differs`;
  if (Array.isArray(signed)) {
    const a = actual as unknown[];
    if (signed.length !== a.length) return `${path}: ${signed.length} items were signed, this Bundle has ${a.length}`;
    for (let i = 0; i < signed.length; i++) {
      const d = firstDifference(signed[i], a[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const s = signed as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!(k in a)) return `${path}.${k} was signed but is not in this Bundle`;
  for (const k of Object.keys(a)) if (!(k in s)) return `${path}.${k} is in this Bundle but was not signed`;
  for (const k of Object.keys(s)) {
    const d = firstDifference(s[k], a[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

function decodeBase64(data: string): string | undefined {
  const compact = data.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** A compact JWS: BASE64URL(header).BASE64URL(payload).BASE64URL(signature); a string says what is wrong. */
function parseCompact(text: string): Jws[] | string {
  const parts = text.trim().split('.');
  if (parts.length !== 3) return `a compact JWS has three base64url parts separated by '.', found ${parts.length} part${parts.length === 1 ? '' : 's'}`;
  const [protectedHeader, payload, signature] = parts as [string, string, string];
  const one = jwsOf(protectedHeader, payload, signature);
  return typeof one === 'string' ? one : [one];
}

/** The JWS JSON serialization (general or flattened, RFC 7515 §7.2). */
function parseJsonSerialization(text: string): Jws[] | string {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return 'the JWS JSON serialization is not JSON';
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return 'the JWS JSON serialization is not a JSON object';
  const o = obj as Record<string, unknown>;
  const payload = typeof o.payload === 'string' ? o.payload : '';
  const list = Array.isArray(o.signatures) ? (o.signatures as unknown[]) : [o];
  if (list.length === 0) return 'the JWS JSON serialization has no signatures';
  const out: Jws[] = [];
  for (const s of list) {
    const r = s && typeof s === 'object' ? (s as Record<string, unknown>) : {};
    if (typeof r.protected !== 'string' || typeof r.signature !== 'string') return 'each signature of a JWS JSON serialization has "protected" and "signature" strings';
    const one = jwsOf(r.protected, payload, r.signature);
    if (typeof one === 'string') return one;
    out.push(one);
  }
  return out;
}

function jwsOf(protectedHeader: string, payload: string, signature: string): Jws | string {
  if (![protectedHeader, payload, signature].every((p) => BASE64URL_RE.test(p))) return 'a JWS part is not base64url';
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8'));
  } catch {
    return 'the JWS protected header is not base64url-encoded JSON';
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) return 'the JWS protected header is not a JSON object';
  const h = header as Record<string, unknown>;
  if (typeof h.alg !== 'string') return 'the JWS protected header names no algorithm (alg)';
  if (signature === '' && h.alg !== 'none') return 'the JWS has no signature';
  return { protectedHeader, payload, signature, header: h };
}

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/**
 * Verify a JWS with the key its header carries. true/false when it could be checked; undefined
 * when not offline: no key in the header, an algorithm with a shared secret (HS*), a detached
 * payload (its canonical bytes are not in the signature), a key that cannot be read.
 */
function verifyWithOwnKey(jws: Jws): boolean | undefined {
  if (jws.payload === '') return undefined;
  const key = headerKey(jws.header);
  if (!key) return undefined;
  const alg = String(jws.header.alg);
  const m = /^(RS|PS|ES)(256|384|512)$/.exec(alg);
  const input = Buffer.from(`${jws.protectedHeader}.${jws.payload}`, 'ascii');
  const signature = Buffer.from(jws.signature, 'base64url');
  try {
    if (alg === 'EdDSA') return verify(null, input, key, signature);
    if (!m) return undefined;
    const hash = HASHES[m[2]!]!;
    let options: VerifyKeyObjectInput;
    if (m[1] === 'PS') options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(m[2]) / 8 };
    else if (m[1] === 'ES') options = { key, dsaEncoding: 'ieee-p1363' };
    else options = { key };
    return verify(hash, input, options, signature);
  } catch {
    // a key of the wrong kind for the algorithm: the signature cannot be valid
    return false;
  }
}

function headerKey(header: Record<string, unknown>): KeyObject | undefined {
  try {
    const x5c = header.x5c;
    if (Array.isArray(x5c) && typeof x5c[0] === 'string') return new X509Certificate(Buffer.from(x5c[0], 'base64')).publicKey;
    const jwk = header.jwk;
    if (jwk && typeof jwk === 'object' && !Array.isArray(jwk)) return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
  return undefined;
}
