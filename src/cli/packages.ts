/**
 * `bars packages list` and `bars packages add`.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { engineLoadOptions, loadDefinitions } from '../assemble.js';
import { barsDefaultSet } from '../bars/default-set.js';
import { loadIgFolder } from '../load/sources/ig-folder.js';
import { packageContentDir } from '../load/sources/package-folder.js';
import { PackageLocator, parsePackageId, placePackage } from '../load/sources/package-cache.js';
import { packageIdProblem } from '../load/sources/package-id.js';
import { unpackTgz } from '../load/sources/tgz.js';
import { defaultCacheDir } from '../load/cache/store.js';
import { readPackageJson } from '../load/sources/ig-folder.js';
import { describeProvenance } from '../load/embedded.js';
import { UsageError } from './inputs.js';
import { command, HelpRequested, parseCommand, renderHelp } from './reference.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export async function packagesCommand(argv: string[], io: IO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return list(rest, io);
  if (sub === 'add') return add(rest, io);
  if (sub === '--help' || sub === '-h') throw new HelpRequested(`${renderHelp(command('packages list'))}\n${renderHelp(command('packages add'))}`);
  throw new UsageError(`Use "${command('packages list').usage}" or "${command('packages add').usage}"`);
}

async function list(argv: string[], io: IO): Promise<number> {
  const { values: v, positionals } = parseCommand('packages list', argv);
  if (positionals.length) throw new UsageError(`bars packages list takes no arguments (got ${positionals.join(' ')}): ${command('packages list').usage}`);
  const values = v as { ig?: string[]; 'package-cache'?: string; registry?: string; offline?: boolean; json?: boolean };
  const loaded = await loadDefinitions({
    // what an engine with these --ig would load (the embedded set too), without the toolkit's own profiles
    ...engineLoadOptions({
      igs: values.ig ?? [],
      packageCache: values['package-cache'],
      registry: values.registry,
      // listing shows what is there: it downloads only when a --registry is given
      offline: values.offline ?? (process.env.BARS_OFFLINE === '1' || values.registry === undefined),
      defaultPackages: barsDefaultSet().defaultPackages,
    }),
    ...(values.offline || process.env.BARS_OFFLINE === '1' ? {} : { offlineReason: 'bars packages list only reads the package cache (give --registry <url> to download)' }),
  });
  const rows = loaded.defs.sources.map((s) => {
    const counts: Record<string, number> = {};
    for (const e of s.entries) counts[e.resourceType] = (counts[e.resourceType] ?? 0) + 1;
    return { name: s.info.name, version: s.info.version, source: s.info.kind, location: s.info.location, counts, ...(s.info.provenance ? { provenance: s.info.provenance } : {}) };
  });
  // what `bars packages add` put in the cache but this listing does not load (not in the BaRS set, no --ig)
  const loadedIds = new Set(rows.map((r) => `${r.name}#${r.version}`));
  const cached = cachedPackages(loaded.locator.cacheDir).filter((id) => !loadedIds.has(id));
  if (values.json) {
    io.stdout.write(JSON.stringify({ packages: rows, cached, missing: loaded.missingDefaults, conflicts: loaded.defs.conflicts().map((c) => ({ url: c.url, version: c.version, used: `${c.used.source.info.name}#${c.used.source.info.version}`, others: c.others.map((o) => `${o.source.info.name}#${o.source.info.version}`) })) }, null, 2) + '\n');
    return 0;
  }
  for (const r of rows) {
    const counts = Object.entries(r.counts)
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `${n} ${t}`)
      .join(', ');
    io.stdout.write(`${r.name}#${r.version}  [${r.source}]  ${r.location}\n    ${counts}\n`);
    if (r.provenance) io.stdout.write(`    ${describeProvenance(r.provenance)}\n`);
  }
  // an embedded package replaced by one given with --ig
  for (const d of loaded.defs.diagnostics.filter((x) => x.code === 'embedded-package-replaced')) io.stdout.write(`note: ${d.message}\n`);
  if (cached.length) {
    io.stdout.write(`\nAlso in the package cache ${loaded.locator.cacheDir} (not loaded by default; use --ig name#version):\n`);
    for (const id of cached) io.stdout.write(`  ${id}\n`);
  }
  for (const m of loaded.missingDefaults) {
    io.stdout.write(`not loaded: ${m.name}#${m.version}${m.why ? ` (${m.why})` : ''} — ${m.reason}\n${m.hint ? m.hint.replace(/^/gm, '    ') + '\n' : ''}`);
  }
  const conflicts = loaded.defs.conflicts();
  if (conflicts.length) {
    io.stdout.write(`\n${conflicts.length} canonical URL(s) defined more than once:\n`);
    for (const c of conflicts.slice(0, 50)) {
      io.stdout.write(`  ${c.url}${c.version ? '|' + c.version : ''}: using ${c.used.source.info.name}#${c.used.source.info.version}, also in ${c.others.map((o) => `${o.source.info.name}#${o.source.info.version}`).join(', ')}\n`);
    }
  }
  // conflicts and missing default packages are listed above already
  const shown = new Set(['canonical-conflict', 'default-package-missing']);
  for (const d of loaded.defs.diagnostics.filter((d) => d.severity !== 'information' && !shown.has(d.code))) {
    io.stderr.write(`bars: ${d.severity}: ${d.message}${d.file ? ` (${d.file}${d.line ? `:${d.line}:${d.column}` : ''})` : ''}\n`);
  }
  return 0;
}

/** The packages in a FHIR package cache: its `<name>#<version>` folders that hold a package. */
function cachedPackages(cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir)
    .filter((n) => /^[^#]+#[^#]+$/.test(n) && existsSync(join(cacheDir, n, 'package', 'package.json')))
    .sort();
}

async function add(argv: string[], io: IO): Promise<number> {
  const { values: v, positionals } = parseCommand('packages add', argv);
  const values = v as { as?: string; 'package-cache'?: string; registry?: string; offline?: boolean };
  const what = positionals[0];
  if (!what) throw new UsageError(`${command('packages add').usage} (bars packages add --help for the options)`);
  const locator = new PackageLocator({ packageCache: values['package-cache'], registry: values.registry, offline: values.offline });
  const as = values.as ? parsePackageId(values.as) : undefined;
  if (values.as && (!as || as.version === 'latest')) throw new UsageError(`--as ${values.as}: expected name#version`);
  const path = resolve(what);
  if (existsSync(path) && statSync(path).isFile() && /\.(tgz|tar\.gz)$/i.test(path)) {
    const dir = await unpackTgz(path, defaultCacheDir());
    const pkg = readPackageJson(join(dir, 'package', 'package.json'));
    const name = as?.name ?? pkg?.name;
    const version = as?.version ?? pkg?.version;
    if (!name || !version) throw new UsageError(`${what} has no package.json name/version: give --as name#version`);
    checkIdentity(what, name, version, pkg);
    const target = await locator.addFolder(name, version, join(dir, 'package'), (content) => {
      if (as) writeFileSync(join(content, 'package.json'), JSON.stringify({ ...pkg, name, version }, null, 2));
    });
    io.stdout.write(`added ${name}#${version} to ${target}\n`);
    return 0;
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    const content = packageContentDir(path);
    if (content) {
      // an unpacked package: its content folder (wherever package.json is) becomes <cache>/<name>#<version>/package
      const pkg = readPackageJson(join(content, 'package.json'));
      const name = as?.name ?? pkg?.name;
      const version = as?.version ?? pkg?.version;
      if (!name || !version) throw new UsageError(`${what}: package.json has no name/version; give --as name#version`);
      checkIdentity(what, name, version, pkg);
      const target = await locator.addFolder(name, version, content, (dir) => {
        if (as) writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, name, version }, null, 2));
      });
      io.stdout.write(`added ${name}#${version} to ${target}\n`);
      return 0;
    }
    // an IG source folder (JSON/XML, any depth): convert to a package of JSON resources
    // R4 core only: enough to read the folder's resources (XML needs the types)
    const core = await loadDefinitions({ dependencies: false });
    const { source, diagnostics } = loadIgFolder(path, core.store, core.compiler);
    if (source.entries.length === 0) {
      throw new UsageError(`${what} contains no FHIR package (package/package.json) and no conformance resources (StructureDefinition, ValueSet, CodeSystem...) in JSON or XML`);
    }
    const name = as?.name ?? source.info.name;
    const version = as?.version ?? source.info.version;
    checkIdentity(what, name, version, { dependencies: source.info.dependencies });
    const counts = new Map<string, number>();
    const target = await placePackage(locator.cacheDir, name, version, (folder) => {
      const dir = join(folder, 'package');
      mkdirSync(dir);
      const files: Record<string, unknown>[] = [];
      const used = new Set<string>();
      for (const e of source.entries) {
        const r = source.read(e);
        const stem = `${e.resourceType}-${(e.id ?? e.name ?? 'resource').replace(/[^A-Za-z0-9.-]/g, '_')}`;
        let file = `${stem}.json`;
        for (let i = 2; used.has(file); i++) file = `${stem}-${i}.json`;
        used.add(file);
        writeFileSync(join(dir, file), JSON.stringify(r, null, 2));
        counts.set(e.resourceType, (counts.get(e.resourceType) ?? 0) + 1);
        files.push({ filename: file, resourceType: e.resourceType, id: e.id, url: e.url, version: e.version, kind: e.kind, type: e.sdType });
      }
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name, version, fhirVersions: source.info.fhirVersions ?? ['4.0.1'], dependencies: source.info.dependencies }, null, 2),
      );
      // the package index other FHIR tools (IG publisher, SUSHI, fhir-package-loader) read
      writeFileSync(join(dir, '.index.json'), JSON.stringify({ 'index-version': 1, files }, null, 2));
    });
    for (const d of diagnostics.filter((x) => x.severity !== 'information')) io.stderr.write(`bars: ${d.severity}: ${d.message}${d.file ? ` (${d.file}${d.line ? `:${d.line}:${d.column}` : ''})` : ''}\n`);
    io.stdout.write(`added ${name}#${version} to ${target} (${[...counts].map(([t, n]) => `${n} ${t}`).join(', ')})\n`);
    return 0;
  }
  const id = parsePackageId(what);
  if (!id || !isPackageLike(what)) throw new UsageError(`${what}: not a .tgz, a folder or a package id (name#version)`);
  const found = await locator.locate(id.name, id.version);
  io.stdout.write(`${found.downloaded ? 'downloaded' : 'already cached'}: ${id.name}#${found.version} in ${found.path}\n`);
  return 0;
}

function isPackageLike(s: string): boolean {
  return s.includes('#') || s.includes('@') || s.includes('.');
}

/**
 * The identity a package is added under, and the dependency names it declares, must be usable
 * as cache folder names: checked before any path is formed from them.
 */
function checkIdentity(what: string, name: string, version: string, pkg: { dependencies?: unknown } | undefined): void {
  const problem = packageIdProblem(name, version, what);
  if (problem) throw new UsageError(`${problem}. Give the identity with --as name#version if the package is genuine.`);
  const deps = pkg?.dependencies;
  if (deps === undefined || deps === null) return;
  if (typeof deps !== 'object' || Array.isArray(deps)) throw new UsageError(`${what}: package.json "dependencies" is not an object of name: version`);
  for (const [n, v] of Object.entries(deps)) {
    const p = packageIdProblem(n, v, `${what}: dependency`);
    if (p) throw new UsageError(`${p}. Fix the package's package.json.`);
  }
}
