/**
 * The engine: definitions loaded once, plans compiled once, a validator reused for every
 * input. This is what `createValidator()` returns and what the CLI drives.
 */
import type { OperationOutcome, Resource } from './model/fhir-types.js';
import type { DefaultPackage } from './load/embedded.js';
import { assembleValidator, engineLoadOptions, loadDefinitions, type LoadedDefinitions } from './assemble.js';
import type { LoadDiagnostic } from './load/types.js';
import type { ValidationIssue } from './model/issue.js';

export { toolkitRoot } from './load/toolkit-root.js';
import { toOperationOutcome } from './report/outcome.js';
import type { TerminologyService } from './terminology/index.js';
import { validateInstance, type InstanceResult, type ValidationPlugin } from './validate/run.js';
import type { InstanceValidator } from './validate/validator.js';

export interface EngineOptions {
  /** IGs to load: `name#version`, a .tgz, an unpacked package, an IG source folder, or a resource file. */
  igs?: string[];
  /** FHIR package cache folder (default ~/.fhir/packages or FHIR_PACKAGE_CACHE). */
  packageCache?: string;
  /** FHIR package registry (default https://packages.fhir.org). */
  registry?: string;
  /** Never use the network (registry or terminology server). */
  offline?: boolean;
  /** The toolkit's cache folder (default ~/.cache/bars-toolkit or BARS_CACHE_DIR); false: no disk cache. */
  cacheDir?: string | false;
  /** A FHIR terminology server for codes that cannot be checked offline (SNOMED CT, dm+d, LOINC...). */
  tx?: string;
  /** How to treat extensions whose definition is not loaded (default 'error'; example domains only inform). */
  unknownExtensions?: 'warning' | 'error' | 'ignore';
  /**
   * Packages loaded by default, besides `igs` (a package given in `igs` replaces the default one
   * of the same name). The engine loads none unless told: the library and the CLI pass the
   * BaRS/UK Core set (bars/default-set.ts).
   */
  defaultPackages?: DefaultPackage[];
  /** Folders of definitions always loaded, first (a package loaded after them wins). */
  definitionFolders?: string[];
  /** Checks to run after the FHIR validation (the BaRS layer registers here). */
  plugins?: ValidationPlugin[];
  /** Stop listing issues for one input after this many (default 5000). */
  maxIssues?: number;
  /**
   * Throw a LoadError when an entry of `igs` cannot be loaded. createValidator's default is false:
   * the missing package is reported in `diagnostics` (code `package-missing`) and validation goes on.
   */
  strict?: boolean;
  /** Also report best-practice invariants (dom-6 "should have narrative"...) as information. */
  bestPractice?: boolean;
}

export interface ValidateOptions {
  /** Profile(s) to check against in addition to meta.profile. */
  profile?: string | string[];
  /** Name of the input in messages (a file path). */
  name?: string;
  /** The HTTP status the input came with, when it is a response body (BaRS pairs error codes with statuses). */
  httpStatus?: number;
}

export interface ValidationResult {
  valid: boolean;
  issues: ValidationIssue[];
  outcome: OperationOutcome;
  resourceType?: string;
  profiles: string[];
  /** Internal: the parsed instance (for reporters that show source excerpts). */
  instance?: InstanceResult;
}

export class Engine {
  readonly validator: InstanceValidator;
  readonly terminology: TerminologyService;

  constructor(
    readonly loaded: LoadedDefinitions,
    readonly options: EngineOptions,
  ) {
    ({ terminology: this.terminology, validator: this.validator } = assembleValidator(loaded, options));
    // bound, so that they can be handed on as functions (the HTTP layer takes validate and hasProfile)
    this.validate = this.validate.bind(this);
    this.hasProfile = this.hasProfile.bind(this);
  }

  /** Is this profile (a StructureDefinition canonical URL) loaded? */
  hasProfile(url: string): boolean {
    return this.loaded.defs.resolve(url, 'StructureDefinition') !== undefined;
  }

  get diagnostics(): LoadDiagnostic[] {
    return this.loaded.defs.diagnostics;
  }

  /** Validate a resource given as an object, JSON/XML text or bytes. */
  async validate(input: Resource | Record<string, unknown> | string | Uint8Array, opts: ValidateOptions = {}): Promise<ValidationResult> {
    const profiles = opts.profile === undefined ? [] : Array.isArray(opts.profile) ? opts.profile : [opts.profile];
    const instance = await validateInstance(
      this.validator,
      typeof input === 'string' ? { text: input, name: opts.name } : input instanceof Uint8Array ? { bytes: input, name: opts.name } : { resource: input, name: opts.name },
      { profiles, plugins: this.options.plugins, maxIssues: this.options.maxIssues, httpStatus: opts.httpStatus },
    );
    const issues = instance.issues;
    let outcome: OperationOutcome | undefined;
    return {
      valid: instance.valid,
      issues,
      // built on first use: a pre-send check that only reads `valid` and `issues` never pays for it
      get outcome(): OperationOutcome {
        return (outcome ??= toOperationOutcome(issues, { file: opts.name }));
      },
      resourceType: instance.resourceType,
      profiles: instance.profiles,
      instance,
    };
  }
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  return new Engine(await loadDefinitions(engineLoadOptions(options)), options);
}
