/**
 * The signed JWT client assertion of NHS England's application-restricted pattern, which a
 * BaRS sender posts to the OAuth token endpoint for its access token (Core 1.5.0, Security and
 * Authorisation, Sender). jose decodes and verifies; the rules are the pattern's: header alg
 * RS512, typ JWT and kid; claims iss = sub (the API key), aud (the token URL), a UUID jti, and
 * an exp no more than 5 minutes ahead.
 */
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, type JSONWebKeySet } from 'jose';
import type { LineColumn } from '../../parse/locations.js';
import type { HttpIssues } from './rules.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How far ahead exp may be: the token endpoint refuses assertions that live longer. */
export const MAX_LIFETIME_SECONDS = 300;
/** Clock difference between sender and checker tolerated for iat and nbf. */
export const CLOCK_SKEW_SECONDS = 60;
/** A client assertion's JOSE header holds alg, typ and kid: a few hundred bytes. Larger ones are not read. */
export const MAX_HEADER_CHARS = 4096;

export interface JwtKeys {
  publicKey?: KeyObject;
  jwks?: JSONWebKeySet;
  /** Where the key came from, for messages (`--jwks keys.json`). */
  source: string;
  /** A private key was given as the public key: say so once. */
  privateKeyGiven?: boolean;
}

export class KeyFileError extends Error {}

/** Read `--public-key <pem>` (SPKI, PKCS#1, an X.509 certificate, or a private key) and/or `--jwks <file>`. */
export function loadKeys(files: { publicKey?: string; jwks?: string }): JwtKeys | undefined {
  if (!files.publicKey && !files.jwks) return undefined;
  const keys: JwtKeys = { source: [files.jwks && `--jwks ${files.jwks}`, files.publicKey && `--public-key ${files.publicKey}`].filter(Boolean).join(' and ') };
  if (files.publicKey) {
    let pem: string;
    try {
      pem = readFileSync(files.publicKey, 'utf8');
    } catch (e) {
      throw new KeyFileError(`Cannot read --public-key ${files.publicKey}: ${(e as Error).message}`);
    }
    try {
      if (/-----BEGIN CERTIFICATE-----/.test(pem)) keys.publicKey = new X509Certificate(pem).publicKey;
      else {
        keys.publicKey = createPublicKey(pem);
        keys.privateKeyGiven = /PRIVATE KEY-----/.test(pem);
      }
    } catch (e) {
      throw new KeyFileError(`--public-key ${files.publicKey} is not a PEM public key, certificate or key pair (${(e as Error).message}). Give the PEM of the key whose JWKS you registered for your application`);
    }
  }
  if (files.jwks) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(files.jwks, 'utf8'));
    } catch (e) {
      throw new KeyFileError(`Cannot read --jwks ${files.jwks} as JSON: ${(e as Error).message}`);
    }
    const ks = (data as { keys?: unknown })?.keys;
    if (!Array.isArray(ks)) throw new KeyFileError(`--jwks ${files.jwks} is not a JSON Web Key Set: expected {"keys": [ … ]}`);
    keys.jwks = data as JSONWebKeySet;
  }
  return keys;
}

/** Three base64url parts, the first a JSON header with an alg: a JWS compact serialisation. */
export function looksLikeJwt(s: string): boolean {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(s)) return false;
  try {
    return typeof decodeProtectedHeader(s).alg === 'string';
  } catch {
    return false;
  }
}

export interface AssertionCheck {
  /** The clock: when the assertion was (or is to be) sent. */
  now: Date;
  /** Where that clock came from, for messages ("the HAR entry's startedDateTime"). */
  clock: string;
  keys?: JwtKeys;
  /** The token endpoint URL the assertion is posted to, when known: aud must be it. */
  audience?: string;
  /** FHIRPath-like prefix of every issue (`jwt`, `header:Authorization/jwt`, `body:client_assertion/jwt`). */
  expression: string;
  pos?: LineColumn;
  /** How to name the token in messages. */
  what: string;
}

const ago = (seconds: number): string => {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
};

export async function checkClientAssertion(token: string, out: HttpIssues, o: AssertionCheck): Promise<void> {
  const at = (field: string): { expression: string; pos?: LineColumn } => ({ expression: `${o.expression}.${field}`, pos: o.pos });
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  const headerChars = token.indexOf('.') < 0 ? token.length : token.indexOf('.');
  if (headerChars > MAX_HEADER_CHARS) {
    out.add('BARS-HTTP-15', 'error', 'too-long', `${o.what}'s header is ${headerChars} characters long, more than the ${MAX_HEADER_CHARS} a JOSE header needs (alg, typ and kid): it was not read`, at('header'));
    return;
  }
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (e) {
    out.add('BARS-HTTP-15', 'error', 'structure', `${o.what} is not a JWT (header.payload.signature, each base64url): ${(e as Error).message}`, { expression: o.expression, pos: o.pos });
    return;
  }
  try {
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch (e) {
    out.add('BARS-HTTP-16', 'error', 'structure', `${o.what}'s payload cannot be read as JWT claims: ${(e as Error).message}`, { expression: `${o.expression}.claims`, pos: o.pos });
    return;
  }

  // header
  if (header.alg !== 'RS512') {
    out.add(
      'BARS-HTTP-15',
      'error',
      'security',
      header.alg === 'none'
        ? `${o.what} is unsigned (alg "none"): sign it with your private key using RS512`
        : `${o.what} is signed with ${JSON.stringify(header.alg ?? null)}: NHS England's token endpoint accepts RS512 only (RSASSA-PKCS1-v1_5 with SHA-512)`,
      at('header.alg'),
    );
  }
  if (header.typ !== 'JWT') out.add('BARS-HTTP-15', 'error', 'value', `${o.what}'s header has typ ${header.typ === undefined ? '(none)' : JSON.stringify(header.typ)}: it must be "JWT"`, at('header.typ'));
  if (typeof header.kid !== 'string' || header.kid === '') {
    out.add('BARS-HTTP-15', 'error', 'required', `${o.what}'s header has no kid: give the key id of the public key you registered (the "kid" of that key in your JWKS), so the token endpoint knows which key to verify with`, at('header.kid'));
  }

  // claims
  const iss = claims.iss;
  const sub = claims.sub;
  if (typeof iss !== 'string' || iss === '') out.add('BARS-HTTP-16', 'error', 'required', `${o.what} has no iss claim: it must be your application's API key`, at('claims.iss'));
  if (typeof sub !== 'string' || sub === '') out.add('BARS-HTTP-16', 'error', 'required', `${o.what} has no sub claim: it must be your application's API key (the same as iss)`, at('claims.sub'));
  if (typeof iss === 'string' && typeof sub === 'string' && iss && sub && iss !== sub) {
    out.add('BARS-HTTP-16', 'error', 'value', `${o.what}'s iss ("${iss}") and sub ("${sub}") differ: both must be your application's API key`, at('claims.sub'));
  }
  const aud = claims.aud;
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  if (auds.length === 0) {
    out.add('BARS-HTTP-16', 'error', 'required', `${o.what} has no aud claim: it must be the URL of the token endpoint you send it to${o.audience ? ` (${o.audience})` : ', e.g. https://int.api.service.nhs.uk/oauth2/token'}`, at('claims.aud'));
  } else if (o.audience && !auds.includes(o.audience)) {
    out.add('BARS-HTTP-16', 'error', 'value', `${o.what}'s aud is ${auds.map((a) => `"${a}"`).join(', ')} but it is posted to ${o.audience}: aud must be the token endpoint URL, exactly`, at('claims.aud'));
  } else if (!o.audience && !auds.some((a) => /^https:\/\/[^/]+\/oauth2\/token$/.test(a))) {
    out.add('BARS-HTTP-16', 'warning', 'value', `${o.what}'s aud (${auds.map((a) => `"${a}"`).join(', ')}) is not an OAuth token endpoint URL: use the token endpoint of the environment, e.g. https://int.api.service.nhs.uk/oauth2/token`, at('claims.aud'));
  }
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti === '') out.add('BARS-HTTP-16', 'error', 'required', `${o.what} has no jti claim: give a new UUID for every assertion, so it cannot be replayed`, at('claims.jti'));
  else if (!UUID.test(jti)) out.add('BARS-HTTP-16', 'error', 'value', `${o.what}'s jti "${jti}" is not a UUID: use a new random UUID (e.g. crypto.randomUUID()) for every assertion`, at('claims.jti'));

  const exp = claims.exp;
  const now = o.now.getTime() / 1000;
  const when = `${o.now.toISOString()} (${o.clock})`;
  if (exp === undefined) {
    out.add('BARS-HTTP-16', 'error', 'required', `${o.what} has no exp claim: set it to at most 5 minutes after now, in seconds since 1970`, at('claims.exp'));
  } else if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    out.add('BARS-HTTP-16', 'error', 'value', `${o.what}'s exp is ${JSON.stringify(exp)}: it must be a number of seconds since 1970 (a NumericDate)`, at('claims.exp'));
  } else if (exp > 1e11) {
    out.add('BARS-HTTP-16', 'error', 'value', `${o.what}'s exp ${exp} is in milliseconds: JWT times are seconds since 1970 (divide by 1000)`, at('claims.exp'));
  } else if (exp <= now) {
    out.add('BARS-HTTP-16', 'error', 'expired', `${o.what} expired at ${new Date(exp * 1000).toISOString()}, ${ago(now - exp)} before ${when}: make a new assertion for each token request${o.clock.startsWith('now') ? '' : '; use --now to check as of another time'}`, at('claims.exp'));
  } else if (exp - now > MAX_LIFETIME_SECONDS) {
    out.add('BARS-HTTP-16', 'error', 'value', `${o.what}'s exp is ${ago(exp - now)} after ${when}: the token endpoint accepts assertions that expire at most 5 minutes ahead`, at('claims.exp'));
  }

  // issued or valid only in the future (beyond clock skew): made with a wrong clock, or prepared for later use
  for (const [name, meaning] of [
    ['iat', 'issued'],
    ['nbf', 'valid not before'],
  ] as const) {
    const t = claims[name];
    if (t === undefined) continue;
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      out.add('BARS-HTTP-16', 'error', 'value', `${o.what}'s ${name} is ${JSON.stringify(t)}: it must be a number of seconds since 1970 (a NumericDate)`, at(`claims.${name}`));
    } else if (t > now + CLOCK_SKEW_SECONDS) {
      out.add('BARS-HTTP-16', 'error', 'value', `${o.what} is ${meaning} ${new Date(Math.min(t, 8.64e12) * 1000).toISOString()} (${name}), ${ago(t - now)} after ${when}: the token endpoint refuses assertions from the future; check the sender's clock${o.clock.startsWith('now') ? '' : ', or use --now to check as of another time'}`, at(`claims.${name}`));
    }
  }

  // signature
  if (header.alg === 'none') return;
  if (!o.keys) {
    out.add('BARS-HTTP-17', 'information', 'informational', `${o.what}'s signature was not verified: give --jwks <your JWKS file> or --public-key <pem> to check it against the key you registered`, at('signature'));
    return;
  }
  if (o.keys.privateKeyGiven) out.add('BARS-HTTP-17', 'warning', 'security', `The key given with --public-key is a private key (its public half was used). Keep private keys out of test folders and pipelines: export the public key or the JWKS instead`, at('signature'));
  try {
    if (o.keys.jwks) {
      try {
        await compactVerify(token, createLocalJWKSet(o.keys.jwks));
      } catch (e) {
        // no matching kid in the JWKS, but a PEM was given too: try that
        if (!(e instanceof errors.JWKSNoMatchingKey) || !o.keys.publicKey) throw e;
        await compactVerify(token, o.keys.publicKey);
      }
    } else {
      await compactVerify(token, o.keys.publicKey!);
    }
    out.add('BARS-HTTP-17', 'information', 'informational', `${o.what}'s signature verifies with ${o.keys.source}${typeof header.kid === 'string' ? ` (kid "${header.kid}")` : ''}`, at('signature'));
  } catch (e) {
    let msg: string;
    if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) {
      const kids = (o.keys.jwks?.keys ?? []).map((k) => k.kid).filter(Boolean);
      msg = `No key in ${o.keys.source} matches kid ${JSON.stringify(header.kid ?? null)} and alg ${JSON.stringify(header.alg ?? null)} (its keys: ${kids.length ? kids.map((k) => `"${k}"`).join(', ') : 'none with a kid'}): the token endpoint would not find the key either`;
    } else if (e instanceof errors.JWSSignatureVerificationFailed) {
      msg = `${o.what}'s signature does not verify with ${o.keys.source}: it was signed with another private key, or changed after signing`;
    } else {
      msg = `${o.what}'s signature cannot be verified with ${o.keys.source}: ${(e as Error).message}`;
    }
    out.add('BARS-HTTP-17', 'error', 'security', msg, at('signature'));
  }
}
