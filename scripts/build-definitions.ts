/**
 * npm run build:definitions -- <bars source folder> <ukcore source folder> [--out <dir>]
 *
 * Builds the embedded definition set (profiles/packages/*.tgz and index.json) from the public
 * BaRS and UK Core STU3 conformance sources (FHIR XML, differential only): every conformance
 * resource, examples left out, each StructureDefinition given a snapshot by our own generator
 * (src/snapshot/), so that loading is reading. What each package is built from is declared in
 * profiles/packages/sources.json and checked against ../shared/corpus/README.md when present.
 *
 * The output is byte-for-byte reproducible: resources in sorted order, compact JSON, tar
 * headers with fixed times/owners/modes, and gzip by a pure-JS deflate (fflate) so that the
 * bytes do not depend on the platform's zlib.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'fflate';
import { Header } from 'tar';
import { loadDefinitions } from '../src/assemble.js';
import { loadIgFolder, readPackageJson } from '../src/load/sources/ig-folder.js';
import { EMBEDDED_FOLDER, EMBEDDED_MANIFEST, type EmbeddedManifest, type EmbeddedPackage } from '../src/load/embedded.js';
import type { DefinitionEntry, PackageProvenance } from '../src/load/types.js';

const ROOT = resolve(import.meta.dirname, '..');
/** Fixed time for every tar entry and the gzip header (the content, not the build, decides the bytes). */
const FIXED_TIME = new Date('2000-01-01T00:00:00Z');

/** What sources.json says of one source: the provenance fields it fixes, and where its files are. */
interface SourceSpec extends Pick<PackageProvenance, 'title' | 'repository' | 'commit' | 'release' | 'guideRelease' | 'coreRelease' | 'licence'> {
  name: string;
  argument: 'bars' | 'ukcore';
  corpusFolder: string;
}

export interface BuildResult {
  packages: EmbeddedPackage[];
  /** Snapshot generation failures (those profiles ship with their differential only). */
  snapshotProblems: string[];
  warnings: string[];
}

/** The version string of a generated package: says it is generated, never a registry version. */
export const generatedVersion = (commit: string): string => `0.0.0-generated.${commit}`;

/** The repository and commit the corpus README gives for a source folder, when there is such a README. */
function corpusReadmeRow(folder: string, corpusFolder: string): { repo: string; commit: string } | undefined {
  const readme = join(dirname(folder), 'README.md');
  if (!existsSync(readme)) return undefined;
  for (const line of readFileSync(readme, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells[1] !== `\`${corpusFolder}/\``) continue;
    return { repo: cells[cells.length - 3]!, commit: cells[cells.length - 2]! };
  }
  return undefined;
}

function tarEntry(path: string, data: Buffer): Buffer[] {
  const header = new Header({ path, mode: 0o644, size: data.length, mtime: FIXED_TIME, type: 'File', uid: 0, gid: 0, uname: '', gname: '' });
  header.encode();
  if (header.needPax || !header.block) throw new Error(`tar: ${path} needs a pax header (name too long); shorten it`);
  const pad = (512 - (data.length % 512)) % 512;
  return [header.block, data, Buffer.alloc(pad)];
}

function fileStem(resourceType: string, id: string | undefined, name: string | undefined): string {
  return `${resourceType}-${(id ?? name ?? 'resource').replace(/[^A-Za-z0-9.-]/g, '_')}`;
}

export async function buildDefinitions(sources: { bars: string; ukcore: string }, outDir: string): Promise<BuildResult> {
  const specs = (JSON.parse(readFileSync(join(ROOT, EMBEDDED_FOLDER, 'sources.json'), 'utf8')) as { packages: SourceSpec[] }).packages;
  const warnings: string[] = [];
  const snapshotProblems: string[] = [];
  // R4 core only: the sources are added one by one below, dependencies first
  const base = await loadDefinitions({ cacheDir: false, dependencies: false });
  const { defs, structures, compiler, store } = base;

  const loaded = specs.map((spec) => {
    const folder = resolve(sources[spec.argument]);
    if (!existsSync(folder)) throw new Error(`${spec.argument} source folder ${folder} not found`);
    const row = corpusReadmeRow(folder, spec.corpusFolder);
    if (row && (!spec.repository.endsWith(`/${row.repo}`) || !spec.commit.startsWith(row.commit.slice(0, 12)) || !row.commit.startsWith(spec.commit))) {
      throw new Error(`${spec.name}: profiles/packages/sources.json says ${spec.repository}@${spec.commit}, ${join(dirname(folder), 'README.md')} says ${row.repo}@${row.commit}. Make them agree.`);
    }
    if (!row) warnings.push(`${spec.name}: no README.md beside ${folder} to confirm the source commit; using ${spec.commit} from sources.json`);
    const { source, diagnostics } = loadIgFolder(folder, store, compiler, { kind: 'ig-folder' });
    for (const d of diagnostics) {
      if (d.severity === 'error') throw new Error(`${d.file ?? folder}${d.line ? `:${d.line}:${d.column}` : ''}: ${d.message}`);
      warnings.push(`${d.file ?? folder}: ${d.message}`);
    }
    defs.addSource(source);
    // examples are test material, never part of the shipped set
    const entries = source.entries.filter((e) => !/^examples?[\\/]/i.test(e.file ?? ''));
    return { spec, folder, entries, sourcePackage: readPackageJson(join(folder, 'package.json')) };
  });

  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f.endsWith('.tgz')) rmSync(join(outDir, f));
  const packages: EmbeddedPackage[] = [];
  const versions = new Map(specs.map((s) => [s.name, generatedVersion(s.commit)]));
  for (const { spec, entries, sourcePackage } of loaded) {
    const files: { name: string; data: Buffer }[] = [];
    const index: Record<string, unknown>[] = [];
    const counts: Record<string, number> = {};
    const copyright = new Set<string>();
    let latest: string | undefined;
    const used = new Set<string>();
    for (const e of entries) {
      const r = withSnapshot(e);
      const stem = fileStem(e.resourceType, e.id, e.name);
      let file = `${stem}.json`;
      for (let i = 2; used.has(file.toLowerCase()); i++) file = `${stem}-${i}.json`;
      used.add(file.toLowerCase());
      files.push({ name: file, data: Buffer.from(JSON.stringify(r), 'utf8') });
      index.push({ filename: file, resourceType: e.resourceType, id: e.id, url: e.url, version: e.version, kind: e.kind, type: e.sdType });
      counts[e.resourceType] = (counts[e.resourceType] ?? 0) + 1;
      if (typeof r.copyright === 'string') copyright.add(r.copyright.replace(/\s+/g, ' ').trim());
      if (typeof r.date === 'string' && (!latest || r.date > latest)) latest = r.date;
    }
    files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    index.sort((a, b) => ((a.filename as string) < (b.filename as string) ? -1 : 1));
    const version = versions.get(spec.name)!;
    const provenance: PackageProvenance = {
      generated: true,
      title: spec.title,
      repository: spec.repository,
      commit: spec.commit,
      release: spec.release,
      ...(spec.guideRelease ? { guideRelease: spec.guideRelease } : {}),
      ...(spec.coreRelease ? { coreRelease: spec.coreRelease } : {}),
      ...(sourcePackage?.name && sourcePackage.version ? { sourcePackage: { name: sourcePackage.name, version: sourcePackage.version } } : {}),
      licence: spec.licence,
      copyright: [...copyright].sort(),
      ...(latest ? { latestResourceDate: latest } : {}),
    };
    // a dependency on every embedded package built before this one (UK Core for BaRS)
    const before = packages.map((p) => [p.name, p.version] as const);
    const packageJson = {
      name: spec.name,
      version,
      description: `${spec.title}. Generated by bars-toolkit (npm run build:definitions) from ${spec.repository} at commit ${spec.commit}: not a package published to the FHIR registry.`,
      fhirVersions: ['4.0.1'],
      type: 'Conformance',
      ...(spec.licence.spdx ? { license: spec.licence.spdx } : {}),
      dependencies: Object.fromEntries([['hl7.fhir.r4.core', '4.0.1'], ...before]),
      provenance,
    };
    const blocks: Buffer[] = [
      ...tarEntry('package/package.json', Buffer.from(JSON.stringify(packageJson, null, 2) + '\n')),
      ...tarEntry('package/.index.json', Buffer.from(JSON.stringify({ 'index-version': 1, files: index }) + '\n')),
    ];
    for (const f of files) blocks.push(...tarEntry(`package/${f.name}`, f.data));
    blocks.push(Buffer.alloc(1024));
    const tgz = Buffer.from(gzipSync(Buffer.concat(blocks), { level: 9, mtime: FIXED_TIME }));
    const file = `${spec.name}-${version}.tgz`;
    writeFileSync(join(outDir, file), tgz);
    packages.push({
      file,
      name: spec.name,
      version,
      sha256: createHash('sha256').update(tgz).digest('hex'),
      bytes: tgz.length,
      counts: Object.fromEntries(Object.entries(counts).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      provenance,
    });
  }
  const manifest: EmbeddedManifest = {
    note: 'Generated by npm run build:definitions from the sources in sources.json; do not edit. These packages are built by bars-toolkit, not published FHIR registry packages.',
    packages,
  };
  writeFileSync(join(outDir, EMBEDDED_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return { packages, snapshotProblems, warnings };

  function withSnapshot(e: DefinitionEntry): Record<string, any> {
    const r = structuredClone(defs.read(e));
    if (e.resourceType !== 'StructureDefinition' || e.hasSnapshot) return r;
    try {
      const sd = structures.forEntry(e);
      if (sd?.snapshot) r.snapshot = sd.snapshot;
    } catch (err) {
      snapshotProblems.push(`${e.url}: ${(err as Error).message}`);
    }
    return r;
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 2) {
    console.error('Usage: npm run build:definitions -- <bars source folder> <ukcore source folder> [--out <dir>]\n  e.g. npm run build:definitions -- ../shared/corpus/bars ../shared/corpus/ukcore-stu3');
    process.exit(2);
  }
  const out = resolve(values.out ?? join(ROOT, EMBEDDED_FOLDER));
  const { packages, snapshotProblems, warnings } = await buildDefinitions({ bars: positionals[0]!, ukcore: positionals[1]! }, out);
  for (const w of warnings) console.warn(`warning: ${w}`);
  for (const p of snapshotProblems) console.warn(`snapshot not generated (differential only): ${p}`);
  for (const p of packages) {
    const counts = Object.entries(p.counts).map(([t, n]) => `${n} ${t}`).join(', ');
    console.log(`${basename(p.file)}  ${(p.bytes / 1024).toFixed(0)} KiB  ${counts}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`build:definitions: ${(e as Error).message}`);
    process.exit(1);
  });
}
