/**
 * What bars-toolkit loads by default, besides what the user names with --ig: the embedded
 * UK Core/BaRS packages (profiles/packages, built by npm run build:definitions) and the toolkit's
 * own profiles and BaRS MessageDefinitions. The engine picks nothing itself; the library
 * (createValidator), the CLI commands and the tests take the set from here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedPackages, type DefaultPackage } from '../load/embedded.js';
import { toolkitRoot } from '../load/toolkit-root.js';

/** The user's say over the default set (options of createValidator). */
export interface DefaultSetOptions {
  /**
   * Load the default packages: the toolkit's embedded BaRS and UK Core set (profiles/packages),
   * unless `defaultPackages` says otherwise. A package given in `igs` replaces the default one
   * of the same name. Default true.
   */
  barsDefaults?: boolean;
  /** The packages to load by default instead of the embedded set. */
  defaultPackages?: DefaultPackage[];
  /** Load the toolkit's own profiles/ and message-definitions/ (default true). */
  projectDefinitions?: boolean;
}

/** The default set as engine options: the packages and the folders of definitions to load. */
export interface DefaultSet {
  defaultPackages: DefaultPackage[] | undefined;
  definitionFolders: string[];
}

export function barsDefaultSet(options: DefaultSetOptions = {}): DefaultSet {
  const root = toolkitRoot();
  return {
    defaultPackages: options.barsDefaults === false ? undefined : (options.defaultPackages ?? embeddedPackages(root)),
    definitionFolders:
      options.projectDefinitions === false
        ? []
        : [join(root, 'profiles', 'fsh-generated', 'resources'), join(root, 'message-definitions')].filter((p) => existsSync(p)),
  };
}
