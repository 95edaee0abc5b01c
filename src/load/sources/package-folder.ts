/**
 * An unpacked FHIR package (NPM package format: `package/package.json` and the resources
 * as JSON files directly in `package/`; examples in sub-folders are not definitions).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseJson } from '../../parse/json.js';
import { hashKey, STORE_FORMAT, type DefinitionStore } from '../cache/store.js';
import { DEFINITION_TYPES, metaOf } from '../meta.js';
import type { LoadDiagnostic, LoadedSource, ResourceMeta, SourceInfo, SourceKind } from '../types.js';
import { inMemorySource, sourceFromStore, type StoredExtra } from './build.js';
import { readPackageJson } from './ig-folder.js';
import { readFileSync } from 'node:fs';

/** The folder holding package.json and the resources, given the package root or the package/ folder. */
export function packageContentDir(folder: string): string | undefined {
  const root = resolve(folder);
  if (existsSync(join(root, 'package', 'package.json'))) return join(root, 'package');
  if (existsSync(join(root, 'package.json')) && (existsSync(join(root, '.index.json')) || looksLikePackageContent(root))) return root;
  return undefined;
}

function looksLikePackageContent(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => /^(StructureDefinition|ValueSet|CodeSystem|ImplementationGuide)-.*\.json$/.test(n));
  } catch {
    return false;
  }
}

export function loadPackageFolder(
  folder: string,
  store: DefinitionStore,
  kind: SourceKind,
  location = folder,
): { source: LoadedSource; diagnostics: LoadDiagnostic[] } {
  const dir = packageContentDir(folder);
  if (!dir) throw new Error(`${folder} is not an unpacked FHIR package (no package/package.json)`);
  const pkg = readPackageJson(join(dir, 'package.json')) ?? {};
  const names = readdirSync(dir)
    .filter((n) => /\.json$/i.test(n) && n !== 'package.json' && !n.startsWith('.'))
    .sort();
  const stamps = names.map((n) => {
    try {
      const s = statSync(join(dir, n));
      return `${n}:${s.size}:${Math.floor(s.mtimeMs)}`;
    } catch {
      // a link to nothing: reported below as file-unreadable when it is read, not thrown here
      return `${n}:unreadable`;
    }
  });
  const key = hashKey('package', STORE_FORMAT, dir, pkg.name ?? '', pkg.version ?? '', stamps.join('|'));
  // a damaged cache entry is removed when found, so loading again builds it afresh
  const again = (): LoadedSource => loadPackageFolder(folder, store, kind, location).source;
  const cached = store.open(key);
  if (cached) {
    const extra = cached.extra as StoredExtra | undefined;
    // the stored content is the same whichever way the folder was reached this time (a package
    // downloaded once is read from the package cache afterwards): say how it was reached now
    const info: SourceInfo = { ...cached.info, kind, location };
    return { source: sourceFromStore({ ...cached, info }, true, again), diagnostics: extra?.diagnostics ?? [] };
  }
  const info: SourceInfo = {
    name: pkg.name ?? 'unnamed-package',
    version: pkg.version ?? '0.0.0',
    kind,
    location,
    fhirVersions: pkg.fhirVersions,
    dependencies: pkg.dependencies ?? {},
  };
  const diagnostics: LoadDiagnostic[] = [];
  const items: { meta: ResourceMeta; resource: Record<string, any> }[] = [];
  for (const n of names) {
    const path = join(dir, n);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      diagnostics.push({ severity: 'warning', code: 'file-unreadable', message: `Cannot read ${path}: ${(e as Error).message}`, file: path });
      continue;
    }
    // quick filter on the resourceType without parsing the whole file twice
    const m = /"resourceType"\s*:\s*"([A-Za-z]+)"/.exec(text.slice(0, 2000));
    if (m && !DEFINITION_TYPES.has(m[1]!)) continue;
    const parsed = parseJson(text);
    const fatal = parsed.issues.find((i) => i.severity === 'fatal');
    if (fatal) {
      diagnostics.push({ severity: 'warning', code: fatal.ruleId, message: fatal.message, file: path, line: fatal.line, column: fatal.column });
      continue;
    }
    const r = parsed.value as Record<string, any>;
    if (!r || typeof r.resourceType !== 'string' || !DEFINITION_TYPES.has(r.resourceType)) continue;
    items.push({ meta: metaOf(r, n), resource: r });
  }
  if (store.write(key, info, items, { diagnostics } satisfies StoredExtra)) {
    const reopened = store.open(key);
    if (reopened) return { source: sourceFromStore(reopened, false, again), diagnostics };
  }
  return { source: inMemorySource(info, items), diagnostics };
}
