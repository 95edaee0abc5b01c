/**
 * An IG source folder: conformance resources in JSON or FHIR XML, at any depth
 * (a Simplifier project checkout, a SUSHI output folder, a folder of profiles).
 */
import { walkFolder } from '../../model/folder-walk.js';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { PlanCompiler } from '../../compile/compiler.js';
import { hashKey, STORE_FORMAT, type DefinitionStore } from '../cache/store.js';
import { codeVersion } from '../cache/code-version.js';

/** XML conversion and this reader decide what is stored: a change to either invalidates the cache. */
const READER_VERSION = codeVersion(import.meta.url, new URL('../../parse/xml.js', import.meta.url).href, new URL('./resource-file.js', import.meta.url).href);
import { DEFINITION_TYPES, metaOf } from '../meta.js';
import type { LoadDiagnostic, LoadedSource, ResourceMeta, SourceInfo, SourceKind } from '../types.js';
import { inMemorySource, sourceFromStore, type StoredExtra } from './build.js';
import { readResourceFile } from './resource-file.js';

const SKIP_DIRS = new Set(['node_modules', '.git', '.github', '.vscode', 'temp', 'output', 'qa']);

interface FileStamp {
  rel: string;
  size: number;
  mtime: number;
}

/** The folder's conformance source files: each real file once, links leading outside the folder not followed. */
function listFiles(root: string, out: FileStamp[]): void {
  const walk = walkFolder(root, {
    skipDirs: SKIP_DIRS,
    maxDepth: 20,
    include: (n) => /\.(json|xml)$/i.test(n) && n !== 'package.json' && !n.startsWith('.index'),
  });
  for (const f of walk.files) out.push({ rel: relative(root, f.path), size: f.stats.size, mtime: Math.floor(f.stats.mtimeMs) });
}

/** The resource type of a JSON/XML file from its first bytes, without parsing it (undefined: cannot tell). */
export function sniffResourceType(path: string): string | undefined {
  let head: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, 0);
      head = buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const json = /"resourceType"\s*:\s*"([A-Za-z]+)"/.exec(head);
  if (json) return json[1];
  // XML: the first element after the prolog and comments
  const stripped = head.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const xml = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z]+)[\s/>]/.exec(stripped);
  return xml?.[1];
}

export interface PackageJson {
  name?: string;
  version?: string;
  fhirVersions?: string[];
  dependencies?: Record<string, string>;
}

export function readPackageJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** Load a folder of conformance sources (cached by file names, sizes and times). */
export function loadIgFolder(
  folder: string,
  store: DefinitionStore,
  xmlCompiler: PlanCompiler,
  opts: { kind?: SourceKind; name?: string; version?: string } = {},
): { source: LoadedSource; diagnostics: LoadDiagnostic[] } {
  const root = resolve(folder);
  const files: FileStamp[] = [];
  listFiles(root, files);
  const pkg = readPackageJson(join(root, 'package.json'));
  const pkgStat = (() => {
    try {
      const s = statSync(join(root, 'package.json'));
      return `${s.size}:${Math.floor(s.mtimeMs)}`;
    } catch {
      return '-';
    }
  })();
  const key = hashKey('ig-folder', STORE_FORMAT, READER_VERSION, root, pkgStat, opts.name ?? '', opts.version ?? '', JSON.stringify(files));
  // a damaged cache entry is removed when found, so loading again builds it afresh
  const again = (): LoadedSource => loadIgFolder(folder, store, xmlCompiler, opts).source;
  const cached = store.open(key);
  if (cached) {
    const extra = cached.extra as StoredExtra | undefined;
    const info: SourceInfo = { ...cached.info, kind: opts.kind ?? 'ig-folder' };
    return { source: sourceFromStore({ ...cached, info }, true, again), diagnostics: extra?.diagnostics ?? [] };
  }
  const info: SourceInfo = {
    name: opts.name ?? pkg?.name ?? basename(root),
    version: opts.version ?? pkg?.version ?? 'local',
    kind: opts.kind ?? 'ig-folder',
    location: root,
    fhirVersions: pkg?.fhirVersions,
    dependencies: pkg?.dependencies ?? {},
  };
  const diagnostics: LoadDiagnostic[] = [];
  const items: { meta: ResourceMeta; resource: Record<string, any> }[] = [];
  for (const f of files) {
    const type = sniffResourceType(join(root, f.rel));
    // examples and other instances are not definitions: do not spend time (or warnings) on them
    if (type !== undefined && !DEFINITION_TYPES.has(type) && type !== 'Bundle') continue;
    const { resources, diagnostics: d } = readResourceFile(join(root, f.rel), xmlCompiler, join(folder, f.rel));
    diagnostics.push(...d);
    for (const r of resources) {
      if (!DEFINITION_TYPES.has(r.resourceType)) continue;
      items.push({ meta: metaOf(r, f.rel), resource: r });
    }
  }
  if (store.write(key, info, items, { diagnostics } satisfies StoredExtra)) {
    const reopened = store.open(key);
    if (reopened) return { source: sourceFromStore(reopened, false, again), diagnostics };
  }
  return { source: inMemorySource(info, items), diagnostics };
}
