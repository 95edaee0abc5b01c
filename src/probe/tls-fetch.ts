/**
 * fetch over node:https with a client certificate and/or a private CA, for receivers that
 * require TLS mutual authentication (the global fetch takes no client certificate).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

/** fetch over node:https with a client certificate and/or a private CA (TLS-MA). */
export function tlsFetch(o: { cert?: string; key?: string; ca?: string }): typeof fetch {
  const agent = new Agent({
    ...(o.cert ? { cert: readText(o.cert, 'the client certificate'), key: readText(o.key!, 'the client key') } : {}),
    ...(o.ca ? { ca: readText(o.ca, 'the CA') } : {}),
  });
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method: init.method ?? 'GET', headers: init.headers as Record<string, string>, agent, signal: init.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(new Response(chunks.length ? Buffer.concat(chunks) : null, { status: res.statusCode ?? 0, headers }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (init.body) req.write(init.body as string);
      req.end();
    });
  }) as typeof fetch;
}
