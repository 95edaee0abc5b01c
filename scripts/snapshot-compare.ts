/**
 * npm run snapshot:compare [-- <package.tgz|folder>] [--details]
 * Regenerates every published snapshot of a package from its differential and prints the
 * agreement per compared property (default: UK Core STU2 2.0.2 from ../shared/corpus).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadDefinitions } from '../src/assemble.js';
import { comparePackage } from '../src/snapshot/compare-package.js';
import { summarise } from '../src/snapshot/compare.js';

const args = process.argv.slice(2);
const details = args.includes('--details');
const input = args.find((a) => !a.startsWith('--')) ?? resolve('../shared/corpus/packages/fhir.r4.ukcore.stu2-2.0.2.tgz');
if (!existsSync(input)) {
  console.error(`snapshot:compare: ${input} not found. Give a package .tgz or folder with published snapshots.`);
  process.exit(2);
}
const r = comparePackage(await loadDefinitions({ igs: [input], offline: true, dependencies: false }));
console.log(`Snapshot agreement for ${input}: ${r.profiles} StructureDefinitions regenerated from their differentials`);
const s = summarise(r);
for (const l of s.lines) console.log('  ' + l);
if (r.failures.length) {
  console.log(`failures (${r.failures.length}):`);
  for (const f of r.failures) console.log(`  ${f.url}: ${f.message}`);
}
const byProp = new Map<string, number>();
for (const d of r.differences) byProp.set(d.property, (byProp.get(d.property) ?? 0) + 1);
console.log(`differences: ${r.differences.length}` + (byProp.size ? ` (${[...byProp].map(([k, v]) => `${k} ${v}`).join(', ')})` : ''));
if (details) {
  for (const d of r.differences) {
    console.log(`  ${d.profile} ${d.elementId} ${d.property}: published ${JSON.stringify(d.published)} generated ${JSON.stringify(d.generated)}`);
  }
  for (const n of r.notes) for (const m of n.messages) console.log(`  note ${n.url}: ${m.severity} ${m.message}`);
}
