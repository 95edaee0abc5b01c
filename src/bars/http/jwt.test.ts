/**
 * The signed JWT client assertion: every header and claim rule, the injectable clock, and
 * signature verification with a JWKS or a PEM (keys made here with jose, never stored).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair, UnsecuredJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientAssertion, SENT_AT, testKeyPair, TOKEN_URL, type AssertionOptions } from '../../../scripts/fixtures/http-builder.js';
import { checkClientAssertion, KeyFileError, loadKeys, looksLikeJwt, type JwtKeys } from './jwt.js';
import { HttpIssues } from './rules.js';
import { expectNoSlowerThan } from '../../../test/support/timing.js';

let key: { privateKey: CryptoKey; publicJwk: JWK };
let other: { privateKey: CryptoKey; publicJwk: JWK };
const dir = mkdtempSync(join(tmpdir(), 'bars-jwt-'));

beforeAll(async () => {
  key = await testKeyPair('k1');
  other = await testKeyPair('k1');
});

async function check(token: string, o: { keys?: JwtKeys; now?: Date; audience?: string } = {}): Promise<HttpIssues> {
  const out = new HttpIssues();
  await checkClientAssertion(token, out, { now: o.now ?? new Date(SENT_AT), clock: 'the time given', keys: o.keys, audience: o.audience, expression: 'jwt', pos: { line: 1, column: 1 }, what: 'The client assertion' });
  return out;
}
const errors = (out: HttpIssues): string[] => out.issues.filter((i) => i.severity === 'error').map((i) => `${i.ruleId} ${i.expression}`);
const sign = (o: AssertionOptions = {}): Promise<string> => clientAssertion(key.privateKey, { kid: 'k1', ...o });

describe('client assertion: header and claims', () => {
  it('a correct assertion has no error; unverified is information saying how to verify', async () => {
    const out = await check(await sign(), { audience: TOKEN_URL });
    expect(errors(out)).toEqual([]);
    expect(out.issues).toMatchObject([{ severity: 'information', ruleId: 'BARS-HTTP-17', expression: 'jwt.signature' }]);
    expect(out.issues[0]!.message).toMatch(/not verified: give --jwks/);
  });

  it.each<[string, AssertionOptions, string, RegExp]>([
    ['typ missing', { typ: null }, 'BARS-HTTP-15 jwt.header.typ', /must be "JWT"/],
    ['kid missing', { kid: null }, 'BARS-HTTP-15 jwt.header.kid', /no kid/],
    ['iss and sub differ', { sub: 'someone-else' }, 'BARS-HTTP-16 jwt.claims.sub', /iss \("bars-toolkit-test-api-key"\) and sub \("someone-else"\) differ/],
    ['no aud', { aud: null }, 'BARS-HTTP-16 jwt.claims.aud', /no aud claim/],
    ['aud is another URL', { aud: 'https://api.service.nhs.uk/oauth2/token' }, 'BARS-HTTP-16 jwt.claims.aud', /posted to https:\/\/int\.api\.service\.nhs\.uk\/oauth2\/token/],
    ['jti missing', { jti: null }, 'BARS-HTTP-16 jwt.claims.jti', /no jti/],
    ['jti not a UUID', { jti: 'abc-123' }, 'BARS-HTTP-16 jwt.claims.jti', /is not a UUID/],
    ['exp missing', { expIn: null }, 'BARS-HTTP-16 jwt.claims.exp', /no exp claim/],
    ['expired', { expIn: -90 }, 'BARS-HTTP-16 jwt.claims.exp', /expired at 2026-10-05T09:13:30\.000Z, 90 s before 2026-10-05T09:15:00\.000Z/],
    ['exp more than 5 minutes ahead', { expIn: 301 }, 'BARS-HTTP-16 jwt.claims.exp', /at most 5 minutes ahead/],
  ])('%s', async (_, o, error, message) => {
    const out = await check(await sign(o), { audience: TOKEN_URL });
    expect(errors(out)).toEqual([error]);
    expect(out.issues.find((i) => `${i.ruleId} ${i.expression}` === error)!.message).toMatch(message);
  });

  const withClaims = async (extra: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> =>
    new (await import('jose')).SignJWT({ iss: 'a', sub: 'a', aud: TOKEN_URL, jti: '2f1e0d9c-8b7a-4c6d-9e5f-0a1b2c3d4e5f', exp: Date.parse(SENT_AT) / 1000 + 60, ...extra })
      .setProtectedHeader({ alg: 'RS512', typ: 'JWT', kid: 'k1', ...header } as never)
      .sign(key.privateKey);

  it.each([
    ['iat', 'issued'],
    ['nbf', 'valid not before'],
  ])('%s in the future beyond a minute of clock skew is an error; within it, or in the past, is fine', async (claim, meaning) => {
    const sent = Date.parse(SENT_AT) / 1000;
    const future = await check(await withClaims({ [claim]: sent + 3600 }), { audience: TOKEN_URL });
    expect(errors(future)).toEqual([`BARS-HTTP-16 jwt.claims.${claim}`]);
    expect(future.issues.find((i) => i.expression === `jwt.claims.${claim}`)!.message).toMatch(new RegExp(`is ${meaning} 2026-10-05T10:15:00\\.000Z \\(${claim}\\), 60 min after`));
    expect(errors(await check(await withClaims({ [claim]: sent + 30 }), { audience: TOKEN_URL }))).toEqual([]);
    expect(errors(await check(await withClaims({ [claim]: sent - 30 }), { audience: TOKEN_URL }))).toEqual([]);
    expect(errors(await check(await withClaims({ [claim]: 'soon' }), { audience: TOKEN_URL }))).toEqual([`BARS-HTTP-16 jwt.claims.${claim}`]);
  });

  it('an oversized JOSE header is reported and not read', async () => {
    const big = await withClaims({}, { x: 'a'.repeat(20 * 1024 * 1024) });
    const out = await check(big, { audience: TOKEN_URL });
    expect(errors(out)).toEqual(['BARS-HTTP-15 jwt.header']);
    expect(out.issues[0]!.message).toMatch(/header is \d+ characters long, more than the 4096/);
    // not read: checking it costs about as much as checking an ordinary token (decoding 27 MB would not)
    const ordinary = await withClaims({});
    await expectNoSlowerThan('checking a token with a 20 MB header', () => check(big, { audience: TOKEN_URL }), () => check(ordinary, { audience: TOKEN_URL }), 10);
  });

  it('exactly 5 minutes ahead is allowed', async () => {
    expect(errors(await check(await sign({ expIn: 300 }), { audience: TOKEN_URL }))).toEqual([]);
  });

  it('an exp in milliseconds is named as such', async () => {
    const ms = await new (await import('jose')).SignJWT({ iss: 'a', sub: 'a', aud: TOKEN_URL, jti: '2f1e0d9c-8b7a-4c6d-9e5f-0a1b2c3d4e5f', exp: Date.parse(SENT_AT) + 60_000 })
      .setProtectedHeader({ alg: 'RS512', typ: 'JWT', kid: 'k1' })
      .sign(key.privateKey);
    const out = await check(ms, { audience: TOKEN_URL });
    expect(out.issues.find((i) => i.expression === 'jwt.claims.exp')!.message).toMatch(/in milliseconds/);
  });

  it('RS256 and unsigned tokens are refused: the token endpoint takes RS512 only', async () => {
    const rs256 = await clientAssertion((await generateKeyPair('RS256')).privateKey, { alg: 'RS256' });
    expect(errors(await check(rs256))).toEqual(['BARS-HTTP-15 jwt.header.alg']);
    const none = new UnsecuredJWT({ iss: 'a', sub: 'a', aud: TOKEN_URL, jti: '2f1e0d9c-8b7a-4c6d-9e5f-0a1b2c3d4e5f', exp: Date.parse(SENT_AT) / 1000 + 60 }).encode();
    const out = await check(none);
    expect(out.issues.find((i) => i.expression === 'jwt.header.alg')!.message).toMatch(/unsigned \(alg "none"\)/);
  });

  it('the clock is injectable: the same token is valid when sent and expired ten minutes later', async () => {
    const t = await sign();
    expect(errors(await check(t, { now: new Date(SENT_AT) }))).toEqual([]);
    expect(errors(await check(t, { now: new Date(Date.parse(SENT_AT) + 600_000) }))).toEqual(['BARS-HTTP-16 jwt.claims.exp']);
  });

  it('what is not a JWT says so', async () => {
    expect(errors(await check('not-a-jwt'))).toEqual(['BARS-HTTP-15 jwt']);
    expect(looksLikeJwt('Zp9vL7XcQ2rT')).toBe(false);
    expect(looksLikeJwt(await sign())).toBe(true);
  });
});

describe('client assertion: signature', () => {
  const jwksFile = (...keys: JWK[]): string => {
    const f = join(dir, `jwks-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(f, JSON.stringify({ keys }));
    return f;
  };

  it('verifies with the registered JWKS (information), and fails with another key (error)', async () => {
    const keys = loadKeys({ jwks: jwksFile(key.publicJwk) })!;
    const ok = await check(await sign(), { keys });
    expect(errors(ok)).toEqual([]);
    expect(ok.issues.find((i) => i.ruleId === 'BARS-HTTP-17')!.message).toMatch(/verifies with --jwks .* \(kid "k1"\)/);
    const forged = await check(await clientAssertion(other.privateKey, { kid: 'k1' }), { keys });
    expect(errors(forged)).toEqual(['BARS-HTTP-17 jwt.signature']);
    expect(forged.issues.find((i) => i.severity === 'error')!.message).toMatch(/does not verify/);
  });

  it('a kid not in the JWKS is an error naming the kids there', async () => {
    const out = await check(await sign({ kid: 'k9' }), { keys: loadKeys({ jwks: jwksFile(key.publicJwk) }) });
    expect(out.issues.find((i) => i.severity === 'error')!.message).toMatch(/No key in --jwks .* matches kid "k9" .*its keys: "k1"/);
  });

  it('verifies with a PEM public key; a private key works but is warned about', async () => {
    const pair = await generateKeyPair('RS512', { extractable: true });
    const token = await clientAssertion(pair.privateKey, { kid: 'k1' });
    const pub = join(dir, 'pub.pem');
    writeFileSync(pub, await exportSPKI(pair.publicKey));
    expect(errors(await check(token, { keys: loadKeys({ publicKey: pub }) }))).toEqual([]);
    const priv = join(dir, 'priv.pem');
    writeFileSync(priv, await exportPKCS8(pair.privateKey));
    const out = await check(token, { keys: loadKeys({ publicKey: priv }) });
    expect(errors(out)).toEqual([]);
    expect(out.issues.some((i) => i.severity === 'warning' && /is a private key/.test(i.message))).toBe(true);
  });

  it('unreadable key files are clear errors', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"nokeys": true}');
    expect(() => loadKeys({ jwks: bad })).toThrow(KeyFileError);
    expect(() => loadKeys({ jwks: bad })).toThrow(/not a JSON Web Key Set/);
    writeFileSync(join(dir, 'x.pem'), 'hello');
    expect(() => loadKeys({ publicKey: join(dir, 'x.pem') })).toThrow(/is not a PEM public key/);
    expect(loadKeys({})).toBeUndefined();
  });
});
