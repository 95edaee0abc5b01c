/**
 * Validating one input end to end: bytes or text or object → parsed instance with
 * positions → issues sorted by where they are.
 */
import { rec } from '../model/json.js';
import { isErrorSeverity, SEVERITY_RANK, type ValidationIssue } from '../model/issue.js';
import { parseJson } from '../parse/json.js';
import { LocationIndex } from '../parse/locations.js';
import { decodeUtf8, sniffFormat } from '../parse/text.js';
import { parseFhirXml } from '../parse/xml.js';
import { checkElementIds } from './element-ids.js';
import { Loc } from './walk-path.js';
import type { PlanCompiler } from '../compile/compiler.js';
import type { DefinitionSet } from '../load/definitions.js';
import { BundleIndex } from './bundle-index.js';
import { RunState } from './context.js';
import type { InstanceValidator } from './validator.js';
import type { RuleId } from '../model/rules.js';

export interface InstanceInput {
  /** Raw bytes (checked as UTF-8), text (JSON or FHIR XML), or an already-parsed resource. */
  bytes?: Uint8Array;
  text?: string;
  resource?: unknown;
  /** Name used in messages (a file path). */
  name?: string;
}

export interface InstanceResult {
  resourceType?: string;
  /** Profiles the resource was checked against (meta.profile plus requested ones). */
  profiles: string[];
  valid: boolean;
  issues: ValidationIssue[];
  /** The parsed resource (undefined when it could not be parsed). */
  resource?: Record<string, unknown>;
  format: 'json' | 'xml' | 'object';
  locations?: LocationIndex;
  /** What each plugin found out about the input, by plugin name (BaRS: application, payload, messageDefinition). */
  plugins?: Record<string, Record<string, unknown>>;
  /** What the BaRS plugin found (the same object as `plugins.bars`): the name the result JSON and existing callers read it under. */
  bars?: Record<string, unknown>;
}

/** Something that adds checks after the FHIR validation (the BaRS layer is one). */
/** A rule set a plugin checks, and the release of the guide it was extracted from (reports show it). */
export interface RulesetInfo {
  /** What the rules are, e.g. "BaRS necessity rules". */
  name: string;
  /** Where they are kept, relative to the toolkit (e.g. rules/necessity/). */
  file: string;
  guideRelease?: string;
  coreRelease?: string;
  guideCommit?: string;
}

export interface ValidationPlugin {
  name: string;
  /** The rule sets the plugin checks, with the guide release each was taken from. */
  readonly rulesets?: RulesetInfo[];
  /**
   * FHIR types (e.g. Identifier, Coding) whose values the plugin wants: the FHIR walk, which
   * knows each value's type, records them as it goes (ctx.collected), so the plugin need not
   * walk the instance again nor guess types from member names.
   */
  collects?: readonly string[];
  check(ctx: PluginContext): ValidationIssue[] | Promise<ValidationIssue[]>;
}

/** A value the FHIR walk met, and its path from the root (['entry', 2, 'resource', 'identifier', 0]). */
export interface CollectedValue {
  value: Record<string, unknown>;
  /** The member name it is the value of (for an array item, the array's name). */
  name: string;
  path(): (string | number)[];
}

/**
 * What a plugin is given: the input, the FHIR issues, the definitions, and questions it may ask
 * the validator. Never the validator's run state: a plugin cannot depend on how the walk works.
 */
export interface PluginContext {
  resource: Record<string, unknown>;
  issues: readonly ValidationIssue[];
  locations?: LocationIndex;
  /** The loaded definitions (canonical resources by URL). */
  definitions: DefinitionSet;
  /** The compiled profiles (plans) of the loaded definitions. */
  compiler: PlanCompiler;
  /**
   * Validate the resource of Bundle entry `entry` against `profile` in the context of the whole
   * Bundle (its references resolve): the issues found, or undefined when the profile is not loaded.
   */
  validateAgainst(entry: number, profile: string): ValidationIssue[] | undefined;
  /** The index of the Bundle's entries (by fullUrl, type/id), built once per input; undefined when the input is not a Bundle. */
  bundleIndex(): BundleIndex | undefined;
  /** Locate a FHIRPath-ish location (`Bundle.entry[1].resource.subject`) in the source. */
  positionOf(path: (string | number)[]): { line: number; column: number } | undefined;
  /** Facts the plugin wants in the result, under its name (InstanceResult.plugins; the BaRS layer puts the Application and payload here). */
  info: Record<string, unknown>;
  /** The values of a type the plugin collects (see ValidationPlugin.collects), in walk order. */
  collected(type: string): CollectedValue[];
  /** The HTTP status the input came with, when the caller knows it (RunOptions.httpStatus). */
  httpStatus?: number;
}

export interface RunOptions {
  profiles?: string[];
  maxIssues?: number;
  /** Largest input accepted, in bytes. */
  maxBytes?: number;
  plugins?: ValidationPlugin[];
  /** The HTTP status the input came with (a response body), for plugins that check it. */
  httpStatus?: number;
}

export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

export async function validateInstance(validator: InstanceValidator, input: InstanceInput, options: RunOptions = {}): Promise<InstanceResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let text = input.text;
  const issues: ValidationIssue[] = [];
  if (input.bytes) {
    if (input.bytes.length > maxBytes) {
      return failed(`The input is ${(input.bytes.length / 1048576).toFixed(1)} MB, more than the ${(maxBytes / 1048576).toFixed(0)} MB limit: split it into smaller files`, 'input-too-large');
    }
    const d = decodeUtf8(input.bytes);
    if (d.text === undefined) return { profiles: [], valid: false, issues: [d.issue!], format: 'json' };
    // not UTF-8 but still text: the fatal stays, and the leniently decoded text is validated too
    if (d.issue) issues.push(d.issue);
    text = d.text;
  }
  let resource: unknown;
  let locations: LocationIndex | undefined;
  let format: InstanceResult['format'] = 'object';
  if (text !== undefined) {
    if (text.length > maxBytes) return failed(`The input is larger than the ${(maxBytes / 1048576).toFixed(0)} MB limit`, 'input-too-large');
    const fmt = sniffFormat(text, input.name);
    if (!fmt) {
      return failed(
        text.trim() === '' ? 'The input is empty: expected a FHIR resource in JSON or XML' : 'The input is neither JSON (starting with {) nor XML (starting with <): expected a FHIR resource',
        'input-format',
        firstContent(text),
      );
    }
    format = fmt;
    const parsed = fmt === 'json' ? parseJson(text) : parseFhirXml(text, validator.compiler);
    // a loop, not push(...): a file with 300 000 duplicate keys has as many parse issues, more than a call can take as arguments
    for (const i of parsed.issues) issues.push(i);
    resource = parsed.value;
    locations = parsed.locations;
    if (resource === undefined) return { profiles: [], valid: false, issues: sortIssues(issues), format, locations };
  } else {
    resource = input.resource;
  }
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
    issues.push({
      severity: 'fatal',
      code: 'structure',
      message: `Expected a FHIR resource (a JSON object with "resourceType"), found ${Array.isArray(resource) ? 'an array' : resource === null ? 'null' : typeof resource}`,
      ruleId: 'resource-not-object',
      line: 1,
      column: 1,
    });
    return { profiles: [], valid: false, issues, format, locations };
  }
  const r = resource as Record<string, unknown>;
  const rt = typeof r.resourceType === 'string' ? r.resourceType : undefined;
  const st = new RunState(locations, format === 'xml' ? 'xml' : 'json', options.maxIssues ?? 5000);
  const collect = new Set((options.plugins ?? []).flatMap((p) => p.collects ?? []));
  if (collect.size) st.collect = collect;
  for (const i of issues) st.add(i);
  validator.validateResource(st, r, Loc.root(rt ?? 'Resource'), options.profiles ?? []);
  checkElementIds(validator, st, r, Loc.root(rt ?? 'Resource'));
  if (st.pending.length) await Promise.all(st.pending);
  if (st.truncated) {
    st.issues.push({
      severity: 'warning',
      code: 'too-costly',
      message: `More than ${options.maxIssues ?? 5000} issues: the rest were not listed`,
      ruleId: 'issues-truncated',
      // about the whole resource: located at its root
      expression: rt ?? 'Resource',
    });
  }
  let all = st.issues;
  const facts: Record<string, Record<string, unknown>> = {};
  let bundleIndex: BundleIndex | undefined;
  const indexOf = (): BundleIndex | undefined => (rt === 'Bundle' ? (bundleIndex ??= new BundleIndex(r)) : undefined);
  for (const plugin of options.plugins ?? []) {
    const info: Record<string, unknown> = {};
    const extra = await plugin.check({
      resource: r,
      issues: all,
      locations,
      definitions: validator.defs,
      compiler: validator.compiler,
      validateAgainst: (entry, profile) => validateEntryAgainst(validator, r, locations, indexOf(), entry, profile),
      bundleIndex: indexOf,
      positionOf: (path) => positionOfPath(locations, r, path),
      info,
      httpStatus: options.httpStatus,
      collected: (type) => {
        const out: CollectedValue[] = [];
        for (const [value, loc] of st.collected.get(type) ?? []) out.push({ value: value as Record<string, unknown>, name: loc.name, path: () => pathOfLoc(loc) });
        return out;
      },
    });
    all = all.concat(extra);
    if (Object.keys(info).length) facts[plugin.name] = { ...facts[plugin.name], ...info };
  }
  // a plugin may file issues under another as its echoes (ValidationIssue.related): out of the list
  const echoes = new Set(all.flatMap((i) => i.related ?? []));
  if (echoes.size) all = all.filter((i) => !echoes.has(i));
  const meta = r.meta as Record<string, unknown> | undefined;
  const profiles = [
    ...(meta && Array.isArray(meta.profile) ? (meta.profile as unknown[]).filter((p): p is string => typeof p === 'string') : []),
    ...(options.profiles ?? []),
  ];
  const sorted = sortIssues(all);
  return {
    resourceType: rt,
    profiles: [...new Set(profiles)],
    valid: !sorted.some((i) => isErrorSeverity(i.severity)),
    issues: sorted,
    resource: r,
    format,
    locations,
    plugins: Object.keys(facts).length ? facts : undefined,
    bars: facts.bars,
  };
}

/** A Bundle entry's resource validated against one profile, in the context of its Bundle (see PluginContext.validateAgainst). */
function validateEntryAgainst(
  validator: InstanceValidator,
  bundle: Record<string, unknown>,
  locations: LocationIndex | undefined,
  index: BundleIndex | undefined,
  entry: number,
  profile: string,
): ValidationIssue[] | undefined {
  if (!validator.compiler.plan(profile)) return undefined;
  const st = new RunState(locations, 'json', 1000);
  if (index) st.bundles.push(index);
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  const item = entries[entry];
  const root = Loc.root(typeof bundle.resourceType === 'string' ? bundle.resourceType : 'Bundle');
  const loc = root.child('entry', entries, entry, entry).child('resource', item as object, 'resource');
  st.frames.push({ resource: bundle, loc: root, root: bundle });
  validator.validateResource(st, rec(rec(item)?.resource), loc, [profile]);
  return st.issues;
}

/** A problem with the input as a whole: located where the input starts (line 1, column 1) unless told. */
function failed(message: string, ruleId: RuleId, at: { line: number; column: number } = { line: 1, column: 1 }): InstanceResult {
  return { profiles: [], valid: false, issues: [{ severity: 'fatal', code: 'structure', message, ruleId, line: at.line, column: at.column }], format: 'json' };
}

/** Line and column of the first character that is not white space (where the content starts). */
function firstContent(text: string): { line: number; column: number } {
  const i = text.search(/\S/);
  if (i < 0) return { line: 1, column: 1 };
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  return { line, column: i - before.lastIndexOf('\n') };
}

/** Stable order: by position in the file, then by severity (worst first), then by message. */
export function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      compareText(a.expression ?? '', b.expression ?? '') ||
      compareText(a.message, b.message),
  );
}

/** Code-unit order: stable on every machine, and far cheaper than localeCompare's collation. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The keys/indexes from the root to a location of the walk (the root's own name left out). */
function pathOfLoc(loc: Loc): (string | number)[] {
  const out: (string | number)[] = [];
  for (let l: Loc | undefined = loc; l && l.parent; l = l.parent) {
    if (l.index >= 0) out.push(l.index);
    out.push(l.name);
  }
  return out.reverse();
}

/** Position of a path of keys/indexes from the root value. */
export function positionOfPath(locations: LocationIndex | undefined, root: unknown, path: (string | number)[]): { line: number; column: number } | undefined {
  if (!locations) return undefined;
  let cur: unknown = root;
  // the deepest part of the path that has a position; turned into line/column once
  let best = locations.rootOffset;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') break;
    const off = locations.offsetOf(cur as object, k);
    if (off !== undefined) best = off;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return locations.lineColumn(best);
}
