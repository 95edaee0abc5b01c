/**
 * `bars probe <receiver base URL>`: fire the receiver-side suite at a BaRS receiver and report.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderText } from '../report/text.js';
import { renderers } from '../report/formats.js';
import { UsageError } from './inputs.js';
import { parseCommand } from './reference.js';
import { tlsFetch } from '../probe/tls-fetch.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean };

export async function probeCommand(argv: string[], io: IO): Promise<number> {
  const parsed = parseCommand('probe', argv);
  const positionals = parsed.positionals;
  const values = parsed.values as {
    suite?: string[]; target?: string; ods?: string; token?: string; key?: string; kid?: string; 'api-key'?: string; 'token-url'?: string;
    cert?: string; 'cert-key'?: string; ca?: string; timeout?: string; format?: string; output?: string; ig?: string[]; offline?: boolean;
  };
  const base = positionals[0];
  if (!base) throw new UsageError('bars probe <receiver base URL> [--suite …]: give the receiver’s FHIR base URL (bars probe --help)');
  let baseUrl: URL;
  try {
    baseUrl = new URL(base);
  } catch {
    throw new UsageError(`${base} is not a URL: give the receiver's base, e.g. http://127.0.0.1:4300/booking-and-referral/FHIR/R4`);
  }
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') throw new UsageError(`${base}: only http and https receivers can be probed`);
  const { SUITES, runProbe, fetchToken } = await import('../probe/probe.js');
  const asked = (values.suite ?? ['all']).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const suites = asked.includes('all') ? [...SUITES] : asked;
  const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`--suite ${unknown.join(',')}: unknown suite (use all or ${SUITES.join(', ')})`);
  const format = values.format ?? 'text';
  if (format !== 'text' && !renderers[format]) throw new UsageError(`--format ${format}: unknown format (use text, ${Object.keys(renderers).join(', ')})`);
  const timeoutMs = values.timeout === undefined ? 30_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new UsageError(`--timeout ${values.timeout}: expected milliseconds, a whole number ≥ 1`);
  if (!!values.cert !== !!values['cert-key']) throw new UsageError('--cert and --cert-key go together');
  if (values.key && (!values.kid || !values['api-key'])) throw new UsageError('--key needs --kid (the key id in the receiver’s JWKS) and --api-key (iss and sub of the assertion)');

  let fetchImpl: typeof fetch = fetch;
  try {
    if (values.cert || values.ca) fetchImpl = tlsFetch({ cert: values.cert, key: values['cert-key'], ca: values.ca });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let token = values.token;
  if (values.key) {
    const tokenUrl = values['token-url'] ?? `${baseUrl.origin}/oauth2/token`;
    const assertion = await signAssertion(readText(values.key, '--key'), values.kid!, values['api-key']!, tokenUrl);
    try {
      token = await fetchToken(tokenUrl, assertion, fetchImpl);
    } catch (e) {
      io.stderr.write(`bars probe: no token: ${(e as Error).message}\n`);
      return 1;
    }
  }
  const { createValidator } = await import('../index.js');
  const validator = await createValidator({ igs: values.ig ?? [], offline: values.offline });
  const { result, failed } = await runProbe({ baseUrl: base, suites: suites as never, validator, target: values.target, sender: values.ods ? { ods: values.ods, organisationName: `bars probe sender ${values.ods}` } : undefined, token, timeoutMs, fetchImpl });
  const text = format === 'text' ? renderText(result, { color: io.isTTY && !values.output && !process.env.NO_COLOR }) : await renderers[format]!(result);
  if (values.output) writeFileSync(values.output, text);
  else io.stdout.write(text);
  io.stderr.write(`bars probe: ${result.results.filter((r) => !r.file.endsWith('#response')).length} requests, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

export function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${option} ${file}: ${(e as Error).message}`);
  }
}

async function signAssertion(pem: string, kid: string, apiKey: string, tokenUrl: string): Promise<string> {
  const { importPKCS8, SignJWT } = await import('jose');
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    key = await importPKCS8(pem, 'RS512');
  } catch (e) {
    throw new UsageError(`--key: not a PKCS#8 PEM RSA private key (${(e as Error).message})`);
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: apiKey, sub: apiKey, aud: tokenUrl, jti: randomUUID(), exp: now + 240 }).setProtectedHeader({ alg: 'RS512', typ: 'JWT', kid }).sign(key);
}

