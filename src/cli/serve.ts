/**
 * `bars serve`: run the local BaRS receiver simulator until interrupted.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { HelpRequested } from './validate.js';
import { UsageError } from './inputs.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export const SERVE_HELP = `bars serve — a local BaRS receiver simulator (a stricter TKW)

Usage:
  bars serve [options]

Serves the BaRS API under /booking-and-referral/FHIR/R4 (/metadata, /MessageDefinition,
/$process-message, /Slot, /Appointment[/{id}], /ServiceRequest[/{id}]). Every request is
validated in full before it is answered; failures get the BaRS error response (status +
OperationOutcome with its SEND_/REC_ code). Valid requests get the TKW sentinel scenario
answers (rules/tkw/scenarios.json) and the stateful 111→ED scenario (NHS number 9707606312).
Reports: GET /_reports.

Options:
  --port <n>            port to listen on (default 4300; 0 picks a free one)
  --host <address>      address to bind (default 127.0.0.1)
  --db <file>           SQLite file for state, exchanges and the audit log (default bars-serve.db)
  --reset-state         put every organisation back in the initial state at start
  --state-ttl <secs>    state older than this is back to initial (TKW resets nightly: 86400)
  --auth apim|none      apim: POST /oauth2/token with a signed client assertion, then Bearer
                        tokens (default when --jwks is given); none: no token (sandbox-like)
  --jwks <file>         JWKS the client assertions are verified with (kid lookup)
  --token-ttl <secs>    lifetime of issued access tokens (default 599)
  --tls-cert <pem>      serve HTTPS with this certificate…
  --tls-key <pem>       …and this private key
  --client-ca <pem>     require a client certificate issued by this CA (TLS-MA)
  --ig <pkg|folder>     FHIR packages/IG folders to validate with (repeatable; default: BaRS set)
  --offline             never download packages
  -h, --help            this help
`;

export async function serveCommand(argv: string[], io: IO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      'reset-state': { type: 'boolean' },
      'state-ttl': { type: 'string' },
      auth: { type: 'string' },
      jwks: { type: 'string' },
      'token-ttl': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'client-ca': { type: 'string' },
      ig: { type: 'string', multiple: true },
      offline: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new HelpRequested(SERVE_HELP);
  const int = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} ${v}: expected a whole number ≥ ${min}`);
    return n;
  };
  const port = int('port', values.port, 0) ?? 4300;
  if (port > 65535) throw new UsageError(`--port ${port}: ports go up to 65535`);
  const auth = values.auth ?? (values.jwks ? 'apim' : 'none');
  if (auth !== 'apim' && auth !== 'none') throw new UsageError(`--auth ${auth}: use apim or none`);
  let jwks: JSONWebKeySet | undefined;
  if (values.jwks) {
    try {
      jwks = JSON.parse(readFileSync(values.jwks, 'utf8')) as JSONWebKeySet;
    } catch (e) {
      throw new UsageError(`--jwks ${values.jwks}: cannot read a JSON Web Key Set (${(e as Error).message})`);
    }
    if (!Array.isArray(jwks?.keys)) throw new UsageError(`--jwks ${values.jwks}: not a JSON Web Key Set (no "keys" array)`);
  }
  if (auth === 'apim' && !jwks) throw new UsageError('--auth apim needs --jwks <file>: the public keys client assertions are verified with');
  if (!!values['tls-cert'] !== !!values['tls-key']) throw new UsageError('--tls-cert and --tls-key go together');
  if (values['client-ca'] && !values['tls-cert']) throw new UsageError('--client-ca needs --tls-cert and --tls-key (client certificates need HTTPS)');

  const { createValidator } = await import('../index.js');
  const { startServe, API_BASE_PATH } = await import('../serve/server.js');
  const validator = await createValidator({ igs: values.ig ?? [], offline: values.offline });
  const running = await startServe({
    validator,
    database: values.db ?? 'bars-serve.db',
    auth,
    jwks,
    resetState: values['reset-state'],
    stateTtlSeconds: int('state-ttl', values['state-ttl'], 1),
    tokenTtlSeconds: int('token-ttl', values['token-ttl'], 1),
    tls: values['tls-cert'] ? { cert: values['tls-cert'], key: values['tls-key']!, clientCa: values['client-ca'] } : undefined,
    port,
    host: values.host ?? '127.0.0.1',
  });
  io.stdout.write(`bars serve listening on ${running.url}${API_BASE_PATH} (auth ${auth}${values['client-ca'] ? ', client certificates required' : ''}); reports at ${running.url}/_reports\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
