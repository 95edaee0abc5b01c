/**
 * `bars serve`: run the local BaRS receiver simulator until interrupted.
 */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { parseCommand } from './reference.js';
import { UsageError } from './inputs.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export async function serveCommand(argv: string[], io: IO): Promise<number> {
  const values = parseCommand('serve', argv).values as {
    port?: string; host?: string; db?: string; 'reset-state'?: boolean; 'state-ttl'?: string; auth?: string; jwks?: string; 'token-ttl'?: string;
    'tls-cert'?: string; 'tls-key'?: string; 'client-ca'?: string; ig?: string[]; offline?: boolean;
  };
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
