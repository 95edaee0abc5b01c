/**
 * `bars snapshot <url|file> [--ig ...]`: the StructureDefinition with its snapshot
 * (generated where missing) on stdout, for profile authors.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { StructureDefinition } from '../compile/fhir-types.js';
import { loadDefinitions } from '../load/load.js';
import { readResourceFile } from '../load/sources/resource-file.js';
import { generateSnapshot } from '../snapshot/generate.js';
import { UsageError } from './inputs.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export async function snapshotCommand(argv: string[], io: IO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ig: { type: 'string', multiple: true }, 'package-cache': { type: 'string' }, offline: { type: 'boolean' } },
  });
  const what = positionals[0];
  if (!what) throw new UsageError('bars snapshot <url|file> [--ig ...]');
  const loaded = await loadDefinitions({ igs: values.ig ?? [], packageCache: values['package-cache'], offline: values.offline });
  let sd: StructureDefinition | undefined;
  if (existsSync(resolve(what))) {
    const { resources, diagnostics } = readResourceFile(resolve(what), loaded.compiler, what);
    for (const d of diagnostics) io.stderr.write(`bars: ${d.severity}: ${d.message}\n`);
    const r = resources.find((x) => x.resourceType === 'StructureDefinition') as StructureDefinition | undefined;
    if (!r) throw new UsageError(`${what} does not contain a StructureDefinition`);
    if (r.snapshot?.element?.length) sd = r;
    else {
      const { elements, messages } = generateSnapshot(r, loaded.structures);
      for (const m of messages) io.stderr.write(`bars: ${m.severity}: ${m.message}\n`);
      sd = { ...r, snapshot: { element: elements } };
    }
  } else {
    try {
      sd = loaded.structures.getStructure(what);
    } catch (e) {
      io.stderr.write(`bars: ${(e as Error).message}\n`);
      return 2;
    }
    if (!sd) {
      io.stderr.write(`bars: no StructureDefinition ${what} in the loaded definitions (load its IG with --ig)\n`);
      return 2;
    }
    for (const m of loaded.structures.notes.get(sd.url) ?? []) io.stderr.write(`bars: ${m.severity}: ${m.message}\n`);
  }
  io.stdout.write(JSON.stringify(sd, null, 2) + '\n');
  return 0;
}
