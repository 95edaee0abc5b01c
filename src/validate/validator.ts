/**
 * The instance validator: walks a resource once, applying every definition that governs
 * each value at the same time (the base type, every profile, matched slices, type
 * profiles), so structure is checked once and each profile's constraints ride along.
 * It implements CheckContext for the checks; the walk of a complex value is in structure.ts,
 * the checks on values in values.ts.
 */
import type { PlanCompiler } from '../compile/compiler.js';
import { isPrimitiveCode, type ElementPlan, type StructurePlan } from '../compile/plan.js';
import type { DefinitionSet } from '../load/definitions.js';
import { howToProvide } from '../load/known-packages.js';
import type { IssueType, Severity, ValidationIssue } from '../model/issue.js';
import type { TerminologyService } from '../terminology/index.js';
import { BundleIndex } from './bundle-index.js';
import { checkBundle } from './bundle.js';
import { checkConformanceResource, hasConformanceRules } from './conformance/index.js';
import { combinationOf, type Combination } from './combination.js';
import { jsonKind, RunState, type Applied, type CheckContext, type ResourceFrame, type ValidatorOptions } from './context.js';
import { Loc, locAt } from './walk-path.js';
import { profilePlan } from './profile-lookup.js';
import { checkMeasure, checkMeasureReport } from './measure.js';
import { checkQuestionnaire, checkQuestionnaireResponse, type QuestionnaireContext } from './questionnaire/index.js';
import { validateComplex } from './structure.js';
import { checkStructureDefinition } from './structure-definition.js';
import { validatePrimitive } from './values.js';
import { impliedVitalSignsProfile } from './vital-signs.js';
import type { RuleId } from '../model/rules.js';

export type { ValidatorOptions };

const RESOURCE_CODES = new Set(['Resource', 'DomainResource']);

export class InstanceValidator implements CheckContext {
  constructor(
    readonly defs: DefinitionSet,
    readonly compiler: PlanCompiler,
    readonly terminology: TerminologyService | undefined,
    readonly options: ValidatorOptions = {},
  ) {}

  /** Record an issue located at `loc`. */
  report(
    st: RunState,
    loc: Loc,
    severity: Severity,
    code: IssueType,
    ruleId: RuleId,
    message: string,
    source?: { plan?: StructurePlan; el?: ElementPlan },
  ): void {
    if (st.errorsOnly && severity !== 'error' && severity !== 'fatal') return;
    // past the limit nothing more is listed: skip the work (locating 300 000 unknown elements one by one took minutes)
    if (st.issues.length >= st.maxIssues) {
      st.truncated = true;
      return;
    }
    const pos = loc.position(st.locations);
    const issue: ValidationIssue = {
      severity,
      code,
      message,
      expression: loc.toString(),
      ruleId,
    };
    if (pos) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
    const plan = source?.plan ?? source?.el?.owner;
    if (plan) issue.source = plan.canonical;
    if (source?.el) issue.elementId = source.el.id;
    st.add(issue);
  }

  /**
   * Validate a resource (the root, a contained resource or a Bundle entry's resource).
   * `extraProfiles` come from --profile, a type profile or a reference's targetProfile.
   */
  validateResource(st: RunState, resource: unknown, loc: Loc, extraProfiles: string[] = [], frameExtra?: Partial<ResourceFrame>): void {
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
      this.report(st, loc, 'error', 'structure', 'resource-not-object', `A resource must be a JSON object, found ${jsonKind(resource)}`);
      return;
    }
    const r = resource as Record<string, unknown>;
    const rt = r.resourceType;
    if (typeof rt !== 'string') {
      this.report(
        st,
        loc,
        'error',
        'structure',
        'resource-type-missing',
        'The resource has no "resourceType" property, so it cannot be validated: add "resourceType": "<Type>" (e.g. "Patient").',
      );
      return;
    }
    const base = this.compiler.typePlan(rt);
    if (!base || base.kind !== 'resource' || base.sd.abstract) {
      this.report(
        st,
        loc,
        'error',
        'structure',
        'unknown-resource-type',
        `Unknown resource type "${rt}": it is not a FHIR R4 resource type${suggestType(rt, this.defs) ?? ''}`,
      );
      return;
    }
    const applied: Applied[] = [{ el: base.root }];
    const profiles = [...extraProfiles];
    // ImplementationGuide.global: every resource of that type the guide covers must conform
    for (const p of this.globalProfiles().get(rt) ?? []) if (!profiles.includes(p)) profiles.push(p);
    const meta = r.meta as Record<string, unknown> | undefined;
    const metaProfiles = meta && Array.isArray(meta.profile) ? (meta.profile as unknown[]) : [];
    metaProfiles.forEach((p, i) => {
      if (typeof p !== 'string') return;
      const plan = profilePlan(this, this.defs, st, p, rt, loc.child('meta', r, 'meta').child('profile', meta!.profile as object, i, i));
      if (plan) applied.push({ el: plan.root });
    });
    for (const p of profiles) {
      if (metaProfiles.includes(p)) continue;
      const plan = profilePlan(this, this.defs, st, p, rt, loc);
      if (plan) applied.push({ el: plan.root });
    }
    if (rt === 'Observation') this.applyVitalSigns(st, r, applied, loc);
    const outer = st.frame;
    const frame: ResourceFrame = {
      resource: r,
      loc,
      root: frameExtra?.root ?? (outer && isContainedLoc(loc) ? outer.root : r),
      entry: frameExtra?.entry ?? this.entryOf(st, loc),
    };
    st.frames.push(frame);
    let bundle: BundleIndex | undefined;
    if (rt === 'Bundle') {
      bundle = new BundleIndex(r);
      st.bundles.push(bundle);
    }
    try {
      this.validateComplex(st, r, dedupeApplied(applied), rt, loc, true);
      if (bundle) checkBundle(this, st, r, bundle, loc);
      if (rt === 'QuestionnaireResponse' || rt === 'Questionnaire') this.checkQuestionnaireRules(st, r, rt, loc);
      else if (rt === 'Measure') checkMeasure(this, st, r, loc, (c, type) => this.fetchCanonical(st, r, c, type));
      else if (rt === 'MeasureReport') checkMeasureReport(this, st, r, loc, (c, type) => this.fetchCanonical(st, r, c, type));
      if (hasConformanceRules(rt)) this.checkConformanceRules(st, r, loc);
      if (rt === 'StructureDefinition') checkStructureDefinition(this, st, r, loc);
    } finally {
      if (bundle) st.bundles.pop();
      st.frames.pop();
    }
  }

  /** An Observation recording a vital sign must conform to the core vital signs profile for it. */
  private applyVitalSigns(st: RunState, r: Record<string, unknown>, applied: Applied[], loc: Loc): void {
    const implied = impliedVitalSignsProfile(r);
    if (!implied) return;
    const plan = this.compiler.plan(implied.url);
    if (!plan || applied.some((a) => a.el === plan.root)) return;
    applied.push({ el: plan.root });
    this.report(
      st,
      loc,
      'information',
      'informational',
      'vital-signs-profile',
      `${implied.system} code ${implied.code} makes this Observation a vital sign (${implied.name}), so it was also validated against ${implied.url}: the FHIR specification requires vital signs to conform to that profile`,
      { plan },
    );
  }

  /** Questionnaire rules and QuestionnaireResponse-against-Questionnaire checks (beyond what profiles can say). */
  private checkQuestionnaireRules(st: RunState, r: Record<string, unknown>, rt: string, loc: Loc): void {
    const ctx: QuestionnaireContext = {
      report: (path, severity, code, ruleId, message) => this.report(st, locAt(loc, r, path), severity, code, ruleId, message),
      fetch: (canonical, resourceType) => this.fetchCanonical(st, r, canonical, resourceType),
      terminology: this.terminology,
    };
    if (rt === 'QuestionnaireResponse') checkQuestionnaireResponse(r, ctx);
    else checkQuestionnaire(r, ctx);
  }

  /**
   * A canonical resource a resource names: `#id` among its contained resources, an entry of the
   * enclosing Bundle (by fullUrl or reference, or by its canonical url), or a loaded definition.
   */
  private fetchCanonical(st: RunState, r: Record<string, unknown>, canonical: string, resourceType: string): Record<string, unknown> | undefined {
    if (canonical.startsWith('#')) {
      // a contained resource's `#id` names a sibling: the container holds them all
      const holder = st.frame?.root ?? r;
      const contained = Array.isArray(holder.contained) ? (holder.contained as Record<string, unknown>[]) : [];
      return contained.find((c) => c && c.id === canonical.slice(1) && c.resourceType === resourceType);
    }
    const inBundle = this.resolveReference(st, canonical);
    if (inBundle && inBundle.resourceType === resourceType) return inBundle;
    const bundle = st.bundles[st.bundles.length - 1];
    if (bundle) {
      const [url, version] = canonical.split('|');
      const byUrl = bundle.entries.find(
        (e) => e.resource?.resourceType === resourceType && e.resource.url === url && (version === undefined || e.resource.version === version),
      );
      if (byUrl) return byUrl.resource;
    }
    return this.defs.fetch(canonical, resourceType);
  }

  /** SearchParameter, OperationDefinition, ValueSet and CapabilityStatement rules (conformance/). */
  private checkConformanceRules(st: RunState, r: Record<string, unknown>, loc: Loc): void {
    checkConformanceResource({
      check: this,
      st,
      resource: r,
      loc,
      fetch: (canonical, resourceType) => this.fetchCanonical(st, r, canonical, resourceType),
    });
  }

  /** When a resource is a Bundle entry's resource: which entry, for resolving its references. */
  private entryOf(st: RunState, loc: Loc): ResourceFrame['entry'] {
    const bundle = st.bundles[st.bundles.length - 1];
    if (!bundle || loc.name !== 'resource' || loc.parent?.name !== 'entry') return undefined;
    const index = loc.parent.index;
    return { bundle, index, fullUrl: bundle.entry(index)?.fullUrl };
  }

  private globals?: Map<string, string[]>;

  /** Resource type → the profiles loaded ImplementationGuides declare global for it (R4 ImplementationGuide.global). */
  globalProfiles(): Map<string, string[]> {
    if (this.globals) return this.globals;
    const out = new Map<string, string[]>();
    for (const e of this.defs.all('ImplementationGuide')) {
      const ig = this.defs.read<{ global?: { type?: unknown; profile?: unknown }[] }>(e);
      for (const g of Array.isArray(ig?.global) ? ig.global : []) {
        if (typeof g?.type !== 'string' || typeof g.profile !== 'string') continue;
        const list = out.get(g.type) ?? [];
        if (!list.includes(g.profile)) list.push(g.profile);
        out.set(g.type, list);
      }
    }
    this.globals = out;
    return out;
  }

  /** The resource a reference points at (contained or in the enclosing Bundle), if it can be found. */
  resolveReference(st: RunState, reference: string): Record<string, unknown> | undefined {
    const frame = st.frame;
    if (reference.startsWith('#')) {
      const contained = frame?.root?.contained;
      if (!Array.isArray(contained)) return undefined;
      return contained.find((c) => c && typeof c === 'object' && (c as Record<string, unknown>).id === reference.slice(1)) as
        | Record<string, unknown>
        | undefined;
    }
    const bundle = st.bundles[st.bundles.length - 1];
    return bundle?.resolve(reference, frame?.entry?.fullUrl)[0]?.resource;
  }

  /** A scratch state for "does this conform?" questions: same context, own issue list. */
  private scratch(st: RunState): RunState {
    const s = new RunState(undefined, st.format, 10_000);
    s.errorsOnly = true;
    s.frames.push(...st.frames);
    s.bundles.push(...st.bundles);
    return s;
  }

  /** Does a value (resource or datatype) conform to a profile? Cached per value and profile. */
  conformsTo(st: RunState, value: unknown, profile: string, typeCode?: string): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'object') {
      // primitives: no identity to cache on; they are cheap to check
      const plan = this.compiler.plan(profile);
      if (!plan) return false;
      const s = this.scratch(st);
      const t = typeCode ?? plan.type;
      this.validateValue(s, value, undefined, [{ el: plan.root }], t, Loc.root(t));
      return !s.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
    }
    let byProfile = st.conformance.get(value);
    if (!byProfile) {
      byProfile = new Map();
      st.conformance.set(value, byProfile);
    }
    const cached = byProfile.get(profile);
    if (cached !== undefined) return cached;
    byProfile.set(profile, true); // cycles (a resource referring to itself) count as conforming
    const plan = this.compiler.plan(profile);
    let ok = false;
    if (plan) {
      const s = this.scratch(st);
      const rt = (value as Record<string, unknown>).resourceType;
      if (typeof rt === 'string' && plan.kind === 'resource') {
        this.validateResource(s, value, Loc.root(rt), [profile]);
      } else {
        const t = typeCode ?? plan.type;
        this.validateValue(s, value, undefined, [{ el: plan.root }], t, Loc.root(t));
      }
      ok = !s.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
    }
    byProfile.set(profile, ok);
    return ok;
  }

  /** Does a value satisfy one element definition (used for slices without discriminators)? */
  conformsToElement(st: RunState, value: unknown, ext: unknown, el: ElementPlan): boolean {
    const s = this.scratch(st);
    const t = el.types.length === 1 ? el.types[0]!.code : undefined;
    if (!t) return false;
    this.validateValue(s, value, ext, [{ el, type: el.types[0] }], t, Loc.root(t));
    return !s.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
  }

  /**
   * Validate one value against the definitions that apply to it. `ext` is the `_name`
   * companion of a primitive (id/extension), `typeCode` the value's FHIR type.
   */
  validateValue(st: RunState, value: unknown, ext: unknown, applied: Applied[], typeCode: string, loc: Loc, known?: Combination): void {
    if (known === undefined && this.holdsResource(typeCode)) {
      const profiles: string[] = [];
      // Bundle.entry.resource and contained are typed Resource: a slice names the actual type
      const rt = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).resourceType : undefined;
      for (const a of applied) {
        for (const t of a.el.types) {
          if (t.code !== typeCode && t.code !== rt && !RESOURCE_CODES.has(t.code)) continue;
          const chosen = this.chooseProfile(st, value, t.profiles, undefined, loc, a.el);
          if (chosen && this.requiredProfileUsable(st, chosen, a.el, loc)) profiles.push(chosen);
        }
      }
      this.validateResource(st, value, loc, profiles);
      return;
    }
    let combo = known ?? combinationOf(applied, typeCode);
    const plans = combo.needsExpansion ? this.expandApplied(st, value, applied, typeCode, loc) : applied;
    if (plans !== applied) combo = combinationOf(plans, typeCode);
    if (isPrimitiveCode(typeCode)) {
      validatePrimitive(this, st, value, ext, plans, typeCode, loc, combo);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.report(
        st,
        loc,
        'error',
        'structure',
        'json-type',
        `${loc.name} must be a JSON object (a ${typeCode}), found ${jsonKind(value)}`,
        { el: plans[0]?.el },
      );
      return;
    }
    this.validateComplex(st, value as Record<string, unknown>, plans, typeCode, loc, false, false, combo);
  }

  private isResourceType(code: string): boolean {
    if (!/^[A-Z]/.test(code)) return false;
    const p = this.compiler.typePlan(code);
    return p !== undefined && p.kind === 'resource';
  }

  private readonly resourceCodes = new Map<string, boolean>();

  /** Does an element of this type hold a resource (Resource, DomainResource, or a resource type)? */
  holdsResource(typeCode: string): boolean {
    let r = this.resourceCodes.get(typeCode);
    if (r === undefined) {
      r = RESOURCE_CODES.has(typeCode) || (this.isResourceType(typeCode) && !isPrimitiveCode(typeCode));
      this.resourceCodes.set(typeCode, r);
    }
    return r;
  }

  /** Add type profiles (datatype and extension profiles) and contentReference targets to the applied list. */
  /**
   * Several profiles on one type mean "any of them": pick the one the value conforms to, or
   * report that none fits. One profile is simply applied.
   */
  private chooseProfile(st: RunState, value: unknown, profiles: string[], typeCode: string | undefined, loc: Loc, el: ElementPlan): string | undefined {
    if (profiles.length <= 1) return profiles[0];
    const known = profiles.filter((p) => this.compiler.plan(p));
    if (known.length === 0) return undefined;
    for (const p of known) if (this.conformsTo(st, value, p, typeCode)) return p;
    this.report(
      st,
      loc,
      'error',
      'structure',
      'profile-choice-none',
      `Unable to find a match among the allowed profiles ${known.join(', ')}: the value must conform to at least one of them`,
      { el },
    );
    this.reportWhyNoProfile(st, value, known, typeCode, loc);
    return undefined;
  }

  /**
   * A profile that a definition requires for a value (a type profile): when it cannot be
   * found the value cannot be shown to conform, so that is an error (an instance's own
   * meta.profile claim that cannot be found is only a warning).
   */
  private requiredProfileUsable(st: RunState, url: string, el: ElementPlan, loc: Loc): boolean {
    if (this.compiler.plan(url)) return true;
    const failure = this.compiler.failure(url);
    this.report(
      st,
      loc,
      'error',
      failure ? 'processing' : 'not-found',
      failure ? 'profile-snapshot-failed' : 'profile-required-unknown',
      failure
        ? `Profile ${url} could not be used: ${failure}`
        : `Profile ${url}, which ${el.owner.canonical} requires here (${el.id}), could not be found, so conformance to it could not be checked. ${howToProvide(url)}`,
      { el },
    );
    return false;
  }

  /** When a value fits none of the allowed profiles, each profile's errors say why (as the Java validator lists them). */
  private reportWhyNoProfile(st: RunState, value: unknown, profiles: string[], typeCode: string | undefined, loc: Loc): void {
    for (const p of profiles) {
      const plan = this.compiler.plan(p)!;
      const s = new RunState(st.locations, st.format, 1000);
      s.frames.push(...st.frames);
      s.bundles.push(...st.bundles);
      const rt = value && typeof value === 'object' ? (value as Record<string, unknown>).resourceType : undefined;
      if (typeof rt === 'string' && plan.kind === 'resource') this.validateResource(s, value, loc, [p]);
      else this.validateValue(s, value, undefined, [{ el: plan.root }], typeCode ?? plan.type, loc);
      for (const i of s.issues) {
        if (i.severity === 'error' || i.severity === 'fatal') st.add({ ...i, message: `${i.message} (validating against ${plan.canonical})` });
      }
    }
  }

  private expandApplied(st: RunState, value: unknown, applied: Applied[], typeCode: string, loc: Loc): Applied[] {
    let out: Applied[] | undefined;
    for (const a of applied) {
      for (const t of a.el.types) {
        if (t.code !== typeCode || t.profiles.length === 0) continue;
        const chosen = this.chooseProfile(st, value, t.profiles, typeCode, loc, a.el);
        // an extension's definition is looked up (and reported when unknown) by its url
        for (const p of chosen && (typeCode === 'Extension' || this.requiredProfileUsable(st, chosen, a.el, loc)) ? [chosen] : []) {
          const plan = this.compiler.plan(p);
          if (plan && !applied.some((x) => x.el === plan.root)) {
            out ??= [...applied];
            if (!out.some((x) => x.el === plan.root)) out.push({ el: plan.root });
          }
        }
      }
      if (a.el.contentReference) {
        const target = this.compiler.resolveContentReference(a.el);
        if (target) {
          out ??= [...applied];
          if (!out.some((x) => x.el === target)) out.push({ el: target });
        }
      }
    }
    return out ?? applied;
  }

  /**
   * Validate an object value (resource, datatype, backbone element, or a primitive's `_name`
   * companion when `primitiveExt` is set): see structure.ts.
   */
  validateComplex(
    st: RunState,
    obj: Record<string, unknown>,
    applied: Applied[],
    typeCode: string,
    loc: Loc,
    isResource: boolean,
    primitiveExt = false,
    combo: Combination = combinationOf(applied, typeCode),
  ): void {
    validateComplex(this, st, obj, applied, typeCode, loc, isResource, primitiveExt, combo);
  }
}

function dedupeApplied(list: Applied[]): Applied[] {
  const out: Applied[] = [];
  for (const a of list) if (!out.some((x) => x.el === a.el)) out.push(a);
  return out;
}

function isContainedLoc(loc: Loc): boolean {
  return loc.name === 'contained';
}

function suggestType(rt: string, defs: DefinitionSet): string | undefined {
  const lower = rt.toLowerCase();
  for (const e of defs.all('StructureDefinition')) {
    if (e.kind === 'resource' && e.derivation === 'specialization' && e.sdType && e.sdType.toLowerCase() === lower) {
      return ` (did you mean "${e.sdType}"? resource types are case-sensitive)`;
    }
  }
  return undefined;
}
