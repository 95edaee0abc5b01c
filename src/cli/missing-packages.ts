/**
 * When the pinned BaRS package set is not available (offline, not in the package cache), a run
 * still validates what it can. This note says, once per run, which profiles and extensions the
 * inputs named that could therefore not be checked, and exactly how to provide them.
 */
import type { LoadedDefinitions } from '../load/load.js';
import { packageHintFor } from '../load/known-packages.js';
import type { FileResult } from '../report/result.js';

const UNKNOWN_RULES = new Set(['profile-unknown', 'profile-required-unknown', 'extension-unknown', 'reference-target-profile-unknown']);
/** The canonical these issues are about comes first in their message ("Profile <url> …", "The extension <url> …"). */
const CANONICAL_IN_MESSAGE = /^(?:Profile|The extension) (\S+)/;
const SHOWN = 8;

export function missingPackageNote(
  missing: LoadedDefinitions['missingDefaults'],
  results: FileResult[],
  packageCache: string,
  registry: string,
  offline: boolean,
): string | undefined {
  if (missing.length === 0) return undefined;
  const unchecked = new Map<string, Set<string>>(missing.map((m) => [m.name, new Set<string>()]));
  for (const r of results) {
    for (const i of r.issues) {
      if (!UNKNOWN_RULES.has(i.ruleId)) continue;
      const url = CANONICAL_IN_MESSAGE.exec(i.message)?.[1];
      const name = url ? packageHintFor(url)?.name : undefined;
      if (url && name) unchecked.get(name)?.add(url);
    }
  }
  const lines = [
    `the pinned BaRS package set is not complete: ${missing.map((m) => `${m.name}#${m.version}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the FHIR package cache (${packageCache})${offline ? ' and the run is offline' : ` and could not be downloaded from ${registry}`}.`,
  ];
  const named = missing.filter((m) => unchecked.get(m.name)!.size > 0);
  if (named.length) {
    lines.push('These profiles and extensions in the inputs were therefore not checked:');
    for (const m of named) {
      const urls = [...unchecked.get(m.name)!].sort();
      const more = urls.length > SHOWN ? ` … and ${urls.length - SHOWN} more` : '';
      lines.push(`  from ${m.name}#${m.version}: ${urls.slice(0, SHOWN).join(', ')}${more}`);
    }
  } else {
    lines.push(`Profiles from ${missing.length === 1 ? 'it' : 'them'} could not be checked (${missing.map((m) => m.why ?? m.name).join('; ')}).`);
  }
  lines.push('Provide them in one of these ways:');
  for (const m of missing) lines.push(`  • bars packages add <path/to/${m.name}-${m.version === 'latest' ? '<version>' : m.version}.tgz | unpacked package folder>`);
  lines.push(
    '    (copies it into the package cache once; later runs find it there)',
    '  • --ig <.tgz | package folder | IG source folder> for each of them, on every run',
    `  • run once with network access to ${registry} (the packages are then cached)`,
    '  • --package-cache <dir> or FHIR_PACKAGE_CACHE pointing at a FHIR package cache that has them',
  );
  return lines.join('\n');
}
