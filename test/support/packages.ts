/**
 * Tiny FHIR packages built on the fly for load-stage tests: unpacked folders, .tgz files,
 * a throw-away package cache and a local registry. Nothing here touches ~/.fhir or the network.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';

/** A fresh temp folder; remove it with `cleanup()` (e.g. in afterAll). */
export function tempDir(prefix = 'bars-load-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function cleanup(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

export interface TinyPackage {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  resources: Record<string, unknown>[];
  /** Extra files under package/ (e.g. examples/x.json), path → content. */
  extraFiles?: Record<string, string>;
}

/** Write `<dir>/package/package.json` and one JSON file per resource; returns `dir`. */
export function writePackage(dir: string, pkg: TinyPackage): string {
  const content = join(dir, 'package');
  mkdirSync(content, { recursive: true });
  writeFileSync(
    join(content, 'package.json'),
    JSON.stringify({ name: pkg.name, version: pkg.version, fhirVersions: ['4.0.1'], dependencies: pkg.dependencies ?? {} }, null, 2),
  );
  for (const r of pkg.resources) {
    const rt = String(r.resourceType);
    writeFileSync(join(content, `${rt}-${String(r.id ?? r.name)}.json`), JSON.stringify(r, null, 2));
  }
  for (const [rel, text] of Object.entries(pkg.extraFiles ?? {})) {
    const p = join(content, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

/** Pack `<dir>/package` as an npm-style tarball at `file`. */
export async function packTgz(dir: string, file: string): Promise<string> {
  await tar.c({ gzip: true, cwd: dir, file, portable: true }, ['package']);
  return file;
}

/** Build a package in a temp folder and pack it; returns the .tgz path. */
export async function tinyTgz(root: string, pkg: TinyPackage): Promise<string> {
  const dir = join(root, `${pkg.name}-${pkg.version}-src`);
  writePackage(dir, pkg);
  return packTgz(dir, join(root, `${pkg.name}-${pkg.version}.tgz`));
}

/** Place a package straight into a FHIR package cache folder (`<cache>/<name>#<version>/package`). */
export function putInCache(cache: string, pkg: TinyPackage): string {
  return writePackage(join(cache, `${pkg.name}#${pkg.version}`), pkg);
}

/** A constraint profile on a core resource type with the given differential elements. */
export function profile(opts: {
  url: string;
  version?: string;
  name?: string;
  type?: string;
  base?: string;
  elements?: Record<string, unknown>[];
  id?: string;
}): Record<string, unknown> {
  const type = opts.type ?? 'Patient';
  const name = opts.name ?? opts.url.slice(opts.url.lastIndexOf('/') + 1);
  return {
    resourceType: 'StructureDefinition',
    id: opts.id ?? name,
    url: opts.url,
    ...(opts.version ? { version: opts.version } : {}),
    name: name.replace(/[^A-Za-z0-9]/g, ''),
    status: 'active',
    fhirVersion: '4.0.1',
    kind: DATATYPES.has(type) ? 'complex-type' : 'resource',
    abstract: false,
    type,
    baseDefinition: opts.base ?? `http://hl7.org/fhir/StructureDefinition/${type}`,
    derivation: 'constraint',
    differential: { element: [{ id: type, path: type }, ...(opts.elements ?? [])] },
  };
}

const DATATYPES = new Set(['Extension', 'HumanName', 'Identifier', 'CodeableConcept', 'Coding', 'Quantity', 'Reference', 'Address', 'ContactPoint', 'Period']);

export function codeSystem(url: string, version: string, codes: string[], id = url.slice(url.lastIndexOf('/') + 1)): Record<string, unknown> {
  return {
    resourceType: 'CodeSystem',
    id,
    url,
    version,
    name: id.replace(/[^A-Za-z0-9]/g, ''),
    status: 'active',
    content: 'complete',
    concept: codes.map((code) => ({ code, display: code })),
  };
}

/**
 * A minimal FHIR package registry on 127.0.0.1 (the FHIR registry API: GET /<name> → versions
 * and dist-tags, GET /<name>/<version> → the tarball). Records every request path.
 */
export interface LocalRegistry {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function localRegistry(packages: { name: string; version: string; tgz: Buffer }[]): Promise<LocalRegistry> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(path);
    const [, name, version] = path.split('/');
    const versions = packages.filter((p) => p.name === name);
    if (!name || versions.length === 0) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (!version) {
      const latest = versions[versions.length - 1]!.version;
      const body = {
        _id: name,
        name,
        'dist-tags': { latest },
        versions: Object.fromEntries(versions.map((p) => [p.version, { name, version: p.version, dist: { tarball: `http://${req.headers.host}/${name}/${p.version}` } }])),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const hit = versions.find((p) => p.version === version);
    if (!hit) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such version"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/tar+gzip', 'content-length': String(hit.tgz.length) }).end(hit.tgz);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
