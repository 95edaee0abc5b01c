/**
 * `bars probe <receiver base URL>`: fire the receiver-side suite at a BaRS receiver and report.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderText } from '../report/text.js';
import { renderers } from './formats.js';
import { UsageError } from './inputs.js';
import { HelpRequested } from './validate.js';
import { tlsFetch } from '../probe/tls-fetch.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean };

export const PROBE_HELP = `bars probe — test a BaRS receiver (the receiver-side suite TKW's portal runs)

Usage:
  bars probe <receiver base URL> [options]

The base URL is the receiver's FHIR base, e.g. http://127.0.0.1:4300/booking-and-referral/FHIR/R4.
Sends the requests a receiver must handle (built from the toolkit's BaRS fixture messages) and
checks each answer: the status, X-Request-ID / X-Correlation-ID echoed, Content-Type, and the
body validated (error answers: an OperationOutcome with the guide's error code). Exit code 1
when a check fails.

Options:
  --suite <list>        all (default) or a comma list of: metadata, messagedefinition, slots,
                        booking, referral, validation, errors (repeatable)
  --target <id>         DoS service id sent as NHSD-Target-Identifier and the message
                        destination (default 2000072489)
  --ods <code>          ODS code of the sending organisation (default RYE)
  --token <bearer>      send Authorization: Bearer <token>
  --key <pem>           sign a client assertion (RS512) with this private key and get a token
                        from --token-url first; needs --kid and --api-key
  --kid <kid>           key id of --key in the receiver's JWKS
  --api-key <key>       iss and sub of the client assertion
  --token-url <url>     token endpoint (default: <origin of the base URL>/oauth2/token)
  --cert <pem>          client certificate for TLS-MA…
  --cert-key <pem>      …and its private key
  --ca <pem>            CA to trust for the receiver's certificate
  --timeout <ms>        per-request time limit (default 30000)
  --format <f>          text (default), json, html, junit, markdown, sarif
  --output <file>       write the report to a file instead of stdout
  --ig <pkg|folder>     FHIR packages/IG folders to validate answers with (repeatable)
  --offline             never download packages
  -h, --help            this help
`;

export async function probeCommand(argv: string[], io: IO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      suite: { type: 'string', multiple: true },
      target: { type: 'string' },
      ods: { type: 'string' },
      token: { type: 'string' },
      key: { type: 'string' },
      kid: { type: 'string' },
      'api-key': { type: 'string' },
      'token-url': { type: 'string' },
      cert: { type: 'string' },
      'cert-key': { type: 'string' },
      ca: { type: 'string' },
      timeout: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      ig: { type: 'string', multiple: true },
      offline: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new HelpRequested(PROBE_HELP);
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

