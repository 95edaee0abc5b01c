/**
 * FHIR package identity (`name` and `version` from package.json, a dependency, an --ig or
 * --as argument) checked before it becomes part of a path: a package folder in the cache is
 * `<cache>/<name>#<version>`, so a name or version from someone else's package must not be
 * able to say `..` or `/`. The rules follow the FHIR NPM package spec (names are dot-separated
 * parts of letters, digits, `-` and `_`; versions are SemVer, plus the `x` wildcards and tags
 * such as `current` that dependencies use).
 */
import { dirname, join, resolve } from 'node:path';
import { LoadError } from '../types.js';

const NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const VERSION = /^[A-Za-z0-9_-]+(?:[.+][A-Za-z0-9_-]+)*$/;
const MAX_LENGTH = 214; // npm's limit on a package name; plenty for a version too

/** What is wrong with `name` as a FHIR package name, or undefined when it is fine. */
export function packageNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'it is missing or not a string';
  if (name.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  if (!NAME.test(name)) return 'a package name is dot-separated parts of letters, digits, "-" and "_" (no "/", "\\", ".." or spaces)';
  return undefined;
}

/** What is wrong with `version` as a FHIR package version, or undefined when it is fine. */
export function packageVersionProblem(version: unknown): string | undefined {
  if (typeof version !== 'string' || version === '') return 'it is missing or not a string';
  if (version.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  if (!VERSION.test(version)) return 'a package version is letters, digits, "-" and "_" in parts separated by "." or "+" (no "/", "\\", ".." or spaces)';
  return undefined;
}

/** A message for an unusable package id, naming where it came from; undefined when both parts are fine. */
export function packageIdProblem(name: unknown, version: unknown, from: string): string | undefined {
  const n = packageNameProblem(name);
  if (n) return `${from}: package name ${JSON.stringify(name)} is not a valid FHIR package name: ${n}`;
  const v = packageVersionProblem(version);
  if (v) return `${from}: package version ${JSON.stringify(version)} of ${String(name)} is not a valid FHIR package version: ${v}`;
  return undefined;
}

/**
 * `<cacheDir>/<name>#<version>` for a checked id, and a final check that the folder is a direct
 * child of the cache folder (whatever the checks above miss, nothing outside the cache is touched).
 */
export function packageFolderIn(cacheDir: string, name: string, version: string): string {
  const problem = packageIdProblem(name, version, 'package');
  if (problem) throw new LoadError(problem, ID_HINT);
  const root = resolve(cacheDir);
  const target = resolve(join(root, `${name}#${version}`));
  if (dirname(target) !== root) throw new LoadError(`package ${name}#${version} does not name a folder directly inside ${root}`, ID_HINT);
  return target;
}

export const ID_HINT = 'Check the package.json of the package (name, version, dependencies), or give the identity yourself with --as name#version.';
