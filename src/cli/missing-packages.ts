/**
 * When a default package is not available (an embedded tarball missing or damaged; a package
 * named by name#version not in the package cache, offline), a run still validates what it can. This note says, once per run, which profiles and extensions the
 * inputs named that could therefore not be checked, and exactly how to provide them.
 */
import type { LoadedDefinitions } from '../assemble.js';
import { howToProvide, packageHintFor } from '../load/known-packages.js';
import { NOT_CHECKED_RULES, uncheckedInIssues } from '../report/checks.js';
import type { FileResult } from '../report/result.js';

const UNKNOWN_RULES = new Set(['profile-unknown', 'profile-required-unknown', 'extension-unknown', 'reference-target-profile-unknown']);
/** The canonical these issues are about comes first in their message ("Profile <url> …", "The extension <url> …"). */
const CANONICAL_IN_MESSAGE = /^(?:Profile|The extension) (\S+)/;
const SHOWN = 8;

/**
 * The advice on how to provide a missing package is said once per run (the note below), not in
 * every issue of every file: an issue about a canonical from a package of the default set that
 * is not available drops the advice and points at the note.
 */
export function shortenMissingPackageAdvice(missing: LoadedDefinitions['missingDefaults'], results: FileResult[]): void {
  if (missing.length === 0) return;
  const names = new Set(missing.map((m) => m.name));
  for (const r of results) {
    for (const i of r.issues) {
      if (!NOT_CHECKED_RULES.has(i.ruleId)) continue;
      const url = uncheckedInIssues([i])[0];
      const name = url ? packageHintFor(url)?.name : undefined;
      if (!url || !name || !names.has(name)) continue;
      const advice = ` ${howToProvide(url)}`;
      if (i.message.endsWith(advice)) i.message = `${i.message.slice(0, -advice.length)} Its package ${name} is not available (how to provide it: the note at the end of the run).`;
    }
  }
}

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
    for (const url of uncheckedInIssues(r.issues)) {
      const name = packageHintFor(url)?.name;
      if (name) unchecked.get(name)?.add(url);
    }
  }
  const embedded = missing.filter((m) => m.embedded);
  const cached = missing.filter((m) => !m.embedded);
  const lines: string[] = [];
  if (embedded.length) {
    lines.push(`the embedded definition set is not complete: ${embedded.map((m) => `${m.name}#${m.version} (${m.reason})`).join('; ')}.`);
  }
  if (cached.length) {
    lines.push(
      `the default package set is not complete: ${cached.map((m) => `${m.name}#${m.version}`).join(', ')} ${cached.length === 1 ? 'is' : 'are'} not in the FHIR package cache (${packageCache})${offline ? ' and the run is offline' : ` and could not be downloaded from ${registry}`}.`,
    );
  }
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
  if (embedded.length) lines.push('Restore profiles/packages/ (git checkout profiles/packages) or rebuild it: npm run build:definitions -- <bars source folder> <ukcore source folder>.');
  if (cached.length === 0) return lines.join('\n');
  lines.push('Provide them in one of these ways:');
  for (const m of cached) lines.push(`  • bars packages add <path/to/${m.name}-${m.version === 'latest' ? '<version>' : m.version}.tgz | unpacked package folder>`);
  lines.push(
    '    (copies it into the package cache once; later runs find it there)',
    '  • --ig <.tgz | package folder | IG source folder> for each of them, on every run',
    `  • run once with network access to ${registry} (the packages are then cached)`,
    '  • --package-cache <dir> or FHIR_PACKAGE_CACHE pointing at a FHIR package cache that has them',
  );
  return lines.join('\n');
}
