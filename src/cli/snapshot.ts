/**
 * `bars snapshot <url|file> [--ig ...]`: the StructureDefinition with its snapshot
 * (generated where missing) on stdout, for profile authors.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { barsDefaultSet } from '../bars/default-set.js';
import type { StructureDefinition } from '../model/fhir-types.js';
import { howToProvide } from '../load/known-packages.js';
import { loadDefinitions } from '../assemble.js';
import { readResourceFile } from '../load/sources/resource-file.js';
import { generateSnapshot, SnapshotError, type SnapshotMessage } from '../snapshot/generate.js';
import { UsageError } from './inputs.js';
import { command, parseCommand } from './reference.js';

type IO = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export const SNAPSHOT_USAGE = `${command('snapshot').usage} (bars snapshot --help for the options)`;

/** Exit codes: 0 the snapshot is printed; 1 printed, but generation reported errors in the differential; 2 no snapshot. */
export async function snapshotCommand(argv: string[], io: IO): Promise<number> {
  const { values: v, positionals } = parseCommand('snapshot', argv);
  const values = v as { ig?: string[]; 'package-cache'?: string; registry?: string; offline?: boolean };
  const what = positionals[0];
  if (!what || positionals.length > 1) throw new UsageError(SNAPSHOT_USAGE);
  const igs = values.ig ?? [];
  const loaded = await loadDefinitions({
    igs,
    packageCache: values['package-cache'],
    registry: values.registry,
    offline: values.offline,
    // like `bars validate`: the embedded BaRS/UK Core set, a package given with --ig replacing its namesake
    defaultPackages: barsDefaultSet().defaultPackages,
  });
  for (const d of loaded.defs.diagnostics) {
    if (d.severity === 'error') io.stderr.write(`bars: ${d.severity}: ${d.message}${d.file ? ` (${d.file}${d.line ? `:${d.line}:${d.column}` : ''})` : ''}\n`);
  }
  let sd: StructureDefinition | undefined;
  let messages: SnapshotMessage[] = [];
  try {
    if (existsSync(resolve(what))) {
      const { resources, diagnostics } = readResourceFile(resolve(what), loaded.compiler, what);
      for (const d of diagnostics) io.stderr.write(`bars: ${d.severity}: ${d.message}${d.line ? ` (${what}:${d.line}:${d.column})` : ''}\n`);
      const r = resources.find((x) => x.resourceType === 'StructureDefinition') as StructureDefinition | undefined;
      if (!r) throw new UsageError(`${what} does not contain a StructureDefinition`);
      if (r.snapshot?.element?.length) sd = r;
      else {
        const generated = generateSnapshot(r, loaded.structures);
        messages = generated.messages;
        sd = { ...r, snapshot: { element: generated.elements } };
      }
    } else {
      sd = loaded.structures.getStructure(what);
      if (!sd) {
        const missing = loaded.missingDefaults.length ? ` (not loaded: ${loaded.missingDefaults.map((m) => `${m.name}#${m.version}`).join(', ')})` : '';
        io.stderr.write(`bars: no StructureDefinition ${what} in the loaded definitions${missing}. ${howToProvide(what)}\n`);
        return 2;
      }
      messages = loaded.structures.notes.get(sd.url) ?? [];
    }
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
    io.stderr.write(`bars: ${e.message}\n`);
    for (const m of e.messages) io.stderr.write(`bars: ${m.severity}: ${m.message}\n`);
    return 2;
  }
  for (const m of messages) io.stderr.write(`bars: ${m.severity}: ${m.message}\n`);
  io.stdout.write(JSON.stringify(sd, null, 2) + '\n');
  return messages.some((m) => m.severity === 'error') ? 1 : 0;
}
