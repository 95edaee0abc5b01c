/**
 * `bars packages list` and `bars packages add`.
 */
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDefinitions } from '../load/load.js';
import { loadIgFolder } from '../load/sources/ig-folder.js';
import { packageContentDir } from '../load/sources/package-folder.js';
import { PackageLocator, parsePackageId } from '../load/sources/package-cache.js';
import { unpackTgz } from '../load/sources/tgz.js';
import { DefinitionStore, defaultCacheDir } from '../load/cache/store.js';
import { PlanCompiler } from '../compile/compiler.js';
import { SnapshotService } from '../snapshot/service.js';
import { readPackageJson } from '../load/sources/ig-folder.js';
import { BARS_PACKAGE_SET } from '../bars/package-set.js';
import { UsageError } from './inputs.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export async function packagesCommand(argv: string[], io: IO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return list(rest, io);
  if (sub === 'add') return add(rest, io);
  throw new UsageError('Use "bars packages list [--ig ...]" or "bars packages add <tgz|folder|name#version> [--as name#version]"');
}

async function list(argv: string[], io: IO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ig: { type: 'string', multiple: true },
      'package-cache': { type: 'string' },
      offline: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const loaded = await loadDefinitions({
    igs: values.ig ?? [],
    packageCache: values['package-cache'],
    offline: values.offline ?? true,
    defaultPackages: values.ig?.length ? undefined : BARS_PACKAGE_SET,
  });
  const rows = loaded.defs.sources.map((s) => {
    const counts: Record<string, number> = {};
    for (const e of s.entries) counts[e.resourceType] = (counts[e.resourceType] ?? 0) + 1;
    return { name: s.info.name, version: s.info.version, source: s.info.kind, location: s.info.location, counts };
  });
  if (values.json) {
    io.stdout.write(JSON.stringify({ packages: rows, missing: loaded.missingDefaults, conflicts: loaded.defs.conflicts().map((c) => ({ url: c.url, version: c.version, used: `${c.used.source.info.name}#${c.used.source.info.version}`, others: c.others.map((o) => `${o.source.info.name}#${o.source.info.version}`) })) }, null, 2) + '\n');
    return 0;
  }
  for (const r of rows) {
    const counts = Object.entries(r.counts)
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `${n} ${t}`)
      .join(', ');
    io.stdout.write(`${r.name}#${r.version}  [${r.source}]  ${r.location}\n    ${counts}\n`);
  }
  for (const m of loaded.missingDefaults) {
    io.stdout.write(`not loaded: ${m.name}#${m.version} (${m.why}) — ${m.reason}\n${m.hint ? m.hint.replace(/^/gm, '    ') + '\n' : ''}`);
  }
  const conflicts = loaded.defs.conflicts();
  if (conflicts.length) {
    io.stdout.write(`\n${conflicts.length} canonical URL(s) defined more than once:\n`);
    for (const c of conflicts.slice(0, 50)) {
      io.stdout.write(`  ${c.url}${c.version ? '|' + c.version : ''}: using ${c.used.source.info.name}#${c.used.source.info.version}, also in ${c.others.map((o) => `${o.source.info.name}#${o.source.info.version}`).join(', ')}\n`);
    }
  }
  for (const d of loaded.defs.diagnostics.filter((d) => d.severity !== 'information')) io.stderr.write(`bars: ${d.severity}: ${d.message}\n`);
  return 0;
}

async function add(argv: string[], io: IO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { as: { type: 'string' }, 'package-cache': { type: 'string' }, offline: { type: 'boolean' } },
  });
  const what = positionals[0];
  if (!what) throw new UsageError('bars packages add <tgz|folder|name#version> [--as name#version]');
  const locator = new PackageLocator({ packageCache: values['package-cache'], offline: values.offline });
  const as = values.as ? parsePackageId(values.as) : undefined;
  if (values.as && !as) throw new UsageError(`--as ${values.as}: expected name#version`);
  const path = resolve(what);
  if (existsSync(path) && statSync(path).isFile() && /\.(tgz|tar\.gz)$/i.test(path)) {
    const dir = await unpackTgz(path, defaultCacheDir());
    const pkg = readPackageJson(join(dir, 'package', 'package.json'));
    const name = as?.name ?? pkg?.name;
    const version = as?.version ?? pkg?.version;
    if (!name || !version) throw new UsageError(`${what} has no package.json name/version: give --as name#version`);
    const target = await locator.addTarball(name, version, createReadStream(path));
    io.stdout.write(`added ${name}#${version} to ${target}\n`);
    return 0;
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    const content = packageContentDir(path);
    if (content) {
      // an unpacked package: pack its folder into the cache as is
      const pkg = readPackageJson(join(content, 'package.json'));
      const name = as?.name ?? pkg?.name;
      const version = as?.version ?? pkg?.version;
      if (!name || !version) throw new UsageError(`${what}: package.json has no name/version; give --as name#version`);
      const tar = await import('tar');
      const stream = tar.c({ gzip: true, cwd: resolve(content, '..'), portable: true }, [content.endsWith('package') ? 'package' : '.']);
      const target = await locator.addTarball(name, version, stream as unknown as NodeJS.ReadableStream as never);
      io.stdout.write(`added ${name}#${version} to ${target}\n`);
      return 0;
    }
    // an IG source folder (JSON/XML, any depth): convert to a package of JSON resources
    const store = new DefinitionStore(defaultCacheDir());
    const core = await loadDefinitions({ cacheDir: undefined, dependencies: false });
    const compiler = new PlanCompiler(new SnapshotService(core.defs, store));
    const { source, diagnostics } = loadIgFolder(path, store, compiler);
    const name = as?.name ?? source.info.name;
    const version = as?.version ?? source.info.version;
    const dir = join(locator.cacheDir, `${name}#${version}`, 'package');
    mkdirSync(dir, { recursive: true });
    const counts = new Map<string, number>();
    for (const e of source.entries) {
      const r = source.read(e);
      const file = `${e.resourceType}-${(e.id ?? e.name ?? 'resource').replace(/[^A-Za-z0-9.-]/g, '_')}.json`;
      writeFileSync(join(dir, file), JSON.stringify(r, null, 2));
      counts.set(e.resourceType, (counts.get(e.resourceType) ?? 0) + 1);
    }
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name, version, fhirVersions: source.info.fhirVersions ?? ['4.0.1'], dependencies: source.info.dependencies }, null, 2),
    );
    for (const d of diagnostics.filter((x) => x.severity !== 'information')) io.stderr.write(`bars: ${d.severity}: ${d.message}${d.file ? ` (${d.file})` : ''}\n`);
    io.stdout.write(`added ${name}#${version} to ${dir} (${[...counts].map(([t, n]) => `${n} ${t}`).join(', ')})\n`);
    return 0;
  }
  const id = parsePackageId(what);
  if (!id) throw new UsageError(`${what}: not a file, folder or package id (name#version)`);
  const found = await locator.locate(id.name, id.version);
  io.stdout.write(`${found.downloaded ? 'downloaded' : 'already cached'}: ${id.name}#${found.version} in ${found.path}\n`);
  return 0;
}
