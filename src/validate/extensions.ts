/**
 * Extensions: found by url, placed where their definition allows (context), used as
 * modifier or not as defined, and validated against their own definition.
 */
import { checkNarrativeLinkExtension, NARRATIVE_LINK } from './narrative-link.js';
import { parseCrossVersionUrl } from '../compile/cross-version.js';
// fhirpath.js through its CommonJS entry, as everywhere else: importing its ESM entry too would
// load a second copy of the engine at start-up
import { SAFE_REGEX_FUNCTIONS, fhirpathJs, r4Model as r4model } from './fhirpath/model.js';
import type { StructurePlan } from '../compile/plan.js';
import { howToProvide } from '../load/known-packages.js';
import type { Loc } from './walk-path.js';
import type { Applied, CheckContext, RunState } from './context.js';
import type { RuleId } from '../model/rules.js';

export function checkExtension(
  v: CheckContext,
  st: RunState,
  value: unknown,
  applied: Applied[],
  loc: Loc,
  parentLoc: Loc,
  parentType: string,
  parentApplied: Applied[],
  isModifierExtension: boolean,
  parentObject?: object,
): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    v.validateValue(st, value, undefined, applied, 'Extension', loc);
    return;
  }
  const ext = value as Record<string, unknown>;
  const url = ext.url;
  if (url === NARRATIVE_LINK) checkNarrativeLinkExtension(v, st, ext, loc);
  let list = applied;
  if (typeof url === 'string' && url !== '') {
    const isAbsolute = /^[a-z][a-z0-9+.-]*:/i.test(url);
    // already known through a matched slice's type profile?
    const known = applied.some((a) => a.el.isRoot && a.el.owner.url === url && a.el.owner.type === 'Extension');
    if (!known) {
      if (!isAbsolute) {
        // a sub-extension of a complex extension is identified by a relative url matched by its slice
        const sliced = applied.some((a) => a.el.sliceName !== undefined);
        if (!sliced) {
          const owner = parentApplied.find((a) => a.el.owner.type === 'Extension' && a.el.owner.url)?.el.owner;
          if (parentType === 'Extension' && owner && owner.derivation === 'constraint') {
            v.report(
              st,
              loc,
              'error',
              'structure',
              'extension-sub-unknown',
              `Sub-extension url '${url}' is not defined by the extension ${owner.canonical}`,
            );
          } else if (parentType !== 'Extension') {
            v.report(st, loc.child('url', ext, 'url'), 'error', 'value', 'extension-url-absolute', `The extension url '${url}' must be an absolute URL (the canonical url of its definition)`);
          }
        }
      } else {
        const bar = url.indexOf('|');
        let plan = v.compiler.plan(url);
        if (bar > 0) plan = checkVersionedUrl(v, st, url, plan, loc.child('url', ext, 'url'));
        if (!plan || plan.type !== 'Extension') {
          const failure = v.compiler.failure(url);
          // extensions nobody can resolve are not allowed (they cannot be checked), except in the
          // domains kept for examples and tooling, and cross-version extensions of an element R4
          // does not have (only R4's definitions are here); --unknown-extensions chooses otherwise
          const xver = parseCrossVersionUrl(url);
          // HL7's own extensions newer than R4 core live in the extensions pack, which the Java validator
          // loads by default and this toolkit cannot fetch: those stay warnings unless chosen otherwise
          const setting =
            isExampleUrl(url) || (xver && xver.version !== '4.0')
              ? 'information'
              : (v.options.unknownExtensions ?? (url.startsWith(HL7_EXTENSIONS) ? 'warning' : 'error'));
          if (failure) {
            v.report(st, loc, 'error', 'processing', 'extension-definition-broken', `The definition of extension ${url} could not be used: ${failure}`);
          } else if (isModifierExtension && !isExampleUrl(url)) {
            v.report(
              st,
              loc,
              'error',
              'extension',
              'modifier-extension-unknown',
              `The modifier extension ${url} is unknown, so this resource cannot be safely processed (modifier extensions change the meaning of the data). ${howToProvide(url)}`,
            );
          } else if (setting !== 'ignore') {
            // (an example-domain modifier extension lands here too, as information)
            v.report(
              st,
              loc,
              setting,
              'extension',
              'extension-unknown',
              `The extension ${url} could not be found, so it was not checked. ${howToProvide(url)}`,
            );
          }
        } else {
          list = withDefinition(applied, plan);
          checkPlacement(v, st, plan, loc, parentType, parentApplied, isModifierExtension, parentLoc, parentObject);
          checkContextInvariants(v, st, plan, loc, parentObject);
        }
      }
    } else {
      const plan = applied.find((a) => a.el.isRoot && a.el.owner.url === url)!.el.owner;
      checkPlacement(v, st, plan, loc, parentType, parentApplied, isModifierExtension, parentLoc, parentObject);
      checkContextInvariants(v, st, plan, loc, parentObject);
    }
  }
  v.validateValue(st, value, undefined, list, 'Extension', loc);
}

/**
 * Extension.url names the definition by its canonical url; a `|version` suffix pins a version of it
 * (canonical references, R4 References §2.3.0.4). The pinned version must be the one loaded.
 */
function checkVersionedUrl(v: CheckContext, st: RunState, url: string, plan: StructurePlan | undefined, at: Loc): StructurePlan | undefined {
  const [bare, version] = [url.slice(0, url.indexOf('|')), url.slice(url.indexOf('|') + 1)];
  if (plan) {
    v.report(st, at, 'warning', 'value', 'extension-url-versioned', `The extension url '${url}' carries a version: extensions are identified by their canonical url alone ('${bare}')`);
    return plan;
  }
  const other = v.compiler.plan(bare);
  if (other && other.type === 'Extension') {
    v.report(
      st,
      at,
      'error',
      'value',
      'extension-url-version',
      `The extension url '${url}' asks for version ${version} of ${bare}, but the definition loaded is version ${other.version ?? '(none)'}: drop the version or load that version`,
    );
    // checked against the version at hand, which is all there is
    return other;
  }
  return undefined;
}

const extendedLists = new WeakMap<Applied[], Map<StructurePlan, Applied[]>>();

/** `applied` plus the extension's own definition; shared lists get a shared result. */
function withDefinition(applied: Applied[], plan: StructurePlan): Applied[] {
  if (!Object.isFrozen(applied)) return [...applied, { el: plan.root }];
  let byPlan = extendedLists.get(applied);
  if (!byPlan) {
    byPlan = new Map();
    extendedLists.set(applied, byPlan);
  }
  let list = byPlan.get(plan);
  if (!list) {
    list = Object.freeze([...applied, { el: plan.root }]) as Applied[];
    byPlan.set(plan, list);
  }
  return list;
}

/** A placement verdict that depends only on the definitions (not on the instance), by parent element. */
interface Problem {
  severity: 'error' | 'warning';
  ruleId: RuleId;
  /** May hold EXT_LOC, replaced by the extension's location. */
  message: string;
  /** Reported on the element carrying the extension rather than on the extension. */
  onParent: boolean;
}

interface Placement {
  problems: Problem[];
  /** A fhirpath context that must be evaluated on the instance: no cached verdict. */
  dynamic?: boolean;
}

const placements = new WeakMap<StructurePlan, Map<string, Placement>>();

function checkPlacement(
  v: CheckContext,
  st: RunState,
  plan: StructurePlan,
  loc: Loc,
  parentType: string,
  parentApplied: Applied[],
  isModifierExtension: boolean,
  parentLoc: Loc,
  parentObject?: object,
): void {
  const parentEl = parentApplied[0]?.el;
  const parentExtUrl = parentApplied.find((a) => a.el.owner.type === 'Extension' && a.el.owner.url !== EXT_BASE)?.el.owner.url;
  const key = `${isModifierExtension ? 'm' : 'e'}|${parentType}|${parentEl?.path ?? ''}|${parentEl?.def.base?.path ?? ''}|${parentExtUrl ?? ''}`;
  let byParent = placements.get(plan);
  if (!byParent) {
    byParent = new Map();
    placements.set(plan, byParent);
  }
  const known = byParent.get(key);
  if (known && !known.dynamic) {
    for (const p of known.problems) report(v, st, p, p.onParent ? parentLoc : loc, loc);
    return;
  }
  const problems: Problem[] = [];
  const dynamic = placementProblems(v, st, plan, parentType, parentEl, parentExtUrl, isModifierExtension, parentObject, problems);
  for (const p of problems) report(v, st, p, p.onParent ? parentLoc : loc, loc);
  // a verdict that needed the instance (a fhirpath context) is worked out again every time
  if (!known) byParent.set(key, { problems, dynamic });
}

function report(v: CheckContext, st: RunState, p: Problem, at: Loc, extLoc: Loc): void {
  v.report(st, at, p.severity, 'structure', p.ruleId, p.message.replace(EXT_LOC, extLoc.toString()));
}

/** Placeholder in a cached message for the location of the extension itself. */
const EXT_LOC = '\u0000loc\u0000';
const EXT_BASE = 'http://hl7.org/fhir/StructureDefinition/Extension';
/** Where HL7 publishes extensions, those of R4 core and those of the extensions pack alike. */
const HL7_EXTENSIONS = 'http://hl7.org/fhir/StructureDefinition/';

/** The placement problems of an extension (pushed to `out`); returns true when the verdict depended on the instance. */
function placementProblems(
  v: CheckContext,
  st: RunState,
  plan: StructurePlan,
  parentType: string,
  parentEl: Applied['el'] | undefined,
  /** The url of the extension this one sits in (for extension-of-extension contexts). */
  parentExtUrl: string | undefined,
  isModifierExtension: boolean,
  parentObject: object | undefined,
  out: Problem[],
): boolean {
  // modifier or not, as defined
  const definedModifier = plan.root.def.isModifier === true;
  if (definedModifier && !isModifierExtension) {
    out.push({ severity: 'error', ruleId: 'extension-modifier-misplaced', message: `The extension ${plan.canonical} must not be used as an extension (it's a modifierExtension): put it in modifierExtension`, onParent: false });
  } else if (!definedModifier && isModifierExtension) {
    out.push({ severity: 'error', ruleId: 'extension-not-modifier', message: `The extension ${plan.canonical} must not be used as a modifierExtension (it's a regular extension): put it in extension`, onParent: false });
  }
  const contexts = plan.sd.context ?? [];
  if (contexts.length === 0) return false;
  const parentPaths = new Set<string>();
  parentPaths.add(parentType);
  if (parentEl) {
    parentPaths.add(parentEl.path);
    const basePath = parentEl.def.base?.path;
    if (basePath) parentPaths.add(basePath);
  }
  // an extension used inside another extension (on it, or on its value) has that extension as context
  const ancestors = typeAncestors(v, parentType);
  let dynamic = false;
  for (const c of contexts) {
    const expr = c.expression ?? '';
    if (c.type === 'element') {
      if (expr === 'Element' || expr === 'Base') return dynamic;
      if (parentPaths.has(expr) || ancestors.has(expr)) return dynamic;
      // "Patient" allows an extension on the Patient resource itself only
    } else if (c.type === 'extension') {
      if (parentExtUrl && (expr === parentExtUrl || expr.split('#')[0] === parentExtUrl)) return dynamic;
    } else if (c.type === 'fhirpath') {
      // the extension may sit on any node the expression selects (evaluated on the resource)
      dynamic = true;
      const selected = selectNodes(expr, st.frame?.resource);
      if (selected === undefined || (parentObject && selected.has(parentObject))) return dynamic;
    } else {
      return dynamic;
    }
  }
  // tooling extensions inside definitions (ElementDefinition...) are often placed loosely by the
  // tools that write them; flag it without failing the definition
  const severity = [...parentPaths].some((p) => p.startsWith('ElementDefinition')) ? 'warning' : 'error';
  const allowed = contexts.map((c) => `${c.type === 'element' ? 'e' : c.type === 'extension' ? 'x' : 'p'}:${c.expression}`).join(', ');
  // reported on the extension itself: that is what is in the wrong place
  out.push({
    severity,
    ruleId: 'extension-context',
    message: `The extension ${plan.canonical} is not allowed to be used here (the element carrying it is [${[...parentPaths].join(', ')}]; its definition allows ${allowed})`,
    onParent: false,
  });
  return dynamic;
}

const ancestorCache = new Map<string, Set<string>>();

/** A type and its base types (Age → Quantity → Element), for context matching. */
function typeAncestors(v: CheckContext, type: string): Set<string> {
  let s = ancestorCache.get(type);
  if (s) return s;
  s = new Set([type]);
  let plan = v.compiler.typePlan(type);
  let guard = 0;
  while (plan?.baseDefinition && guard++ < 10) {
    const base = plan.baseDefinition.slice(plan.baseDefinition.lastIndexOf('/') + 1);
    s.add(base);
    plan = v.compiler.typePlan(base);
  }
  if (plan?.kind === 'resource') {
    s.add('Resource');
  }
  ancestorCache.set(type, s);
  return s;
}

/**
 * StructureDefinition.contextInvariant (R4): FHIRPath rules about when the extension can be used, all
 * of which must be true, evaluated on the element that carries the extension.
 */
function checkContextInvariants(v: CheckContext, st: RunState, plan: StructurePlan, loc: Loc, parentObject: object | undefined): void {
  const invariants = plan.sd.contextInvariant ?? [];
  if (invariants.length === 0 || parentObject === undefined) return;
  for (const expr of invariants) {
    let result: unknown[];
    try {
      result = fhirpathJs().evaluate(parentObject, expr, { resource: st.frame?.resource, rootResource: st.frame?.root } as Record<string, unknown>, r4model) as unknown[];
    } catch (e) {
      v.report(st, loc, 'warning', 'processing', 'extension-context-invariant-error', `The context invariant '${expr}' of extension ${plan.canonical} could not be evaluated: ${(e as Error).message}`);
      continue;
    }
    // FHIRPath boolean evaluation: only an explicit false fails (empty is not a verdict)
    if (result.length === 1 && result[0] === false) {
      v.report(
        st,
        loc,
        'error',
        'structure',
        'extension-context-invariant',
        `The extension ${plan.canonical} is not allowed here: its context invariant '${expr}' is false for the element that carries it`,
      );
    }
  }
}

const contextFns = new Map<string, ((r: unknown) => unknown[]) | null>();

/** The objects a fhirpath context expression selects in a resource; undefined when it cannot be evaluated. */
function selectNodes(expression: string, resource: unknown): Set<unknown> | undefined {
  if (!resource) return undefined;
  let fn = contextFns.get(expression);
  if (fn === undefined) {
    try {
      const compiled = fhirpathJs().compile(expression, r4model, { resolveInternalTypes: false, traceFn: () => undefined, userInvocationTable: SAFE_REGEX_FUNCTIONS });
      fn = (r: unknown) => compiled(r, {}) as unknown[];
    } catch {
      fn = null;
    }
    contextFns.set(expression, fn);
  }
  if (!fn) return undefined;
  try {
    const out = new Set<unknown>();
    for (const n of fn(resource)) out.add(n && typeof n === 'object' && 'data' in (n as object) ? (n as { data: unknown }).data : n);
    return out;
  } catch {
    return undefined;
  }
}

/**
 * URLs whose definitions are not expected to be found: the example domains the specification's own
 * examples use (example.org, acme.com), DICOM's (nema.org) and the FHIR tooling namespace. This is
 * the Java validator's list; other reserved names (example.com) are treated like any other domain.
 */
export function isExampleUrl(url: string): boolean {
  return (
    /^https?:\/\/([a-z0-9-]+\.)*(example\.org|acme\.com|nema\.org)(:\d+)?(\/|$)/i.test(url) ||
    url.startsWith('http://hl7.org/fhir/tools/StructureDefinition/')
  );
}
